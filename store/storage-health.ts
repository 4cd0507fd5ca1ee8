/**
 * Watches the storage a node needs, every `checkIntervalMs`, and reports it to the node's Readiness: free space
 * under the data dir against its bound (`disk`), and whether the operational store answers a query within
 * `operationalTimeoutMs` (`operational_store`). Sinks report their own insert failures (stream/sink). Both
 * figures are exported as metrics; a part that fails or recovers is logged once per change.
 */
import type { Logger, Metrics, Readiness } from '../schema/index.js';
import { diskSpaceProblem, freeBytesOf } from './disk-space.js';
import type { Sql } from './postgres.js';

export interface StorageHealthOptions {
  dataDir: string;
  /** The same bound start-up enforces; below it the node is not ready. */
  diskFreeBytesMin: number;
  /** How the bound is named to operators in messages (the flag). */
  diskFreeBytesMinName: string;
  checkIntervalMs: number;
  /** A `SELECT 1` slower than this counts as the store not answering. */
  operationalTimeoutMs: number;
}

export const STORAGE_HEALTH_DEFAULTS = { checkIntervalMs: 5_000, operationalTimeoutMs: 5_000 } as const;

export const READINESS_PARTS = { disk: 'disk', operationalStore: 'operational_store' } as const;

export class StorageHealth {
  private timer: NodeJS.Timeout | undefined;
  /** The check in progress: one at a time, so that a store that hangs does not pile up probes. */
  private running: Promise<void> | undefined;

  constructor(
    private readonly options: StorageHealthOptions,
    private readonly deps: { readiness: Readiness; metrics: Metrics; logger: Logger; sql: Sql },
  ) {
    deps.metrics
      .gauge('vigil_disk_free_bytes_min', 'Free bytes the data dir must keep (--disk-free-bytes-min)')
      .set(undefined, options.diskFreeBytesMin);
  }

  start(): void {
    if (this.timer) return;
    void this.checkNow();
    this.timer = setInterval(() => void this.checkNow(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs both checks (or waits for the one in progress). */
  checkNow(): Promise<void> {
    this.running ??= Promise.all([this.checkDisk(), this.checkOperationalStore()]).then(
      () => {
        this.running = undefined;
      },
      () => {
        this.running = undefined;
      },
    );
    return this.running;
  }

  private async checkDisk(): Promise<void> {
    const { dataDir, diskFreeBytesMin, diskFreeBytesMinName } = this.options;
    let problem: string | undefined;
    try {
      this.deps.metrics
        .gauge('vigil_disk_free_bytes', 'Bytes free on the file system of the data dir (for this process)')
        .set(undefined, freeBytesOf(dataDir));
      problem = diskSpaceProblem(dataDir, diskFreeBytesMin, diskFreeBytesMinName);
    } catch (error) {
      problem = `free space of ${dataDir} cannot be read: ${String(error)}`;
    }
    this.report(READINESS_PARTS.disk, 'below_free_bytes_min', problem);
  }

  private async checkOperationalStore(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`no answer to SELECT 1 within ${this.options.operationalTimeoutMs} ms`),
        this.options.operationalTimeoutMs,
      );
    });
    const answer = this.deps.sql.query('SELECT 1').then(
      () => undefined,
      (error: unknown) => `SELECT 1 failed: ${String(error)}`,
    );
    const problem = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    this.deps.metrics
      .gauge('vigil_operational_store_up', '1 when the operational store answered its last check')
      .set(undefined, problem === undefined ? 1 : 0);
    this.report(READINESS_PARTS.operationalStore, 'not_answering', problem);
  }

  private report(part: string, reason: string, problem: string | undefined): void {
    const { readiness, logger } = this.deps;
    const wasFailing = readiness.isFailing(part);
    if (problem === undefined) {
      if (wasFailing) logger.info('storage part recovered', { part });
      readiness.recover(part);
      return;
    }
    if (!wasFailing) logger.error('storage part failing: the node is not ready', { part, detail: problem });
    readiness.fail(part, reason, problem);
  }
}
