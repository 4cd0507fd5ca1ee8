/**
 * Toll transactions through the rules, deterministically: records written by hand are normalized by the toll
 * ingestion into their entry and exit sightings, which an in-memory engine evaluates. `overload` takes the weight
 * of the weighing station's sighting, `cloned_plate` compares entry with exit, a toll station is not watched for
 * silence by `device_offline` (its sightings arrive long after its entries), and a sighting without a position
 * says nothing to `cloned_plate`.
 */
import { describe, expect, it } from 'vitest';
import type { CameraEvent } from '../schema/index.js';
import { normalizeToll } from '../ingest/http/normalize-toll.js';
import type { EngineEvent } from '../stream/index.js';
import { MINUTE, T0, camera, details, latest, run } from './support/rules-trace.js';

const ctx = { source: 'key:1', keyOrgCode: '410000', receivedAt: T0 + 60 * MINUTE, futureSkewMsMax: 600_000 };
const ZHENGZHOU_EAST = { entry_station_id: 'S41010101', entry_lat: 34.76, entry_lon: 113.77 };
const XINXIANG = { exit_station_id: 'S41070201', exit_lat: 35.3, exit_lon: 113.93 };
const ANYANG = { exit_station_id: 'S41050201', exit_lat: 36.1, exit_lon: 114.39 };

function sightings(record: Record<string, unknown>): EngineEvent[] {
  const out = normalizeToll({ plate_color: 2, axles: 6, ...ZHENGZHOU_EAST, ...XINXIANG, ...record }, ctx);
  if (!out.ok) throw new Error(`${out.reason}: ${out.detail}`);
  return out.value.sightings.map((value: CameraEvent) => ({ topic: 'camera' as const, value }));
}

describe('toll transactions in the rules', () => {
  it('overload: the weighing station alarms, an unweighed or legal transaction does not', () => {
    const events = [
      ...sightings({
        event_id: 't1',
        plate: '豫AT0001',
        entry_time: T0,
        exit_time: T0 + 40 * MINUTE,
        gross_kg: 58_000,
      }),
      ...sightings({
        event_id: 't2',
        plate: '豫AT0002',
        entry_time: T0,
        exit_time: T0 + 40 * MINUTE,
        gross_kg: 30_000,
        weighed_at: 'exit',
      }),
      ...sightings({ event_id: 't3', plate: '豫AT0003', entry_time: T0, exit_time: T0 + 40 * MINUTE }),
    ];
    const alarms = latest(run(events), 'overload');
    expect(alarms.map((a) => [a.plate, details(a).site, details(a).weighed_by, details(a).limit_kg])).toEqual([
      ['豫AT0001', 'S41010101', 'toll', 49_000],
    ]);
  });

  it('overload on the exit sighting when the exit lane weighed', () => {
    const events = sightings({
      event_id: 't4',
      plate: '豫AT0004',
      entry_time: T0,
      exit_time: T0 + 40 * MINUTE,
      gross_kg: 58_000,
      weighed_at: 'exit',
    });
    expect(latest(run(events), 'overload').map((a) => [a.started_at, details(a).site])).toEqual([
      [T0 + 40 * MINUTE, 'S41070201'],
    ]);
  });

  it('cloned_plate: an exit too far from the entry for the time between; a plausible trip is quiet', () => {
    const events = [
      // Zhengzhou East to Anyang, some 160 km, in 20 minutes.
      ...sightings({ event_id: 'c1', plate: '豫AC0001', entry_time: T0, exit_time: T0 + 20 * MINUTE, ...ANYANG }),
      // Zhengzhou East to Xinxiang, some 60 km, in 40 minutes.
      ...sightings({ event_id: 'c2', plate: '豫AC0002', entry_time: T0, exit_time: T0 + 40 * MINUTE }),
    ];
    const alarms = latest(run(events), 'cloned_plate');
    expect(alarms.map((a) => a.plate)).toEqual(['豫AC0001']);
    expect(details(alarms[0])).toMatchObject({
      sighting: { source: 'camera:S41050201' },
      other: { source: 'camera:S41010101' },
    });
  });

  it('device_offline: a toll station is not silent for its old entries, a camera heard as long ago is', () => {
    const events: EngineEvent[] = [
      ...sightings({ event_id: 'd1', plate: '豫AD0001', entry_time: T0, exit_time: T0 + 50 * MINUTE }),
      { topic: 'camera', value: camera({ plate: '豫AD0002', ts: T0, device_id: 'cam-quiet' }) },
    ];
    const silent = latest(run(events, undefined, T0 + 60 * MINUTE), 'device_offline').map((a) => details(a).device_id);
    expect(silent).toEqual(['cam-quiet']);
  });

  it('cloned_plate: a sighting without a position is neither compared nor kept as the reference', () => {
    const events: EngineEvent[] = [
      { topic: 'camera', value: camera({ plate: '豫AP0001', ts: T0, device_id: 'cam-a' }) },
      { topic: 'camera', value: camera({ plate: '豫AP0001', ts: T0 + MINUTE, device_id: 'cam-b', lat: 0, lon: 0 }) },
      { topic: 'camera', value: camera({ plate: '豫AP0001', ts: T0 + 2 * MINUTE, device_id: 'cam-c' }) },
    ];
    expect(latest(run(events), 'cloned_plate')).toEqual([]);
  });
});
