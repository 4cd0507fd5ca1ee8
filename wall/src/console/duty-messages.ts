/**
 * The duty page's words (值班), Chinese first: shifts, sign-in, handover, the posts below and 查岗. Kept beside
 * console-messages.ts so that the alarm and order vocabulary stays in one table and duty in another.
 */
import type { Lang } from '../i18n/locale.js';

export interface DutyMessages {
  tab: string;
  myShifts: string;
  noShifts: string;
  leader: string;
  officer: string;
  signedIn: (time: string) => string;
  notSignedIn: string;
  phases: Record<'planned' | 'current' | 'over', string>;
  signIn: string;
  signedInToast: string;
  handOver: string;
  handOverTitle: string;
  handOverNotes: string;
  handOverConfirm: string;
  handedOverToast: (alarms: number, orders: number) => string;
  handovers: string;
  noHandovers: string;
  handoverLine: (who: string, time: string) => string;
  openItems: (alarms: number, orders: number) => string;
  acknowledged: (who: string, time: string) => string;
  awaitingAcknowledgement: string;
  acknowledge: string;
  acknowledgeNote: string;
  acknowledgedToast: string;
  log: string;
  logNote: string;
  addNote: string;
  notedToast: string;
  exportLog: string;
  posts: string;
  attended: string;
  unattended: Record<'no_shift' | 'not_signed_in', string>;
  onDuty: (leader: string | null, officers: string[]) => string;
  received: string;
  noReceived: string;
  sent: string;
  noSent: string;
  inspectionLine: (from: string, who: string, time: string) => string;
  deadline: (time: string) => string;
  statuses: Record<'sent' | 'answered' | 'missed', string>;
  answered: (who: string, time: string, seconds: number) => string;
  answerPlaceholder: string;
  answer: string;
  answeredToast: string;
  inspect: string;
  inspectTarget: string;
  inspectRandom: string;
  inspectQuestion: string;
  inspectDefaultQuestion: string;
  inspectDeadline: string;
  inspectSend: string;
  inspectedToast: (unit: string) => string;
  rates: string;
  rateColumns: { unit: string; sent: string; answered: string; missed: string; rate: string; avg: string };
  roster: {
    title: string;
    unit: string;
    department: string;
    centrePost: string;
    name: string;
    defaultName: string;
    from: string;
    to: string;
    officers: string;
    leaders: string;
    noPeople: string;
    submit: string;
    pickOfficer: string;
    badTimes: string;
    createdToast: (name: string) => string;
  };
  errors: Record<string, string>;
}

const ZH: DutyMessages = {
  tab: '值班',
  myShifts: '本单位班次（前 12 小时至后 24 小时）',
  noShifts: '前后没有排班',
  leader: '带班领导',
  officer: '值班员',
  signedIn: (time) => `已签到 ${time}`,
  notSignedIn: '未签到',
  phases: { planned: '未开始', current: '当班', over: '已结束' },
  signIn: '签到',
  signedInToast: '已签到上岗',
  handOver: '交班',
  handOverTitle: '交班：未结报警和在办工单将随交班单转给下一班',
  handOverNotes: '交班事项',
  handOverConfirm: '确认交班',
  handedOverToast: (alarms, orders) => `已交班（未结报警 ${alarms}，在办工单 ${orders}）`,
  handovers: '交接班记录',
  noHandovers: '暂无交接班记录',
  handoverLine: (who, time) => `${who} 于 ${time} 交班`,
  openItems: (alarms, orders) => `未结报警 ${alarms} · 在办工单 ${orders}`,
  acknowledged: (who, time) => `${who} 于 ${time} 接班确认`,
  awaitingAcknowledgement: '待接班确认',
  acknowledge: '接班确认',
  acknowledgeNote: '接班意见（可选）',
  acknowledgedToast: '已确认接班',
  log: '值班日志',
  logNote: '记录值班事项',
  addNote: '记入日志',
  notedToast: '已记入值班日志',
  exportLog: '导出今日值班日志（CSV）',
  posts: '下级值守情况',
  attended: '在岗',
  unattended: { no_shift: '未排班', not_signed_in: '无人签到' },
  onDuty: (leader, officers) =>
    `${leader === null ? '' : `带班 ${leader} · `}${officers.length === 0 ? '—' : `值班 ${officers.join('、')}`}`,
  received: '上级查岗',
  noReceived: '近期没有上级查岗',
  sent: '已发出的查岗',
  noSent: '近期没有发出查岗',
  inspectionLine: (from, who, time) => `${from} ${who} ${time}`,
  deadline: (time) => `限 ${time} 前应答`,
  statuses: { sent: '待应答', answered: '已应答', missed: '超时未应答' },
  answered: (who, time, seconds) => `${who} 于 ${time} 应答（用时 ${seconds} 秒）`,
  answerPlaceholder: '应答内容，如：值班员在岗，设备正常',
  answer: '应答',
  answeredToast: '已应答查岗',
  inspect: '查岗',
  inspectTarget: '查岗对象',
  inspectRandom: '随机抽查',
  inspectQuestion: '查岗内容',
  inspectDefaultQuestion: '请值班员报告在岗人员和当前未结报警情况',
  inspectDeadline: '应答时限（分钟）',
  inspectSend: '发出查岗',
  inspectedToast: (unit) => `已向 ${unit} 发出查岗`,
  rates: '查岗应答率（近 30 天）',
  rateColumns: { unit: '单位', sent: '查岗', answered: '应答', missed: '超时', rate: '应答率', avg: '平均用时' },
  roster: {
    title: '排班',
    unit: '单位',
    department: '岗位',
    centrePost: '中心值班岗',
    name: '班次',
    defaultName: '白班',
    from: '开始',
    to: '结束',
    officers: '值班人员',
    leaders: '带班领导',
    noPeople: '该单位没有可排班的值班员、调度员或领导',
    submit: '加入排班',
    pickOfficer: '请至少选一名值班人员',
    badTimes: '请填写开始和结束时间，结束须晚于开始',
    createdToast: (name) => `已排班：${name}`,
  },
  errors: {
    outside_shift: '不在该班次的签到时间内（最早开班前 30 分钟）',
    already_signed_in: '已经签到过了',
    not_on_shift: '您不在该班次的排班中',
    not_signed_in: '尚未签到，不能交班',
    already_handed_over: '该班次已交班',
    already_acknowledged: '该交班已被确认',
    deadline_passed: '查岗已超过应答时限或已应答',
    nothing_below: '没有可查岗的下级单位',
    no_next_shift: '排班中没有下一班，请带班领导先排班',
    shift_overlaps: '该岗位在这段时间已有班次',
    unknown_department: '该单位没有这个科室',
  },
};

const EN: DutyMessages = {
  tab: 'Duty',
  myShifts: "The unit's shifts (12 hours back, 24 ahead)",
  noShifts: 'No shift rostered around now',
  leader: 'Leader on duty',
  officer: 'Officer',
  signedIn: (time) => `signed in ${time}`,
  notSignedIn: 'not signed in',
  phases: { planned: 'planned', current: 'on now', over: 'over' },
  signIn: 'Sign in',
  signedInToast: 'Signed in',
  handOver: 'Hand over',
  handOverTitle: 'Hand over: open alarms and open orders go to the next shift with the handover',
  handOverNotes: 'Notes for the next shift',
  handOverConfirm: 'Hand over',
  handedOverToast: (alarms, orders) => `Handed over (${alarms} open alarms, ${orders} open orders)`,
  handovers: 'Handovers',
  noHandovers: 'No handover yet',
  handoverLine: (who, time) => `${who} handed over at ${time}`,
  openItems: (alarms, orders) => `${alarms} open alarms · ${orders} open orders`,
  acknowledged: (who, time) => `acknowledged by ${who} at ${time}`,
  awaitingAcknowledgement: 'awaiting acknowledgement',
  acknowledge: 'Acknowledge',
  acknowledgeNote: 'Note (optional)',
  acknowledgedToast: 'Handover acknowledged',
  log: 'Duty log',
  logNote: 'Note something the shift did',
  addNote: 'Add to log',
  notedToast: 'Added to the duty log',
  exportLog: "Export today's duty log (CSV)",
  posts: 'Posts below',
  attended: 'attended',
  unattended: { no_shift: 'no shift', not_signed_in: 'nobody signed in' },
  onDuty: (leader, officers) =>
    `${leader === null ? '' : `leader ${leader} · `}${officers.length === 0 ? '—' : `officers ${officers.join(', ')}`}`,
  received: 'Inspections from above',
  noReceived: 'No inspection lately',
  sent: 'Inspections sent',
  noSent: 'No inspection sent lately',
  inspectionLine: (from, who, time) => `${from} ${who} ${time}`,
  deadline: (time) => `answer by ${time}`,
  statuses: { sent: 'awaiting answer', answered: 'answered', missed: 'missed' },
  answered: (who, time, seconds) => `answered by ${who} at ${time} (${seconds} s)`,
  answerPlaceholder: 'Answer, e.g. officer at post, equipment working',
  answer: 'Answer',
  answeredToast: 'Inspection answered',
  inspect: 'Inspect',
  inspectTarget: 'Unit',
  inspectRandom: 'drawn at random',
  inspectQuestion: 'Question',
  inspectDefaultQuestion: 'Report the officers at post and the open alarms',
  inspectDeadline: 'Answer within (minutes)',
  inspectSend: 'Send',
  inspectedToast: (unit) => `Inspection sent to ${unit}`,
  rates: 'Response rates (last 30 days)',
  rateColumns: { unit: 'Unit', sent: 'Sent', answered: 'Answered', missed: 'Missed', rate: 'Rate', avg: 'Avg time' },
  roster: {
    title: 'Roster',
    unit: 'Unit',
    department: 'Post',
    centrePost: "The centre's duty post",
    name: 'Shift',
    defaultName: 'Day shift',
    from: 'From',
    to: 'To',
    officers: 'On duty',
    leaders: 'Leader on duty',
    noPeople: 'This unit has no duty officer, dispatcher or leader to put on duty',
    submit: 'Add to the roster',
    pickOfficer: 'Choose at least one person on duty',
    badTimes: 'Give a start and an end; the end after the start',
    createdToast: (name) => `On the roster: ${name}`,
  },
  errors: {
    outside_shift: 'Outside the sign-in time of this shift (at most 30 minutes early)',
    already_signed_in: 'Signed in already',
    not_on_shift: 'You are not on this shift',
    not_signed_in: 'Sign in before handing over',
    already_handed_over: 'This shift was handed over already',
    already_acknowledged: 'This handover was acknowledged already',
    deadline_passed: 'The inspection is past its deadline or answered',
    nothing_below: 'No unit below to inspect',
    no_next_shift: 'The roster has no next shift: a leader adds it first',
    shift_overlaps: 'This post already has a shift in that time',
    unknown_department: 'This unit has no such department',
  },
};

export const DUTY_MESSAGES: Readonly<Record<Lang, DutyMessages>> = { zh: ZH, en: EN };
