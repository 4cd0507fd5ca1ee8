/**
 * Posts a generated directory's HTTP source records to `POST <url>/api/ingest/<kind>` as NDJSON batches:
 * the registry first, then each kind's time buckets when the replay clock reaches them.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { HTTP_KINDS, type GeneratedManifest } from '../../../fixtures/generator/index.js';
import type { ReplayStats } from './replay-stats.js';

export interface HttpSourceOptions {
  url: string;
  /** Source API key per kind (keys are bound to one kind); `*` applies to kinds without their own. */
  keys: Record<string, string>;
  realStartMs: number;
  dataStartMs: number;
  speed: number;
  timeShiftMs: number;
  /** Appended to event ids so that looping replays post new events, not duplicates. */
  eventIdSuffix: string;
  batchRecords: number;
  signal?: AbortSignal;
}

const TIME_FIELDS = ['ts', 'received_at'] as const;

async function post(options: HttpSourceOptions, kind: string, lines: string[], stats: ReplayStats): Promise<void> {
  const entry = stats.httpOf(kind);
  entry.records += lines.length;
  try {
    const response = await fetch(`${options.url.replace(/\/$/, '')}/api/ingest/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${options.keys[kind] ?? options.keys['*'] ?? ''}` },
      body: `${lines.join('\n')}\n`,
      signal: options.signal,
    });
    const text = await response.text();
    if (!response.ok) {
      entry.rejected += lines.length;
      return;
    }
    // The answer may say how many records were refused; otherwise a 2xx accepts the whole batch.
    let refused = 0;
    try {
      const body = JSON.parse(text) as { rejected?: unknown };
      if (typeof body.rejected === 'number') refused = body.rejected;
      else if (Array.isArray(body.rejected)) refused = body.rejected.length;
    } catch {
      refused = 0;
    }
    entry.rejected += refused;
    entry.accepted += lines.length - refused;
  } catch {
    entry.rejected += lines.length;
  }
}

function shifted(line: string, options: HttpSourceOptions): string {
  if (options.timeShiftMs === 0 && options.eventIdSuffix === '') return line;
  const record = JSON.parse(line) as Record<string, unknown>;
  for (const field of TIME_FIELDS) if (typeof record[field] === 'number') record[field] = (record[field] as number) + options.timeShiftMs;
  if (typeof record.event_id === 'string') record.event_id += options.eventIdSuffix;
  return JSON.stringify(record);
}

async function postFile(file: string, kind: string, options: HttpSourceOptions, stats: ReplayStats, transform: boolean): Promise<void> {
  if (!existsSync(file)) return;
  let batch: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (options.signal?.aborted) return;
    if (line.trim() === '') continue;
    batch.push(transform ? shifted(line, options) : line);
    if (batch.length >= options.batchRecords) {
      await post(options, kind, batch, stats);
      batch = [];
    }
  }
  if (batch.length > 0) await post(options, kind, batch, stats);
}

export async function postHttpSources(dir: string, manifest: GeneratedManifest, options: HttpSourceOptions, stats: ReplayStats): Promise<void> {
  // Enterprises before the vehicles that name them, drivers after.
  for (const file of [manifest.enterprises, manifest.registry, manifest.drivers]) await postFile(path.join(dir, file), 'registry', options, stats, false);
  const bucketMs = manifest.bucket_hours * 3_600_000;
  const buckets = Math.max(...HTTP_KINDS.map((k) => manifest.http[k].length));
  for (let b = 0; b < buckets; b++) {
    const dueReal = options.realStartMs + (manifest.start + b * bucketMs - options.dataStartMs) / options.speed;
    const wait = Number.isFinite(options.speed) ? dueReal - Date.now() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (options.signal?.aborted) return;
    for (const kind of HTTP_KINDS) {
      const file = manifest.http[kind][b];
      if (file) await postFile(path.join(dir, file), kind, options, stats, true);
    }
  }
}
