/**
 * Streaming de-framer for a JT/T 808 TCP byte stream. It only finds 0x7E boundaries; parseFrame checks
 * what is inside. Every byte leaves as part of exactly one item, so the gateway can dead-letter garbage
 * and oversize frames with their raw bytes.
 *
 * Resynchronisation: two adjacent flags ("7E 7E", the end of one frame and the start of the next)
 * never make an empty frame; the second flag is taken as the start. After an oversize frame the next flag
 * is also taken as a start, which re-aligns on the next frame when frames are sent back to back.
 */
import { FLAG } from './frame.js';

export type SplitRejectReason = 'frame_too_large' | 'garbage' | 'frame_truncated';

/** A candidate frame: escaped bytes including both 0x7E flags. */
export interface SplitFrame {
  raw: Buffer;
  reason?: undefined;
}

/** Bytes that cannot be a frame: garbage between frames, an oversize frame (cut at the bound), a tail. */
export interface SplitReject {
  raw: Buffer;
  reason: SplitRejectReason;
  detail: string;
}

export type SplitItem = SplitFrame | SplitReject;

export interface FrameSplitterOptions {
  /** Largest escaped frame accepted, flags included; also the largest garbage item held. */
  frameBytesMax: number;
}

const enum State {
  /** Looking for a start flag; bytes seen are garbage. */
  Hunt,
  /** Inside a frame after its start flag. */
  Frame,
  /** Discarding the rest of an oversize frame until the next flag. */
  Skip,
}

/**
 * Shared by every splitter holding nothing, so that an idle connection (and each frame start) allocates no
 * array; never written to (see #carry).
 */
const NONE: Buffer[] = [];

export class FrameSplitter {
  readonly #frameBytesMax: number;
  #state: State = State.Hunt;
  /** Bytes of the current frame (start flag included) or garbage carried over from earlier chunks. */
  #carried: Buffer[] = NONE;
  #carriedBytes = 0;
  #discardedBytes = 0;

  constructor(opts: FrameSplitterOptions) {
    if (!Number.isInteger(opts.frameBytesMax) || opts.frameBytesMax < 15) {
      throw new RangeError(
        `frameBytesMax value ${opts.frameBytesMax} is less than min allowed 15 (the smallest frame)`,
      );
    }
    this.#frameBytesMax = opts.frameBytesMax;
  }

  /** Bytes held between calls (a partial frame or garbage), never above frameBytesMax. */
  get bufferedBytes(): number {
    return this.#carriedBytes;
  }

  /** Bytes of oversize frames dropped beyond the frameBytesMax kept in their reject item (a counter). */
  get discardedBytes(): number {
    return this.#discardedBytes;
  }

  /**
   * Splits a chunk. A frame lying wholly inside `chunk` is returned as a view of it (no copy); bytes
   * carried across chunks are copied, so the caller may reuse `chunk` after the call only if it has
   * consumed the returned items.
   */
  push(chunk: Buffer): SplitItem[] {
    const items: SplitItem[] = [];
    let pos = 0;
    const length = chunk.length;
    while (pos < length) {
      const flagAt = chunk.indexOf(FLAG, pos);
      if (this.#state === State.Hunt) {
        this.#addGarbage(chunk, pos, flagAt === -1 ? length : flagAt, items);
        if (flagAt === -1) break;
        this.#flushGarbage(items);
        this.#state = State.Frame;
        pos = this.#startFrame(chunk, flagAt, items);
      } else if (this.#state === State.Frame) {
        pos = this.#continueFrame(chunk, pos, flagAt, items);
      } else {
        if (flagAt === -1) {
          this.#discardedBytes += length - pos;
          break;
        }
        this.#discardedBytes += flagAt - pos;
        this.#state = State.Frame;
        pos = this.#startFrame(chunk, flagAt, items);
      }
    }
    return items;
  }

  /** Ends the stream (connection closed): returns any partial frame or garbage still held. */
  flush(): SplitItem[] {
    const items: SplitItem[] = [];
    if (this.#state === State.Hunt) this.#flushGarbage(items);
    else if (this.#state === State.Frame && this.#carriedBytes > 1) {
      items.push({
        raw: this.#takeCarried(),
        reason: 'frame_truncated',
        detail: 'stream ended inside a frame: end flag missing',
      });
    }
    this.#carried = NONE;
    this.#carriedBytes = 0;
    this.#state = State.Hunt;
    return items;
  }

  /** Starts a frame at the flag at `flagAt`; frames that end in this chunk are emitted without copying. */
  #startFrame(chunk: Buffer, flagAt: number, items: SplitItem[]): number {
    this.#carried = NONE;
    this.#carriedBytes = 0;
    let start = flagAt;
    for (;;) {
      const endAt = chunk.indexOf(FLAG, start + 1);
      if (endAt === -1) {
        this.#carryFrameBytes(chunk, start, chunk.length, items);
        return chunk.length;
      }
      if (endAt === start + 1) {
        // "7E 7E": the end flag of a frame we did not see, then a start flag. Re-align on the second.
        start = endAt;
        continue;
      }
      if (endAt + 1 - start > this.#frameBytesMax) {
        items.push({
          raw: chunk.subarray(start, start + this.#frameBytesMax),
          reason: 'frame_too_large',
          detail: `frame of ${endAt + 1 - start} bytes exceeds ${this.#frameBytesMax}`,
        });
        this.#discardedBytes += endAt + 1 - start - this.#frameBytesMax;
        start = endAt;
        continue;
      }
      items.push({ raw: chunk.subarray(start, endAt + 1) });
      this.#state = State.Hunt;
      return endAt + 1;
    }
  }

  /** Continues a frame carried over from an earlier chunk. */
  #continueFrame(chunk: Buffer, pos: number, flagAt: number, items: SplitItem[]): number {
    if (flagAt === -1) {
      this.#carryFrameBytes(chunk, pos, chunk.length, items);
      return chunk.length;
    }
    if (flagAt === pos && this.#carriedBytes === 1) {
      // Only the start flag was carried and the chunk opens with another flag: re-align on it.
      return this.#startFrame(chunk, flagAt, items);
    }
    const total = this.#carriedBytes + flagAt + 1 - pos;
    if (total > this.#frameBytesMax) {
      // Emits frame_too_large; the closing flag is then taken as a start (see the file comment).
      this.#carryFrameBytes(chunk, pos, flagAt + 1, items);
      this.#state = State.Frame;
      return this.#startFrame(chunk, flagAt, items);
    }
    this.#carry(chunk.subarray(pos, flagAt + 1));
    this.#carriedBytes = total;
    items.push({ raw: this.#takeCarried() });
    this.#state = State.Hunt;
    return flagAt + 1;
  }

  /** Holds frame bytes [from, to) across chunks, or rejects the frame once it passes the bound. */
  #carryFrameBytes(chunk: Buffer, from: number, to: number, items: SplitItem[]): void {
    const room = this.#frameBytesMax - this.#carriedBytes;
    if (to - from <= room) {
      this.#carry(Buffer.from(chunk.subarray(from, to)));
      this.#carriedBytes += to - from;
      return;
    }
    this.#carry(Buffer.from(chunk.subarray(from, from + room)));
    this.#carriedBytes += room;
    this.#discardedBytes += to - from - room;
    items.push({
      raw: this.#takeCarried(),
      reason: 'frame_too_large',
      detail: `frame exceeds ${this.#frameBytesMax} bytes; kept the first ${this.#frameBytesMax}`,
    });
    this.#state = State.Skip;
  }

  #addGarbage(chunk: Buffer, from: number, to: number, items: SplitItem[]): void {
    while (from < to) {
      const room = this.#frameBytesMax - this.#carriedBytes;
      const take = Math.min(room, to - from);
      this.#carry(Buffer.from(chunk.subarray(from, from + take)));
      this.#carriedBytes += take;
      from += take;
      if (this.#carriedBytes >= this.#frameBytesMax) this.#flushGarbage(items);
    }
  }

  #flushGarbage(items: SplitItem[]): void {
    if (this.#carriedBytes === 0) return;
    const raw = this.#takeCarried();
    items.push({ raw, reason: 'garbage', detail: `${raw.length} bytes outside any 0x7E frame` });
  }

  #carry(bytes: Buffer): void {
    if (this.#carried === NONE) this.#carried = [bytes];
    else this.#carried.push(bytes);
  }

  #takeCarried(): Buffer {
    const raw = this.#carried.length === 1 ? this.#carried[0] : Buffer.concat(this.#carried, this.#carriedBytes);
    this.#carried = NONE;
    this.#carriedBytes = 0;
    return raw;
  }
}
