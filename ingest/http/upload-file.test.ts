/** Uploaded files as records: CSV and XLSX, the line each record came from, the bounds of a workbook. */
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatOf, itemsOfFile, XLSX_UNCOMPRESSED_BYTES_MAX } from './upload-file.js';

async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('data');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('uploaded files', () => {
  it('reads a CSV with the line each row starts on, blank lines and quoted line breaks counted', async () => {
    const csv = 'id,name\n1,"first\nsecond"\n\n2,b\n3\n';
    const { format, items } = await itemsOfFile(Buffer.from(csv), 100);
    expect(format).toBe('csv');
    expect(items.map((i) => [i.line, i.ok])).toEqual([
      [2, true],
      [5, true],
      [6, false],
    ]);
    expect(items[0].ok && items[0].value).toEqual({ id: '1', name: 'first\nsecond' });
  });

  it('refuses a CSV that is not UTF-8 by name', async () => {
    // 郑州 in GBK, as a spreadsheet saving "CSV" on a Chinese Windows writes it.
    const gbk = Buffer.concat([Buffer.from('city\n'), Buffer.from([0xd6, 0xa3, 0xd6, 0xdd]), Buffer.from('\n')]);
    await expect(itemsOfFile(gbk, 100)).rejects.toMatchObject({ reason: 'bad_encoding' });
  });

  it('reads the first worksheet of an XLSX as text cells, dates as China time, with their worksheet rows', async () => {
    const bytes = await xlsxOf([
      ['station_id', 'time', 'count', 'note'],
      [4101001, new Date(Date.UTC(2026, 10, 28, 10, 15, 3)), 12, { richText: [{ text: '晴' }, { text: '天' }] }],
      [],
      ['S2', '2026-11-28 10:20:00', '', null],
      ['S3', 'x', 1, null, 'stray'],
    ]);
    expect(formatOf(bytes)).toBe('xlsx');
    const { format, items } = await itemsOfFile(bytes, 100);
    expect(format).toBe('xlsx');
    expect(items).toEqual([
      {
        ok: true,
        value: { station_id: '4101001', time: '2026-11-28T10:15:03+08:00', count: '12', note: '晴天' },
        raw: expect.any(String),
        line: 2,
      },
      { ok: true, value: { station_id: 'S2', time: '2026-11-28 10:20:00' }, raw: expect.any(String), line: 4 },
      {
        ok: false,
        reason: 'bad_csv_row',
        detail: 'the row has a value in a column without a name',
        raw: expect.stringContaining('S3'),
        line: 5,
      },
    ]);
  });

  it('refuses a worksheet row holding U+0000 alone, as a CSV row', async () => {
    // A spreadsheet's text escape _x0000_ is read back as U+0000.
    const bytes = await xlsxOf([
      ['id', 'name'],
      ['1', 'a_x0000_b'],
      ['2', 'b'],
    ]);
    const { items } = await itemsOfFile(bytes, 10);
    expect(items.map((i) => [i.line, i.ok ? 'ok' : i.reason])).toEqual([
      [2, 'nul_character'],
      [3, 'ok'],
    ]);
  });

  it('refuses a workbook over the record bound, with a duplicate header, or that is not one', async () => {
    const many = await xlsxOf([['id'], ['1'], ['2'], ['3']]);
    await expect(itemsOfFile(many, 2)).rejects.toMatchObject({ reason: 'too_many_records' });
    const twice = await xlsxOf([
      ['id', 'id'],
      ['1', '2'],
    ]);
    await expect(itemsOfFile(twice, 10)).rejects.toMatchObject({ reason: 'bad_csv_header' });
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]);
    await expect(itemsOfFile(broken, 10)).rejects.toMatchObject({ reason: 'bad_xlsx' });
  });

  it('refuses a workbook whose parts would unpack beyond the bound before unpacking them', async () => {
    // One stored entry whose directory declares more than the bound: a zip bomb in miniature.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const data = deflateRawSync(Buffer.alloc(1024));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(XLSX_UNCOMPRESSED_BYTES_MAX + 1, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(XLSX_UNCOMPRESSED_BYTES_MAX + 1, 24);
    central.writeUInt16LE(name.length, 28);
    const directoryAt = local.length + name.length + data.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(central.length + name.length, 12);
    end.writeUInt32LE(directoryAt, 16);
    const zip = Buffer.concat([local, name, data, central, name, end]);
    await expect(itemsOfFile(zip, 10)).rejects.toMatchObject({ reason: 'file_too_large' });
  });
});
