/**
 * The words of the JT/T 809 page (下级平台 查岗 督办), Chinese first: lower platforms and their links, the
 * inspections (平台查岗, 0x9301) and alarm supervisions (报警督办, 0x9401) sent to them and their answers.
 */
import type { Lang } from '../i18n/locale.js';
import { ApiError } from './console-api.js';
import type { ConsoleMessages } from './console-messages.js';
import { errorSentence } from './error-text.js';

export interface Jt809Messages {
  tab: string;
  platforms: string;
  noPlatforms: string;
  accessCode: string;
  columns: {
    code: string;
    name: string;
    unit: string;
    mainLink: string;
    subLink: string;
    edition: string;
    lastLogin: string;
    grade: string;
    interval: string;
    nextInspection: string;
    lastScheduled: string;
  };
  /** The grade cell's tooltip: the 考核 score and the day graded. */
  gradeTitle: (score: number, day: string) => string;
  ungraded: string;
  everyHours: (hours: number) => string;
  /** The next scheduled 查岗 is due now (the platform is not logged in yet). */
  dueNow: string;
  /** Due, and the platform is logged in: the scheduler sends it at its next pass (within a minute). */
  sendingNow: string;
  linkStates: Readonly<Record<string, string>>;
  pickPlatform: string;
  selected: (name: string, code: number) => string;
  notLoggedInNote: string;
  inspections: string;
  noInspections: string;
  question: string;
  defaultQuestion: string;
  deadlineMinutes: string;
  sendInspection: string;
  inspectedToast: string;
  inspectionColumns: {
    sent: string;
    question: string;
    deadline: string;
    status: string;
    answer: string;
  };
  inspectionStatuses: Record<'sent' | 'answered' | 'unanswered', string>;
  supervisions: string;
  noSupervisions: string;
  source: string;
  fromQueue: string;
  byPlate: string;
  alarm: string;
  noOpenAlarms: string;
  alarmWarnType: string;
  warnTypeByRule: string;
  plate: string;
  plateColor: string;
  warnType: string;
  level: string;
  levels: Record<'ordinary' | 'urgent', string>;
  supervisor: string;
  tel: string;
  email: string;
  superviseMinutes: string;
  sendSupervision: string;
  supervisedToast: string;
  supervisionColumns: {
    sent: string;
    vehicle: string;
    warnType: string;
    deadline: string;
    status: string;
    result: string;
  };
  supervisionStatuses: Record<'sent' | 'answered' | 'overdue', string>;
  results: Readonly<Record<number, string>>;
  upper: {
    title: string;
    none: string;
    open: (n: number) => string;
    columns: { received: string; kind: string; content: string; answer: string };
    inspection: string;
    supervision: string;
    /** 0x9402 报警预警 and 0x9403 实时交换报警信息. */
    notices: Record<'tip' | 'exchange', string>;
    warnedAt: (time: string) => string;
    markRead: string;
    read: string;
    /** The link to the upper platform: its address, the main link's state and the down link's. */
    link: (target: string, main: string, down: string) => string;
    linkStates: Readonly<Record<string, string>>;
    overdue: string;
    dueIn: (left: string) => string;
    waiting: string;
    answerPlaceholder: string;
    answer: string;
    answeredToast: string;
  };
  plateColors: Readonly<Record<number, string>>;
  warnTypes: Readonly<Record<number, string>>;
  remaining: (duration: string) => string;
  pastDeadline: string;
  answeredLate: string;
  sentBy: (who: string) => string;
  supervisedBy: (who: string) => string;
  plateColorByRegistry: string;
  by: (who: string) => string;
  errors: Record<string, string>;
  notLoggedIn: (state: string) => string;
}

const PLATE_COLORS_ZH: Record<number, string> = { 1: '蓝色', 2: '黄色', 3: '黑色', 4: '白色', 5: '绿色', 9: '其他' };
const PLATE_COLORS_EN: Record<number, string> = {
  1: 'blue',
  2: 'yellow',
  3: 'black',
  4: 'white',
  5: 'green',
  9: 'other',
};

/** JT/T 809-2011 table of warning types (WARN_TYPE). */
const WARN_TYPES_ZH: Record<number, string> = {
  0x0001: '超速报警',
  0x0002: '疲劳驾驶报警',
  0x0003: '紧急报警',
  0x0004: '进入指定区域报警',
  0x0005: '离开指定区域报警',
  0x0006: '路段堵塞报警',
  0x0007: '危险路段报警',
  0x0008: '越界报警',
  0x0009: '盗警',
  0x000a: '劫警',
  0x000b: '偏离路线报警',
  0x000c: '车辆移动报警',
  0x000d: '超时驾驶报警',
  0x00ff: '其他报警',
};
const WARN_TYPES_EN: Record<number, string> = {
  0x0001: 'overspeed',
  0x0002: 'fatigue driving',
  0x0003: 'emergency',
  0x0004: 'entering a zone',
  0x0005: 'leaving a zone',
  0x0006: 'road congestion',
  0x0007: 'dangerous road section',
  0x0008: 'crossing a boundary',
  0x0009: 'theft',
  0x000a: 'robbery',
  0x000b: 'off route',
  0x000c: 'vehicle moved',
  0x000d: 'driving too long',
  0x00ff: 'other',
};

const ZH: Jt809Messages = {
  tab: '下级平台',
  platforms: '下级平台（JT/T 809）',
  noPlatforms: '尚未接入下级平台',
  accessCode: '接入码',
  columns: {
    code: '接入码',
    name: '平台名称',
    unit: '监管单位',
    mainLink: '主链路',
    subLink: '从链路',
    edition: '协议版本',
    lastLogin: '最近登录',
    grade: '信用等级',
    interval: '定时查岗周期',
    nextInspection: '下次定时查岗',
    lastScheduled: '上次定时查岗',
  },
  gradeTitle: (score, day) => `考核得分 ${score}（${day}）`,
  ungraded: '未定级',
  everyHours: (hours) => (hours % 24 === 0 ? `每 ${hours / 24} 天` : `每 ${hours} 小时`),
  dueNow: '已到期，待平台登录',
  sendingNow: '已到期，即将发送',
  linkStates: {
    logged_in: '已登录',
    connected: '已连接未登录',
    disconnected: '未连接',
    connecting: '连接中',
    backoff: '等待重连',
    stopped: '已停止',
    none: '无',
    unknown: '未知',
  },
  pickPlatform: '选择一个平台，向其查岗、督办',
  selected: (name, code) => `${name}（接入码 ${code}）`,
  notLoggedInNote: '该平台主链路未登录，查岗、督办暂时无法发出。',
  inspections: '平台查岗',
  noInspections: '尚未向该平台查岗',
  question: '查岗问题',
  defaultQuestion: '请报告当前值班人员姓名及在岗情况',
  deadlineMinutes: '应答时限（分钟）',
  sendInspection: '发送查岗',
  inspectedToast: '查岗已发出',
  inspectionColumns: {
    sent: '发出时间',
    question: '问题',
    deadline: '时限',
    status: '状态',
    answer: '应答',
  },
  inspectionStatuses: { sent: '待应答', answered: '已应答', unanswered: '未按时应答' },
  supervisions: '报警督办',
  noSupervisions: '尚未向该平台督办',
  source: '督办对象',
  fromQueue: '从报警队列选择',
  byPlate: '按车牌',
  alarm: '报警',
  noOpenAlarms: '队列中没有未处理的报警',
  alarmWarnType: '报警类型',
  warnTypeByRule: '按报警规则（由平台确定）',
  plate: '车牌号',
  plateColor: '车牌颜色',
  warnType: '报警类型',
  level: '督办级别',
  levels: { ordinary: '一般', urgent: '紧急' },
  supervisor: '督办人',
  tel: '联系电话',
  email: '电子邮箱',
  superviseMinutes: '办理时限（分钟）',
  sendSupervision: '发送督办',
  supervisedToast: '督办已发出',
  supervisionColumns: {
    sent: '发出时间',
    vehicle: '车辆',
    warnType: '报警类型 / 级别',
    deadline: '时限',
    status: '状态',
    result: '处理结果',
  },
  supervisionStatuses: { sent: '待回复', answered: '已回复', overdue: '逾期未回复' },
  results: { 0: '处理完毕', 1: '处理中', 2: '不作处理', 3: '将来处理' },
  upper: {
    title: '上级平台查岗、督办与报警预警',
    none: '上级平台尚未下发查岗、督办或报警预警',
    open: (n) => `${n} 条待处理`,
    columns: { received: '收到时间', kind: '类型', content: '内容', answer: '答复' },
    inspection: '查岗',
    supervision: '督办',
    notices: { tip: '报警预警', exchange: '报警信息交换' },
    warnedAt: (time) => `报警时间 ${time}`,
    markRead: '已阅',
    read: '已阅',
    link: (target, main, down) => `上级平台 ${target} · 主链路${main} · 从链路${down}`,
    linkStates: {
      logged_in: '已登录',
      connecting: '连接中',
      backoff: '等待重连',
      stopped: '已停止',
      listening: '等待上级平台连接',
      none: '未启用',
    },
    overdue: '已超时',
    dueIn: (left) => `剩余 ${left}`,
    waiting: '待值班人员答复',
    answerPlaceholder: '答复内容，如值班人员姓名与电话',
    answer: '答复',
    answeredToast: '已向上级平台答复',
  },
  plateColors: PLATE_COLORS_ZH,
  warnTypes: WARN_TYPES_ZH,
  remaining: (duration) => `剩余 ${duration}`,
  pastDeadline: '已过时限',
  answeredLate: '（超时后应答）',
  sentBy: (who) => `发出人 ${who}`,
  supervisedBy: (who) => `督办人 ${who}`,
  plateColorByRegistry: '按车辆库',
  by: (who) => `应答方 ${who}`,
  errors: {
    platform_unknown: '没有这个平台，或它不在本单位的监管范围内',
    platform_edition_unsupported: '该平台使用 JT/T 809-2019，督办只能针对它以 2019 版上报的报警',
    bad_access_code: '接入码应为数字',
    bad_question: '查岗问题不能为空，且须能以 GBK 编码发送',
    bad_deadline_minutes: '应答时限超出允许范围',
    bad_deadline: '督办时限超出允许范围',
    deadline_required: '请填写督办时限',
    alarm_unknown: '该报警不存在或不在本单位范围内',
    warn_type_required: '该报警规则没有对应的 JT/T 809 报警类型，请选择报警类型',
    plate_color_required: '该车辆不在车辆库中，请选择车牌颜色',
    alarm_without_plate: '该报警没有车牌，JT/T 809 只能按车牌督办',
    bad_plate: '请填写车牌号（或从报警队列选择报警）',
    bad_plate_color: '请选择车牌颜色',
    bad_warn_type: '请选择报警类型',
    bad_level: '督办级别只能是一般或紧急',
    bad_supervisor: '督办人姓名过长（最多 8 个汉字）',
    bad_supervisor_tel: '联系电话过长（最多 20 位）',
    bad_supervisor_email: '电子邮箱过长（最多 32 个字符）',
  },
  notLoggedIn: (state) => `该平台主链路${state}，无法发出；待其登录后再试`,
};

const EN: Jt809Messages = {
  tab: 'Lower platforms',
  platforms: 'Lower platforms (JT/T 809)',
  noPlatforms: 'No lower platform connected yet',
  accessCode: 'Access code',
  columns: {
    code: 'Access code',
    name: 'Platform',
    unit: 'Supervised by',
    mainLink: 'Main link',
    subLink: 'Sub link',
    edition: 'Edition',
    lastLogin: 'Last login',
    grade: 'Credit grade',
    interval: 'Scheduled inspection',
    nextInspection: 'Next inspection',
    lastScheduled: 'Last scheduled',
  },
  gradeTitle: (score, day) => `Assessment score ${score} (${day})`,
  ungraded: 'not graded',
  everyHours: (hours) => (hours % 24 === 0 ? `every ${hours / 24} d` : `every ${hours} h`),
  dueNow: 'due, waiting for the platform to log in',
  sendingNow: 'due, being sent',
  linkStates: {
    logged_in: 'logged in',
    connected: 'connected, not logged in',
    disconnected: 'disconnected',
    connecting: 'connecting',
    backoff: 'waiting to reconnect',
    stopped: 'stopped',
    none: 'none',
    unknown: 'unknown',
  },
  pickPlatform: 'Choose a platform to inspect it or supervise an alarm',
  selected: (name, code) => `${name} (access code ${code})`,
  notLoggedInNote: 'The main link of this platform is not logged in: nothing can be sent to it now.',
  inspections: 'Inspections (查岗)',
  noInspections: 'No inspection sent to this platform yet',
  question: 'Question',
  defaultQuestion: 'Report the names of the staff on duty and whether they are at post',
  deadlineMinutes: 'Answer within (minutes)',
  sendInspection: 'Send inspection',
  inspectedToast: 'Inspection sent',
  inspectionColumns: {
    sent: 'Sent',
    question: 'Question',
    deadline: 'Deadline',
    status: 'State',
    answer: 'Answer',
  },
  inspectionStatuses: { sent: 'awaiting answer', answered: 'answered', unanswered: 'not answered in time' },
  supervisions: 'Alarm supervisions (督办)',
  noSupervisions: 'No supervision sent to this platform yet',
  source: 'Supervise',
  fromQueue: 'an alarm from the queue',
  byPlate: 'by plate',
  alarm: 'Alarm',
  noOpenAlarms: 'No open alarm in the queue',
  alarmWarnType: 'Warning type',
  warnTypeByRule: "from the alarm's rule (the server decides)",
  plate: 'Plate',
  plateColor: 'Plate colour',
  warnType: 'Warning type',
  level: 'Level',
  levels: { ordinary: 'ordinary', urgent: 'urgent' },
  supervisor: 'Supervisor',
  tel: 'Telephone',
  email: 'E-mail',
  superviseMinutes: 'Handle within (minutes)',
  sendSupervision: 'Send supervision',
  supervisedToast: 'Supervision sent',
  supervisionColumns: {
    sent: 'Sent',
    vehicle: 'Vehicle',
    warnType: 'Warning / level',
    deadline: 'Deadline',
    status: 'State',
    result: 'Result',
  },
  supervisionStatuses: { sent: 'awaiting answer', answered: 'answered', overdue: 'overdue' },
  results: { 0: 'handled', 1: 'being handled', 2: 'not to be handled', 3: 'will be handled' },
  upper: {
    title: 'Inspections, supervisions and alarm notices from the upper platform',
    none: 'The upper platform has sent no inspection, supervision or alarm notice',
    open: (n) => `${n} to deal with`,
    columns: { received: 'Received', kind: 'Kind', content: 'Content', answer: 'Answer' },
    inspection: 'Inspection',
    supervision: 'Supervision',
    notices: { tip: 'Alarm notice', exchange: 'Alarm exchange' },
    warnedAt: (time) => `alarm at ${time}`,
    markRead: 'Mark read',
    read: 'read',
    link: (target, main, down) => `upper platform ${target} · main link ${main} · down link ${down}`,
    linkStates: {
      logged_in: 'logged in',
      connecting: 'connecting',
      backoff: 'waiting to reconnect',
      stopped: 'stopped',
      listening: 'waiting for the upper platform',
      none: 'not served',
    },
    overdue: 'overdue',
    dueIn: (left) => `${left} left`,
    waiting: 'waiting for the duty officer',
    answerPlaceholder: 'the answer, e.g. the duty officer’s name and phone',
    answer: 'Answer',
    answeredToast: 'Answered to the upper platform',
  },
  plateColors: PLATE_COLORS_EN,
  warnTypes: WARN_TYPES_EN,
  remaining: (duration) => `${duration} left`,
  pastDeadline: 'past the deadline',
  answeredLate: ' (answered after the deadline)',
  sentBy: (who) => `sent by ${who}`,
  supervisedBy: (who) => `supervisor ${who}`,
  plateColorByRegistry: 'from the registry',
  by: (who) => `by ${who}`,
  errors: {
    platform_unknown: 'There is no such platform, or your unit does not supervise it',
    platform_edition_unsupported:
      'This platform speaks JT/T 809-2019: a supervision can only name an alarm it reported in 2019',
    bad_access_code: 'An access code is a number',
    bad_question: 'The question must not be empty and must be sendable in GBK',
    bad_deadline_minutes: 'The answer time is outside what is allowed',
    bad_deadline: 'The deadline is outside what is allowed',
    deadline_required: 'Give a deadline',
    alarm_unknown: 'This alarm does not exist or is outside your unit',
    warn_type_required: "This alarm's rule has no JT/T 809 warning type: choose one",
    plate_color_required: 'This vehicle is not in the registry: choose its plate colour',
    alarm_without_plate: 'This alarm names no plate; JT/T 809 supervises vehicles by plate',
    bad_plate: 'Give a plate (or pick an alarm from the queue)',
    bad_plate_color: 'Choose a plate colour',
    bad_warn_type: 'Choose a warning type',
    bad_level: 'The level is ordinary or urgent',
    bad_supervisor: "The supervisor's name is too long (16 bytes at most)",
    bad_supervisor_tel: 'The telephone is too long (20 digits at most)',
    bad_supervisor_email: 'The e-mail is too long (32 characters at most)',
  },
  notLoggedIn: (state) => `The platform's main link is ${state}: nothing can be sent until it logs in`,
};

export const JT809_MESSAGES: Readonly<Record<Lang, Jt809Messages>> = { zh: ZH, en: EN };

/** A refusal of the JT/T 809 routes as a sentence: this page's reasons first, then the console's. */
export function jt809ErrorSentence(failure: unknown, j: Jt809Messages, m: ConsoleMessages): string {
  if (failure instanceof ApiError && failure.reason === 'platform_not_logged_in') {
    const state = typeof failure.extra.main_link === 'string' ? failure.extra.main_link : 'unknown';
    return j.notLoggedIn(j.linkStates[state] ?? state);
  }
  if (failure instanceof ApiError && j.errors[failure.reason] !== undefined) return j.errors[failure.reason];
  return errorSentence(failure, m);
}
