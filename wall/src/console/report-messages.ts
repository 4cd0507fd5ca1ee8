/** The reports page's words (报表), zh-CN first, English second. */
import type { ReportGrouping, ReportInterval } from '../../../schema/reports.js';
import type { Lang } from '../i18n/locale.js';

export interface ReportMessages {
  tab: string;
  title: string;
  from: string;
  to: string;
  interval: string;
  intervals: Record<ReportInterval, string>;
  by: string;
  groupings: Record<ReportGrouping, string>;
  figure: string;
  show: string;
  exportXlsx: string;
  loading: string;
  total: string;
  group: string;
  noGroups: string;
  noData: string;
  periodText: (from: string, to: string, baselineFrom: string, baselineTo: string) => string;
  openInterval: string;
  changeTitle: string;
  chartTitle: (figure: string) => string;
  hint: string;
}

const zh: ReportMessages = {
  tab: '报表',
  title: '统计报表',
  from: '自',
  to: '至',
  interval: '周期',
  intervals: { day: '按日', week: '按周', month: '按月' },
  by: '分组',
  groupings: { unit: '下级单位', enterprise: '企业', vehicle_class: '车辆类型', rule: '报警规则' },
  figure: '指标',
  show: '查询',
  exportXlsx: '导出 Excel',
  loading: '正在统计…',
  total: '合计',
  group: '分组',
  noGroups: '统计期内没有可列出的分组',
  noData: '—',
  periodText: (from, to, baselineFrom, baselineTo) =>
    `${from} 至 ${to}（北京时间，按整周期；周从周一起）；第一个周期与 ${baselineFrom} 至 ${baselineTo} 比较`,
  openInterval: '进行中',
  changeTitle: '较上期',
  chartTitle: (figure) => `${figure}趋势（合计）`,
  hint: '每格为该周期的数值，下方为较上一周期的变化；报警处置状态截至查询时刻',
};

const en: ReportMessages = {
  tab: 'Reports',
  title: 'Statistics reports',
  from: 'From',
  to: 'To',
  interval: 'Interval',
  intervals: { day: 'Daily', week: 'Weekly', month: 'Monthly' },
  by: 'Group by',
  groupings: { unit: 'Units below', enterprise: 'Enterprises', vehicle_class: 'Vehicle classes', rule: 'Alarm rules' },
  figure: 'Figure',
  show: 'Show',
  exportXlsx: 'Export Excel',
  loading: 'Counting…',
  total: 'Total',
  group: 'Group',
  noGroups: 'No groups to list in this period',
  noData: '—',
  periodText: (from, to, baselineFrom, baselineTo) =>
    `${from} to ${to} (China time, whole intervals; weeks start on Monday); the first interval compares with ${baselineFrom} to ${baselineTo}`,
  openInterval: 'open',
  changeTitle: 'change',
  chartTitle: (figure) => `${figure}: trend (total)`,
  hint: 'Each cell is the interval’s figure, with its change against the interval before; alarm states as of now',
};

export const REPORT_MESSAGES: Record<Lang, ReportMessages> = { zh, en };
