/**
 * A city's circular built from ranked units, for the tests of the circular's text and of its documents: 郑州市 over
 * the units given, for November 2026, generated at 16:30 UTC on 30 November (00:30 on 1 December in Beijing).
 */
import { CONFIG_DEFAULTS } from '../config/center-config.js';
import { circularContent, type CircularContent } from './circular-content.js';
import { ASSESSMENT_INDICATORS } from './indicators.js';
import type { rankUnits } from './scoring.js';

export function zhengzhouCircular({ units, red, black }: ReturnType<typeof rankUnits>): CircularContent {
  return circularContent({
    scope: { org_code: '410100', name: '郑州市', level: 'city' },
    period: { from: '2026-11-01', to: '2026-11-30', days: 30, starts_at: 0, ends_at: 0, time_zone: 'Asia/Shanghai' },
    level: 'children',
    generated_at: Date.UTC(2026, 10, 30, 16, 30),
    parameters: {
      config_version: 0,
      track_gap_seconds: 120,
      track_gap_km: 2,
      overspeed_rules: ['overspeed'],
      fatigue_rules: ['fatigue'],
      drift_rules: ['gps_drift'],
    },
    scoring: { ...CONFIG_DEFAULTS.assessment_scoring, config_version: 0 },
    indicators: [...ASSESSMENT_INDICATORS],
    totals: { ...units[0], org_code: '410100', name: '郑州市', rank: null, lists: [] },
    units,
    red,
    black,
    actions: [],
  });
}
