/**
 * The assessment indicators (`GET /api/assessment`): per unit of the caller's scope, for a period of Beijing
 * calendar days, each figure with the numerator and denominator it was divided from, so that a bulletin's number
 * can be checked against its rows. Shared by the server and the console; every formula is in docs/assessment.md.
 */

/** The indicator ids: user-facing (API, exports, docs) and never renamed. */
export const ASSESSMENT_INDICATOR_IDS = [
  'entry_rate',
  'online_rate',
  'track_completeness',
  'data_qualified_rate',
  'drift_rate',
  'avg_overspeed_count',
  'avg_fatigue_minutes',
  'alarm_handling_rate',
  'ontime_closure_rate',
  'inspection_response_rate',
] as const;
export type AssessmentIndicatorId = (typeof ASSESSMENT_INDICATOR_IDS)[number];

/** What an indicator is, for the reader of the answer or of the exported sheet. */
export interface AssessmentIndicator {
  id: AssessmentIndicatorId;
  /** The name bulletins use, e.g. 上线率. */
  name: string;
  name_en: string;
  /** `ratio`: a share 0…1 (shown as a percentage); `average`: a count per denominator item. */
  kind: 'ratio' | 'average';
  numerator: string;
  denominator: string;
  /** The unit of numerator and denominator, e.g. vehicles, km, alarms. */
  unit: string;
}

/** One figure: value = numerator ÷ denominator, null when the denominator is 0. */
export interface AssessmentFigure {
  value: number | null;
  numerator: number;
  denominator: number;
}

export type AssessmentFigures = Record<AssessmentIndicatorId, AssessmentFigure>;

/**
 * A unit's row, an enterprise's (`enterprise_id` set; `org_code` is then the unit it is registered in) or a JT/T 809
 * lower platform's (`access_code` set; `org_code` is then the unit supervising it).
 */
export interface AssessmentUnit {
  org_code: string;
  enterprise_id: string | null;
  access_code?: number;
  name: string;
  level: 'province' | 'city' | 'county';
  directly_administered: boolean;
  /** A 省直管县 the scope views without commanding it. */
  view_only: boolean;
  figures: AssessmentFigures;
}

export interface AssessmentPeriod {
  /** First Beijing calendar day, YYYY-MM-DD. */
  from: string;
  /** Last Beijing calendar day, inclusive. */
  to: string;
  days: number;
  /** 00:00 China Standard Time of `from`, epoch ms. */
  starts_at: number;
  /** 00:00 China Standard Time of the day after `to`, epoch ms (exclusive). */
  ends_at: number;
  time_zone: 'Asia/Shanghai';
}

export interface AssessmentReport {
  /** The unit the figures are of (`unit`, or the caller's own). */
  scope: { org_code: string; name: string; level: 'province' | 'city' | 'county' };
  period: AssessmentPeriod;
  /** Which rows are listed: the scope's children, every unit of one level in the scope, or its enterprises. */
  level: 'children' | 'city' | 'county' | 'enterprise' | 'platform';
  generated_at: number;
  /** The thresholds the figures were computed with. */
  /** The thresholds the figures were computed with: version `config_version` of the `assessment` configuration. */
  parameters: {
    config_version: number;
    track_gap_seconds: number;
    track_gap_km: number;
    overspeed_rules: string[];
    fatigue_rules: string[];
    drift_rules: string[];
  };
  indicators: AssessmentIndicator[];
  /** The scope as a whole (every unit it sees, counted once). */
  totals: AssessmentUnit;
  units: AssessmentUnit[];
}

/** One row behind a figure (`GET /api/assessment/items`): what it adds to the numerator and the denominator. */
export interface AssessmentItem {
  kind: 'vehicle' | 'alarm_case' | 'work_order' | 'inspection';
  /** Plate/colour of a vehicle, alarm id, work-order id, inspection id. */
  id: string;
  /** The unit it counts at (home unit, routed or assigned unit, inspected unit). */
  org_code: string;
  numerator: number;
  denominator: number;
  /** What decided its amounts: times, states, distances. */
  detail: Record<string, unknown>;
}

export interface AssessmentItems {
  indicator: AssessmentIndicatorId;
  scope: AssessmentReport['scope'];
  period: AssessmentPeriod;
  /** The figure of the scope, as `GET /api/assessment` gives it. */
  figure: AssessmentFigure;
  items: AssessmentItem[];
  /** More items than `limit` exist: the items' sums are then less than the figure's. */
  truncated: boolean;
}
