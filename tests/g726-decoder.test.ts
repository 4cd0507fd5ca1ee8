/**
 * The console's G.726 decoder (wall/src/console/g726.ts) against Debian's ffmpeg, an implementation of its own:
 * ffmpeg encodes a tone at each of the four rates in both packings, and decodes it again.
 * - As libavcodec does its arithmetic, the decoder gives ffmpeg's samples exactly, at every rate: the quantizer's
 *   tables, the predictor, the floating format and the adaptation are the same to the last bit.
 * - As the recommendation does it, the decoder stays within a few dB of ffmpeg's own decode of ffmpeg's streams at
 *   16–32 kbit/s (the two differ in roundings that an adaptive decoder carries on).
 * - The packing is recognised from the sound, the rate from the packets' durations.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  bitsFromDuration,
  G726Decoder,
  guessPacking,
  unpackCodes,
  type G726Bits,
  type G726Packing,
} from '../wall/src/console/g726.js';
import { G726Stream } from '../wall/src/console/g726-stream.js';
import { FFMPEG } from './support/jt1078-test-terminal.js';

const TONE = 'sine=frequency=440:sample_rate=8000:duration=2';

function ffmpeg(args: string[], input?: Buffer): Buffer {
  return execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...args], {
    input,
    maxBuffer: 16 * 1024 * 1024,
  });
}

const original = ffmpeg(['-f', 'lavfi', '-i', TONE, '-af', 'volume=0.5', '-f', 's16le', '-']);

/** ffmpeg's G.726 of the tone at `bits` per code, packed as `packing`, and ffmpeg's decoding of it. */
function ffmpegG726(bits: G726Bits, packing: G726Packing): { coded: Buffer; decoded: Int16Array } {
  const format = packing === 'lsb' ? 'g726le' : 'g726';
  const coded = ffmpeg(
    [
      ...['-f', 's16le', '-ar', '8000', '-ac', '1', '-i', '-'],
      ...['-c:a', format, '-b:a', `${bits * 8}k`, '-f', format, '-'],
      ...[],
    ],
    original,
  );
  const pcm = ffmpeg(
    ['-f', format, '-code_size', String(bits), '-sample_rate', '8000', '-i', '-', '-f', 's16le', '-'],
    coded,
  );
  return { coded, decoded: new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2) };
}

function decodeAll(coded: Uint8Array, bits: G726Bits, packing: G726Packing, variant: 'itu' | 'libavcodec'): number[] {
  const decoder = new G726Decoder(bits, variant);
  return Array.from(unpackCodes(coded, bits, packing), (code) => decoder.decodeCode(code));
}

/** Signal-to-noise ratio of `a` against `reference`, dB, after the first 50 ms (the decoders' adaptation). */
function snrDb(a: ArrayLike<number>, reference: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 400; i < Math.min(a.length, reference.length); i++) {
    signal += reference[i] ** 2;
    noise += (a[i] - reference[i]) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** 20 ms packets of a coded stream. */
function packets(coded: Buffer, bits: G726Bits): Buffer[] {
  const size = (bits * 160) / 8;
  const out: Buffer[] = [];
  for (let at = 0; at + size <= coded.length; at += size) out.push(coded.subarray(at, at + size));
  return out;
}

const RATES: G726Bits[] = [2, 3, 4, 5];

describe('G.726 decoding', () => {
  for (const bits of RATES)
    for (const packing of ['lsb', 'msb'] as const)
      it(`${bits * 8} kbit/s, first code in the ${packing === 'lsb' ? 'low' : 'high'} bits: libavcodec's samples exactly`, () => {
        const { coded, decoded } = ffmpegG726(bits, packing);
        const ours = decodeAll(coded, bits, packing, 'libavcodec');
        expect(ours).toHaveLength(decoded.length);
        let differing = 0;
        for (let i = 0; i < ours.length; i++) if (ours[i] !== decoded[i]) differing++;
        expect(differing).toBe(0);
        // The tone, not silence: ffmpeg's own decode is a 440 Hz sine of half scale.
        expect(
          snrDb(decoded, new Int16Array(original.buffer, original.byteOffset, original.length / 2)),
        ).toBeGreaterThan(20);
      });

  it("decodes libavcodec's streams as the recommendation does, close to libavcodec's decoding at 16–32 kbit/s", () => {
    // Floors under what this decoder measured (26, 24 and 47 dB): its roundings follow G.726, the encoder's do not.
    const floorDb: Partial<Record<G726Bits, number>> = { 2: 20, 3: 20, 4: 40 };
    for (const bits of [2, 3, 4] as const) {
      const { coded, decoded } = ffmpegG726(bits, 'lsb');
      expect(snrDb(decodeAll(coded, bits, 'lsb', 'itu'), decoded)).toBeGreaterThan(floorDb[bits]!);
    }
  });

  it('tells the packing from the sound, at every rate', () => {
    for (const bits of RATES)
      for (const packing of ['lsb', 'msb'] as const) {
        const { coded } = ffmpegG726(bits, packing);
        expect(guessPacking(packets(coded, bits).slice(0, 10), bits)).toBe(packing);
      }
    // Silence says nothing.
    expect(guessPacking([new Uint8Array(80).fill(0xff), new Uint8Array(80).fill(0xff)], 4)).toBeUndefined();
  });

  it('takes the rate from how long a packet lasts, and nothing from a gap', () => {
    expect(bitsFromDuration(40, 20)).toBe(2);
    expect(bitsFromDuration(60, 20)).toBe(3);
    expect(bitsFromDuration(80, 20)).toBe(4);
    expect(bitsFromDuration(100, 20)).toBe(5);
    // 80 bytes in 40 ms is 16 kbit/s too (or a lost packet at 32: the player waits for durations that agree).
    expect(bitsFromDuration(80, 40)).toBe(2);
    expect(bitsFromDuration(80, 60)).toBeUndefined();
    expect(bitsFromDuration(80, 0)).toBeUndefined();
    expect(bitsFromDuration(70, 20)).toBeUndefined();
  });

  it('unpacks codes in both orders, by hand', () => {
    // 0x1B = 0001 1011: low bits first gives 11, 10, 01, 00; high bits first 00, 01, 10, 11.
    expect(Array.from(unpackCodes(Uint8Array.of(0x1b), 2, 'lsb'))).toEqual([3, 2, 1, 0]);
    expect(Array.from(unpackCodes(Uint8Array.of(0x1b), 2, 'msb'))).toEqual([0, 1, 2, 3]);
    // Three-bit codes across bytes: 0xFA 0x05 = 11111010 00000101.
    expect(Array.from(unpackCodes(Uint8Array.of(0xfa, 0x05), 3, 'lsb'))).toEqual([2, 7, 7, 2, 0]);
    expect(Array.from(unpackCodes(Uint8Array.of(0xfa, 0x05), 3, 'msb'))).toEqual([7, 6, 4, 0, 2]);
  });

  it('holds a stream until its rate and packing are known, then decodes it from its first packet', () => {
    for (const [bits, packing] of [
      [2, 'msb'],
      [4, 'lsb'],
      [5, 'msb'],
    ] as const) {
      const { coded } = ffmpegG726(bits, packing);
      const stream = new G726Stream();
      const out: { timestampMs: number; samples: Float32Array }[] = [];
      const sent = packets(coded, bits).slice(0, 20);
      sent.forEach((p, i) => out.push(...stream.push(1_000 + i * 20, p)));
      // Every packet came out once, in order, with its timestamp, decoded as a decoder of the right rate and
      // packing decodes the whole stream.
      expect(out.map((d) => d.timestampMs)).toEqual(sent.map((_, i) => 1_000 + i * 20));
      const whole = decodeAll(Buffer.concat(sent), bits, packing, 'itu');
      const got = out.flatMap((d) => Array.from(d.samples, (x) => Math.round(x * 32768)));
      expect(got).toEqual(whole);
    }
  });

  it('drops held sound that never tells its rate, and starts again', () => {
    const stream = new G726Stream();
    // Packets 30 ms apart of 80 bytes: 2.67 bits a code, no rate.
    for (let i = 0; i < 60; i++) expect(stream.push(i * 30, new Uint8Array(80).fill(0x5a))).toEqual([]);
  });
});
