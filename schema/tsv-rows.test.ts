/**
 * The TabSeparated encoder without ClickHouse: escaping, times, omitted and null values, column order. That
 * ClickHouse reads these bytes back as the same values is held by `store/row-writer.test.ts` on chDB.
 */
import { describe, expect, it } from 'vitest';
import { column } from './columns.js';
import { ANALYTICS_TABLES, CAMERA_EVENTS, TELEMETRY } from './tables.js';
import { compileTsvEncoder, escapeTsv, tsvDateTimeMs, tsvEncoderFor, tsvFloat32 } from './tsv-rows.js';

/** Undoes ClickHouse's TSV escapes, as its reader does, to check that escaping is lossless. */
function unescapeTsv(field: string): string {
  const map: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };
  return field.replace(/\\(.)/g, (_, c: string) => map[c] ?? `\\${c}`);
}

describe('TabSeparated encoding', () => {
  it('escapes backslash, tab, line feed and carriage return, and nothing else', () => {
    expect(escapeTsv('plain 豫A12345 😀 "quoted" \'single\'')).toBe('plain 豫A12345 😀 "quoted" \'single\'');
    expect(escapeTsv('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    // The text \N must stay text: written as \\N, which a reader does not take for NULL.
    expect(escapeTsv('\\N')).toBe('\\\\N');
    for (const text of ['', '\\', '\\\\t', '\t\t', 'x\r\n', '\\N\\n', '\u0000\b\f']) {
      const escaped = escapeTsv(text);
      expect(escaped).not.toMatch(/[\t\n\r]/);
      expect(unescapeTsv(escaped)).toBe(text);
    }
  });

  it('writes epoch milliseconds as ten-digit seconds and three digits of milliseconds', () => {
    expect(tsvDateTimeMs(1764300000123)).toBe('1764300000.123');
    expect(tsvDateTimeMs(0)).toBe('0000000000.000');
    expect(tsvDateTimeMs(1)).toBe('0000000000.001');
    expect(tsvDateTimeMs(1500)).toBe('0000000001.500');
    expect(tsvDateTimeMs(86_400_010)).toBe('0000086400.010');
    expect(tsvDateTimeMs(4102444800000)).toBe('4102444800.000');
    expect(tsvDateTimeMs(1764300000123.9)).toBe('1764300000.123');
  });

  it('writes every column of the spec in spec order, omitted defaulted columns empty and nulls as \\N', () => {
    const encoder = tsvEncoderFor(TELEMETRY);
    expect(encoder.columns).toEqual(Object.keys(TELEMETRY.columns));
    const line = encoder.encodeRow({
      terminal_id: '13800138000',
      plate: '豫A\t1',
      ts: 1764300000123,
      received_at: 1764300000200,
      lat: 34.123456789,
      lon: -113.5,
      altitude_m: -12,
      speed_kmh: 0.1,
      direction_deg: 359,
      alarm_bits: 0xffffffff,
      status_bits: 0,
      source: 'jt808',
    });
    expect(line.split('\t')).toEqual([
      '13800138000',
      '豫A\\t1',
      '1764300000.123',
      '1764300000.200',
      '34.123456789',
      '-113.5',
      '-12',
      '0.100000001',
      '359',
      '4294967295',
      '0',
      'jt808',
      '',
      '',
      '',
    ]);
    const camera = tsvEncoderFor(CAMERA_EVENTS).encodeRow({ axle_weights_kg: [7000, 4294967295], plate: null });
    const fields = camera.split('\t');
    expect(fields[Object.keys(CAMERA_EVENTS.columns).indexOf('axle_weights_kg')]).toBe('[7000,4294967295]');
    expect(fields[Object.keys(CAMERA_EVENTS.columns).indexOf('plate')]).toBe('\\N');
    expect(fields).toHaveLength(Object.keys(CAMERA_EVENTS.columns).length);
    const alarms = tsvEncoderFor(ANALYTICS_TABLES.find((t) => t.name === 'alarms')!);
    const endedAt = alarms.columns.indexOf('ended_at');
    expect(alarms.encodeRow({ ended_at: null }).split('\t')[endedAt]).toBe('\\N');
    expect(alarms.encodeRow({}).split('\t')[endedAt]).toBe('\\N');
    expect(alarms.encodeRow({ ended_at: 1500 }).split('\t')[endedAt]).toBe('0000000001.500');
  });

  it('writes Float32 columns as the text of Math.fround(value)', () => {
    for (const value of [0, 61.5, 0.1, 60.1, 3.4e38, -3.4e38, 1e-45, 0.019492722116410732, 16777217, 6553.5]) {
      const text = tsvFloat32(value);
      expect(Math.fround(Number(text)), `${value} as ${text}`).toBe(Math.fround(value));
    }
    expect(tsvFloat32(61.5)).toBe('61.5');
  });

  it('ends every row with a line feed, so a batch is one row per line', () => {
    const encoder = tsvEncoderFor(TELEMETRY);
    const body = encoder.encodeRows([{ plate: 'a\nb' }, { plate: 'c' }]).toString();
    expect(body.split('\n')).toHaveLength(3);
    expect(body.endsWith('\n')).toBe(true);
  });

  it('gives the same bytes as the rows joined, however long the rows and however many', () => {
    const encoder = tsvEncoderFor(TELEMETRY);
    const long = '豫😀\t\\'.repeat(200);
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      terminal_id: String(i),
      plate: i % 7 === 0 ? long : '豫A',
      ts: i,
      extras: i % 500 === 0 ? long.repeat(20) : '',
    }));
    const joined = Buffer.from(rows.map((row) => encoder.encodeRow(row) + '\n').join(''));
    expect(encoder.encodeRows(rows).equals(joined)).toBe(true);
    expect(encoder.encodeRows([]).length).toBe(0);
  });

  it('refuses a string column whose default is not the empty string, naming table, column and default', () => {
    const columns = { note: column('string', 'note', { defaultExpression: "'none'" }) };
    expect(() => compileTsvEncoder({ name: 'notes', columns })).toThrow(
      "column notes.note default 'none' is not allowed",
    );
    // Every analyst table compiles.
    for (const table of ANALYTICS_TABLES)
      expect(compileTsvEncoder(table).columns.length).toBe(Object.keys(table.columns).length);
  });
});
