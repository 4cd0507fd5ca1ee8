/** The lockstep of replays at max speed: no participant gets more than one step of data time ahead. */
import { describe, expect, it } from 'vitest';
import { Lockstep } from '../cli/commands/replay/lockstep.js';

describe('Lockstep', () => {
  it('keeps participants within one step of data time and skips gaps nobody has data in', async () => {
    const lockstep = new Lockstep(0, 100);
    const sent: { who: number; at: number; horizon: number }[] = [];
    // Participant 0 has dense data, 1 sparse data, 2 a gap of 10,000 ms in the middle.
    const schedules = [Array.from({ length: 50 }, (_, i) => i * 10), [0, 250, 490], [5, 10_050, 10_060]];
    const runs = schedules.map(async (times, who) => {
      const p = lockstep.join();
      for (const at of times) {
        await p.due(at);
        sent.push({ who, at, horizon: lockstep.horizon });
        // Sending takes a turn of the event loop, as a socket write and its acknowledgement would.
        await new Promise((resolve) => setImmediate(resolve));
      }
      p.leave();
    });
    await Promise.all(runs);
    expect(sent).toHaveLength(56);
    for (const s of sent) expect(s.at).toBeLessThanOrEqual(s.horizon);
    // Whenever something was sent, nobody had sent anything timed more than one step after it...
    let newest = -Infinity;
    for (const s of sent) {
      expect(newest - s.at).toBeLessThanOrEqual(100 + 10);
      newest = Math.max(newest, s.at);
    }
    // ...and the gap was jumped, not walked in 100 steps.
    expect(lockstep.horizon).toBeLessThan(10_060 + 200);
  });

  it('lets the others go on when one participant leaves early', async () => {
    const lockstep = new Lockstep(0, 100);
    const a = lockstep.join();
    const b = lockstep.join();
    const waiting = a.due(1_000);
    let done = false;
    void waiting.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    b.leave();
    await waiting;
    expect(done).toBe(true);
    expect(lockstep.horizon).toBeGreaterThanOrEqual(1_000);
  });
});
