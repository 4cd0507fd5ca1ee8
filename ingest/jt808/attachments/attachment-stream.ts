/**
 * The bytes of one attachment-server connection: JT/T 808 frames (0x7E … 0x7E, escaped) for the messages, and
 * between them raw data frames ("01cd", name, offset, length, data) whose data is not escaped and may hold any
 * byte, 0x7E included. So the stream cannot be split on 0x7E alone: at each boundary the next bytes say which
 * of the two follows. Bytes that open neither are skipped up to the next 0x7E or "01cd" and counted.
 */
import {
  ATTACHMENT_DATA_HEADER_BYTES,
  ATTACHMENT_DATA_MAGIC,
  decodeAttachmentDataHeader,
  type AttachmentDataHeader,
} from '../codec/index.js';

export type AttachmentStreamItem =
  | { kind: 'frame'; bytes: Buffer }
  | { kind: 'data'; header: AttachmentDataHeader; data: Buffer }
  | { kind: 'reject'; reason: 'frame_too_large' | 'data_too_large' | 'garbage' | 'bad_data_header'; detail: string };

export interface AttachmentStreamBounds {
  /** Largest escaped JT/T 808 frame. */
  frameBytesMax: number;
  /** Largest data length one data frame may declare. */
  dataBytesPerFrameMax: number;
}

const FLAG = 0x7e;

export class AttachmentStream {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly bounds: AttachmentStreamBounds) {}

  /** Bytes held for an item not complete yet. */
  get bufferedBytes(): number {
    return this.buffered.length;
  }

  /** Feeds a chunk; returns the items it completed, in order. A `too_large` reject means: close the connection. */
  push(chunk: Buffer): AttachmentStreamItem[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const items: AttachmentStreamItem[] = [];
    let at = 0;
    const buf = this.buffered;
    while (at < buf.length) {
      if (buf[at] === FLAG) {
        const end = buf.indexOf(FLAG, at + 1);
        if (end < 0) {
          if (buf.length - at > this.bounds.frameBytesMax) return this.fail(items, 'frame_too_large', buf.length - at);
          break;
        }
        if (end === at + 1) {
          // Two flags in a row: the first closed nothing (a frame may start with its own flag after another's).
          at += 1;
          continue;
        }
        if (end + 1 - at > this.bounds.frameBytesMax) return this.fail(items, 'frame_too_large', end + 1 - at);
        items.push({ kind: 'frame', bytes: buf.subarray(at, end + 1) });
        at = end + 1;
        continue;
      }
      if (startsWithMagic(buf, at)) {
        if (buf.length - at < ATTACHMENT_DATA_HEADER_BYTES) break;
        const header = decodeAttachmentDataHeader(buf, at);
        if (!header.ok) {
          items.push({ kind: 'reject', reason: 'bad_data_header', detail: header.detail });
          at += ATTACHMENT_DATA_MAGIC.length;
          continue;
        }
        if (header.value.length > this.bounds.dataBytesPerFrameMax)
          return this.fail(items, 'data_too_large', header.value.length);
        const end = at + ATTACHMENT_DATA_HEADER_BYTES + header.value.length;
        if (buf.length < end) break;
        // A copy: the data outlives the connection's buffer (it is written to a file asynchronously).
        items.push({
          kind: 'data',
          header: header.value,
          data: Buffer.from(buf.subarray(at + ATTACHMENT_DATA_HEADER_BYTES, end)),
        });
        at = end;
        continue;
      }
      // A partial magic at the end may still become one.
      if (
        buf.length - at < ATTACHMENT_DATA_MAGIC.length &&
        ATTACHMENT_DATA_MAGIC.subarray(0, buf.length - at).equals(buf.subarray(at))
      )
        break;
      const next = nextBoundary(buf, at + 1);
      items.push({
        kind: 'reject',
        reason: 'garbage',
        detail: `${next - at} bytes that open neither a frame nor a data frame`,
      });
      at = next;
    }
    // Frames are handed on as views: keep the rest in a buffer of its own.
    this.buffered = at >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return items;
  }

  private fail(
    items: AttachmentStreamItem[],
    reason: 'frame_too_large' | 'data_too_large',
    bytes: number,
  ): AttachmentStreamItem[] {
    this.buffered = Buffer.alloc(0);
    const bound = reason === 'frame_too_large' ? this.bounds.frameBytesMax : this.bounds.dataBytesPerFrameMax;
    items.push({ kind: 'reject', reason, detail: `${bytes} bytes, more than the bound of ${bound}` });
    return items;
  }
}

function startsWithMagic(buf: Buffer, at: number): boolean {
  return (
    buf.length - at >= ATTACHMENT_DATA_MAGIC.length &&
    buf[at] === ATTACHMENT_DATA_MAGIC[0] &&
    buf[at + 1] === ATTACHMENT_DATA_MAGIC[1] &&
    buf[at + 2] === ATTACHMENT_DATA_MAGIC[2] &&
    buf[at + 3] === ATTACHMENT_DATA_MAGIC[3]
  );
}

/** The next position at or after `from` where a frame or a data frame may start (or the end). */
function nextBoundary(buf: Buffer, from: number): number {
  const flag = buf.indexOf(FLAG, from);
  const magic = buf.indexOf(ATTACHMENT_DATA_MAGIC[0], from);
  let next = buf.length;
  if (flag >= 0) next = flag;
  for (let i = magic; i >= 0 && i < next; i = buf.indexOf(ATTACHMENT_DATA_MAGIC[0], i + 1)) {
    if (startsWithMagic(buf, i) || buf.length - i < ATTACHMENT_DATA_MAGIC.length) return i;
  }
  return next;
}
