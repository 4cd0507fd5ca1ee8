/** CSV bodies: rows cut by RFC 4180 (quotes, doubled quotes, line breaks in cells), each row one record. */
import { describe, expect, it } from 'vitest';
import { parseBody } from './parse-body.js';

const CSV = 'text/csv; charset=utf-8';

describe('CSV bodies', () => {
  it('make one record per row, named by the header, empty cells absent', () => {
    const text =
      '\uFEFFstation_id,station_name,interval_start,arrivals,departures\r\n' +
      'ZAF,郑州东,2026-11-28 08:00:00,8123,9410\r\n' +
      '\r\n' +
      'ZZF,"郑州, ""老站""",2026-11-28 08:00:00,,4870\r\n';
    const items = parseBody(text, CSV, 10);
    expect(items.map((i) => i.ok && i.value)).toEqual([
      {
        station_id: 'ZAF',
        station_name: '郑州东',
        interval_start: '2026-11-28 08:00:00',
        arrivals: '8123',
        departures: '9410',
      },
      { station_id: 'ZZF', station_name: '郑州, "老站"', interval_start: '2026-11-28 08:00:00', departures: '4870' },
    ]);
  });

  it('keeps a line break inside quotes, and takes LF line ends and a last row without one', () => {
    const items = parseBody('a,b\n"x\ny",1\nz,2', 'text/csv', 10);
    expect(items.map((i) => i.ok && i.value)).toEqual([
      { a: 'x\ny', b: '1' },
      { a: 'z', b: '2' },
    ]);
  });

  it('refuses a row of the wrong width or with an open quote alone, with the row as sent', () => {
    const items = parseBody('a,b\n1,2,3\n3,4\n"5,6', 'text/csv', 10);
    expect(items.map((i) => (i.ok ? 'ok' : [i.reason, i.raw]))).toEqual([
      ['bad_csv_row', '1,2,3'],
      'ok',
      ['bad_csv_row', '"5,6'],
    ]);
  });

  it('refuses a header naming a column twice or not at all, and more rows than allowed', () => {
    expect(() => parseBody('a,a\n1,2', 'text/csv', 10)).toThrow(/name each column once/);
    expect(() => parseBody('a,,c\n1,2,3', 'text/csv', 10)).toThrow(/name each column once/);
    expect(() => parseBody('a\n1\n2\n3', 'text/csv', 2)).toThrow(/more than 2 records/);
    expect(parseBody('', 'text/csv', 2)).toEqual([]);
  });

  it('refuses a cell holding U+0000 as nul_character', () => {
    const [item] = parseBody('a\nx\u0000y', 'text/csv', 2);
    expect(item.ok ? 'ok' : item.reason).toBe('nul_character');
  });
});
