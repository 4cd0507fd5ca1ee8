import { describe, expect, it } from 'vitest';
import type { FeedAlarm, FeedVehicle } from '../../../schema/feed.js';
import { encodePositionsFrame } from '../../../schema/feed-frame.js';
import { encodeVehicleTableFrame } from '../../../schema/feed-table-frame.js';
import { CRITICAL_VISIT_MS, FeedState } from './feed-state.js';

const NOW = Date.UTC(2026, 2, 10, 2, 0, 0);
// 2026-03-10 00:00 in Shanghai.
const DAY_START = Date.UTC(2026, 2, 9, 16, 0, 0);
const TODAY_NONE = { day_start: DAY_START, total: 0, by_rule: {}, by_hour: new Array<number>(24).fill(0) };

function vehicle(id: string, overrides: Partial<FeedVehicle> = {}): FeedVehicle {
  return {
    terminal_id: id,
    plate: '豫A1',
    lat: 34.7,
    lon: 113.6,
    speed_kmh: 40,
    direction_deg: 90,
    ts: NOW,
    vehicle_class: 'coach',
    alarming: false,
    ...overrides,
  };
}

function alarm(id: string, overrides: Partial<FeedAlarm> = {}): FeedAlarm {
  return {
    alarm_id: id,
    rule: 'overspeed',
    rule_version: 1,
    severity: 'critical',
    terminal_id: '1',
    plate: '豫A1',
    started_at: NOW - 1_000,
    ended_at: null,
    org_code: '410102',
    lat: 34.7,
    lon: 113.6,
    late: 0,
    details: '{}',
    version: 1,
    updated_at: NOW,
    ...overrides,
  };
}

describe('FeedState', () => {
  it('tells the panels at once when alarms change, and not for positions or heartbeats', () => {
    const state = new FeedState(NOW);
    let calls = 0;
    const unsubscribe = state.onAlarmsChanged(() => (calls += 1));
    state.handle({ type: 'heartbeat', server_time: NOW, alarm_seq: 0 }, NOW);
    state.handle({ type: 'positions', server_time: NOW, vehicles: [vehicle('1')] }, NOW);
    expect(calls).toBe(0);
    state.handle({ type: 'alarm', alarm_seq: 1, alarm: alarm('a'), counted: true }, NOW);
    expect(calls).toBe(1);
    state.handle(
      {
        type: 'snapshot',
        protocol: 3,
        server_id: 's1',
        server_time: NOW,
        alarm_seq: 1,
        vehicles: [],
        alarms: [alarm('a')],
        today: TODAY_NONE,
      },
      NOW,
    );
    expect(calls).toBe(2);
    unsubscribe();
    state.handle({ type: 'alarm', alarm_seq: 2, alarm: alarm('b'), counted: true }, NOW);
    expect(calls).toBe(2);
  });

  it('asks to resume only once it knows the server and continues after the highest alarm_seq', () => {
    const state = new FeedState(NOW);
    expect(state.resumeMessage()).toBeNull();
    state.handle(
      {
        type: 'snapshot',
        protocol: 1,
        server_id: 's1',
        server_time: NOW,
        alarm_seq: 10,
        vehicles: [],
        alarms: [],
        today: TODAY_NONE,
      },
      NOW,
    );
    state.handle({ type: 'alarm', alarm_seq: 12, alarm: alarm('a'), counted: true }, NOW);
    expect(state.resumeMessage()).toEqual({ type: 'resume', server_id: 's1', after_alarm_seq: 12 });
    // A restarted server numbers from scratch; its snapshot's sequence replaces ours.
    state.handle(
      {
        type: 'snapshot',
        protocol: 1,
        server_id: 's2',
        server_time: NOW,
        alarm_seq: 3,
        vehicles: [],
        alarms: [],
        today: TODAY_NONE,
      },
      NOW,
    );
    expect(state.resumeMessage()).toEqual({ type: 'resume', server_id: 's2', after_alarm_seq: 3 });
  });

  it('keys vehicles by terminal_id, keeps the latest fix and drops what a snapshot omits', () => {
    const state = new FeedState(NOW);
    state.handle(
      {
        type: 'snapshot',
        protocol: 1,
        server_id: 's',
        server_time: NOW,
        alarm_seq: 0,
        vehicles: [vehicle('1'), vehicle('2')],
        alarms: [],
        today: TODAY_NONE,
      },
      NOW,
    );
    state.handle(
      {
        type: 'positions',
        server_time: NOW,
        vehicles: [vehicle('1', { lat: 35, ts: NOW + 1 }), vehicle('1', { lat: 30, ts: NOW - 5 })],
      },
      NOW,
    );
    expect(state.vehicles.count).toBe(2);
    expect(state.vehicles.lat[0]).toBe(35);
    state.handle(
      {
        type: 'snapshot',
        protocol: 1,
        server_id: 's',
        server_time: NOW,
        alarm_seq: 0,
        vehicles: [vehicle('2')],
        alarms: [],
        today: TODAY_NONE,
      },
      NOW,
    );
    expect(state.vehicles.count).toBe(1);
    expect(state.vehicles.has('1')).toBe(false);
  });

  it('visits only new, fresh, open critical alarms, one visit at a time', () => {
    const state = new FeedState(NOW);
    state.handle(
      { type: 'alarm', alarm_seq: 1, alarm: alarm('old', { started_at: NOW - 3_600_000 }), counted: true },
      NOW,
    );
    state.handle({ type: 'alarm', alarm_seq: 2, alarm: alarm('warn', { severity: 'warning' }), counted: true }, NOW);
    expect(state.criticalVisit).toBeNull();
    state.handle({ type: 'alarm', alarm_seq: 3, alarm: alarm('hot'), counted: true }, NOW);
    state.handle({ type: 'alarm', alarm_seq: 3, alarm: alarm('hot'), counted: true }, NOW);
    expect(state.criticalVisit?.alarm.alarm_id).toBe('hot');
    expect(state.criticalVisit?.seq).toBe(1);
    state.handle({ type: 'alarm', alarm_seq: 4, alarm: alarm('during-visit'), counted: true }, NOW + 1_000);
    expect(state.criticalVisit?.alarm.alarm_id).toBe('hot');
    state.handle(
      {
        type: 'alarm',
        alarm_seq: 5,
        alarm: alarm('after-visit', { started_at: NOW + CRITICAL_VISIT_MS }),
        counted: true,
      },
      NOW + CRITICAL_VISIT_MS,
    );
    expect(state.criticalVisit?.alarm.alarm_id).toBe('after-visit');
    expect(state.criticalVisit?.seq).toBe(2);
  });

  it('ignores vehicles with impossible coordinates instead of failing', () => {
    const state = new FeedState(NOW);
    state.handle(
      {
        type: 'positions',
        server_time: NOW,
        vehicles: [vehicle('1', { lat: Number.NaN }), vehicle('2', { lon: 500 })],
      },
      NOW,
    );
    expect(state.vehicles.count).toBe(0);
    expect(state.vehicles.rejected).toBe(2);
  });

  it('reads binary position frames through the vehicle table and ignores fixes of unannounced vehicles', () => {
    const state = new FeedState(NOW);
    state.handle(
      {
        type: 'snapshot',
        protocol: 2,
        server_id: 's',
        server_time: NOW,
        alarm_seq: 0,
        vehicles: [],
        alarms: [],
        today: TODAY_NONE,
      },
      NOW,
    );
    state.handle(
      { type: 'vehicle_table', entries: [{ index: 7, terminal_id: 't7', plate: '豫A7', vehicle_class: 'coach' }] },
      NOW,
    );
    const frame = encodePositionsFrame(
      [
        {
          index: 7,
          lat: 34.123456,
          lon: 113.654321,
          ts: NOW - 3_000,
          speedKmh: 88.8,
          directionDeg: 370,
          alarming: true,
        },
        { index: 9, lat: 30, lon: 110, ts: NOW, speedKmh: 1, directionDeg: 0, alarming: false },
      ],
      NOW,
    );
    state.handleFrame(frame.buffer as ArrayBuffer, NOW);
    expect(state.vehicles.count).toBe(1);
    expect(state.vehicles.lat[0]).toBeCloseTo(34.123456, 6);
    expect(state.vehicles.lon[0]).toBeCloseTo(113.654321, 6);
    expect(state.vehicles.fixAt[0]).toBe(NOW - 3_000);
    expect(state.vehicles.alarming[0]).toBe(1);
    expect(state.fixesUnannounced).toBe(1);
    state.handleFrame(new ArrayBuffer(5), NOW);
    expect(state.framesRejected).toBe(1);
  });

  it('announces vehicles from a binary vehicle table (protocol 3) and rejects a damaged one without announcing', () => {
    const state = new FeedState(NOW);
    state.handle(
      {
        type: 'snapshot',
        protocol: 3,
        server_id: 's',
        server_time: NOW,
        alarm_seq: 0,
        vehicles: [],
        alarms: [],
        today: TODAY_NONE,
      },
      NOW,
    );
    const table = encodeVehicleTableFrame([
      { index: 3, terminal_id: '013800000003', plate: '豫A12345', vehicle_class: 'dangerous_goods' },
      { index: 4, terminal_id: '013800000004', plate: '豫P0004', vehicle_class: 'bus' },
    ]);
    state.handleFrame(table.slice().buffer, NOW);
    state.handleFrame(
      encodePositionsFrame(
        [{ index: 4, lat: 34.5, lon: 113.5, ts: NOW, speedKmh: 10, directionDeg: 0, alarming: false }],
        NOW,
      ).buffer as ArrayBuffer,
      NOW,
    );
    expect(state.vehicles.count).toBe(2);
    expect(state.vehicles.has('013800000004')).toBe(true);
    expect(state.vehicles.lat[1]).toBeCloseTo(34.5, 6);
    expect(state.fixesUnannounced).toBe(0);
    const damaged = encodeVehicleTableFrame([{ index: 5, terminal_id: '5', plate: 'x', vehicle_class: 'bus' }]).slice(
      0,
      -1,
    );
    state.handleFrame(damaged.buffer, NOW);
    expect(state.framesRejected).toBe(1);
    expect(state.vehicles.count).toBe(2);
  });

  it("takes today's totals from the snapshot and adds only episodes the server flags as counted, once", () => {
    const state = new FeedState(NOW);
    const today = {
      day_start: DAY_START,
      total: 40,
      by_rule: { overspeed: 30, fatigue: 10 },
      by_hour: new Array<number>(24).fill(0),
    };
    today.by_hour[9] = 40;
    state.handle(
      {
        type: 'snapshot',
        protocol: 2,
        server_id: 's',
        server_time: NOW,
        alarm_seq: 5,
        vehicles: [],
        alarms: [alarm('in-snapshot')],
        today,
      },
      NOW,
    );
    expect(state.alarms.todayCount).toBe(40);
    state.handle({ type: 'alarm', alarm_seq: 6, alarm: alarm('in-snapshot', { version: 2 }), counted: false }, NOW);
    state.handle({ type: 'alarm', alarm_seq: 7, alarm: alarm('new', { started_at: NOW + 1_000 }), counted: true }, NOW);
    state.handle({ type: 'alarm', alarm_seq: 7, alarm: alarm('new', { started_at: NOW + 1_000 }), counted: true }, NOW);
    expect(state.alarms.todayCount).toBe(41);
    expect(state.alarms.todayByRule.get('overspeed')).toBe(31);
    expect(state.alarms.todayByHour[9]).toBe(40);
    expect(state.alarms.todayByHour[10]).toBe(1);
  });
});
