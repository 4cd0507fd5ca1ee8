/** The ranking's title follows the scope's level, and its colours the documented thresholds. */
import { describe, expect, it } from 'vitest';
import type { SummaryUnit } from '../../../schema/summary.js';
import { rankingLevel, rateColor } from './handling-ranking.js';
import { formatRate } from './headline-tiles.js';

function unit(code: string, level: SummaryUnit['level']): SummaryUnit {
  return {
    org_code: code,
    name: code,
    level,
    alarms_received: 0,
    alarms_handled: 0,
    handling_rate: null,
    work_orders_open: 0,
    work_orders_overdue: 0,
    vehicles_monitored: 0,
    vehicles_online: 0,
    online_rate: null,
    vehicles_in_area: 0,
    vehicles_in_area_online: 0,
    directly_administered: false,
    view_only: false,
  };
}

describe('ranking by handling rate', () => {
  it('is titled by the level of the scope: cities for the province, counties for a city, itself for a county', () => {
    expect(rankingLevel('410000', [unit('410100', 'city'), unit('419001', 'city')])).toBe('province');
    expect(rankingLevel('410100', [unit('410102', 'county')])).toBe('city');
    expect(rankingLevel('410105', [unit('410105', 'county')])).toBe('county');
    expect(rankingLevel('410105', [])).toBe('county');
  });

  it('colours rates green from 90 %, amber from 60 %, red below, and prints whole percentages', () => {
    expect([1, 0.9, 0.89, 0.6, 0.59, 0].map(rateColor)).toEqual([
      '#3ddc84',
      '#3ddc84',
      '#ffb020',
      '#ffb020',
      '#ff4d4d',
      '#ff4d4d',
    ]);
    expect([0.755, 4 / 7, null].map(formatRate)).toEqual(['76%', '57%', '–']);
  });
});
