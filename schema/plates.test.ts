import { describe, expect, it } from 'vitest';
import { checkRecord } from './columns.js';
import { PLATE_CHARACTERS_MAX, PLATE_PATTERN, plateProblem } from './plates.js';
import { TELEMETRY } from './tables.js';

const GOOD = ['豫A12345', '豫AD12345', '京A·12345'.replace('·', ''), 'LSVAM4187C2184847', '豫A1234学', ''];

/** Every character the issue names, and the classes around them. */
const INVISIBLE: number[] = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i),
  ...[0x200b, 0x200c, 0x200d, 0x200e, 0x200f],
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e],
  ...[0x2066, 0x2067, 0x2068, 0x2069],
  0xfeff,
  0x00ad,
  0x2060,
  0x2028,
  0x2029,
  0xfffd,
];

describe('plateProblem', () => {
  it('accepts real plates, VINs and the empty plate', () => {
    for (const plate of GOOD) {
      expect(plateProblem(plate), plate).toBeNull();
      expect(PLATE_PATTERN.test(plate), plate).toBe(true);
    }
  });

  it('refuses every control, zero-width and bidi character, anywhere in the plate, as bad_plate', () => {
    for (const code of INVISIBLE) {
      const char = String.fromCodePoint(code);
      for (const plate of [`${char}豫A12345`, `豫A${char}12345`, `豫A12345${char}`]) {
        const problem = plateProblem(plate);
        expect(problem, `U+${code.toString(16)}`).toMatchObject({ field: 'plate', reason: 'bad_plate' });
        expect(PLATE_PATTERN.test(plate), `U+${code.toString(16)}`).toBe(false);
      }
    }
  });

  it('names the character by code point and position, never by itself', () => {
    const problem = plateProblem('豫A\u202e54321');
    expect(problem?.detail).toBe('plate holds the invisible, control or undecodable character U+202E at position 3');
    expect(problem?.detail).not.toContain('\u202e');
  });

  it('refuses a lone surrogate and a plate longer than the bound', () => {
    expect(plateProblem('豫A\ud800123')).toMatchObject({ reason: 'bad_plate' });
    expect(plateProblem('A'.repeat(PLATE_CHARACTERS_MAX))).toBeNull();
    expect(plateProblem('A'.repeat(PLATE_CHARACTERS_MAX + 1))).toMatchObject({
      reason: 'bad_plate',
      detail: `plate has ${PLATE_CHARACTERS_MAX + 1} characters, more than ${PLATE_CHARACTERS_MAX}`,
    });
  });

  it('is the last word of the stored tables: a telemetry row with such a plate fails its check', () => {
    const row = {
      terminal_id: '13912340001',
      plate: '豫A\u200b12345',
      ts: Date.UTC(2026, 0, 1),
      received_at: Date.UTC(2026, 0, 1),
      lat: 34,
      lon: 113,
      altitude_m: 0,
      speed_kmh: 0,
      direction_deg: 0,
      alarm_bits: 0,
      status_bits: 0,
      source: 'jt808',
    };
    expect(checkRecord(TELEMETRY.columns, row)).toMatchObject({ field: 'plate', reason: 'bad_plate' });
    expect(checkRecord(TELEMETRY.columns, { ...row, plate: '豫A12345' })).toBeNull();
  });
});
