/**
 * At most `limit` tasks running at once, started in the order they are added: a sender that keeps several
 * requests in flight instead of waiting out each one's round trip before starting the next. A task that fails
 * is not left to an unhandled rejection (which would end the process with a stack instead of the replay's own
 * error): the first failure is kept and thrown by the next `add` or by `drain`.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1))
      throw new RangeError(`in-flight limit ${limit} must be an integer ≥ 1`);
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts `task` once fewer than `limit` run (resolves when started, not when done). */
  async add(task: () => Promise<void>): Promise<void> {
    this.throwFailure();
    while (this.running.size >= this.limit) {
      await Promise.race(this.running);
      this.throwFailure();
    }
    const run: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once every task added has ended; rejects with the first failure among them. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    this.throwFailure();
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
