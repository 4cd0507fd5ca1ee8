/**
 * An uploaded file as records: CSV through the ingestion's own CSV reader, XLSX (the first worksheet, its first
 * row naming the fields) through exceljs. Every cell becomes text, as in a CSV, so an id typed as a number in
 * Excel (a station `4101001`) reaches the normalizer as the same text a CSV would carry. Date cells are read as
 * China time: Excel stores the wall-clock time the user typed, without a zone, and a Henan user types Beijing time.
 */
import ExcelJS from 'exceljs';
import { BodyError, parseBody, type BodyItem } from '../../ingest/index.js';

export type UploadFormat = 'csv' | 'xlsx';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The format of a file by its content, so a misnamed file is read as what it is. */
export function formatOf(bytes: Buffer): UploadFormat {
  return bytes.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv';
}

export async function itemsOfFile(bytes: Buffer, itemsMax: number): Promise<BodyItem[]> {
  if (formatOf(bytes) === 'csv') {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    return parseBody(text, 'text/csv', itemsMax);
  }
  return itemsOfXlsx(bytes, itemsMax);
}

async function itemsOfXlsx(bytes: Buffer, itemsMax: number): Promise<BodyItem[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new BodyError('bad_body', `the file is not a readable XLSX workbook: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new BodyError('bad_body', 'the workbook has no worksheet');
  const header = rowTexts(sheet.getRow(1), sheet.columnCount);
  const names = header.map((name) => name.trim());
  if (names.length === 0 || names.some((name) => name === ''))
    throw new BodyError('bad_csv_header', 'the first row must name a field in every column that holds data');
  if (new Set(names).size !== names.length)
    throw new BodyError('bad_csv_header', `a field is named twice in the first row: ${names.join(', ')}`);
  const items: BodyItem[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const cells = rowTexts(sheet.getRow(r), names.length);
    if (cells.every((cell) => cell === '')) continue;
    if (items.length === itemsMax)
      throw new BodyError('too_many_records', `more than the ${itemsMax} records allowed in one file`);
    const value: Record<string, string> = {};
    names.forEach((name, i) => {
      if (cells[i] !== '') value[name] = cells[i]!;
    });
    items.push({ ok: true, value, raw: JSON.stringify(value) });
  }
  return items;
}

function rowTexts(row: ExcelJS.Row, columns: number): string[] {
  const texts: string[] = [];
  for (let c = 1; c <= columns; c++) texts.push(cellText(row.getCell(c).value));
  // Trailing empty header cells are formatting, not fields.
  while (texts.length > 0 && texts[texts.length - 1] === '' && row.number === 1) texts.pop();
  return texts;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return chinaTimeOf(value);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('error' in value) return '';
    return '';
  }
  return String(value).trim();
}

/** The wall-clock time of an Excel date cell (exceljs gives it as UTC), read as China Standard Time. */
function chinaTimeOf(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+08:00`;
}
