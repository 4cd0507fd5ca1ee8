/**
 * The summary's record of vehicles heard lately: fed from the telemetry topic of a real in-process log, bounded,
 * never moved back by an older fix, and refusing bad configuration by name.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countyAt } from '../../schema/index.js';
import type { TelemetryRow } from '../../schema/index.js';
import { MemoryLog, TOPICS } from '../../stream/index.js';
import { OnlineVehicles, ONLINE_VEHICLES_DEFAULTS } from './online-vehicles.js';

const NOW = Date.UTC(2026, 10, 28, 0, 0, 0);
const JINSHUI = { lat: 34.80109, lon: 113.65453 };
const LUOYANG = { lat: 34.68, lon: 112.45 };

function fix(terminalId: string, ts: number, receivedAt: number, at: { lat: number; lon: number }): TelemetryRow {
  return {
    terminal_id: terminalId,
    plate: `豫A${terminalId.slice(-5)}`,
    ts,
    received_at: receivedAt,
    lat: at.lat,
    lon: at.lon,
    altitude_m: 0,
    speed_kmh: 50,
    direction_deg: 90,
    alarm_bits: 0,
    status_bits: 0,
    source: 'jt808',
    backfill: 0,
    extras: '',
    org_code: '',
  };
}

const running: OnlineVehicles[] = [];

afterEach(async () => {
  for (const online of running.splice(0)) await online.stop();
});

function waitFor(condition: () => boolean, what: string): Promise<void> {
  return vi.waitFor(
    () => {
      if (!condition()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: 20_000, interval: 20 },
  );
}

describe('OnlineVehicles', () => {
  it('follows the telemetry topic and finds the county of the latest fix', async () => {
    const log = new MemoryLog({ partitions: 2, backlogPerPartitionMax: 10_000, durableGroups: {} });
    const online = new OnlineVehicles({ log, countyAt: (lon, lat) => countyAt(lon, lat)?.code ?? '' });
    running.push(online);
    online.start();
    await log.producer().send(
      TOPICS.telemetry,
      [fix('100001', NOW, NOW, LUOYANG), fix('100002', NOW, NOW, JINSHUI)].map((value) => ({
        key: value.terminal_id,
        value,
      })),
    );
    // Back-filled later: an older fix received now keeps the vehicle where it is but marks it heard now.
    await log.producer().send(
      TOPICS.telemetry,
      [fix('100001', NOW + 60_000, NOW + 60_000, JINSHUI), fix('100001', NOW - 3_600_000, NOW + 90_000, LUOYANG)].map(
        (value) => ({ key: value.terminal_id, value }),
      ),
    );
    await waitFor(
      () => online.recent(NOW).find((v) => v.terminalId === '100001')?.heardAtMs === NOW + 90_000,
      'the back-filled fix',
    );
    const first = online.recent(NOW + 90_000).find((v) => v.terminalId === '100001')!;
    expect(first.fixAtMs).toBe(NOW + 60_000);
    expect(online.countyOf(first)).toBe('410105');
    expect(online.size).toBe(2);
    await log.close();
  });

  it('forgets the least recently heard beyond vehiclesMax and whatever is older than the monitored window', () => {
    const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} });
    const online = new OnlineVehicles(
      { log, countyAt: () => '410105' },
      { ...ONLINE_VEHICLES_DEFAULTS, vehiclesMax: 3 },
    );
    for (const [index, id] of ['a', 'b', 'c'].entries()) online.accept(id, '', NOW + index, NOW, 113, 34);
    online.accept('a', '', NOW + 10, NOW, 113, 34);
    online.accept('d', '', NOW + 11, NOW, 113, 34);
    expect(
      online
        .recent(NOW + 20)
        .map((v) => v.terminalId)
        .sort(),
    ).toEqual(['a', 'c', 'd']);
    expect(
      online
        .recent(NOW + 3 + ONLINE_VEHICLES_DEFAULTS.monitoredWindowMs)
        .map((v) => v.terminalId)
        .sort(),
    ).toEqual(['a', 'd']);
    expect(online.size).toBe(2);
  });

  it('refuses bad configuration naming the key, the value and the bound', () => {
    const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} });
    const deps = { log, countyAt: () => '' };
    expect(() => new OnlineVehicles(deps, { ...ONLINE_VEHICLES_DEFAULTS, vehiclesMax: 0 })).toThrow(
      'vehiclesMax value 0 is less than min allowed 1',
    );
    expect(() => new OnlineVehicles(deps, { ...ONLINE_VEHICLES_DEFAULTS, monitoredWindowMs: 60_000 })).toThrow(
      'monitoredWindowMs value 60000 is less than min allowed 600000 (onlineWindowMs)',
    );
  });
});
