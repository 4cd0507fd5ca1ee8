/** Every string the duty console shows, in both languages (zh-CN by default, `?lang=en`). */
import type { Lang } from '../i18n/locale.js';

export interface ConsoleMessages {
  title: string;
  username: string;
  password: string;
  logIn: string;
  logOut: string;
  loginFailed: (reason: string) => string;
  tabs: { alarms: string; orders: string; vehicle: string };
  alarmQueue: string;
  queueEmpty: string;
  handlingUnavailable: string;
  stateNames: Readonly<Record<string, string>>;
  acknowledge: string;
  dismiss: string;
  dismissReason: string;
  confirmDismiss: string;
  dispatch: string;
  cancel: string;
  track: string;
  columns: {
    time: string;
    rule: string;
    plate: string;
    place: string;
    state: string;
    actions: string;
    deadline: string;
    title: string;
    unit: string;
    order: string;
  };
  orderBoard: string;
  ordersEmpty: string;
  overdue: string;
  vehicleTitle: string;
  terminalId: string;
  show: string;
  trackWindow: string;
  trackEmpty: string;
  replay: string;
  recentAlarms: string;
  sendText: string;
  textPlaceholder: string;
  send: string;
  locationQuery: string;
  commandResult: (result: string) => string;
  failed: (reason: string) => string;
  refreshed: (clock: string) => string;
}

const ZH: ConsoleMessages = {
  title: '值班工作台',
  username: '用户名',
  password: '密码',
  logIn: '登录',
  logOut: '退出',
  loginFailed: (reason) => `登录失败（${reason}）`,
  tabs: { alarms: '报警队列', orders: '工单看板', vehicle: '车辆' },
  alarmQueue: '本单位待处理报警',
  queueEmpty: '暂无待处理报警',
  handlingUnavailable: '本服务器尚未提供报警处置接口，队列只读。',
  stateNames: {
    new: '新报警',
    acknowledged: '已签收',
    dispatched: '已派单',
    dismissed: '已排除',
    closed: '已关闭',
    issued: '已下发',
    signed: '已签收',
    in_progress: '处理中',
    feedback_submitted: '已反馈',
    accepted: '已办结',
    returned: '已退回',
  },
  acknowledge: '签收',
  dismiss: '误报排除',
  dismissReason: '排除原因',
  confirmDismiss: '确认排除',
  dispatch: '派单',
  cancel: '取消',
  track: '轨迹',
  columns: {
    time: '时间',
    rule: '类型',
    plate: '车牌',
    place: '属地',
    state: '状态',
    actions: '操作',
    deadline: '期限',
    title: '标题',
    unit: '承办单位',
    order: '工单',
  },
  orderBoard: '工单看板',
  ordersEmpty: '暂无工单',
  overdue: '超期',
  vehicleTitle: '车辆轨迹回放',
  terminalId: '终端号',
  show: '查询',
  trackWindow: '最近两小时',
  trackEmpty: '该时段无轨迹',
  replay: '回放',
  recentAlarms: '近期报警',
  sendText: '下发文本',
  textPlaceholder: '发送到车载终端的文字（最多500字）',
  send: '发送',
  locationQuery: '位置查询',
  commandResult: (result) => `终端应答：${result}`,
  failed: (reason) => `操作失败：${reason}`,
  refreshed: (clock) => `更新于 ${clock}`,
};

const EN: ConsoleMessages = {
  title: 'Duty console',
  username: 'User name',
  password: 'Password',
  logIn: 'Log in',
  logOut: 'Log out',
  loginFailed: (reason) => `Login failed (${reason})`,
  tabs: { alarms: 'Alarm queue', orders: 'Work orders', vehicle: 'Vehicle' },
  alarmQueue: 'Alarms for my unit',
  queueEmpty: 'No alarms waiting',
  handlingUnavailable: 'This server does not offer alarm handling yet; the queue is read-only.',
  stateNames: {
    new: 'New',
    acknowledged: 'Acknowledged',
    dispatched: 'Dispatched',
    dismissed: 'Dismissed',
    closed: 'Closed',
    issued: 'Issued',
    signed: 'Signed',
    in_progress: 'In progress',
    feedback_submitted: 'Feedback in',
    accepted: 'Accepted',
    returned: 'Returned',
  },
  acknowledge: 'Acknowledge',
  dismiss: 'Dismiss',
  dismissReason: 'Reason',
  confirmDismiss: 'Confirm dismissal',
  dispatch: 'Dispatch',
  cancel: 'Cancel',
  track: 'Track',
  columns: {
    time: 'Time',
    rule: 'Rule',
    plate: 'Plate',
    place: 'Division',
    state: 'State',
    actions: 'Actions',
    deadline: 'Deadline',
    title: 'Title',
    unit: 'Assignee',
    order: 'Order',
  },
  orderBoard: 'Work-order board',
  ordersEmpty: 'No work orders',
  overdue: 'Overdue',
  vehicleTitle: 'Vehicle track replay',
  terminalId: 'Terminal',
  show: 'Show',
  trackWindow: 'Last two hours',
  trackEmpty: 'No fixes in this window',
  replay: 'Replay',
  recentAlarms: 'Recent alarms',
  sendText: 'Text message',
  textPlaceholder: 'Text for the vehicle terminal (500 characters at most)',
  send: 'Send',
  locationQuery: 'Location query',
  commandResult: (result) => `Terminal answered: ${result}`,
  failed: (reason) => `Failed: ${reason}`,
  refreshed: (clock) => `Updated ${clock}`,
};

export const CONSOLE_MESSAGES: Readonly<Record<Lang, ConsoleMessages>> = { zh: ZH, en: EN };
