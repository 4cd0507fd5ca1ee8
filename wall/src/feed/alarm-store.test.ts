import { describe, expect, it } from 'vitest';
import type { FeedAlarm } from '../../../schema/feed.js';
import { ALARM_LIST_MAX, AlarmStore } from './alarm-store.js';

// 2026-03-10 10:00:00 in Shanghai.
const NOW = Date.UTC(2026, 2, 10, 2, 0, 0);

function alarm(id: string, overrides: Partial<FeedAlarm> = {}): FeedAlarm {
  return {
    alarm_id: id,
    rule: 'overspeed',
    rule_version: 1,
    severity: 'warning',
    terminal_id: '13800000001',
    plate: '豫A12345',
    started_at: NOW - 60_000,
    ended_at: null,
    org_code: '410102',
    lat: 34.75,
    lon: 113.62,
    late: 0,
    details: '{}',
    version: 1,
    updated_at: NOW,
    ...overrides,
  };
}

describe('AlarmStore', () => {
  it('keeps one entry per alarm_id and only a higher version replaces it', () => {
    const store = new AlarmStore(NOW);
    expect(store.accept(alarm('a'))).toBe('new');
    expect(store.accept(alarm('a'))).toBe('duplicate');
    expect(store.accept(alarm('a', { version: 3, severity: 'critical' }))).toBe('updated');
    expect(store.accept(alarm('a', { version: 2 }))).toBe('duplicate');
    expect(store.ids()).toEqual(['a']);
    expect(store.recent.get('a')?.severity).toBe('critical');
    expect(store.todayCount).toBe(1);
    expect(store.todayByRule.get('overspeed')).toBe(1);
  });

  it('tracks open episodes and forgets them when a closing version arrives', () => {
    const store = new AlarmStore(NOW);
    store.accept(alarm('a'));
    store.accept(alarm('b'));
    expect(store.open.size).toBe(2);
    store.accept(alarm('a', { version: 2, ended_at: NOW }));
    expect(Array.from(store.open.keys())).toEqual(['b']);
  });

  it('rebuilds the open set from a snapshot without counting replayed episodes twice', () => {
    const store = new AlarmStore(NOW);
    store.accept(alarm('a'));
    store.accept(alarm('b'));
    store.applySnapshot([alarm('b'), alarm('c')]);
    expect(Array.from(store.open.keys()).sort()).toEqual(['b', 'c']);
    expect(store.todayCount).toBe(3);
    expect(store.heatCount).toBe(3);
  });

  it('keeps a snapshot from reopening an episode it already knows closed', () => {
    const store = new AlarmStore(NOW);
    store.accept(alarm('a', { version: 2, ended_at: NOW }));
    store.applySnapshot([alarm('a', { version: 1 })]);
    expect(store.open.size).toBe(0);
  });

  it('bounds the live list and keeps the newest', () => {
    const store = new AlarmStore(NOW);
    for (let index = 0; index < ALARM_LIST_MAX * 3; index += 1)
      store.accept(alarm(`x${index}`, { started_at: NOW - 3_600_000 + index }));
    expect(store.recent.size).toBeLessThanOrEqual(ALARM_LIST_MAX + 100);
    expect(store.newest(1)[0].alarm_id).toBe(`x${ALARM_LIST_MAX * 3 - 1}`);
    expect(store.todayCount).toBe(ALARM_LIST_MAX * 3);
  });

  it('counts only episodes that started today (Shanghai) and restarts at midnight', () => {
    const store = new AlarmStore(NOW);
    store.accept(alarm('yesterday', { started_at: NOW - 11 * 3_600_000 }));
    store.accept(alarm('today', { started_at: NOW - 9 * 3_600_000 }));
    expect(store.todayCount).toBe(1);
    expect(store.todayByHour[1]).toBe(1);
    store.rollDay(NOW + 14 * 3_600_000);
    expect(store.todayCount).toBe(0);
    expect(store.heatCount).toBe(0);
  });
});
