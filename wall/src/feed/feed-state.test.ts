import { describe, expect, it } from 'vitest';
import type { FeedAlarm, FeedVehicle } from '../../../schema/feed.js';
import { CRITICAL_VISIT_MS, FeedState } from './feed-state.js';

const NOW = Date.UTC(2026, 2, 10, 2, 0, 0);

function vehicle(id: string, overrides: Partial<FeedVehicle> = {}): FeedVehicle {
  return { terminal_id: id, plate: '豫A1', lat: 34.7, lon: 113.6, speed_kmh: 40, direction_deg: 90, ts: NOW, vehicle_class: 'coach', alarming: false, ...overrides };
}

function alarm(id: string, overrides: Partial<FeedAlarm> = {}): FeedAlarm {
  return {
    alarm_id: id, rule: 'overspeed', rule_version: 1, severity: 'critical', terminal_id: '1', plate: '豫A1', started_at: NOW - 1_000,
    ended_at: null, org_code: '410102', lat: 34.7, lon: 113.6, late: 0, details: '{}', version: 1, updated_at: NOW, ...overrides,
  };
}

describe('FeedState', () => {
  it('asks to resume only once it knows the server and continues after the highest alarm_seq', () => {
    const state = new FeedState(NOW);
    expect(state.resumeMessage()).toBeNull();
    state.handle({ type: 'snapshot', protocol: 1, server_id: 's1', server_time: NOW, alarm_seq: 10, vehicles: [], alarms: [] }, NOW);
    state.handle({ type: 'alarm', alarm_seq: 12, alarm: alarm('a') }, NOW);
    expect(state.resumeMessage()).toEqual({ type: 'resume', server_id: 's1', after_alarm_seq: 12 });
    // A restarted server numbers from scratch; its snapshot's sequence replaces ours.
    state.handle({ type: 'snapshot', protocol: 1, server_id: 's2', server_time: NOW, alarm_seq: 3, vehicles: [], alarms: [] }, NOW);
    expect(state.resumeMessage()).toEqual({ type: 'resume', server_id: 's2', after_alarm_seq: 3 });
  });

  it('keys vehicles by terminal_id, keeps the latest fix and drops what a snapshot omits', () => {
    const state = new FeedState(NOW);
    state.handle({ type: 'snapshot', protocol: 1, server_id: 's', server_time: NOW, alarm_seq: 0, vehicles: [vehicle('1'), vehicle('2')], alarms: [] }, NOW);
    state.handle({ type: 'positions', server_time: NOW, vehicles: [vehicle('1', { lat: 35, ts: NOW + 1 }), vehicle('1', { lat: 30, ts: NOW - 5 })] }, NOW);
    expect(state.vehicles.count).toBe(2);
    expect(state.vehicles.lat[0]).toBe(35);
    state.handle({ type: 'snapshot', protocol: 1, server_id: 's', server_time: NOW, alarm_seq: 0, vehicles: [vehicle('2')], alarms: [] }, NOW);
    expect(state.vehicles.count).toBe(1);
    expect(state.vehicles.has('1')).toBe(false);
  });

  it('visits only new, fresh, open critical alarms, one visit at a time', () => {
    const state = new FeedState(NOW);
    state.handle({ type: 'alarm', alarm_seq: 1, alarm: alarm('old', { started_at: NOW - 3_600_000 }) }, NOW);
    state.handle({ type: 'alarm', alarm_seq: 2, alarm: alarm('warn', { severity: 'warning' }) }, NOW);
    expect(state.criticalVisit).toBeNull();
    state.handle({ type: 'alarm', alarm_seq: 3, alarm: alarm('hot') }, NOW);
    state.handle({ type: 'alarm', alarm_seq: 3, alarm: alarm('hot') }, NOW);
    expect(state.criticalVisit?.alarm.alarm_id).toBe('hot');
    expect(state.criticalVisit?.seq).toBe(1);
    state.handle({ type: 'alarm', alarm_seq: 4, alarm: alarm('during-visit') }, NOW + 1_000);
    expect(state.criticalVisit?.alarm.alarm_id).toBe('hot');
    state.handle({ type: 'alarm', alarm_seq: 5, alarm: alarm('after-visit', { started_at: NOW + CRITICAL_VISIT_MS }) }, NOW + CRITICAL_VISIT_MS);
    expect(state.criticalVisit?.alarm.alarm_id).toBe('after-visit');
    expect(state.criticalVisit?.seq).toBe(2);
  });

  it('ignores vehicles with impossible coordinates instead of failing', () => {
    const state = new FeedState(NOW);
    state.handle({ type: 'positions', server_time: NOW, vehicles: [vehicle('1', { lat: Number.NaN }), vehicle('2', { lon: 500 })] }, NOW);
    expect(state.vehicles.count).toBe(0);
    expect(state.vehicles.rejected).toBe(2);
  });
});
