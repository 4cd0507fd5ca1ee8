import { describe, expect, it } from 'vitest';
import { DeckFrameGate, type FrameProvider } from './deck-frame-gate.js';

/** Frames handed out by hand: `tick()` runs what was asked for, as a vsync would. */
class Frames implements FrameProvider {
  private next = 1;
  readonly waiting = new Map<number, FrameRequestCallback>();
  requestAnimationFrame(callback: FrameRequestCallback): number {
    const handle = this.next++;
    this.waiting.set(handle, callback);
    return handle;
  }
  cancelAnimationFrame(handle: number): void {
    this.waiting.delete(handle);
  }
  tick(): void {
    const due = [...this.waiting.values()];
    this.waiting.clear();
    for (const callback of due) callback(0);
  }
}

/** A render loop as luma.gl's: each frame asks for the next one. */
function startLoop(gate: DeckFrameGate): { frames: number; handle: number } {
  const loop = { frames: 0, handle: 0 };
  const frame = (): void => {
    loop.frames += 1;
    loop.handle = gate.provider.requestAnimationFrame(frame);
  };
  loop.handle = gate.provider.requestAnimationFrame(frame);
  return loop;
}

describe('DeckFrameGate', () => {
  it('lets a few frames through, then parks the loop until woken', () => {
    const frames = new Frames();
    const gate = new DeckFrameGate(() => false, frames);
    const loop = startLoop(gate);
    for (let i = 0; i < 10; i += 1) frames.tick();
    expect(loop.frames).toBe(3);
    expect(gate.asleep).toBe(true);
    expect(frames.waiting.size).toBe(0);

    gate.wake();
    expect(gate.asleep).toBe(false);
    for (let i = 0; i < 10; i += 1) frames.tick();
    expect(loop.frames).toBe(6);
    expect(gate.framesRun).toBe(6);
  });

  it('keeps the loop running while deck.gl reports work of its own', () => {
    const frames = new Frames();
    let busyFrames = 7;
    const gate = new DeckFrameGate(() => busyFrames-- > 0, frames);
    const loop = startLoop(gate);
    for (let i = 0; i < 20; i += 1) frames.tick();
    // Three frames after the start, then one a frame for as long as it is busy.
    expect(loop.frames).toBeGreaterThan(7);
    expect(gate.asleep).toBe(true);
  });

  it('cancels a parked request, and the frame a wake gave it', () => {
    const frames = new Frames();
    const gate = new DeckFrameGate(() => false, frames);
    const loop = startLoop(gate);
    for (let i = 0; i < 5; i += 1) frames.tick();
    gate.wake();
    expect(frames.waiting.size).toBe(1);
    gate.provider.cancelAnimationFrame(loop.handle);
    expect(frames.waiting.size).toBe(0);
    frames.tick();
    expect(loop.frames).toBe(3);
    gate.wake();
    expect(frames.waiting.size).toBe(0);
  });
});
