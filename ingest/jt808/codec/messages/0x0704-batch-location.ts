/**
 * 0x0704 batch location upload: count WORD, type BYTE (0 normal batch, 1 back-filled 补传), then per item
 * a length WORD and a location body. Lenient by design: the terminal back-fills hours of positions, so one
 * bad item must not lose the others. An item that fails to decode is listed in `errors` and skipped; an
 * item that overruns the body ends the list (the items before it are kept).
 */
import type { Jt808RejectReason, Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';
import type { LocationBody } from './location-body.js';
import { decodeLocationBody, encodeLocationBody } from './location-body.js';

export interface BatchItemError {
  /** 0-based index of the item in the batch. */
  index: number;
  reason: Jt808RejectReason;
  detail: string;
}

export interface BatchLocation {
  /** 0 normal, 1 back-filled. */
  type: number;
  /** Count declared on the wire; `items.length` is smaller when items failed. */
  count: number;
  items: LocationBody[];
  errors: BatchItemError[];
}

export function decodeBatchLocation(body: Buffer, ctx: DecodeContext): Result<BatchLocation> {
  const short = need(body, 3, 'batch location count and type');
  if (short) return short;
  const count = body.readUInt16BE(0);
  const batch: BatchLocation = { type: body[2], count, items: [], errors: [] };
  let at = 3;
  for (let index = 0; index < count; index++) {
    if (at + 2 > body.length) {
      batch.errors.push({
        index,
        reason: 'body_truncated',
        detail: `item ${index} length needs 2 bytes, ${body.length - at} left: declared ${count} items, found ${index}`,
      });
      break;
    }
    const itemBytes = body.readUInt16BE(at);
    at += 2;
    if (at + itemBytes > body.length) {
      batch.errors.push({
        index,
        reason: 'body_truncated',
        detail: `item ${index} declares ${itemBytes} bytes, only ${body.length - at} left: ${at + itemBytes - body.length} missing`,
      });
      break;
    }
    const item = decodeLocationBody(body, at, at + itemBytes, ctx.version, ctx.coordinates);
    if (item.ok) batch.items.push(item.value);
    else batch.errors.push({ index, reason: item.reason, detail: item.detail });
    at += itemBytes;
  }
  return ok(batch);
}

/** Encodes `items` (the count written is items.length; `count` and `errors` are decode-side facts). */
export function encodeBatchLocation(batch: BatchLocation, _version: Jt808Version): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.allocUnsafe(3);
  head.writeUInt16BE(batch.items.length, 0);
  head[2] = batch.type;
  parts.push(head);
  for (const item of batch.items) {
    const encoded = encodeLocationBody(item);
    const length = Buffer.allocUnsafe(2);
    length.writeUInt16BE(encoded.length);
    parts.push(length, encoded);
  }
  return Buffer.concat(parts);
}
