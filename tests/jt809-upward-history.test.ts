/**
 * The upward link keeps the positions it could not send while the upper platform refused or dropped it, in a
 * bounded queue (the oldest dropped and counted), and sends them once logged in as 0x1203 history, before anything
 * new: one vehicle per message, at most five fixes each, each vehicle's fixes in order. Checked in both editions
 * against the test upper platform written from the standard, over real TCP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UPWARD_LINK_DEFAULTS, UpwardLink, type UpwardPosition } from '../ingest/jt809/upward-link.js';
import { Metrics, silentLogger } from '../schema/index.js';
import { envelopeOf, gnssOf, location2019Of, UpperPlatform } from './support/jt809-upper-platform.js';
import { eventually } from './support/vigil-process.js';

const ACCESS_CODE = 41_000_005;
const T0 = Date.UTC(2026, 11, 6, 8, 0, 0);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function position(plate: string, i: number): UpwardPosition {
  return {
    plate,
    plateColor: 2,
    gnss: {
      time: T0 + i * 10_000,
      lon: 113.6,
      lat: 34.7 + i * 0.001,
      speedKmh: 40 + i,
      tachographSpeedKmh: 0,
      mileageKm: 0,
      directionDeg: 90,
      altitudeM: 100,
      statusBits: 0b11,
      alarmBits: 0,
    },
  };
}

/** The fixes of a 0x1203 sub-body: GNSS_CNT, then 36-byte GNSS_DATA (2011) or 2019 locations of their own length. */
function fixesOf(data: Buffer, edition: 2011 | 2019): { time: number; speedKmh: number }[] {
  const fixes: { time: number; speedKmh: number }[] = [];
  let at = 1;
  for (let i = 0; i < data[0]; i++) {
    if (edition === 2011) {
      fixes.push(gnssOf(data.subarray(at, at + 36)));
      at += 36;
    } else {
      const length = 5 + data.readUInt32BE(at + 1) + 45;
      fixes.push(location2019Of(data.subarray(at, at + length)));
      at += length;
    }
  }
  expect(at).toBe(data.length);
  return fixes;
}

describe.each([2011, 2019] as const)('JT/T 809 upward history (%i)', (edition) => {
  it('sends what it missed as 0x1203 after the login, bounded, before new positions', async () => {
    let accept = false;
    const upper = new UpperPlatform({ edition, loginResult: () => (accept ? 0 : 5) });
    const port = await upper.listen();
    cleanups.push(() => upper.close());
    const metrics = new Metrics();
    const link = new UpwardLink(
      {
        ...UPWARD_LINK_DEFAULTS,
        host: '127.0.0.1',
        port,
        accessCode: ACCESS_CODE,
        userId: 1,
        password: 'pw',
        edition,
        backoffMinMs: 20,
        backoffMaxMs: 100,
        historyQueuedMax: 8,
      },
      { logger: silentLogger, metrics },
    );
    cleanups.push(() => link.stop());
    link.start();
    await eventually(async () => (upper.of(0x1001).length >= 1 ? true : undefined), 20_000, 'a refused login');

    // Seven fixes of one vehicle and two of another while refused: one more than the queue holds.
    for (let i = 0; i < 7; i++) expect(link.sendPosition(position('豫A00001', i))).toBe(false);
    for (let i = 0; i < 2; i++) expect(link.sendPosition(position('豫A00002', 100 + i))).toBe(false);
    expect(link.historyQueued).toBe(8);
    expect(metrics.render()).toMatch(/vigil_jt809_upward_dropped_total\{reason="history_queue_full"\} 1/);
    expect(upper.of(0x1200)).toEqual([]);

    accept = true;
    await eventually(async () => (link.state === 'logged_in' ? true : undefined), 20_000, 'the login');
    expect(link.sendPosition(position('豫A00001', 50))).toBe(true);
    const sent = await eventually(
      async () => (upper.of(0x1200).length >= 4 ? upper.of(0x1200).map((m) => envelopeOf(m.body)) : undefined),
      20_000,
      'three history messages and one real-time position',
    );
    expect(sent.map((e) => [e.plate, e.dataType])).toEqual([
      ['豫A00001', 0x1203],
      ['豫A00001', 0x1203],
      ['豫A00002', 0x1203],
      ['豫A00001', 0x1202],
    ]);
    // The oldest fix (i = 0) was the one dropped; the rest arrive in order, five to a message at most.
    expect(sent.slice(0, 3).map((e) => fixesOf(e.data, edition).map((f) => f.speedKmh))).toEqual([
      [41, 42, 43, 44, 45],
      [46],
      [140, 141],
    ]);
    expect(fixesOf(sent[0].data, edition)[0].time).toBe(T0 + 10_000);
    expect(link.historyQueued).toBe(0);
    expect(metrics.render()).toMatch(/vigil_jt809_upward_history_positions_total 8/);
  });
});
