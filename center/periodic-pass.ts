/**
 * A centre job's timer: one pass at once when started, then one every `intervalMs`, never two at a time — a
 * check that comes while a pass is still under way (a month's rollup back-fill, a 通报 with its PDF) is skipped
 * rather than queued behind it. A failed pass is handed to `onError` and the next check tries again. The timer does
 * not keep the process alive; `stop` waits for the pass under way, and `start` works again after it (a centre node
 * that takes the cluster's jobs over).
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the passes; does nothing when already started or when `intervalMs` ≤ 0 (the job switched off). */
  start(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    const check = (): void => {
      if (this.running) return;
      this.running = this.pass()
        .then(
          () => undefined,
          (error: unknown) => this.onError(error),
        )
        .finally(() => (this.running = undefined));
    };
    check();
    this.timer = setInterval(check, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
