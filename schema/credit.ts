/**
 * Credit (信用, guideline 三(三), G8): enterprise grades from a 100-point score and drivers' points on a 12-month
 * cycle, recomputed daily with history, and the credit warnings raised as alarms. Shared by the server and the
 * console; the formulas and defaults are stated in docs/credit.md.
 */

/** The alarm rule ids of credit warnings: routed, handled and counted like any alarm's (never in credit itself). */
export const CREDIT_WARNING_RULES = ['credit_grade_drop', 'driver_points', 'deregistered_operating'] as const;
export type CreditWarningRule = (typeof CREDIT_WARNING_RULES)[number];

/** One grade of the model: a score at or above `min_score` earns it (the best grade first). */
export interface CreditGrade {
  grade: string;
  min_score: number;
}

/** The credit model (configuration key `credit`), versioned like the assessment weights. */
export interface CreditModel {
  /** Violations and work orders of the last `window_days` Beijing days, the graded day included, count. */
  window_days: number;
  /** Points per alarm case, by rule id (`*` for any other) and severity, divided by the enterprise's vehicles. */
  alarm_points: Record<string, { info: number; warning: number; critical: number }>;
  /** At most this many points are taken for violations … */
  violations_cap: number;
  /** Points per work order addressed to the enterprise due in the window and not closed by its deadline. */
  late_order_points: number;
  /** … and at most this many for handling. */
  handling_cap: number;
  /** Best first, `min_score` strictly falling, the last at 0. */
  grades: CreditGrade[];
  /** Grade → factor on a work order's deadline for the enterprise (tiered supervision); 1 when not listed. */
  deadline_factors: Record<string, number>;
  /** `MM-DD` on which every driver's 12-month points cycle starts again. */
  driver_cycle_start: string;
  /** Points per violation attributed to a driver, by rule id; a rule not listed scores 0. */
  driver_points: Record<string, number>;
  /** Points at which a driver is warned (a `driver_points` alarm when the total reaches one), rising. */
  driver_thresholds: number[];
  /** A JT/T 809 lower platform is graded on `grades` by its 考核 score over this many Beijing days. */
  platform_window_days: number;
  /** Grade → hours between two scheduled 查岗 of a lower platform with that grade (lower grades, more often). */
  inspection_hours: Record<string, number>;
  /** Hours between scheduled 查岗 of a platform not graded yet (no figure in its window) or of a grade not listed. */
  inspection_hours_ungraded: number;
  /** Minutes a scheduled 查岗 gives the platform to answer. */
  inspection_deadline_minutes: number;
  /** The question a scheduled 查岗 asks. */
  inspection_question: string;
}

/** A lower platform's grade and its scheduled 查岗 (`GET /api/jt809/platforms/schedule`). */
export interface PlatformInspectionSchedule {
  access_code: number;
  name: string;
  org_code: string;
  /** The latest day graded, its score and grade; null when the platform was never graded or had no figure. */
  day: string | null;
  score: number | null;
  grade: string | null;
  interval_hours: number;
  /** The current slot [slot_start, slot_start + interval) and when its 查岗 is (or was) due. */
  slot_start: string;
  due_at: string;
  /** Whether the current slot's 查岗 was sent; when it was, the next one is the next slot's. */
  sent_in_slot: boolean;
  next_due_at: string;
  /** The latest scheduled 查岗 sent, with its inspection's status. */
  last: { slot_start: string; inspection_id: number; sent_at: string; status: string } | null;
}

/** What an enterprise's score was computed from, kept with each day's grade. */
export interface EnterpriseCreditFacts {
  vehicles: number;
  /** Alarm cases counted (not dismissed), by rule and severity: `rule/severity` → count. */
  alarms: Record<string, number>;
  violation_points: number;
  violation_deduction: number;
  orders_due: number;
  orders_late: number;
  handling_deduction: number;
}

/**
 * Market supervision's registration of an enterprise (`market_registrations`, by credit code = enterprise id), shown
 * beside its grade: a revoked (吊销) or cancelled (注销) enterprise whose vehicles still run is what a supervisor must
 * see first.
 */
export interface EnterpriseRegistration {
  /** active, revoked, cancelled, moved_out, other. */
  status: string;
  /** The status as the register words it (存续, 吊销，未注销, 注销, …). */
  status_text: string;
  /** When the register revoked or cancelled it, epoch ms; null when it did not say. */
  status_changed_on: number | null;
  /** 登记机关, '' when not given. */
  authority: string;
  /** Permits and licences the register lists. */
  licence_numbers: string[];
  /** What delivered the record: `key:<id>` (a source key) or `upload:<org code>` (a console upload). */
  source: string;
  /** When Vigil last stored it, epoch ms. */
  updated_at: number;
}

export interface EnterpriseCredit {
  enterprise_id: string;
  name: string;
  org_code: string;
  /** The road-transport business licence (道路运输经营许可证) the registry holds, '' when none. */
  licence_no: string;
  /** Null when market supervision has not reported the enterprise. */
  registration: EnterpriseRegistration | null;
  day: string;
  score: number;
  grade: string;
  /** The grade of the latest day stored before this one, null when none. */
  previous_grade: string | null;
  facts: EnterpriseCreditFacts;
  config_version: number;
}

export interface EnterpriseCreditAnswer {
  /** The day graded; null when no day has been computed yet. */
  day: string | null;
  window: { from: string; to: string } | null;
  grades: CreditGrade[];
  /** Enterprises per grade. */
  counts: Record<string, number>;
  enterprises: EnterpriseCredit[];
}

export interface EnterpriseCreditHistory {
  enterprise_id: string;
  name: string;
  org_code: string;
  licence_no: string;
  registration: EnterpriseRegistration | null;
  days: { day: string; score: number; grade: string; facts: EnterpriseCreditFacts; config_version: number }[];
}

export interface DriverCredit {
  certificate: string;
  name: string;
  enterprise_id: string;
  org_code: string;
  day: string;
  cycle_start: string;
  points: number;
  /** Violations attributed in the cycle: rule → count. */
  violations: Record<string, number>;
  /** The highest threshold reached, null when none. */
  threshold: number | null;
  config_version: number;
}

export interface DriverCreditAnswer {
  day: string | null;
  thresholds: number[];
  drivers: DriverCredit[];
}
