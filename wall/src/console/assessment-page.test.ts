/** The assessment page's periods (Beijing calendar days) and how it writes a figure. */
import { describe, expect, it } from 'vitest';
import type { AssessmentIndicator } from '../../../schema/assessment.js';
import { figureText, presetDays } from './assessment-page.js';

/** 2026-12-01 00:30 in Beijing is still 30 November in UTC. */
const EARLY_DECEMBER_IN_BEIJING = Date.UTC(2026, 10, 30, 16, 30);
const NEW_YEAR_IN_BEIJING = Date.UTC(2026, 11, 31, 16, 30);

describe('assessment presets', () => {
  it('counts days in Beijing, not in UTC', () => {
    expect(presetDays('this_month', EARLY_DECEMBER_IN_BEIJING)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(presetDays('last_month', EARLY_DECEMBER_IN_BEIJING)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetDays('last_7_days', EARLY_DECEMBER_IN_BEIJING)).toEqual({ from: '2026-11-25', to: '2026-12-01' });
  });

  it('takes last month across a year boundary', () => {
    expect(presetDays('last_month', NEW_YEAR_IN_BEIJING)).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetDays('this_month', NEW_YEAR_IN_BEIJING)).toEqual({ from: '2027-01-01', to: '2027-01-01' });
  });
});

describe('assessment figures', () => {
  const ratio = { kind: 'ratio' } as AssessmentIndicator;
  const average = { kind: 'average' } as AssessmentIndicator;
  it('writes a share as a percentage, an average with two decimals, and nothing without a base', () => {
    expect(figureText(ratio, { value: 0.8765, numerator: 8765, denominator: 10000 }, '—')).toBe('87.7%');
    expect(figureText(average, { value: 1.5, numerator: 3, denominator: 2 }, '—')).toBe('1.50');
    expect(figureText(ratio, { value: null, numerator: 0, denominator: 0 }, '—')).toBe('—');
  });
});
