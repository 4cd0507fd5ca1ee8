import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

/** A task that runs until `finish()` is called. */
function gated(): { task: () => Promise<void>; started: () => boolean; finish: () => void } {
  let started = false;
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      started = true;
      await done;
    },
    started: () => started,
    finish: () => finish(),
  };
}

describe('InFlight', () => {
  it('runs up to its limit at once and starts the next as soon as one ends, in the order added', async () => {
    const inFlight = new InFlight(2);
    const tasks = [gated(), gated(), gated()];
    await inFlight.add(tasks[0].task);
    await inFlight.add(tasks[1].task);
    expect(inFlight.size).toBe(2);
    let thirdAdded = false;
    const third = inFlight.add(tasks[2].task).then(() => (thirdAdded = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect([tasks[2].started(), thirdAdded]).toEqual([false, false]);
    tasks[1].finish();
    await third;
    expect(tasks[2].started()).toBe(true);
    expect(inFlight.size).toBe(2);
  });

  it('drains: resolves only once every task added has ended', async () => {
    const inFlight = new InFlight(4);
    const tasks = [gated(), gated()];
    for (const t of tasks) await inFlight.add(t.task);
    let drained = false;
    const draining = inFlight.drain().then(() => (drained = true));
    tasks[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    tasks[1].finish();
    await draining;
    expect(inFlight.size).toBe(0);
  });

  it('keeps the first failure for the next add and for drain, never an unhandled rejection', async () => {
    const inFlight = new InFlight(2);
    const failing = gated();
    const other = gated();
    await inFlight.add(async () => {
      await failing.task();
      throw new Error('post refused: 503');
    });
    await inFlight.add(other.task);
    failing.finish();
    // The failed task leaves its slot; the next add reports the failure instead of starting more work.
    await expect(inFlight.add(async () => undefined)).rejects.toThrow('post refused: 503');
    other.finish();
    await expect(inFlight.drain()).rejects.toThrow('post refused: 503');
    expect(inFlight.size).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new InFlight(0)).toThrow(/in-flight limit 0 must be an integer ≥ 1/);
  });
});
