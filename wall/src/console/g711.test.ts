/**
 * G.711 expansion against ITU-T G.711's definition, computed here from the intervals rather than by the decoder's
 * bit arithmetic: every code decodes to the middle of its quantisation interval (A-law: 13-bit, segments 0 and 1
 * of step 2, segment s from 2^(s+4) in steps of 2^s; μ-law: 14-bit, value + 33 in segment s from 2^(s+5) in steps
 * of 2^(s+1)), the line's bit inversions and sign, monotony, and a sine coded by the compression rule and back.
 */
import { describe, expect, it } from 'vitest';
import { alawToLinear, decodeG711, ulawToLinear } from './g711.js';

/** A-law: the middle of the interval of (sign, segment, step), in 16-bit units (13-bit × 8). */
function alawMiddle(positive: boolean, segment: number, step: number): number {
  const low = segment === 0 ? 2 * step : 2 ** (segment + 4) + step * 2 ** segment;
  const width = segment === 0 ? 2 : 2 ** segment;
  return (positive ? 1 : -1) * (low + width / 2) * 8;
}

/** μ-law: the middle of the interval, in 16-bit units (14-bit × 4); the biased value + 33 lies in the segment. */
function ulawMiddle(positive: boolean, segment: number, step: number): number {
  const low = 2 ** (segment + 5) + step * 2 ** (segment + 1) - 33;
  const width = 2 ** (segment + 1);
  return (positive ? 1 : -1) * (low + width / 2) * 4;
}

describe('G.711 expansion', () => {
  it('decodes every A-law code to the middle of its interval (even bits inverted on the line)', () => {
    for (let code = 0; code < 256; code++) {
      const a = code ^ 0x55;
      expect(alawToLinear(code)).toBe(alawMiddle((a & 0x80) !== 0, (a >> 4) & 7, a & 15));
    }
    // Silence on the line: 0xD5 is the smallest positive value, 0x55 the smallest negative one.
    expect([alawToLinear(0xd5), alawToLinear(0x55)]).toEqual([8, -8]);
    // The largest: segment 7, step 15, 13-bit 4032 → 32256.
    expect([alawToLinear(0xaa), alawToLinear(0x2a)]).toEqual([32256, -32256]);
  });

  it('decodes every μ-law code to the middle of its interval (all bits inverted on the line)', () => {
    for (let code = 0; code < 256; code++) {
      const u = ~code & 0xff;
      expect(ulawToLinear(code)).toBe(ulawMiddle((u & 0x80) === 0, (u >> 4) & 7, u & 15));
    }
    expect([ulawToLinear(0xff), ulawToLinear(0x7f)]).toEqual([0, -0]);
    expect([ulawToLinear(0x80), ulawToLinear(0x00)]).toEqual([32124, -32124]);
  });

  it('is monotonic within a sign, so a louder code is never a quieter sample', () => {
    for (const decode of [alawToLinear, ulawToLinear]) {
      const positive = Array.from({ length: 128 }, (_, i) => i)
        .map((i) => (decode === alawToLinear ? (i | 0x80) ^ 0x55 : ~(i | 0x00) & 0xff))
        .map(decode);
      for (let i = 1; i < positive.length; i++)
        expect(Math.abs(positive[i])).toBeGreaterThan(Math.abs(positive[i - 1]));
    }
  });

  it('brings back a sine compressed by the μ-law rule within the step of its segment', () => {
    // Compression by G.711's μ-law rule, written from its definition: the code whose interval holds the sample.
    const compress = (sample: number): number => {
      const biased = Math.min(Math.floor(Math.abs(sample) / 4), 8158) + 33;
      const segment = Math.floor(Math.log2(biased)) - 5;
      const step = Math.floor((biased - 2 ** (segment + 5)) / 2 ** (segment + 1));
      return ~((sample < 0 ? 0x80 : 0) | (segment << 4) | step) & 0xff;
    };
    const samples = Array.from({ length: 80 }, (_, n) =>
      Math.round(20_000 * Math.sin((2 * Math.PI * 1000 * n) / 8000)),
    );
    const decoded = decodeG711(7, Uint8Array.from(samples.map(compress)))!;
    samples.forEach((s, n) => expect(Math.abs(decoded[n] * 32768 - s)).toBeLessThanOrEqual(4 * 2 ** 8));
    expect(decodeG711(8, Uint8Array.of(1, 2))).toBeUndefined();
  });
});
