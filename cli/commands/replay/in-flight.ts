/**
 * At most `limit` tasks running at once, started in the order they are added: a sender that keeps several
 * requests in flight instead of waiting out each one's round trip before starting the next.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1))
      throw new RangeError(`in-flight limit ${limit} must be an integer ≥ 1`);
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts `task` once fewer than `limit` run (resolves when started, not when done). */
  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    const run = task().finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every task added has ended. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
