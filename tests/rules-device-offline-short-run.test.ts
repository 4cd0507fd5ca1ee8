/**
 * A short generated run (2 h) ends while some injected device silences are still running: the generator must
 * label those silences up to the window's end, so device_offline's alarms on them are not scored as false.
 * In memory, on the calling thread; 200 vehicles.
 */
import { describe, expect, it } from 'vitest';
import { runAccuracyAtScale } from '../bench/accuracy/scale-run.js';
import { planDevices } from '../fixtures/generator/devices.js';
import type { Device } from '../fixtures/generator/network.js';

const START_MS = Date.parse('2026-11-02T03:00:00+08:00');
const SEED = 20_261_128;
const MINUTE_MS = 60_000;

describe('device_offline on short generated runs', () => {
  it('labels a silence still running at the window end, and none too short to detect', () => {
    // Device index 42 is a silent violator (42 % 37 === 5, 42 even); its silence starts 20–30 min in.
    const devices = Array.from(
      { length: 43 },
      (_, i) => ({ device_id: `dev-${i}`, device_kind: 'camera', org_code: '410000' }) as unknown as Device,
    );
    const long = planDevices(devices, SEED, { startMs: START_MS, endMs: START_MS + 120 * MINUTE_MS }, true);
    const label = long.labels.find((l) => l.device_id === 'dev-42');
    expect(label, 'silence cut off by the window end is labelled').toBeDefined();
    expect(label!.end).toBe(START_MS + 120 * MINUTE_MS);
    const cut = planDevices(devices, SEED, { startMs: START_MS, endMs: START_MS + 35 * MINUTE_MS }, true);
    expect(
      cut.labels.find((l) => l.device_id === 'dev-42'),
      'a silence shorter than the limit is not labelled',
    ).toBeUndefined();
  });

  it('200 vehicles × 2 h: device_offline has 100 % precision and recall', async () => {
    const run = await runAccuracyAtScale({
      vehicles: 200,
      hours: 2,
      seed: SEED,
      startMs: START_MS,
      workers: 0,
      groupVehicles: 100,
    });
    const r = run.match.rules.find((x) => x.rule === 'device_offline');
    expect(r, 'device_offline scored').toBeDefined();
    expect(r!.labels).toBeGreaterThan(0);
    expect(run.match.falseAlarms.filter((a) => a.rule === 'device_offline')).toEqual([]);
    expect(r!.precision).toBe(1);
    expect(r!.recall).toBe(1);
  }, 300_000);
});
