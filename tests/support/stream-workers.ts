/**
 * What the stream workers' failover tests share (tests/kafka-stream-failover.e2e.test.ts,
 * tests/kafka-rules-partitions.e2e.test.ts, tests/kafka-rules-handover.e2e.test.ts): a role cluster (a real broker
 * and a real PostgreSQL server), a centre and a gateway on it, stream workers started on the default `standby`
 * spread or with `--rules-spread partitions`, JT/T 808 terminals reporting fixes through the gateway (an overspeed
 * episode's start and end, a steady vehicle's), and what the tests read back: how many partitions a worker runs,
 * the overspeed alarm ids the centre stored and the versions the alarms topic holds.
 */
import type { AlarmRow } from '../../schema/index.js';
import { KAFKA_LOG_DEFAULTS, KafkaLog, partitionOf, TOPICS } from '../../stream/index.js';
import { loggedInTerminal, metricOf, overspeedRows, reportFixes, type Fix } from './crash-restart.js';
import { RoleCluster } from './role-cluster.js';
import { eventually, type VigilProcess } from './vigil-process.js';

export interface StreamWorkersOptions {
  /** Names the temporary root and the PostgreSQL database (`vigil_` and it, dashes as underscores). */
  name: string;
  partitions: number;
  /** The plate a terminal logs in with (each plate once in a test file). */
  plateOf(phone: string): string;
}

export type RulesSpread = 'standby' | 'partitions';

/**
 * Terminal numbers from `prefix`, `per` on each of `partitions` log partitions, so that whichever worker stops
 * held some of them.
 */
export function phonesByPartition(prefix: string, per: number, partitions: number): string[] {
  const found: string[] = [];
  const count = new Array<number>(partitions).fill(0);
  for (let n = 0; found.length < per * partitions; n++) {
    const phone = `${prefix}${String(n).padStart(4, '0')}`;
    const p = partitionOf(phone, partitions);
    if (count[p] < per) {
      count[p]++;
      found.push(phone);
    }
  }
  return found;
}

/** 60 km/h at `start`, then 130 km/h twice, a second apart: an overspeed episode opened at `start` + 1 s. */
export function overspeedStart(start: number): Fix[] {
  return [
    { speedKmh: 60, time: start },
    { speedKmh: 130, time: start + 1_000 },
    { speedKmh: 130, time: start + 2_000 },
  ];
}

/** 130 km/h at `start`, then 60 km/h a second later: an open overspeed episode goes on and closes. */
export function overspeedEnd(start: number): Fix[] {
  return [
    { speedKmh: 130, time: start },
    { speedKmh: 60, time: start + 1_000 },
  ];
}

/** `count` fixes at 60 km/h, a second apart from `start`: a vehicle that never speeds. */
export function steadyFixes(start: number, count: number): Fix[] {
  return Array.from({ length: count }, (_, i) => ({ speedKmh: 60, time: start + i * 1_000 }));
}

export class StreamWorkers {
  private constructor(
    readonly cluster: RoleCluster,
    private readonly options: StreamWorkersOptions,
  ) {}

  /** The broker and PostgreSQL server of the test file (for its `beforeAll`). */
  static async start(options: StreamWorkersOptions): Promise<StreamWorkers> {
    const cluster = await RoleCluster.start(
      options.name,
      `vigil_${options.name.replaceAll('-', '_')}`,
      options.partitions,
    );
    return new StreamWorkers(cluster, options);
  }

  get partitions(): number {
    return this.options.partitions;
  }

  /** A centre and a gateway, started at once (the workers need neither to start: they may start beside them). */
  async startCentreAndGateway(): Promise<{ centre: VigilProcess; gateway: VigilProcess }> {
    const [centre, gateway] = await Promise.all([
      this.cluster.startRole('center', 'center'),
      this.cluster.startRole('gateway', 'gateway'),
    ]);
    return { centre, gateway };
  }

  /**
   * A stream worker on the data dir `name`. Only the snapshots a worker takes when it starts rules (and, with the
   * partitions spread, when it takes or lets go of a partition): the interval's would make what a worker that takes
   * over re-reads depend on timing.
   */
  startWorker(name: string, spread: RulesSpread): Promise<VigilProcess> {
    return this.cluster.startRole('stream', name, [
      ...(spread === 'partitions' ? ['--rules-spread', 'partitions'] : []),
      '--rules-snapshot-interval-s',
      '3600',
    ]);
  }

  /**
   * Two workers sharing the rules by partition (`--rules-spread partitions`): `stream-a` started first until it holds
   * every partition, then `stream-b`, until both hold some and together all of them (cooperative-sticky: the first
   * lets half go, the second takes them). `split` is how many each holds.
   */
  async startSharingWorkers(): Promise<{ first: VigilProcess; second: VigilProcess; split: [number, number] }> {
    const first = await this.startWorker('stream-a', 'partitions');
    await this.untilHolding(first, this.partitions, 'a holding all');
    const second = await this.startWorker('stream-b', 'partitions');
    const split = await eventually(
      async (): Promise<[number, number] | undefined> => {
        const [a, b] = [await partitionsHeld(first), await partitionsHeld(second)];
        return a > 0 && b > 0 && a + b === this.partitions ? [a, b] : undefined;
      },
      60_000,
      'both workers holding partitions',
    );
    return { first, second, split };
  }

  /** Waits until `worker` runs the rules of `count` partitions. */
  async untilHolding(worker: VigilProcess, count: number, what: string): Promise<void> {
    await eventually(async () => ((await partitionsHeld(worker)) === count ? true : undefined), 60_000, what);
  }

  /** Logs `phone` in at `gateway`, sends `fixes` one by one, each acknowledged, and hangs up. */
  async report(gateway: VigilProcess, phone: string, fixes: readonly Fix[]): Promise<void> {
    const terminal = await loggedInTerminal(gateway, phone, this.options.plateOf(phone));
    try {
      await reportFixes(terminal, fixes);
    } finally {
      terminal.close();
    }
  }

  /** `report` for each of `phones` in turn, the same `fixes`; returns how many fixes were acknowledged in all. */
  async reportEach(gateway: VigilProcess, phones: readonly string[], fixes: readonly Fix[]): Promise<number> {
    for (const phone of phones) await this.report(gateway, phone, fixes);
    return phones.length * fixes.length;
  }

  /** `terminal:alarm_id:version` of every overspeed record of `phones` in the alarms topic, sorted. */
  async alarmsInTopic(phones: readonly string[]): Promise<string[]> {
    return (await this.alarmRecords(phones)).map((a) => `${a.terminal_id}:${a.alarm_id}:${a.version}`).sort();
  }

  /** Every overspeed record of `phones` in the alarms topic, in the topic's order. */
  async alarmRecords(phones: readonly string[]): Promise<AlarmRow[]> {
    const log = await KafkaLog.connect({
      ...KAFKA_LOG_DEFAULTS,
      brokers: this.cluster.broker.brokers,
      partitions: this.options.partitions,
      topics: Object.values(TOPICS),
      clientId: 'vigil-test',
      connectTimeoutMs: 20_000,
    });
    try {
      return (await log.readSince<AlarmRow>(TOPICS.alarms, 0))
        .map((r) => r.value)
        .filter((a) => a.rule === 'overspeed' && phones.includes(a.terminal_id));
    } finally {
      await log.close();
    }
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }
}

/** Log partitions whose rules `worker` runs (`--rules-spread partitions`); -1 before it says. */
export async function partitionsHeld(worker: VigilProcess): Promise<number> {
  return (await metricOf(worker, 'vigil_rules_partitions')) ?? -1;
}

/** 1 when `worker` runs the rules (it holds the rules lock), 0 when it stands by. */
export function rulesActive(worker: VigilProcess): Promise<number | undefined> {
  return metricOf(worker, 'vigil_rules_active');
}

/** Waits until the centre stored an overspeed alarm id for every one of `phones`; returns them as `overspeedIds`. */
export async function untilOverspeedIds(
  centre: VigilProcess,
  phones: readonly string[],
  what: string,
): Promise<Map<string, string[]>> {
  return eventually(
    async () => {
      const ids = await overspeedIds(centre, phones);
      return ids.size === phones.length ? ids : undefined;
    },
    60_000,
    what,
  );
}

/** Waits until the newest overspeed version the centre stored for each of `phones` is a closed one. */
export async function untilOverspeedClosed(
  centre: VigilProcess,
  phones: readonly string[],
  what: string,
): Promise<void> {
  await eventually(
    async () => {
      for (const phone of phones) if (!(await overspeedRows(centre, phone)).closed) return undefined;
      return true;
    },
    90_000,
    what,
  );
}

/** The overspeed alarm ids the centre stored for each of `phones` that has any, sorted. */
export async function overspeedIds(centre: VigilProcess, phones: readonly string[]): Promise<Map<string, string[]>> {
  const { rows } = await centre.sql<[string, string]>(
    `SELECT DISTINCT terminal_id, alarm_id FROM alarms WHERE rule = 'overspeed' AND terminal_id IN (${phones
      .map((p) => `'${p}'`)
      .join(',')}) ORDER BY terminal_id, alarm_id`,
  );
  const out = new Map<string, string[]>();
  for (const [terminal, id] of rows) out.set(terminal, [...(out.get(terminal) ?? []), id]);
  return out;
}
