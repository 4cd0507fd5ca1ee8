import { describe, expect, it } from 'vitest';
import { CREDIT_MODEL_DEFAULTS } from '../config/credit-model.js';
import { cycleStart, driverPoints, enterpriseScore, gradeOf, gradeRank, thresholdReached } from './credit-score.js';

const model = CREDIT_MODEL_DEFAULTS;

describe('credit formulas', () => {
  it('grades at each bound inclusively and always gives a grade', () => {
    expect(gradeOf(model, 90)).toBe('AA');
    expect(gradeOf(model, 89.99)).toBe('A');
    expect(gradeOf(model, 60)).toBe('C');
    expect(gradeOf(model, 59.99)).toBe('D');
    expect(gradeOf(model, 0)).toBe('D');
    expect(gradeRank(model, 'AA')).toBeLessThan(gradeRank(model, 'D'));
    // A grade a later model dropped ranks as the worst, so a fall from it is never missed the other way.
    expect(gradeRank(model, 'AAA')).toBe(model.grades.length);
  });

  it('divides violations by the fleet, caps both deductions and never goes below 0', () => {
    const scored = enterpriseScore(model, {
      vehicles: 4,
      alarms: [
        { rule: 'overspeed', severity: 'critical', count: 2 },
        { rule: 'fatigue', severity: 'warning', count: 2 },
        { rule: 'offline', severity: 'info', count: 9 },
      ],
      ordersDue: 3,
      ordersLate: 1,
    });
    // (2 × 3 + 2 × 1 + 9 × 0) ÷ 4 = 2, and one late order 5.
    expect(scored.score).toBe(93);
    expect(scored.facts).toMatchObject({ violation_points: 8, violation_deduction: 2, handling_deduction: 5 });
    const capped = enterpriseScore(model, {
      vehicles: 0,
      alarms: [{ rule: 'overspeed', severity: 'critical', count: 1000 }],
      ordersDue: 100,
      ordersLate: 100,
    });
    expect(capped.score).toBe(0);
    expect(capped.grade).toBe('D');
  });

  it('starts the cycle on the latest start day not after the day', () => {
    const april = { ...model, driver_cycle_start: '04-01' };
    expect(cycleStart(april, '2026-04-01')).toBe('2026-04-01');
    expect(cycleStart(april, '2026-03-31')).toBe('2025-04-01');
    expect(cycleStart(model, '2026-12-31')).toBe('2026-01-01');
  });

  it('scores only the rules with points and names the highest threshold reached', () => {
    expect(driverPoints(model, { overspeed: 2, night_ban: 1, gps_drift: 5 })).toBe(16);
    expect(thresholdReached(model, 11)).toBeNull();
    expect(thresholdReached(model, 12)).toBe(12);
    expect(thresholdReached(model, 25)).toBe(20);
  });
});
