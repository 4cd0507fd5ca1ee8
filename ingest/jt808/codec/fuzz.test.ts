/**
 * Fuzz: over 1,000,000 mutated frames (bit flips, truncations, insertions, garbage, stray flags) pushed
 * through FrameSplitter → parseFrame → decodeMessage in randomly sized chunks, with valid frames
 * interleaved. Nothing may throw or hang, every reject names a reason of the union, and every interleaved
 * valid frame must still decode, whatever broken bytes came just before it. Mutations are written in place
 * into one reused stream buffer, so the test measures the codec, not the allocator. Deterministic by seed.
 *
 * The seeds are Vigil's own: frames written by hand from the standard (standard-frames.test-data.ts) and frames
 * the encoder makes from sampled messages of every type and version (message-arbitraries.test-data.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Jt808Frame, Jt808Message, Jt808RejectReason, Jt808Version } from './index.js';
import { FrameSplitter, JT808_REJECT_REASONS, decodeMessage, encodeMessage, parseFrame } from './index.js';
import { headerArb, messageArb } from './message-arbitraries.test-data.js';
import { STANDARD_FRAMES, wireBytes } from './standard-frames.test-data.js';

const MUTATED_FRAMES = 1_000_000;
const SEED = 0x5eed808;
const FRAME_BYTES_MAX = 2048;
const STREAM_BYTES = 1 << 20;
const VALID_PHONE = '099999999999';
const VALID_EVERY = 8;

/** xorshift32: small, fast and reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const KNOWN_REASONS = new Set<string>(JT808_REJECT_REASONS);
const ENCODED_SEEDS_PER_VERSION = 60;
/** Long seeds (media, pass-through) would only make the run slower: mutations act on the header and the first items. */
const SEED_FRAME_BYTES_MAX = 256;

/** The seeds: hand-written frames, and encoder frames of sampled messages that fit the frame bound. */
function seedFrames(): Buffer[] {
  const encoded = ([2011, 2013, 2019] as Jt808Version[]).flatMap((version) =>
    fc
      .sample(fc.tuple(messageArb(version), headerArb(version)), {
        seed: SEED + version,
        numRuns: ENCODED_SEEDS_PER_VERSION,
      })
      .map(([message, header]) => encodeMessage(message, header)),
  );
  return [...STANDARD_FRAMES.map(wireBytes), ...encoded.filter((frame) => frame.length <= SEED_FRAME_BYTES_MAX)];
}

function validFrame(serial: number): Buffer {
  const msg: Jt808Message = {
    msgId: 0x0200,
    body: {
      alarmBits: 0,
      statusBits: 3,
      latRaw: 34_746_000,
      lonRaw: 113_625_000,
      lat: 0,
      lon: 0,
      altitudeM: 0x7e,
      speedKmh: 12.6,
      directionDeg: 0x7d,
      time: Date.UTC(2024, 0, 1),
      alarms: [],
      status: {} as never,
      extras: { mileageKm: 1, signalStrength: 0x7e, others: [] },
    },
  };
  return encodeMessage(msg, { version: 2013, phone: VALID_PHONE, serial });
}

describe('fuzz: splitter + parseFrame + decodeMessage', () => {
  it(`survives ${MUTATED_FRAMES.toLocaleString('en')} mutated frames and keeps every valid one`, () => {
    const next = rng(SEED);
    const corpus = seedFrames();
    expect(corpus.length).toBeGreaterThan(STANDARD_FRAMES.length + ENCODED_SEEDS_PER_VERSION);
    const stream = Buffer.allocUnsafe(STREAM_BYTES);
    const splitter = new FrameSplitter({ frameBytesMax: FRAME_BYTES_MAX });
    const rejects = new Map<string, number>();
    let validSent = 0;
    let validSeen = 0;
    let decodedOk = 0;
    let mutated = 0;

    const count = (reason: string): void => {
      if (!KNOWN_REASONS.has(reason)) throw new Error(`reason "${reason}" is not in Jt808RejectReason`);
      rejects.set(reason, (rejects.get(reason) ?? 0) + 1);
    };

    const decode = (frame: Jt808Frame, strict: boolean): void => {
      if (strict && frame.header.phone === VALID_PHONE && frame.header.msgId === 0x0200) {
        expect(frame.header.serial).toBe(validSeen & 0xffff);
        validSeen++;
      }
      const msg = decodeMessage(frame, (frame.header.serial & 3) === 0 ? { coordinates: 'accept' } : undefined);
      if (!msg.ok) {
        count(msg.reason);
        return;
      }
      decodedOk++;
      if (msg.value.msgId === 0x0704) for (const e of msg.value.body.errors) count(e.reason as Jt808RejectReason);
    };

    const lenient = (raw: Buffer): void => {
      // Let damaged bodies reach the message decoders too, as a vendor-lenient gateway would.
      if (raw.length < 2 || raw[0] !== 0x7e || raw[raw.length - 1] !== 0x7e) return;
      const parsed = parseFrame(raw, { checksum: 'ignore', bodyLength: 'lenient' });
      if (!parsed.ok) {
        count(parsed.reason);
        return;
      }
      decode(parsed.value, false);
    };

    const feed = (length: number): void => {
      for (let at = 0; at < length;) {
        const size = 1 + (next() % 4096);
        const chunk = stream.subarray(at, Math.min(length, at + size));
        for (const item of splitter.push(chunk)) {
          if (item.reason === undefined) decode(item.frame, true);
          else {
            count(item.reason);
            lenient(item.raw);
          }
        }
        at += chunk.length;
      }
    };

    while (mutated < MUTATED_FRAMES) {
      let length = 0;
      while (length < STREAM_BYTES - 8192 && mutated < MUTATED_FRAMES) {
        if (mutated % VALID_EVERY === 0) {
          // A valid frame right after whatever the last mutation left: truncated frames without their end
          // flag, stray flags and escapes, oversize runs. It must be found all the same (see frame-splitter.ts).
          const valid = validFrame(validSent++ & 0xffff);
          valid.copy(stream, length);
          length += valid.length;
        }
        length = mutate(corpus[next() % corpus.length], stream, length, next);
        mutated++;
      }
      feed(length);
    }
    for (const item of splitter.flush()) if (item.reason !== undefined) count(item.reason);

    expect(validSeen).toBe(validSent);
    expect(decodedOk).toBeGreaterThan(validSent);
    // The mutations reach deep: most reasons of the union show up.
    for (const reason of [
      'garbage',
      'frame_too_large',
      'bad_escape',
      'check_mismatch',
      'header_truncated',
      'body_length_mismatch',
      'bad_bcd',
      'body_truncated',
      'bad_time',
      'unsupported_message',
      'encrypted_body',
    ]) {
      expect(rejects.get(reason) ?? 0, reason).toBeGreaterThan(0);
    }
  }, 120_000);
});

/** Writes one mutated copy of `base` into `out` at `at`; returns the new end. */
function mutate(base: Buffer, out: Buffer, at: number, next: () => number): number {
  const kind = next() % 8;
  const start = at;
  if (kind === 0) {
    // Random garbage, sometimes with flags in it.
    const n = 1 + (next() % 64);
    for (let i = 0; i < n; i++) {
      const r = next();
      out[at++] = (r & 0x700) === 0 ? 0x7e : r & 0xff;
    }
    return at;
  }
  if (kind === 1) {
    // Oversize: a flag, then more bytes than frameBytesMax without a flag.
    out[at++] = 0x7e;
    const n = FRAME_BYTES_MAX + (next() % 512);
    out.fill(0x11, at, at + n);
    return at + n;
  }
  base.copy(out, at);
  at += base.length;
  if (kind === 2 || kind === 7) {
    // Bit flips inside the frame (never the flags).
    const flips = 1 + (next() % 3);
    for (let i = 0; i < flips; i++) {
      const p = start + 1 + (next() % (base.length - 2));
      out[p] ^= 1 << (next() & 7);
    }
  } else if (kind === 3) {
    // Truncation: drop a tail; the end flag is lost.
    at = start + 1 + (next() % (base.length - 1));
  } else if (kind === 4) {
    // Truncation keeping the end flag: a shorter frame.
    const cut = 1 + (next() % (base.length - 2));
    out[start + cut] = 0x7e;
    at = start + cut + 1;
  } else if (kind === 5) {
    // Insertion of random bytes in the middle (including 0x7D escapes gone wrong).
    const p = start + 1 + (next() % (base.length - 2));
    const n = 1 + (next() % 8);
    out.copy(out, p + n, p, at);
    for (let i = 0; i < n; i++) {
      const r = next();
      out[p + i] = (r & 0x300) === 0 ? 0x7d : r & 0xff;
    }
    at += n;
  } else if (kind === 6) {
    // Byte overwrite in the header region: version bit, subpackage bit, lengths, phone digits.
    const p = start + 1 + (next() % Math.min(20, base.length - 2));
    out[p] = next() & 0xff;
  }
  return at;
}
