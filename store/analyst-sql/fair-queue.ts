/**
 * A bounded set of sessions handed to analysts' queries fairly: waiting queries are served analyst by analyst in
 * turn, the analyst served longest ago first (one analyst's ten queries wait behind one query of each other
 * analyst), an analyst runs at most
 * `runningPerKeyMax` at once, and the waiting room is bounded per analyst and in all, so a query that cannot
 * wait is turned away at once with the time to retry, and one that waited too long is turned away then.
 */
import { AnalystsBusyError } from './refusals.js';

export interface FairQueueBounds {
  runningPerKeyMax: number;
  queuedMax: number;
  queuedPerKeyMax: number;
  waitMsMax: number;
  retryAfterSeconds: number;
}

/** Analysts whose last turn is remembered; beyond it the longest-ago is forgotten (and counts as never served). */
const TURNS_REMEMBERED_MAX = 10_000;

interface Waiter<S> {
  resolve(session: S): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class FairQueue<S> {
  private readonly free: S[];
  private readonly runningByKey = new Map<string, number>();
  /** Waiting queries per analyst, in the order analysts started waiting. */
  private readonly waiting = new Map<string, Waiter<S>[]>();
  /** When each analyst was last given a session (a count of turns), oldest first. */
  private readonly lastTurn = new Map<string, number>();
  private turns = 0;
  private queuedCount = 0;

  constructor(
    sessions: readonly S[],
    private readonly bounds: FairQueueBounds,
  ) {
    this.free = [...sessions];
  }

  /** Runs `task` on a session of its own, once the analyst `key` gets one. */
  async run<T>(key: string, task: (session: S) => Promise<T>): Promise<T> {
    const session = await this.acquire(key);
    try {
      return await task(session);
    } finally {
      this.release(key, session);
    }
  }

  get running(): number {
    let total = 0;
    for (const count of this.runningByKey.values()) total += count;
    return total;
  }

  get queued(): number {
    return this.queuedCount;
  }

  private acquire(key: string): Promise<S> {
    // dispatch() leaves no session free while a query that may run waits, so a free session is this query's turn.
    const canStartNow = this.free.length > 0 && (this.runningByKey.get(key) ?? 0) < this.bounds.runningPerKeyMax;
    if (!canStartNow) {
      const mine = this.waiting.get(key)?.length ?? 0;
      if (mine >= this.bounds.queuedPerKeyMax)
        return Promise.reject(
          this.busy(
            'too_many_queries',
            `you have ${this.runningByKey.get(key) ?? 0} queries running and ${mine} waiting, the most one analyst may`,
          ),
        );
      if (this.queuedCount >= this.bounds.queuedMax)
        return Promise.reject(
          this.busy('analysts_busy', `${this.running} analysts' queries are running and ${this.queuedCount} waiting`),
        );
    }
    return new Promise<S>((resolve, reject) => {
      const waiter: Waiter<S> = {
        resolve,
        reject,
        timer: setTimeout(() => this.expire(key, waiter), this.bounds.waitMsMax),
      };
      const queue = this.waiting.get(key);
      if (queue) queue.push(waiter);
      else this.waiting.set(key, [waiter]);
      this.queuedCount++;
      this.dispatch();
    });
  }

  private release(key: string, session: S): void {
    const running = (this.runningByKey.get(key) ?? 1) - 1;
    if (running === 0) this.runningByKey.delete(key);
    else this.runningByKey.set(key, running);
    this.free.push(session);
    this.dispatch();
  }

  /**
   * Gives free sessions to waiting queries: each to the analyst whose last turn is oldest (never served first, then
   * in the order they started waiting), skipping analysts at their running bound.
   */
  private dispatch(): void {
    while (this.free.length > 0) {
      let served: string | undefined;
      let servedTurn = Infinity;
      for (const [key] of this.waiting) {
        const turn = this.lastTurn.get(key) ?? -1;
        if (turn < servedTurn && (this.runningByKey.get(key) ?? 0) < this.bounds.runningPerKeyMax) {
          served = key;
          servedTurn = turn;
        }
      }
      if (served === undefined) return;
      const queue = this.waiting.get(served)!;
      const waiter = queue.shift()!;
      if (queue.length === 0) this.waiting.delete(served);
      this.lastTurn.delete(served);
      this.lastTurn.set(served, ++this.turns);
      if (this.lastTurn.size > TURNS_REMEMBERED_MAX) this.lastTurn.delete(this.lastTurn.keys().next().value!);
      this.queuedCount--;
      clearTimeout(waiter.timer);
      this.runningByKey.set(served, (this.runningByKey.get(served) ?? 0) + 1);
      waiter.resolve(this.free.pop()!);
    }
  }

  private expire(key: string, waiter: Waiter<S>): void {
    const queue = this.waiting.get(key);
    const at = queue?.indexOf(waiter) ?? -1;
    if (queue === undefined || at < 0) return;
    queue.splice(at, 1);
    if (queue.length === 0) this.waiting.delete(key);
    this.queuedCount--;
    waiter.reject(this.busy('analysts_busy', `no session was free within ${this.bounds.waitMsMax} ms`));
  }

  private busy(reason: 'too_many_queries' | 'analysts_busy', detail: string): AnalystsBusyError {
    return new AnalystsBusyError(reason, detail, this.bounds.retryAfterSeconds);
  }
}
