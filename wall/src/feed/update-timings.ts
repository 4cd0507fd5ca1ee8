/**
 * How long the wall spends on each live update, kept as the latest samples only: the time to apply a binary
 * positions frame to the vehicle store, and the time deck.gl spends drawing the layers. Read by the benchmark
 * and the browser tests through `window.__vigilWall.timings()`; costs two `performance.now()` calls per update.
 */
/** Samples kept per series; older ones are overwritten. */
export const TIMING_SAMPLES_MAX = 600;

export class TimingSeries {
  private readonly samples = new Float64Array(TIMING_SAMPLES_MAX);
  private next = 0;
  count = 0;

  add(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % TIMING_SAMPLES_MAX;
    this.count += 1;
  }

  values(): number[] {
    return Array.from(this.samples.subarray(0, Math.min(this.count, TIMING_SAMPLES_MAX)));
  }
}

export class UpdateTimings {
  readonly applyFrameMs = new TimingSeries();
  readonly drawMs = new TimingSeries();
}
