/**
 * The demo's clock. At `speed` 1 (every real demo) it is the wall clock. Faster, demo time runs `speed` times
 * the wall clock from the demo's start, so a rehearsal or a test sees the demo's first ten minutes in one:
 * the sample replay, the speeding vehicles and the showcase cases all stamp their data with this clock.
 */
export class DemoClock {
  readonly startMs: number;

  constructor(
    readonly speed: number,
    startMs = Date.now(),
  ) {
    if (!(speed >= 1)) throw new RangeError(`demo speed ${speed} is less than min allowed 1`);
    this.startMs = startMs;
  }

  /** Demo time now, epoch ms. */
  now(): number {
    return this.startMs + (Date.now() - this.startMs) * this.speed;
  }

  /** Demo seconds since the start. */
  elapsedS(): number {
    return (this.now() - this.startMs) / 1000;
  }

  /** Resolves at demo second `atS` (at once when past), or early when `signal` aborts. */
  async at(atS: number, signal?: AbortSignal): Promise<void> {
    const waitMs = (atS * 1000 - (this.now() - this.startMs)) / this.speed;
    if (waitMs <= 0 || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      signal?.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}
