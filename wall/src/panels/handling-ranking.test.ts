/** The ranking's title and rows follow the scope's level, and its colours the documented thresholds. */
import { describe, expect, it } from 'vitest';
import type { CentreSummary, SummaryUnit } from '../../../schema/summary.js';
import { MESSAGES } from '../i18n/messages.js';
import { rankingLevel, rankingRows, rateColor } from './handling-ranking.js';
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
  function summary(code: string, level: SummaryUnit['level'], units: SummaryUnit[]): CentreSummary {
    const totals = { ...unit(code, level) } as Partial<SummaryUnit>;
    return {
      scope: { kind: 'org', org_code: code, name: code, level, directly_administered: false, enterprise_id: null },
      generated_at: 0,
      day_start: 0,
      online_window_minutes: 10,
      totals: totals as CentreSummary['totals'],
      units,
      departments: [
        {
          code: 'enforcement',
          name: '执法',
          alarms_received: 2,
          alarms_handled: 1,
          handling_rate: 0.5,
          work_orders_open: 0,
          work_orders_overdue: 0,
        },
      ],
    };
  }

  it('ranks the units a province or city commands, marks 省直管县, and a county its departments', () => {
    const gongyi = { ...unit('410181', 'county'), directly_administered: true };
    const province = summary('410000', 'province', [unit('410100', 'city'), gongyi]);
    expect(rankingLevel(province)).toBe('province');
    expect(rankingRows(province, MESSAGES.zh).map((r) => [r.code, r.mark])).toEqual([
      ['410100', null],
      ['410181', '省直管'],
    ]);
    const city = summary('410100', 'city', [unit('410102', 'county'), { ...gongyi, view_only: true }]);
    expect(rankingLevel(city)).toBe('city');
    expect(rankingRows(city, MESSAGES.zh).map((r) => r.mark)).toEqual([null, '省直管·只读']);
    const county = summary('410105', 'county', [unit('410105', 'county')]);
    expect(rankingLevel(county)).toBe('county');
    expect(rankingRows(county, MESSAGES.zh)).toEqual([
      { code: 'enforcement', name: '执法', rate: 0.5, received: 2, handled: 1, mark: null },
    ]);
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
