/**
 * What the tests of Vigil split into roles share: one real Kafka broker (scripts/kafka.sh) and one real PostgreSQL
 * server (Debian's) per test file, and `vigil start --role …` processes on them, each with a data dir of its own
 * under one temporary root. Stopping the cluster stops the processes still running, then the servers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKafkaBroker, type KafkaBroker } from './kafka-broker.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './postgres-server.js';
import { startVigil, type VigilProcess } from './vigil-process.js';

export class RoleCluster {
  /** The processes started and not yet stopped or forgotten, stopped with the cluster. */
  readonly processes: VigilProcess[] = [];

  private constructor(
    readonly root: string,
    readonly broker: KafkaBroker,
    private readonly postgres: PostgresServer,
    readonly postgresUrl: string,
    readonly partitions: number,
  ) {}

  /** A broker and a PostgreSQL server with a database `database` of its own. */
  static async start(name: string, database: string, partitions: number): Promise<RoleCluster> {
    const root = mkdtempSync(path.join(tmpdir(), `vigil-${name}-`));
    const started = await Promise.allSettled([startKafkaBroker(), startPostgresServer()]);
    const [broker, postgres] = started;
    try {
      if (broker.status === 'rejected') throw broker.reason;
      if (postgres.status === 'rejected') throw postgres.reason;
      return new RoleCluster(
        root,
        broker.value,
        postgres.value,
        await createDatabase(postgres.value, database),
        partitions,
      );
    } catch (error) {
      // The server that did start is stopped too: a broker that failed must not leave a PostgreSQL server behind.
      await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      rmSync(root, { recursive: true, force: true });
      throw error;
    }
  }

  /** The flags of a process of `role` on this cluster, quiet below warnings, then `extra`. */
  roleArgs(role: string, extra: readonly string[] = []): string[] {
    return [
      '--role',
      role,
      '--kafka-brokers',
      this.broker.brokers,
      '--postgres-url',
      this.postgresUrl,
      '--log-partitions',
      String(this.partitions),
      '--log-level',
      'warn',
      ...extra,
    ];
  }

  /** Starts a process of `role` on the data dir `name` (a restart on the same name keeps its data). */
  async startRole(role: string, name: string, extra: readonly string[] = []): Promise<VigilProcess> {
    const node = await startVigil({ dataDir: path.join(this.root, name), args: this.roleArgs(role, extra) });
    this.processes.push(node);
    return node;
  }

  /** The cluster no longer stops `node` (it was killed, or stopped by the test itself). */
  forget(node: VigilProcess): void {
    const at = this.processes.indexOf(node);
    if (at >= 0) this.processes.splice(at, 1);
  }

  async stop(): Promise<void> {
    // The processes flush to the broker and PostgreSQL on their way out, so those two stop after them; nothing orders
    // the processes among themselves or the two servers, and each stop is mostly waiting.
    await Promise.all(this.processes.map((p) => p.stop()));
    this.processes.length = 0;
    await Promise.all([this.broker.stop(), this.postgres.stop()]);
    rmSync(this.root, { recursive: true, force: true });
  }
}
