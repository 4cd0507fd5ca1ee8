/**
 * Posts a generated directory's HTTP source records to `POST <url>/api/ingest/<kind>` as NDJSON batches: the
 * registry first (`postRegistry`, before any terminal connects), then each time bucket's records of every kind
 * merged in the order they were received (`received_at`), each sent when the replay's clock reaches it, so that
 * roadside events reach the platform in step with the terminals' positions, as they would live.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HTTP_KINDS, type GeneratedManifest } from '../../../fixtures/generator/index.js';
import type { LockstepParticipant } from './lockstep.js';
import type { ReplayStats } from './replay-stats.js';

export interface HttpSourceOptions {
  url: string;
  /** Source API key per kind (keys are bound to one kind); `*` applies to kinds without their own. */
  keys: Record<string, string>;
  /**
   * The kinds to post, of the directory's HTTP kinds and its bus feeds (`gtfs_rt` for both GTFS feeds); default
   * every kind it holds. The registry is always posted.
   */
  kinds?: readonly string[];
  realStartMs: number;
  dataStartMs: number;
  /** Records received (data time) before this are not posted (a replay started part-way into the data). */
  skipBeforeMs?: number;
  speed: number;
  timeShiftMs: number;
  /** Appended to event ids so that looping replays post new events, not duplicates. */
  eventIdSuffix: string;
  batchRecords: number;
  /** At `speed` Infinity: keeps the records in step with the terminals (see lockstep.ts). */
  lockstep?: LockstepParticipant;
  signal?: AbortSignal;
}

export const HTTP_SOURCE_BOUNDS = {
  /** Records of one time bucket (all kinds) held in memory to be put in received order. */
  bucketRecordsMax: 2_000_000,
  /** Posts of one batch (after 429 rate limit or 503 answers, or a broken connection) before it counts as rejected. */
  attemptsMax: 6,
  /** Wait before a retry when the answer names none (`Retry-After`), doubled each attempt. */
  retryWaitMs: 500,
  retryWaitMsMax: 10_000,
} as const;

/** Times (epoch ms) a time shift moves: the roadside records' and those of the newer kinds (fixtures/generator/types.ts). */
const TIME_FIELDS = [
  'ts',
  'received_at',
  'entry_time',
  'exit_time',
  'interval_start',
  'time',
  'PositionTime',
  'valid_from',
  'valid_until',
] as const;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function retryWaitMs(response: Response, attempt: number): number {
  const header = Number(response.headers.get('retry-after'));
  const named =
    Number.isFinite(header) && header > 0 ? header * 1000 : HTTP_SOURCE_BOUNDS.retryWaitMs * 2 ** (attempt - 1);
  return Math.min(named, HTTP_SOURCE_BOUNDS.retryWaitMsMax);
}

async function post(options: HttpSourceOptions, kind: string, lines: string[], stats: ReplayStats): Promise<void> {
  const key = options.keys[kind] ?? options.keys['*'] ?? '';
  await postBody(
    options,
    kind,
    key,
    { body: `${lines.join('\n')}\n`, type: 'application/x-ndjson' },
    lines.length,
    stats,
  );
}

/**
 * Posts one body of `records` records of `kind` with `key`, retrying what a real source retries, and counts the
 * answer's verdicts into `stats` under `kind`.
 */
export async function postBody(
  options: Pick<HttpSourceOptions, 'url' | 'signal'>,
  kind: string,
  key: string,
  content: { body: string | Uint8Array; type: string },
  records: number,
  stats: ReplayStats,
): Promise<void> {
  const entry = stats.httpOf(kind);
  entry.records += records;
  const body = typeof content.body === 'string' ? content.body : Buffer.from(content.body);
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${options.url.replace(/\/$/, '')}/api/ingest/${kind}`, {
        method: 'POST',
        headers: { 'content-type': content.type, authorization: `Bearer ${key}` },
        body,
        signal: options.signal,
      });
      text = await response.text();
    } catch (error) {
      // The platform remembers recent event ids, so a batch it did store before the connection broke is not
      // stored twice when posted again.
      if (attempt < HTTP_SOURCE_BOUNDS.attemptsMax && !options.signal?.aborted) {
        stats.httpRetried++;
        await sleep(Math.min(HTTP_SOURCE_BOUNDS.retryWaitMs * 2 ** (attempt - 1), HTTP_SOURCE_BOUNDS.retryWaitMsMax));
        continue;
      }
      entry.rejected += records;
      stats.noteFailure(`http ${kind}`, error);
      return;
    }
    if ((response.status === 429 || response.status === 503) && attempt < HTTP_SOURCE_BOUNDS.attemptsMax) {
      // Nothing of a refused batch was stored: posting it again is what a real source does.
      stats.httpRetried++;
      await sleep(retryWaitMs(response, attempt));
      continue;
    }
    if (!response.ok) {
      entry.rejected += records;
      stats.noteFailure(`http ${kind}`, new Error(`${response.status} ${text.slice(0, 300)}`));
      return;
    }
    // The answer may say how many records were refused; otherwise a 2xx accepts the whole batch.
    let refused = 0;
    try {
      const answer = JSON.parse(text) as { rejected?: unknown };
      if (typeof answer.rejected === 'number') refused = answer.rejected;
      else if (Array.isArray(answer.rejected)) {
        refused = answer.rejected.length;
        if (refused > 0)
          stats.noteFailure(
            `http ${kind}`,
            new Error(`${refused} records refused, first: ${JSON.stringify(answer.rejected[0]).slice(0, 300)}`),
          );
      }
    } catch {
      refused = 0;
    }
    entry.rejected += refused;
    entry.accepted += records - refused;
    return;
  }
}

interface TimedRecord {
  kind: string;
  /** Data time the record reached its source's uplink (received_at, else ts). */
  atMs: number;
  line: string;
}

function shifted(record: Record<string, unknown>, options: HttpSourceOptions): string {
  for (const field of TIME_FIELDS)
    if (typeof record[field] === 'number') record[field] = (record[field] as number) + options.timeShiftMs;
  if (typeof record.event_id === 'string') record.event_id += options.eventIdSuffix;
  return JSON.stringify(record);
}

async function readBucket(
  dir: string,
  files: { kind: string; file: string }[],
  options: HttpSourceOptions,
  into: TimedRecord[],
): Promise<void> {
  for (const { kind, file } of files) {
    const full = path.join(dir, file);
    if (!existsSync(full)) continue;
    for await (const line of createInterface({ input: createReadStream(full), crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      if (into.length >= HTTP_SOURCE_BOUNDS.bucketRecordsMax) {
        throw new Error(
          `${file}: a time bucket holds more than bucketRecordsMax ${HTTP_SOURCE_BOUNDS.bucketRecordsMax} HTTP records; generate with shorter buckets`,
        );
      }
      const record = JSON.parse(line) as Record<string, unknown>;
      const at =
        typeof record.received_at === 'number' ? record.received_at : typeof record.ts === 'number' ? record.ts : 0;
      if (options.skipBeforeMs !== undefined && at < options.skipBeforeMs) continue;
      into.push({
        kind,
        atMs: at,
        line: options.timeShiftMs === 0 && options.eventIdSuffix === '' ? line : shifted(record, options),
      });
    }
  }
}

/** The real time at which data time `atMs` is due on the replay's schedule (Infinity speed: at once). */
function dueRealMs(atMs: number, options: HttpSourceOptions): number {
  return Number.isFinite(options.speed) ? options.realStartMs + (atMs - options.dataStartMs) / options.speed : 0;
}

/** Whether data time `atMs` may be sent now, without waiting. */
function isDue(atMs: number, options: HttpSourceOptions): boolean {
  return options.lockstep ? options.lockstep.isDue(atMs) : dueRealMs(atMs, options) <= Date.now();
}

/** Resolves when data time `atMs` is due: on the replay's real-time schedule, or the lockstep's horizon. */
export async function due(atMs: number, options: HttpSourceOptions): Promise<void> {
  if (options.lockstep) return options.lockstep.due(atMs);
  const wait = dueRealMs(atMs, options) - Date.now();
  if (wait > 0) await sleep(Math.min(wait, 2_147_000_000));
}

/**
 * Kinds whose records change what the rules judge other records by: a taxi's permits (`taxi_permit` looks them up at
 * each order step) and the market registrations beside them. Posted side by side with the orders due in the same
 * step, a permit sent ten minutes before a taxi's first order could be stored after the order was judged, an alarm
 * the traffic does not hold; so they go on their own, between what is due before and after them.
 */
const JUDGED_BY_KINDS: ReadonlySet<string> = new Set(['taxi_permit', 'market_registration']);

/**
 * Posts records in order: whatever is due goes out together, each kind's share in posts of at most `batchRecords`
 * one after the other (a kind's records land in the order they were received), the kinds side by side — except
 * the records others are judged by (`JUDGED_BY_KINDS`), which end a group and go in one of their own. At
 * `--speed max` that is one round trip per lockstep step for every kind with up to `batchRecords` records in it,
 * instead of one per `batchRecords` records of all kinds together.
 */
async function postInOrder(records: TimedRecord[], options: HttpSourceOptions, stats: ReplayStats): Promise<void> {
  let i = 0;
  while (i < records.length && !options.signal?.aborted) {
    await due(records[i].atMs, options);
    const byKind = new Map<string, string[]>();
    const judgedBy = JUDGED_BY_KINDS.has(records[i].kind);
    for (; i < records.length && isDue(records[i].atMs, options); i++) {
      const r = records[i];
      if (JUDGED_BY_KINDS.has(r.kind) !== judgedBy) break;
      let lines = byKind.get(r.kind);
      if (!lines) byKind.set(r.kind, (lines = []));
      lines.push(r.line);
    }
    await Promise.all(
      [...byKind].map(async ([kind, lines]) => {
        for (let at = 0; at < lines.length && !options.signal?.aborted; at += options.batchRecords)
          await post(options, kind, lines.slice(at, at + options.batchRecords), stats);
      }),
    );
  }
}

async function postFile(file: string, kind: string, options: HttpSourceOptions, stats: ReplayStats): Promise<void> {
  if (!existsSync(file)) return;
  let batch: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (options.signal?.aborted) return;
    if (line.trim() === '') continue;
    batch.push(line);
    if (batch.length >= options.batchRecords) {
      await post(options, kind, batch, stats);
      batch = [];
    }
  }
  if (batch.length > 0) await post(options, kind, batch, stats);
}

/**
 * Posts the directory's registry: enterprises before the vehicles that name them, drivers after. The replay posts it
 * before any terminal connects, as a platform's registry is in place before its vehicles report: a driver card
 * judged before the drivers are registered is an unknown driver the traffic does not hold.
 */
export async function postRegistry(
  dir: string,
  manifest: GeneratedManifest,
  options: HttpSourceOptions,
  stats: ReplayStats,
): Promise<void> {
  for (const file of [manifest.enterprises, manifest.registry, manifest.drivers])
    await postFile(path.join(dir, file), 'registry', options, stats);
}

/** Posts the time buckets' records of every kind, in step with the terminals (`postInOrder`). */
export async function postHttpSources(
  dir: string,
  manifest: GeneratedManifest,
  options: HttpSourceOptions,
  stats: ReplayStats,
): Promise<void> {
  try {
    // Directories written before the newer kinds list only the roadside ones.
    const kinds = HTTP_KINDS.filter(
      (k) => manifest.http[k] !== undefined && (options.kinds === undefined || options.kinds.includes(k)),
    );
    const buckets = Math.max(...kinds.map((k) => manifest.http[k].length));
    for (let b = 0; b < buckets && !options.signal?.aborted; b++) {
      const records: TimedRecord[] = [];
      await readBucket(
        dir,
        kinds.flatMap((kind) => (manifest.http[kind][b] ? [{ kind, file: manifest.http[kind][b] }] : [])),
        options,
        records,
      );
      records.sort((x, y) => x.atMs - y.atMs);
      await postInOrder(records, options, stats);
    }
  } finally {
    options.lockstep?.leave();
  }
}
