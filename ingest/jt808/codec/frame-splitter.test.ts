/**
 * Resynchronisation of the JT/T 808 de-framer: whatever broken bytes come before it, a valid frame on the same
 * connection is still found (every 0x7E is a possible start once a candidate fails). See frame-splitter.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSplitter, encodeMessage, type Jt808Message, type SplitItem } from './index.js';

const PHONE = '013912340001';

function location(serial: number): Buffer {
  const message: Jt808Message = {
    msgId: 0x0200,
    body: {
      alarmBits: 0,
      statusBits: 0x03,
      latRaw: 34_746_000,
      lonRaw: 113_625_000,
      lat: 0,
      lon: 0,
      // 0x7E and 0x7D in the body, so the frame holds escapes.
      altitudeM: 0x7e,
      speedKmh: 60,
      directionDeg: 0x7d,
      time: Date.UTC(2024, 5, 1, 2, 3, 4),
      alarms: [],
      status: {} as never,
      extras: { others: [] },
    },
  };
  return encodeMessage(message, { version: 2013, phone: PHONE, serial });
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
/** The frame of issue #12: a 0x0100 header cut short, without its end flag. */
const TRUNCATED = hex('7E 01 00 40 53 01 00');

function split(chunks: Buffer[], frameBytesMax = 1024): SplitItem[] {
  const splitter = new FrameSplitter({ frameBytesMax });
  const items = chunks.flatMap((chunk) => splitter.push(chunk));
  return [...items, ...splitter.flush()];
}

function byteByByte(stream: Buffer): Buffer[] {
  return Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
}

const framesOf = (items: SplitItem[]): string[] =>
  items.filter((item) => item.reason === undefined).map((item) => item.raw.toString('hex'));
const reasonsOf = (items: SplitItem[]): string[] => items.map((item) => item.reason ?? 'frame');

describe('FrameSplitter resynchronisation', () => {
  const valid = location(1);

  it('finds the frame after a truncated one without an end flag, in one chunk and byte by byte', () => {
    const stream = Buffer.concat([TRUNCATED, valid]);
    for (const chunks of [[stream], byteByByte(stream)]) {
      const items = split(chunks);
      expect(framesOf(items)).toEqual([valid.toString('hex')]);
      expect(reasonsOf(items)).toEqual(['header_truncated', 'frame']);
      // The failed candidate is kept with its bytes (and the flag it ended at) for the dead-letter table.
      expect(items[0].raw.toString('hex')).toBe(Buffer.concat([TRUNCATED, hex('7E')]).toString('hex'));
    }
  });

  it('finds the frame after a corrupt one ("7E … 7E 7E … 7E")', () => {
    const corrupt = location(2);
    corrupt[10] ^= 0x40;
    const items = split([Buffer.concat([corrupt, valid])]);
    expect(reasonsOf(items)).toEqual(['check_mismatch', 'frame']);
    expect(framesOf(items)).toEqual([valid.toString('hex')]);
  });

  it('reads two frames that share one flag ("7E A 7E B 7E")', () => {
    const second = location(3);
    const stream = Buffer.concat([valid, second.subarray(1)]);
    for (const chunks of [[stream], byteByByte(stream)])
      expect(framesOf(split(chunks))).toEqual([valid.toString('hex'), second.toString('hex')]);
  });

  it('rejects garbage between frames, with or without flags in it, and keeps both frames', () => {
    const garbage = hex('AA BB 7D 7E CC 7E 7E 00');
    const items = split([Buffer.concat([valid, garbage, valid])]);
    expect(framesOf(items)).toEqual([valid.toString('hex'), valid.toString('hex')]);
    expect(reasonsOf(items)).toEqual(['frame', 'garbage', 'header_truncated', 'header_truncated', 'frame']);
    // "AA BB 7D" after the first frame's end flag is garbage between frames, reported without the flags.
    expect(items[1].raw.toString('hex')).toBe('aabb7d');
  });

  it('drops a lone flag, before a frame, between frames and at the end of the stream', () => {
    const lone = hex('7E');
    const items = split([Buffer.concat([lone, valid, lone, valid, lone])]);
    expect(framesOf(items)).toEqual([valid.toString('hex'), valid.toString('hex')]);
    expect(reasonsOf(items)).toEqual(['frame', 'frame']);
  });

  it('finds the frame after an oversize candidate, holding at most frameBytesMax bytes', () => {
    const oversize = Buffer.concat([hex('7E'), Buffer.alloc(300, 0x11)]);
    const splitter = new FrameSplitter({ frameBytesMax: 64 });
    const items: SplitItem[] = [];
    for (const chunk of byteByByte(Buffer.concat([oversize, valid]))) {
      items.push(...splitter.push(chunk));
      expect(splitter.bufferedBytes).toBeLessThanOrEqual(64);
    }
    expect(reasonsOf(items)).toEqual(['frame_too_large', 'frame']);
    expect(items[0].raw.length).toBe(64);
    expect(splitter.discardedBytes).toBe(oversize.length - 64);
  });

  it('keeps every valid frame, in order, whatever broken bytes come between them and however the stream is cut', () => {
    const FRAME_BYTES_MAX = 256;
    const noise = fc.oneof(
      // Bytes of any value, flags and escapes more often than chance.
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a)),
      fc.array(fc.constantFrom(0x7e, 0x7d, 0x01, 0x02), { minLength: 1, maxLength: 6 }).map((a) => Buffer.from(a)),
      // A frame cut short (the end flag lost), or with a byte flipped.
      fc.tuple(fc.integer({ min: 1, max: 60 }), fc.nat()).map(([keep, serial]) => location(serial).subarray(0, keep)),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 255 })).map(([at, flip]) => {
        const frame = location(at);
        frame[at] ^= flip;
        return frame;
      }),
      // Longer than the bound, without a flag.
      fc.constant(Buffer.alloc(FRAME_BYTES_MAX + 20, 0x33)),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noise, fc.boolean()), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        (parts, cuts) => {
          const wanted: string[] = [];
          const pieces: Buffer[] = [];
          parts.forEach(([bytes, validAfter], i) => {
            pieces.push(bytes);
            if (validAfter) {
              const frame = location(10_000 + i);
              wanted.push(frame.toString('hex'));
              pieces.push(frame);
            }
          });
          const stream = Buffer.concat(pieces);
          const chunks: Buffer[] = [];
          for (let at = 0, i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length];
            chunks.push(stream.subarray(at, at + size));
            at += size;
          }
          const splitter = new FrameSplitter({ frameBytesMax: FRAME_BYTES_MAX });
          const items: SplitItem[] = [];
          for (const chunk of chunks) {
            items.push(...splitter.push(chunk));
            expect(splitter.bufferedBytes).toBeLessThanOrEqual(FRAME_BYTES_MAX);
          }
          items.push(...splitter.flush());
          for (const item of items) expect(item.raw.length).toBeLessThanOrEqual(FRAME_BYTES_MAX);
          const ours = new Set(wanted);
          expect(framesOf(items).filter((frame) => ours.has(frame))).toEqual(wanted);
        },
      ),
      { numRuns: 2_000, seed: 0x808 },
    );
  });
});
