/**
 * Streaming de-framer for a JT/T 808 TCP byte stream: cuts the stream at its 0x7E flags and checks each
 * candidate with parseFrame, so that a candidate which is not a frame never costs the frame after it.
 *
 * Every 0x7E is a possible start. The bytes between two flags are a candidate frame; when it parses, it is a
 * frame, and when it does not, it is rejected with parseFrame's reason. Either way its closing flag is taken
 * as the possible start of the next candidate, because a failed candidate tells nothing about where the next
 * frame begins. This is what re-aligns the stream after every fault:
 *   - a truncated frame without its end flag (`7E 01 00 40 53 01 00` then `7E …valid… 7E`): the candidate
 *     `7E 01 00 40 53 01 00 7E` fails, and its last flag, the valid frame's start, opens the valid frame;
 *   - a corrupt frame, then a valid one (`7E …bad… 7E 7E …valid… 7E`): "7E 7E" never makes an empty frame;
 *   - two frames sharing one flag (`7E A 7E B 7E`, a sender that omits the second flag): both are frames;
 *   - garbage between frames (`7E A 7E xx yy 7E B 7E`): bytes after a frame's end flag that do not parse
 *     with it are rejected as `garbage` (without the flags), and B still parses;
 *   - an oversize candidate: `frame_too_large` with its first frameBytesMax bytes, and the next flag opens
 *     the next candidate.
 * So a valid frame is always found, whatever came before it: its start flag opens a candidate that ends at
 * its end flag (an escaped frame holds no other 0x7E). Flags are the only bytes two items may share.
 */
import { FLAG, parseFrame, type ParseFrameOptions } from './frame.js';
import type { Jt808Frame, Jt808RejectReason } from './types.js';

export type SplitRejectReason = Jt808RejectReason;

/** A frame: escaped bytes including both 0x7E flags, and what parseFrame read from them. */
export interface SplitFrame {
  raw: Buffer;
  frame: Jt808Frame;
  reason?: undefined;
}

/**
 * Bytes that are not a frame: garbage, an oversize candidate (cut at the bound), a candidate parseFrame
 * refused (`check_mismatch`, `header_truncated`, …), or a partial frame when the stream ended.
 */
export interface SplitReject {
  raw: Buffer;
  reason: SplitRejectReason;
  detail: string;
}

export type SplitItem = SplitFrame | SplitReject;

export interface FrameSplitterOptions {
  /** Largest escaped frame accepted, flags included; also the largest garbage item held. */
  frameBytesMax: number;
  /** How candidates are checked (the gateway's checksum policy). */
  parse?: ParseFrameOptions;
}

/** The smallest frame: two flags, a 2013 header (12 bytes) and the check byte. */
const FRAME_BYTES_MIN = 15;

const enum State {
  /** Before the first flag of the stream: bytes seen are garbage. */
  Hunt,
  /** After a flag that did not close a frame (a stream's first flag, or the end of a failed candidate). */
  Open,
  /** After the end flag of a frame: the next bytes are a candidate too, or else garbage between frames. */
  OpenAfterFrame,
  /** Discarding the rest of an oversize candidate until the next flag. */
  Skip,
}

/**
 * Shared by every splitter holding nothing, so that an idle connection (and each frame start) allocates no
 * array; never written to (see #carry).
 */
const NONE: Buffer[] = [];
/** The opening flag of a candidate that began in an earlier chunk, when its content starts to be carried. */
const FLAG_ONLY = Buffer.from([FLAG]);

export class FrameSplitter {
  readonly #frameBytesMax: number;
  readonly #parse: ParseFrameOptions | undefined;
  #state: State = State.Hunt;
  /**
   * Bytes carried across chunks: the current candidate (opening flag included) or garbage before the first
   * flag. Empty while a candidate has no content yet, its opening flag then being implied by the state.
   */
  #carried: Buffer[] = NONE;
  #carriedBytes = 0;
  #discardedBytes = 0;

  constructor(opts: FrameSplitterOptions) {
    if (!Number.isInteger(opts.frameBytesMax) || opts.frameBytesMax < FRAME_BYTES_MIN) {
      throw new RangeError(
        `frameBytesMax value ${opts.frameBytesMax} is less than min allowed ${FRAME_BYTES_MIN} (the smallest frame)`,
      );
    }
    this.#frameBytesMax = opts.frameBytesMax;
    this.#parse = opts.parse;
  }

  /** Bytes held between calls (a partial candidate or garbage), never above frameBytesMax. */
  get bufferedBytes(): number {
    return this.#carriedBytes;
  }

  /** Bytes of oversize candidates dropped beyond the frameBytesMax kept in their reject item (a counter). */
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
    const length = chunk.length;
    let pos = 0;
    /** Where the current candidate's opening flag sits in this chunk; -1 when it came in an earlier one. */
    let openAt = -1;
    while (pos < length) {
      const flagAt = chunk.indexOf(FLAG, pos);
      const state = this.#state;
      if (state === State.Open || state === State.OpenAfterFrame) {
        if (flagAt === -1) {
          this.#carryCandidate(chunk, openAt, pos, length, items);
          break;
        }
        this.#closeCandidate(chunk, openAt, pos, flagAt, items);
      } else if (state === State.Hunt) {
        this.#addGarbage(chunk, pos, flagAt === -1 ? length : flagAt, items);
        if (flagAt === -1) break;
        this.#flushGarbage(items);
        this.#state = State.Open;
      } else {
        if (flagAt === -1) {
          this.#discardedBytes += length - pos;
          break;
        }
        this.#discardedBytes += flagAt - pos;
        this.#state = State.Open;
      }
      openAt = flagAt;
      pos = flagAt + 1;
    }
    return items;
  }

  /** Ends the stream (connection closed): returns any partial candidate or garbage still held. */
  flush(): SplitItem[] {
    const items: SplitItem[] = [];
    if (this.#state === State.Hunt) this.#flushGarbage(items);
    else if (this.#carriedBytes > 0 && this.#state === State.OpenAfterFrame) {
      const raw = this.#takeCarried().subarray(1);
      items.push({ raw, reason: 'garbage', detail: `${raw.length} bytes after the last frame, no flag after them` });
    } else if (this.#carriedBytes > 0 && this.#state === State.Open) {
      items.push({
        raw: this.#takeCarried(),
        reason: 'frame_truncated',
        detail: 'stream ended inside a frame: end flag missing',
      });
    }
    // A lone flag at the end carries nothing: it is dropped.
    this.#carried = NONE;
    this.#carriedBytes = 0;
    this.#state = State.Hunt;
    return items;
  }

  /** The candidate's content runs to the end of the chunk: carries it, or rejects it once past the bound. */
  #carryCandidate(chunk: Buffer, openAt: number, from: number, to: number, items: SplitItem[]): void {
    if (to === from) return;
    if (this.#carriedBytes === 0) {
      // Carry the opening flag with the content, so that the candidate is whole when its end flag comes.
      if (openAt >= 0) from = openAt;
      else this.#carryBytes(FLAG_ONLY, 0, 1);
    }
    const room = this.#frameBytesMax - this.#carriedBytes;
    if (to - from <= room) {
      this.#carryBytes(chunk, from, to);
      return;
    }
    this.#carryBytes(chunk, from, from + room);
    this.#discardedBytes += to - from - room;
    items.push({
      raw: this.#takeCarried(),
      reason: 'frame_too_large',
      detail: `frame exceeds ${this.#frameBytesMax} bytes; kept the first ${this.#frameBytesMax}`,
    });
    this.#state = State.Skip;
  }

  /** The flag at `flagAt` closes the current candidate; it becomes the opening flag of the next one. */
  #closeCandidate(chunk: Buffer, openAt: number, from: number, flagAt: number, items: SplitItem[]): void {
    const afterFrame = this.#state === State.OpenAfterFrame;
    this.#state = State.Open;
    if (flagAt === from && this.#carriedBytes === 0) return; // "7E 7E": nothing between the flags.
    const carried = this.#carriedBytes > 0 ? this.#carriedBytes : 1;
    const total = carried + flagAt + 1 - from;
    if (total > this.#frameBytesMax) {
      this.#carryCandidate(chunk, openAt, from, flagAt + 1, items);
      this.#state = State.Open;
      return;
    }
    let raw: Buffer;
    if (this.#carriedBytes > 0) {
      this.#carryBytes(chunk, from, flagAt + 1);
      raw = this.#takeCarried();
    } else if (openAt >= 0) raw = chunk.subarray(openAt, flagAt + 1);
    else raw = Buffer.concat([FLAG_ONLY, chunk.subarray(from, flagAt + 1)]);
    const parsed = parseFrame(raw, this.#parse);
    if (parsed.ok) {
      items.push({ raw, frame: parsed.value });
      this.#state = State.OpenAfterFrame;
    } else if (afterFrame) {
      const garbage = raw.subarray(1, raw.length - 1);
      items.push({ raw: garbage, reason: 'garbage', detail: `${garbage.length} bytes between frames` });
    } else items.push({ raw, reason: parsed.reason, detail: parsed.detail });
  }

  #addGarbage(chunk: Buffer, from: number, to: number, items: SplitItem[]): void {
    while (from < to) {
      const take = Math.min(this.#frameBytesMax - this.#carriedBytes, to - from);
      this.#carryBytes(chunk, from, from + take);
      from += take;
      if (this.#carriedBytes >= this.#frameBytesMax) this.#flushGarbage(items);
    }
  }

  #flushGarbage(items: SplitItem[]): void {
    if (this.#carriedBytes === 0) return;
    const raw = this.#takeCarried();
    items.push({ raw, reason: 'garbage', detail: `${raw.length} bytes outside any 0x7E frame` });
  }

  /** Copies bytes [from, to) of `chunk` into what is carried across chunks. */
  #carryBytes(chunk: Buffer, from: number, to: number): void {
    const bytes = Buffer.from(chunk.subarray(from, to));
    if (this.#carried === NONE) this.#carried = [bytes];
    else this.#carried.push(bytes);
    this.#carriedBytes += to - from;
  }

  #takeCarried(): Buffer {
    const raw = this.#carried.length === 1 ? this.#carried[0] : Buffer.concat(this.#carried, this.#carriedBytes);
    this.#carried = NONE;
    this.#carriedBytes = 0;
    return raw;
  }
}
