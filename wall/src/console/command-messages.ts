/**
 * The words of the vehicle page's command panel (下发指令), Chinese first: what each JT/T 808 command does, the
 * terminal's answers in words, the parameters a duty officer reads most, and the confirmations of the commands
 * that act on the vehicle. Kept beside console-messages.ts as duty-messages.ts is.
 */
import type { Lang } from '../i18n/locale.js';

export interface CommandMessages {
  /** The terminal's general answer (0x0001 result) by the API's result_name. */
  results: Record<string, string>;
  answered: (result: string) => string;
  tracking: string;
  trackingInterval: string;
  trackingValidity: string;
  trackingSent: (intervalS: number, minutes: number) => string;
  parametersQuery: string;
  parametersTitle: string;
  parameterId: string;
  parameterValue: string;
  /** Names of the parameters of JT/T 808-2019 table 14 that duty officers ask after. */
  parameterNames: Record<number, string>;
  noParameters: string;
  driverInfo: string;
  driverTitle: string;
  driverFields: { name: string; certificate: string; authority: string; expiry: string; card: string };
  cardStates: Record<string, string>;
  noDriver: string;
  sensitive: string;
  doorsLock: string;
  doorsUnlock: string;
  doorsConfirm: (plate: string, lock: boolean) => string;
  callback: string;
  callbackPhone: string;
  callbackMonitor: string;
  callbackConfirm: (phone: string, monitor: boolean) => string;
  badPhone: string;
  confirm: string;
  cancel: string;
}

const ZH: CommandMessages = {
  results: {
    ok: '成功',
    fail: '失败',
    bad_message: '消息有误',
    unsupported: '终端不支持',
    alarm_confirmed: '报警处理确认',
    channel_unsupported: '通道不支持',
    unknown: '未知应答',
  },
  answered: (result) => `终端应答：${result}`,
  tracking: '临时位置跟踪',
  trackingInterval: '间隔（秒）',
  trackingValidity: '持续（分钟）',
  trackingSent: (s, min) => `终端将每 ${s} 秒上报一次位置，持续 ${min} 分钟`,
  parametersQuery: '查询终端参数',
  parametersTitle: '终端参数',
  parameterId: '参数',
  parameterValue: '值',
  parameterNames: {
    0x0001: '心跳间隔（秒）',
    0x0013: '主服务器地址',
    0x0018: '服务器 TCP 端口',
    0x0027: '休眠时汇报间隔（秒）',
    0x0029: '缺省汇报间隔（秒）',
    0x0055: '最高速度（km/h）',
    0x0056: '超速持续时间（秒）',
    0x0057: '连续驾驶时间门限（秒）',
    0x0058: '当天累计驾驶时间门限（秒）',
    0x0059: '最小休息时间（秒）',
    0x005a: '最长停车时间（秒）',
    0x0080: '里程表读数（1/10 km）',
    0x0083: '车牌号码',
    0x0084: '车牌颜色',
  },
  noParameters: '终端未返回参数',
  driverInfo: '驾驶员身份',
  driverTitle: '驾驶员身份信息',
  driverFields: { name: '姓名', certificate: '从业资格证', authority: '发证机构', expiry: '有效期至', card: 'IC 卡' },
  cardStates: { inserted: '已插卡', removed: '已拔卡' },
  noDriver: '终端未报告驾驶员信息',
  sensitive: '车辆控制（仅管理员、领导）',
  doorsLock: '车门加锁',
  doorsUnlock: '车门解锁',
  doorsConfirm: (plate, lock) =>
    `向 ${plate} 下发车门${lock ? '加锁' : '解锁'}指令？该操作作用于行驶中的车辆，将记入审计。`,
  callback: '电话回拨',
  callbackPhone: '回拨号码',
  callbackMonitor: '监听（终端不响铃、不开扬声器）',
  callbackConfirm: (phone, monitor) =>
    `让终端${monitor ? '以监听方式' : ''}拨打 ${phone}？${monitor ? '监听车内声音须依法依规，' : ''}将记入审计。`,
  badPhone: '请输入 3–20 位数字的电话号码',
  confirm: '确认下发',
  cancel: '取消',
};

const EN: CommandMessages = {
  results: {
    ok: 'done',
    fail: 'failed',
    bad_message: 'message refused as malformed',
    unsupported: 'not supported by the terminal',
    alarm_confirmed: 'alarm handling confirmed',
    channel_unsupported: 'no such camera channel',
    unknown: 'unknown answer',
  },
  answered: (result) => `Terminal answered: ${result}`,
  tracking: 'Temporary tracking',
  trackingInterval: 'Every (s)',
  trackingValidity: 'For (min)',
  trackingSent: (s, min) => `The terminal reports its position every ${s} s for ${min} min`,
  parametersQuery: 'Query parameters',
  parametersTitle: 'Terminal parameters',
  parameterId: 'Parameter',
  parameterValue: 'Value',
  parameterNames: {
    0x0001: 'Heartbeat interval (s)',
    0x0013: 'Main server address',
    0x0018: 'Server TCP port',
    0x0027: 'Report interval asleep (s)',
    0x0029: 'Default report interval (s)',
    0x0055: 'Speed limit (km/h)',
    0x0056: 'Overspeed duration (s)',
    0x0057: 'Continuous driving limit (s)',
    0x0058: 'Daily driving limit (s)',
    0x0059: 'Minimum rest (s)',
    0x005a: 'Longest stop (s)',
    0x0080: 'Odometer (0.1 km)',
    0x0083: 'Plate',
    0x0084: 'Plate colour',
  },
  noParameters: 'The terminal sent no parameters',
  driverInfo: 'Driver identity',
  driverTitle: 'Driver identity',
  driverFields: {
    name: 'Name',
    certificate: 'Qualification certificate',
    authority: 'Issued by',
    expiry: 'Valid until',
    card: 'IC card',
  },
  cardStates: { inserted: 'inserted', removed: 'removed' },
  noDriver: 'The terminal reported no driver',
  sensitive: 'Vehicle control (admins and leaders only)',
  doorsLock: 'Lock doors',
  doorsUnlock: 'Unlock doors',
  doorsConfirm: (plate, lock) =>
    `Send ${plate} the command to ${lock ? 'lock' : 'unlock'} its doors? It acts on a vehicle on the road and is audited.`,
  callback: 'Call back',
  callbackPhone: 'Number to call',
  callbackMonitor: 'Monitor (no ring, no speaker in the cab)',
  callbackConfirm: (phone, monitor) =>
    `Have the terminal call ${phone}${monitor ? ' to monitor the cab (lawful use only)' : ''}? This is audited.`,
  badPhone: 'Enter a phone number of 3 to 20 digits',
  confirm: 'Send',
  cancel: 'Cancel',
};

export const COMMAND_MESSAGES: Readonly<Record<Lang, CommandMessages>> = { zh: ZH, en: EN };
