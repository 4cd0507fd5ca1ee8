/**
 * How long the wall spends on each live update, kept as the latest samples only: the time to apply a binary
 * positions frame to the vehicle store, the time spent drawing the vehicles (the 2D canvas, or deck.gl's layers; with
 * software WebGL deck.gl's figure is only the script's part) and a redraw's whole frame. Read
 * by the benchmark and the browser tests through `window.__vigilWall.timings()`; costs a few `performance.now()`
 * calls per update.
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
  /**
   * A redraw's whole frame: from the map driver rebuilding the layers to the next animation frame after deck.gl
   * drew them, i.e. including the browser's compositing of the new canvas content (with software rendering, the
   * read-back of the WebGL canvas and the software compositor).
   */
  readonly frameMs = new TimingSeries();
  /** Base-map (maplibre) redraws; with a still camera there should be none while only vehicles move. */
  mapRenders = 0;
}
