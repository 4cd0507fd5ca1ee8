/**
 * Lets deck.gl's render loop sleep while nothing changes. deck.gl (luma.gl's AnimationLoop) asks for an animation
 * frame on every vsync for as long as the page is open, only to find most of the time that nothing needs drawing;
 * that alone kept a wall with nothing moving at about 55 frames a second and a tenth of a core of Chromium in
 * software rendering — on a wall and consoles open day and night. The gate hands the loop's frame requests to the
 * browser only while deck.gl has something to do: for a few frames after it is woken (new layers, a camera move or a
 * resize of the map), and for as long as deck.gl itself still reports a redraw, an update or a layer not yet loaded.
 * Otherwise the request is parked until the next wake.
 */

/** The part of luma.gl's AnimationLoop the gate drives (`animationFrameProvider` is a documented prop of it). */
export interface FrameProvider {
  requestAnimationFrame(callback: FrameRequestCallback): number;
  cancelAnimationFrame(handle: number): void;
}

/** Frames let through after a wake: one to update the layers, one to draw them, one to spare. */
const FRAMES_AFTER_WAKE = 3;
/** The handle given for a parked request; real handles from the browser are positive. */
const PARKED = -1;

export class DeckFrameGate {
  private framesLeft = FRAMES_AFTER_WAKE;
  private parked: FrameRequestCallback | null = null;
  /** The browser's handle of the frame a parked request was given on wake, which the loop knows as PARKED. */
  private wokenHandle: number | null = null;
  /** Frames the gate let through, for the wall's test hooks. */
  framesRun = 0;

  constructor(
    /** Whether deck.gl still has work of its own (a redraw or update pending, a layer loading). */
    private readonly busy: () => boolean,
    private readonly frames: FrameProvider = window,
  ) {}

  readonly provider: FrameProvider = {
    requestAnimationFrame: (callback) => {
      if (this.framesLeft <= 0 && this.busy()) this.framesLeft = 1;
      if (this.framesLeft <= 0) {
        this.parked = callback;
        return PARKED;
      }
      this.framesLeft -= 1;
      return this.frames.requestAnimationFrame(this.counted(callback));
    },
    cancelAnimationFrame: (handle) => {
      if (handle !== PARKED) {
        this.frames.cancelAnimationFrame(handle);
        return;
      }
      this.parked = null;
      if (this.wokenHandle !== null) this.frames.cancelAnimationFrame(this.wokenHandle);
      this.wokenHandle = null;
    },
  };

  /** Something deck.gl draws changed: let frames through again, starting with a parked request. */
  wake(): void {
    this.framesLeft = FRAMES_AFTER_WAKE;
    const callback = this.parked;
    if (callback === null) return;
    this.parked = null;
    this.framesLeft -= 1;
    this.wokenHandle = this.frames.requestAnimationFrame(this.counted(callback));
  }

  /** Whether the loop is asleep (its last frame request parked). */
  get asleep(): boolean {
    return this.parked !== null;
  }

  private counted(callback: FrameRequestCallback): FrameRequestCallback {
    return (time) => {
      this.wokenHandle = null;
      this.framesRun += 1;
      callback(time);
    };
  }
}
