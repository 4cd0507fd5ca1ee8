import { describe, expect, it } from 'vitest';
import type { EpisodeSink, Track, VehicleFacts } from '../engine/rule.js';
import { offlineRule, type OfflineConfig } from './offline.js';

const MINUTE = 60_000;
const vehicle = { registered: true, vehicleClass: 'coach' } as VehicleFacts;

/** A sink that counts what the rule reports. */
function countingSink(): EpisodeSink & { calls: number } {
  const sink = {
    calls: 0,
    open: () => void sink.calls++,
    due: () => true,
    close: () => void sink.calls++,
    instant: () => void sink.calls++,
  };
  return sink;
}

describe('offline clockWakeAt', () => {
  it('is never later than the first clock at which onClock reports or changes the state', () => {
    const heardTs = Date.parse('2026-11-02T03:00:00Z');
    const track: Track = { heardTs, fixTs: heardTs, fixLat: 34.7, fixLon: 113.6 };
    const wrong: string[] = [];
    for (const [silent, critical] of [
      [30, 240],
      [30, 30],
      [60, 20],
      [1, 1],
    ]) {
      const config: OfflineConfig = {
        ...offlineRule.defaults,
        silentMinutesMax: silent,
        criticalSilentMinutes: critical,
      };
      for (const state of [{ open: 0 as const }, { open: 1 as const }, { open: 2 as const }]) {
        const wakeAt = offlineRule.clockWakeAt!(state, config, track);
        // Every millisecond around both limits, and a long silence.
        const clocks = [silent, critical].flatMap((m) => [-2, -1, 0, 1, 2].map((d) => heardTs + m * MINUTE + d));
        clocks.push(heardTs + 10_000 * MINUTE);
        for (const clock of clocks) {
          const sink = countingSink();
          const next = offlineRule.onClock!(state, clock, vehicle, config, sink, track);
          const acted = next !== state || sink.calls > 0;
          if (acted && clock < wakeAt)
            wrong.push(`open ${state.open} ${silent}/${critical} min acts at +${clock - heardTs} ms`);
        }
        // A state that can still escalate wakes up at some point.
        if (state.open < 2) expect(wakeAt).toBeLessThan(Infinity);
      }
    }
    expect(wrong).toEqual([]);
  });
});
