/**
 * What a sink sends for one batch: the rows as JSONEachRow bytes, and the deduplication token that names the
 * batch by its log offsets.
 */
import { createHash } from 'node:crypto';
import type { LogRecord } from '../log/event-log.js';

/** One JSON object per line, as ClickHouse's JSONEachRow reads it; columns a row omits take their DEFAULT. */
export function encodeJsonEachRow(records: readonly LogRecord<unknown>[]): Buffer {
  let text = '';
  for (let i = 0; i < records.length; i++) {
    text += i === 0 ? JSON.stringify(records[i].value) : `\n${JSON.stringify(records[i].value)}`;
  }
  return Buffer.from(text);
}

/**
 * Names a batch by the offsets it holds, written as runs of consecutive offsets per partition (a poll takes
 * each partition's records in order, so a batch is a few runs however many rows it has). The same records in
 * the same order always give the same token; different record sets never share a run list.
 */
export function deduplicationToken(scope: string, records: readonly LogRecord<unknown>[]): string {
  const hash = createHash('sha1');
  hash.update(scope);
  let runs = '';
  for (let i = 0; i < records.length; ) {
    const { partition, offset: first } = records[i];
    let last = first;
    i++;
    while (i < records.length && records[i].partition === partition && records[i].offset === last + 1) {
      last = records[i].offset;
      i++;
    }
    runs += `|${partition}:${first}-${last}`;
  }
  hash.update(runs);
  return hash.digest('hex');
}
