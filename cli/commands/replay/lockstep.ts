/**
 * Keeps the participants of a replay at `--speed max` together in data time: none sends anything timed
 * later than the `horizon`, and the horizon moves on by `stepMs` only once every participant has sent all it
 * has up to it. Without it a terminal parked all day (a few frames) finishes its 24 h while a truck (thousands
 * of frames) is still in its first hours, and the platform sees event time jump by hours between vehicles:
 * the engine's clock, driven by the newest event time, then finds the slow vehicles "silent" and raises
 * offline alarms that a real day never has. With lockstep, vehicles differ by at most one step of data time.
 */
export class Lockstep {
  private horizonMs: number;
  private readonly waiting = new Map<LockstepParticipant, () => void>();
  private readonly active = new Set<LockstepParticipant>();

  /**
   * @param startMs data time the replay starts at; the first horizon is one step after it.
   * @param stepMs data time the horizon moves by: the most one participant may lead another.
   */
  constructor(
    startMs: number,
    private readonly stepMs: number,
  ) {
    if (!(stepMs > 0)) throw new RangeError(`lockstep step ${stepMs} ms must be above 0`);
    this.horizonMs = startMs + stepMs;
  }

  get horizon(): number {
    return this.horizonMs;
  }

  join(): LockstepParticipant {
    const participant = new LockstepParticipant(this);
    this.active.add(participant);
    return participant;
  }

  /** @internal Resolves once data time `atMs` is within the horizon. */
  waitFor(participant: LockstepParticipant, atMs: number): Promise<void> {
    if (atMs <= this.horizonMs) return Promise.resolve();
    participant.nextMs = atMs;
    const waited = new Promise<void>((resolve) => this.waiting.set(participant, resolve));
    this.advanceIfAllWait();
    return waited;
  }

  /** @internal */
  leave(participant: LockstepParticipant): void {
    if (!this.active.delete(participant)) return;
    this.waiting.get(participant)?.();
    this.waiting.delete(participant);
    this.advanceIfAllWait();
  }

  private advanceIfAllWait(): void {
    if (this.waiting.size === 0 || this.waiting.size < this.active.size) return;
    // Everyone is ahead of the horizon: jump over data time nobody has anything in, then one step more.
    let nextMs = Infinity;
    for (const participant of this.waiting.keys()) nextMs = Math.min(nextMs, participant.nextMs);
    this.horizonMs = Math.max(this.horizonMs + this.stepMs, nextMs + this.stepMs);
    for (const [participant, resolve] of [...this.waiting]) {
      if (participant.nextMs > this.horizonMs) continue;
      this.waiting.delete(participant);
      resolve();
    }
  }
}

export class LockstepParticipant {
  /** Data time of what this participant sends next, while it waits. */
  nextMs = 0;
  private left = false;

  constructor(private readonly lockstep: Lockstep) {}

  /** Waits until the horizon reaches data time `atMs`. */
  due(atMs: number): Promise<void> {
    return this.lockstep.waitFor(this, atMs);
  }

  /** Whether data time `atMs` is within the horizon already. */
  isDue(atMs: number): boolean {
    return atMs <= this.lockstep.horizon;
  }

  /** Done (or failed): the others no longer wait for this participant. Idempotent. */
  leave(): void {
    if (this.left) return;
    this.left = true;
    this.lockstep.leave(this);
  }
}
