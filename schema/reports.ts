/**
 * The statistics reports (统计报表, `GET /api/reports`): per group of the caller's scope (unit, enterprise, vehicle
 * class or alarm rule), a time series of daily, weekly or monthly figures in China time, each interval with its
 * change against the one before. Shared by the server and the console; every formula is in docs/reports.md.
 * Dependency-free, so the wall imports it.
 */

/** The figure ids: user-facing (API, exports, docs) and never renamed. */
export const REPORT_FIGURE_IDS = [
  'alarms_raised',
  'alarms_handled',
  'handling_rate',
  'entered_vehicles',
  'online_vehicles',
  'online_rate',
  'positions',
  'overspeed_episodes',
] as const;
export type ReportFigureId = (typeof REPORT_FIGURE_IDS)[number];

export const REPORT_INTERVALS = ['day', 'week', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export const REPORT_GROUPINGS = ['unit', 'enterprise', 'vehicle_class', 'rule'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

/** What a figure is, for the reader of the answer or of the exported sheet. */
export interface ReportFigure {
  id: ReportFigureId;
  /** The name a weekly report uses, e.g. 上线车辆数. */
  name: string;
  name_en: string;
  /** `count`: a whole number; `ratio`: a share 0…1 (shown as a percentage). */
  kind: 'count' | 'ratio';
  /** What is counted, or what is divided by what. */
  formula: string;
}

export const REPORT_FIGURES: readonly ReportFigure[] = [
  {
    id: 'alarms_raised',
    name: '报警数',
    name_en: 'Alarms raised',
    kind: 'count',
    formula: '报警案件数（每个报警事件一件），按到达值班台时间 received_at 计入区间',
  },
  {
    id: 'alarms_handled',
    name: '已处置报警数',
    name_en: 'Alarms handled',
    kind: 'count',
    formula: '其中已有人处置的（状态不是 new：已确认、已派单、已排除、已办结），截至查询时刻',
  },
  {
    id: 'handling_rate',
    name: '报警处置率',
    name_en: 'Handling rate',
    kind: 'ratio',
    formula: '已处置报警数 ÷ 报警数',
  },
  {
    id: 'entered_vehicles',
    name: '入网车辆数',
    name_en: 'Vehicles with a terminal',
    kind: 'count',
    formula: '登记的、绑定终端的车辆数（当前登记信息，各区间相同）',
  },
  {
    id: 'online_vehicles',
    name: '上线车辆数',
    name_en: 'Vehicles online',
    kind: 'count',
    formula: '区间内至少上报一个定位（设备时间）的入网车辆数，每车只计一次',
  },
  {
    id: 'online_rate',
    name: '上线率',
    name_en: 'Online rate',
    kind: 'ratio',
    formula: '上线车辆数 ÷ 入网车辆数',
  },
  {
    id: 'positions',
    name: '定位数据量',
    name_en: 'Positions stored',
    kind: 'count',
    formula: '入网车辆在区间内（设备时间）存储的定位条数，重复的只计一次',
  },
  {
    id: 'overspeed_episodes',
    name: '超速次数',
    name_en: 'Overspeed episodes',
    kind: 'count',
    formula: '入网车辆在区间内开始的超速报警事件数（考核配置 overspeed_rules 的规则）',
  },
];

/** One interval of the series: Beijing calendar days from…to (inclusive), as epoch-ms bounds too. */
export interface ReportIntervalBounds {
  from: string;
  to: string;
  starts_at: number;
  ends_at: number;
  /** False while the interval has not ended yet (this week, this month): its figures still grow. */
  complete: boolean;
}

/** A figure per id: null where it does not apply to the grouping (vehicles per rule) or has no base (a rate of 0). */
export type ReportValues = Record<ReportFigureId, number | null>;

export interface ReportPoint {
  interval: ReportIntervalBounds;
  values: ReportValues;
  /** value − the previous interval's value, null when either is null. */
  change: ReportValues;
}

export interface ReportGroup {
  /** The group's key: an org code, an enterprise id, a vehicle class, or a rule id. */
  key: string;
  name: string;
  series: ReportPoint[];
}

export interface ReportAnswer {
  scope: { org_code: string; name: string; level: 'province' | 'city' | 'county' };
  interval: ReportInterval;
  by: ReportGrouping;
  /** The period asked for, widened to whole intervals (weeks from Monday, months from the 1st). */
  period: { from: string; to: string; starts_at: number; ends_at: number; time_zone: 'Asia/Shanghai' };
  /** The interval just before the period, the base of the first point's change. */
  baseline: ReportIntervalBounds;
  generated_at: number;
  figures: ReportFigure[];
  /** The scope as a whole, each unit counted once. */
  totals: ReportGroup;
  groups: ReportGroup[];
}
