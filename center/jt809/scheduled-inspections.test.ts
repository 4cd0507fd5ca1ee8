/** Slots of scheduled 查岗: aligned to China's midnight and Monday, due in the first half, the same after a restart. */
import { describe, expect, it } from 'vitest';
import { inspectionSlot } from './scheduled-inspections.js';

const HOUR_MS = 3_600_000;
/** Wednesday 2026-12-09 15:30 China time. */
const AT = Date.UTC(2026, 11, 9, 7, 30);

describe('inspectionSlot', () => {
  it('aligns a day to China midnight, a week to Monday 00:00 China time, six hours to a quarter day', () => {
    expect(new Date(inspectionSlot(1, 24, AT).start).toISOString()).toBe('2026-12-08T16:00:00.000Z');
    expect(new Date(inspectionSlot(1, 168, AT).start).toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(new Date(inspectionSlot(1, 6, AT).start).toISOString()).toBe('2026-12-09T04:00:00.000Z');
    const slot = inspectionSlot(1, 6, AT);
    expect(slot.end - slot.start).toBe(6 * HOUR_MS);
    // The instant a slot ends is the next slot's.
    expect(inspectionSlot(1, 6, slot.end).start).toBe(slot.end);
  });

  it('falls due on a whole minute of the first half, the same for the same platform and slot', () => {
    const dues = new Set<number>();
    for (let code = 0; code < 200; code++) {
      const slot = inspectionSlot(code, 4, AT);
      expect(slot.dueAt).toBeGreaterThanOrEqual(slot.start);
      expect(slot.dueAt).toBeLessThan(slot.start + 2 * HOUR_MS);
      expect((slot.dueAt - slot.start) % 60_000).toBe(0);
      expect(inspectionSlot(code, 4, slot.start + HOUR_MS).dueAt).toBe(slot.dueAt);
      dues.add(slot.dueAt);
    }
    // Spread out: two hundred platforms are not all asked in the same few minutes.
    expect(dues.size).toBeGreaterThan(60);
  });
});
