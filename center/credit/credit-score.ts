/**
 * The credit formulas, pure (docs/credit.md states them): an enterprise's score and grade from its counted facts,
 * a driver's points from the violations attributed to them, the 12-month cycle a day falls in, and which
 * warnings a day's change raises.
 */
import type { CreditModel, EnterpriseCreditFacts } from '../../schema/index.js';

/** The alarm cases of one enterprise counted for its score: `rule`, `severity` and how many. */
export interface AlarmCount {
  rule: string;
  severity: string;
  count: number;
}

export interface EnterpriseCounts {
  vehicles: number;
  alarms: AlarmCount[];
  ordersDue: number;
  ordersLate: number;
}

export const roundPoints = (v: number): number => Math.round(v * 100) / 100;

function alarmPointsOf(model: CreditModel, rule: string, severity: string): number {
  const bySeverity = Object.hasOwn(model.alarm_points, rule) ? model.alarm_points[rule] : model.alarm_points['*'];
  return severity === 'info' || severity === 'warning' || severity === 'critical' ? bySeverity[severity] : 0;
}

/**
 * score = 100 − min(violations_cap, Σ alarm points ÷ max(1, vehicles)) − min(handling_cap, late orders × late_order_points),
 * rounded to hundredths; never below 0.
 */
export function enterpriseScore(
  model: CreditModel,
  counts: EnterpriseCounts,
): { score: number; grade: string; facts: EnterpriseCreditFacts } {
  const violationPoints = counts.alarms.reduce((sum, a) => sum + a.count * alarmPointsOf(model, a.rule, a.severity), 0);
  const violationDeduction = Math.min(model.violations_cap, violationPoints / Math.max(1, counts.vehicles));
  const handlingDeduction = Math.min(model.handling_cap, counts.ordersLate * model.late_order_points);
  const score = Math.max(0, roundPoints(100 - violationDeduction - handlingDeduction));
  return {
    score,
    grade: gradeOf(model, score),
    facts: {
      vehicles: counts.vehicles,
      alarms: Object.fromEntries(counts.alarms.map((a) => [`${a.rule}/${a.severity}`, a.count])),
      violation_points: roundPoints(violationPoints),
      violation_deduction: roundPoints(violationDeduction),
      orders_due: counts.ordersDue,
      orders_late: counts.ordersLate,
      handling_deduction: roundPoints(handlingDeduction),
    },
  };
}

/** The best grade whose `min_score` the score reaches; the model's last grade starts at 0, so there always is one. */
export function gradeOf(model: CreditModel, score: number): string {
  return (model.grades.find((g) => score >= g.min_score) ?? model.grades[model.grades.length - 1]).grade;
}

/** 0 for the best grade, rising as grades get worse; a grade the model no longer has ranks as the worst. */
export function gradeRank(model: CreditModel, grade: string): number {
  const i = model.grades.findIndex((g) => g.grade === grade);
  return i < 0 ? model.grades.length : i;
}

export function driverPoints(model: CreditModel, violations: Record<string, number>): number {
  return roundPoints(
    Object.entries(violations).reduce(
      (sum, [rule, n]) => sum + n * (Object.hasOwn(model.driver_points, rule) ? model.driver_points[rule] : 0),
      0,
    ),
  );
}

/** The highest threshold reached by `points`, or null. */
export function thresholdReached(model: CreditModel, points: number): number | null {
  const reached = model.driver_thresholds.filter((t) => points >= t);
  return reached.length === 0 ? null : reached[reached.length - 1];
}

/** The first day (`YYYY-MM-DD`) of the 12-month cycle holding `day`: the latest `driver_cycle_start` not after it. */
export function cycleStart(model: CreditModel, day: string): string {
  const year = Number(day.slice(0, 4));
  const thisYear = `${year}-${model.driver_cycle_start}`;
  return thisYear <= day ? thisYear : `${year - 1}-${model.driver_cycle_start}`;
}
