/**
 * Where the rules re-read their input after a crash when the event log cannot. The in-process log starts empty
 * with every process, but everything the rules consume (telemetry, camera_events, device_status) is in
 * ClickHouse before it is acknowledged, so the stores are the log's durable copy: the runner keeps in its
 * snapshot the earliest `received_at` of input it had not evaluated yet, and at start-up re-reads every stored row
 * received since, in the order the log delivered it, before taking new input. Rows the snapshot already covers
 * come back too; the engine knows them (per-vehicle frontiers and gaps, roadside ids) and skips them.
 *
 * Kafka keeps its offsets across restarts and re-reads from what the snapshot committed instead: no replay.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ALARMS,
  CAMERA_EVENTS,
  DEVICE_STATUS,
  DRIVER_EVENTS,
  TAXI_ORDER_EVENTS,
  TELEMETRY,
  type CameraEvent,
  type ColumnsSpec,
  type DeviceStatus,
  type DriverEventRow,
  type TaxiOrderEventRow,
  type TableSpec,
  type TelemetryRow,
} from '../../schema/index.js';
import { TOPICS, partitionOf } from '../log/event-log.js';
import type { MemoryLog } from '../log/memory-log.js';

/** One input event as the log delivered it. */
export type ReplayedInput =
  | { topic: typeof TOPICS.telemetry; partition: number; value: TelemetryRow }
  | { topic: typeof TOPICS.camera; partition: number; value: CameraEvent }
  | { topic: typeof TOPICS.devices; partition: number; value: DeviceStatus }
  | { topic: typeof TOPICS.drivers; partition: number; value: DriverEventRow }
  | { topic: typeof TOPICS.taxiOrders; partition: number; value: TaxiOrderEventRow };

export interface InputReplay {
  /**
   * The earliest `received_at` (epoch ms) input that `groupId` has not evaluated yet may carry, at this moment,
   * everything in flight included; what a snapshot taken now must replay from.
   */
  pendingSinceMs(groupId: string, topics: readonly string[], nowMs: number): number;
  /** Every stored input row received at or after `fromMs`, in batches, in (received_at, topic, key) order. */
  read(fromMs: number): AsyncIterable<ReplayedInput[]>;
  /**
   * The highest version stored of each of these alarms: a replay re-raises alarms the crashed process had already
   * stored, with the same ids and versions, and those need not be sent again.
   */
  storedAlarmVersions(alarmIds: readonly string[]): Promise<Map<string, number>>;
}

/**
 * Time between a row's `received_at` stamp and the `send` that carries it, at most: ingestion stamps and sends
 * every row of a request, dead-letters included, in the same turn of the event loop (a handler that waited for one
 * send to be durable before the next would break this; `tests/rules-replay.test.ts` checks the JT/T 808 batch).
 */
export const RECEIVE_TO_SEND_MS_MAX = 1_000;
/** Rows per query page: a bound on the replay's memory, not on what it reads. */
export const REPLAY_PAGE_ROWS_MAX = 20_000;

interface Source {
  topic: ReplayedInput['topic'];
  table: TableSpec;
  /** Columns after `received_at` that make the order total (the table's deduplication key). */
  tieBreak: readonly string[];
  /** Partition key, as the producer keys the topic. */
  keyOf(row: Record<string, unknown>): string;
}

const SOURCES: readonly Source[] = [
  { topic: TOPICS.telemetry, table: TELEMETRY, tieBreak: ['terminal_id', 'ts'], keyOf: (r) => String(r.terminal_id) },
  {
    topic: TOPICS.camera,
    table: CAMERA_EVENTS,
    tieBreak: ['kind', 'source', 'event_id'],
    keyOf: (r) => String(r.plate || r.device_id),
  },
  {
    topic: TOPICS.devices,
    table: DEVICE_STATUS,
    tieBreak: ['device_id', 'source', 'event_id'],
    keyOf: (r) => String(r.device_id),
  },
  {
    topic: TOPICS.drivers,
    table: DRIVER_EVENTS,
    tieBreak: ['terminal_id', 'ts', 'status'],
    keyOf: (r) => String(r.terminal_id),
  },
  {
    topic: TOPICS.taxiOrders,
    table: TAXI_ORDER_EVENTS,
    tieBreak: ['company_id', 'order_id', 'event'],
    keyOf: (r) => String(r.plate || `${String(r.company_id)}/${String(r.order_id)}`),
  },
];

/** A column read back as the row held it: times as epoch ms, everything else as ClickHouse's JSON gives it. */
function selectExpression(name: string, columns: ColumnsSpec): string {
  const kind = columns[name].kind;
  if (kind === 'datetime_ms') return `toUnixTimestamp64Milli(${name}) AS ${name}`;
  if (kind === 'datetime_ms_nullable')
    return `if(isNull(${name}), NULL, toUnixTimestamp64Milli(assumeNotNull(${name}))) AS ${name}`;
  return name;
}

/**
 * Parts written or merged this long before the replay's start are not read: a row is in a part whose
 * modification time is at least its `received_at`, give or take the clocks of this process and the ClickHouse
 * server. Keeps a replay from scanning a table's whole history for a column that is not in its sort key.
 */
const PART_CLOCK_SKEW_MS_MAX = 600_000;

/** Replays from ClickHouse, with the in-process log telling what is still in flight. */
export interface InputReplayOptions {
  /**
   * Skip the parts written before the replay's start (`system.parts`), which one server or chDB can list. A
   * distributed table has no parts of its own, so on a cluster every part is read and filtered by its rows.
   */
  pruneByParts: boolean;
}

export function clickhouseInputReplay(
  log: MemoryLog,
  client: ClickHouseClient,
  options: InputReplayOptions = { pruneByParts: true },
): InputReplay {
  return {
    pendingSinceMs: (groupId, topics, nowMs) =>
      Math.min(nowMs, log.inFlightSinceMs(groupId, topics)) - RECEIVE_TO_SEND_MS_MAX,
    read: (fromMs) =>
      mergeByReceivedAt(
        SOURCES.map((source) => pages(client, source, fromMs, log.partitionCount, options.pruneByParts)),
      ),
    storedAlarmVersions: async (alarmIds) => {
      const versions = new Map<string, number>();
      for (let i = 0; i < alarmIds.length; i += REPLAY_PAGE_ROWS_MAX) {
        const result = await client.query({
          query: `SELECT alarm_id, toString(max(version)) AS version FROM ${ALARMS.name}
                   WHERE alarm_id IN {ids:Array(String)} GROUP BY alarm_id`,
          query_params: { ids: alarmIds.slice(i, i + REPLAY_PAGE_ROWS_MAX) },
          format: 'JSONEachRow',
        });
        for (const row of await result.json<{ alarm_id: string; version: string }>())
          versions.set(row.alarm_id, Number(row.version));
      }
      return versions;
    },
  };
}

/** One table's rows from `fromMs` on, page by page (keyset pagination on received_at and the tie-break). */
async function* pages(
  client: ClickHouseClient,
  source: Source,
  fromMs: number,
  partitions: number,
  pruneByParts: boolean,
): AsyncGenerator<ReplayedInput> {
  const columns = source.table.columns;
  const names = Object.keys(columns);
  const select = names.map((name) => selectExpression(name, columns)).join(', ');
  const times = names.filter((n) => columns[n].kind === 'datetime_ms' || columns[n].kind === 'datetime_ms_nullable');
  // In WHERE and ORDER BY, the time columns name the aliases of the SELECT: epoch ms.
  const order = ['received_at', ...source.tieBreak];
  const parts = `_part IN (SELECT name FROM system.parts WHERE database = currentDatabase() AND table = {table:String}
                    AND active AND modification_time >= toDateTime(intDiv({partsFrom:Int64}, 1000), 'UTC'))`;
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const params: Record<string, unknown> = { from: fromMs, rows: REPLAY_PAGE_ROWS_MAX };
    let where = 'received_at >= {from:Int64}';
    if (pruneByParts) {
      Object.assign(params, { table: source.table.name, partsFrom: fromMs - PART_CLOCK_SKEW_MS_MAX });
      where = `${parts} AND ${where}`;
    }
    if (after !== undefined) {
      // Keyset: the rows strictly after the last one read, in the same total order.
      const last = after;
      const bound = order.map((c, i) => {
        params[`k${i}`] = last[c];
        const kind = columns[c].kind;
        return kind === 'datetime_ms' ? `{k${i}:Int64}` : kind.startsWith('uint') ? `{k${i}:UInt64}` : `{k${i}:String}`;
      });
      where += ` AND (${order.join(', ')}) > (${bound.join(', ')})`;
    }
    const result = await client.query({
      query: `SELECT ${select} FROM ${source.table.name} WHERE ${where} ORDER BY ${order.join(', ')} LIMIT {rows:UInt32}`,
      query_params: params,
      format: 'JSONEachRow',
    });
    const rows = await result.json<Record<string, unknown>>();
    for (const row of rows) {
      // 64-bit integers come as JSON strings.
      for (const name of times) if (row[name] !== null) row[name] = Number(row[name]);
      const partition = partitionOf(source.keyOf(row), partitions);
      yield { topic: source.topic, partition, value: row } as ReplayedInput;
    }
    if (rows.length < REPLAY_PAGE_ROWS_MAX) return;
    after = rows[rows.length - 1];
  }
}

const TOPIC_RANK: Record<string, number> = {
  [TOPICS.telemetry]: 0,
  [TOPICS.camera]: 1,
  [TOPICS.devices]: 2,
  [TOPICS.drivers]: 3,
  [TOPICS.taxiOrders]: 4,
};

/** Merges the tables' ordered streams by received_at (then telemetry, camera, devices, drivers), in batches. */
async function* mergeByReceivedAt(streams: AsyncGenerator<ReplayedInput>[]): AsyncGenerator<ReplayedInput[]> {
  const heads = await Promise.all(streams.map((s) => s.next()));
  let batch: ReplayedInput[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head.done) continue;
      if (best < 0) {
        best = i;
        continue;
      }
      const a = head.value;
      const b = (heads[best] as IteratorYieldResult<ReplayedInput>).value;
      if (
        a.value.received_at < b.value.received_at ||
        (a.value.received_at === b.value.received_at && TOPIC_RANK[a.topic] < TOPIC_RANK[b.topic])
      )
        best = i;
    }
    if (best < 0) break;
    batch.push((heads[best] as IteratorYieldResult<ReplayedInput>).value);
    heads[best] = await streams[best].next();
    if (batch.length >= REPLAY_PAGE_ROWS_MAX) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
