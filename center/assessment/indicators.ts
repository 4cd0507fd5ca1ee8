/**
 * The indicator catalogue: what each id means, in the words of the answer and of the exported sheet. The formulas
 * themselves live in the fact readers (vehicle-facts.ts, desk-facts.ts); docs/assessment.md states both.
 */
import type {
  AssessmentFigure,
  AssessmentFigures,
  AssessmentIndicator,
  AssessmentIndicatorId,
} from '../../schema/index.js';

export const ASSESSMENT_INDICATORS: readonly AssessmentIndicator[] = [
  {
    id: 'entry_rate',
    name: '入网率',
    name_en: 'entry rate',
    kind: 'ratio',
    numerator: '登记车辆中已绑定终端的车辆数',
    denominator: '单位登记车辆数',
    unit: '辆',
  },
  {
    id: 'online_rate',
    name: '上线率',
    name_en: 'online rate',
    kind: 'ratio',
    numerator: '考核期内至少上报一次位置的入网车辆数',
    denominator: '入网车辆数',
    unit: '辆',
  },
  {
    id: 'track_completeness',
    name: '轨迹完整率',
    name_en: 'track completeness',
    kind: 'ratio',
    numerator: '连续轨迹里程',
    denominator: '轨迹总里程',
    unit: '公里',
  },
  {
    id: 'data_qualified_rate',
    name: '数据合格率',
    name_en: 'data qualification rate',
    kind: 'ratio',
    numerator: '入网车辆上报的合格定位数据条数',
    denominator: '入网车辆上报的定位数据总条数（含被拒收的）',
    unit: '条',
  },
  {
    id: 'drift_rate',
    name: '漂移率',
    name_en: 'drift rate',
    kind: 'ratio',
    numerator: '发生卫星定位漂移的上线车辆数',
    denominator: '上线车辆数',
    unit: '辆',
  },
  {
    id: 'avg_overspeed_count',
    name: '车均超速次数',
    name_en: 'overspeed alarms per online vehicle',
    kind: 'average',
    numerator: '入网车辆的超速报警次数',
    denominator: '上线车辆数',
    unit: '次/辆',
  },
  {
    id: 'avg_fatigue_minutes',
    name: '车均疲劳驾驶时长',
    name_en: 'fatigue driving minutes per online vehicle',
    kind: 'average',
    numerator: '入网车辆疲劳驾驶报警的累计分钟数（考核期内部分）',
    denominator: '上线车辆数',
    unit: '分钟/辆',
  },
  {
    id: 'alarm_handling_rate',
    name: '报警处理率',
    name_en: 'alarm handling rate',
    kind: 'ratio',
    numerator: '已处理报警数',
    denominator: '接收报警数',
    unit: '条',
  },
  {
    id: 'ontime_closure_rate',
    name: '工单按时办结率',
    name_en: 'work orders closed on time',
    kind: 'ratio',
    numerator: '期限内办结的工单数',
    denominator: '考核期内到期的工单数',
    unit: '件',
  },
  {
    id: 'inspection_response_rate',
    name: '查岗响应率',
    name_en: 'inspection response rate',
    kind: 'ratio',
    numerator: '按时应答的查岗数',
    denominator: '应答期限已到的查岗数',
    unit: '次',
  },
];

/** The counts behind every figure, per org code, before they are rolled up to the listed units. */
export type IndicatorCounts = Record<AssessmentIndicatorId, { numerator: number; denominator: number }>;

export function zeroCounts(): IndicatorCounts {
  return Object.fromEntries(
    ASSESSMENT_INDICATORS.map((indicator) => [indicator.id, { numerator: 0, denominator: 0 }]),
  ) as IndicatorCounts;
}

export function addCounts(into: IndicatorCounts, from: IndicatorCounts): void {
  for (const indicator of ASSESSMENT_INDICATORS) {
    into[indicator.id].numerator += from[indicator.id].numerator;
    into[indicator.id].denominator += from[indicator.id].denominator;
  }
}

/** Kilometres are rounded to the metre, so that the figure's inputs read as the sheet shows them. */
function tidy(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function figuresOf(counts: IndicatorCounts): AssessmentFigures {
  return Object.fromEntries(
    ASSESSMENT_INDICATORS.map((indicator): [AssessmentIndicatorId, AssessmentFigure] => {
      const { numerator, denominator } = counts[indicator.id];
      return [
        indicator.id,
        {
          value: denominator === 0 ? null : numerator / denominator,
          numerator: tidy(numerator),
          denominator: tidy(denominator),
        },
      ];
    }),
  ) as AssessmentFigures;
}
