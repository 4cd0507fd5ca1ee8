/** The wall keeps the last good summary through failed polls and marks it stale only after three are missed. */
import { describe, expect, it } from 'vitest';
import type { CentreSummary } from '../../../schema/summary.js';
import { afterPoll, isCentreSummary, NO_SUMMARY, SUMMARY_STALE_AFTER_MS } from './summary-poll.js';

const FIGURES = {
  alarms_received: 4,
  alarms_handled: 3,
  handling_rate: 0.75,
  work_orders_open: 2,
  work_orders_overdue: 1,
  vehicles_monitored: 10,
  vehicles_online: 7,
  online_rate: 0.7,
  vehicles_in_area: 12,
  vehicles_in_area_online: 8,
};
const SUMMARY: CentreSummary = {
  scope: {
    kind: 'org',
    org_code: '410100',
    name: '郑州市',
    level: 'city',
    directly_administered: false,
    enterprise_id: null,
  },
  generated_at: 1,
  day_start: 0,
  online_window_minutes: 10,
  totals: FIGURES,
  units: [
    { org_code: '410102', name: '中原区', level: 'county', directly_administered: false, view_only: false, ...FIGURES },
  ],
  departments: [],
};

describe('summary polling', () => {
  it('accepts a summary and refuses other bodies', () => {
    expect(isCentreSummary(SUMMARY)).toBe(true);
    expect(isCentreSummary({ ...SUMMARY, totals: { ...FIGURES, work_orders_open: '2' } })).toBe(false);
    expect(isCentreSummary({ error: 'unauthenticated' })).toBe(false);
    expect(isCentreSummary(null)).toBe(false);
  });

  it('keeps the last good summary through failures and marks it stale after the bound', () => {
    const t0 = 1_000_000;
    const first = afterPoll(NO_SUMMARY, SUMMARY, t0);
    expect(first).toEqual({ summary: SUMMARY, fetchedAt: t0, stale: false });
    const failedSoon = afterPoll(first, undefined, t0 + SUMMARY_STALE_AFTER_MS);
    expect(failedSoon).toEqual({ summary: SUMMARY, fetchedAt: t0, stale: false });
    const failedLate = afterPoll(failedSoon, undefined, t0 + SUMMARY_STALE_AFTER_MS + 1);
    expect(failedLate).toEqual({ summary: SUMMARY, fetchedAt: t0, stale: true });
    expect(afterPoll(failedLate, SUMMARY, t0 + 60_000)).toEqual({
      summary: SUMMARY,
      fetchedAt: t0 + 60_000,
      stale: false,
    });
    expect(afterPoll(NO_SUMMARY, undefined, t0)).toEqual(NO_SUMMARY);
  });
});
