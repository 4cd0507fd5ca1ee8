import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicPass } from './periodic-pass.js';

/** A pass the test finishes by hand, counting how often it was begun. */
function heldPasses(): { begun: () => number; finish: (error?: Error) => void; pass: () => Promise<void> } {
  let begun = 0;
  let finishers: ((error?: Error) => void)[] = [];
  return {
    begun: () => begun,
    finish: (error) => {
      const done = finishers;
      finishers = [];
      for (const f of done) f(error);
    },
    pass: () => {
      begun++;
      return new Promise<void>((resolve, reject) => finishers.push((error) => (error ? reject(error) : resolve())));
    },
  };
}

describe('PeriodicPass', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a pass at start and one per interval, skipping checks while a pass is under way', async () => {
    vi.useFakeTimers();
    const held = heldPasses();
    const periodic = new PeriodicPass(held.pass, () => undefined);
    periodic.start(1_000);
    expect(held.begun()).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(held.begun()).toBe(1);
    held.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(held.begun()).toBe(2);
    held.finish();
    await periodic.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(held.begun()).toBe(2);
  });

  it('hands a failed pass to onError and tries again at the next check', async () => {
    vi.useFakeTimers();
    const held = heldPasses();
    const errors: unknown[] = [];
    const periodic = new PeriodicPass(held.pass, (error) => errors.push(error));
    periodic.start(1_000);
    held.finish(new Error('store away'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors.map(String)).toEqual(['Error: store away']);
    expect(held.begun()).toBe(2);
    held.finish();
    await periodic.stop();
  });

  it('waits in stop for the pass under way, and starts again after it', async () => {
    vi.useFakeTimers();
    const held = heldPasses();
    const periodic = new PeriodicPass(held.pass, () => undefined);
    periodic.start(1_000);
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    held.finish();
    await stopping;
    periodic.start(1_000);
    expect(held.begun()).toBe(2);
    held.finish();
    await periodic.stop();
  });

  it('does nothing when its interval is 0 (the job switched off), or when started twice', async () => {
    const held = heldPasses();
    const off = new PeriodicPass(held.pass, () => undefined);
    off.start(0);
    expect(held.begun()).toBe(0);
    const twice = new PeriodicPass(held.pass, () => undefined);
    twice.start(60_000);
    twice.start(60_000);
    expect(held.begun()).toBe(1);
    held.finish();
    await twice.stop();
  });
});
