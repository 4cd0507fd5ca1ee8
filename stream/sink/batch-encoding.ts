/**
 * What a sink sends for one batch: the rows as TabSeparated bytes in the table encoder's column order, and the
 * deduplication token that names the batch by its log offsets.
 */
import { createHash } from 'node:crypto';
import type { TsvRowEncoder } from '../../schema/index.js';
import type { LogRecord } from '../log/event-log.js';

/** One TabSeparated line per record, the fields being `encoder.columns`; see `schema/tsv-rows.ts`. */
export function encodeTabSeparated(
  encoder: TsvRowEncoder,
  records: readonly LogRecord<Readonly<Record<string, unknown>>>[],
): Buffer {
  return encoder.encodeRows(records.map((record) => record.value));
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
  for (let i = 0; i < records.length;) {
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
