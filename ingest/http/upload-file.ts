/**
 * A file a person uploaded (CSV or XLSX) as records: CSV through the ingestion's own CSV reader, XLSX (the first
 * worksheet, its first row naming the fields) through exceljs. Every cell becomes text, as in a CSV, so an id typed
 * as a number in Excel (a station `4101001`) reaches the normalizer as the same text a CSV would carry. Each record
 * keeps the line (CSV) or worksheet row (XLSX) it came from, the header being 1, so an error report points at the
 * row a person sees in the file.
 *
 * Date cells are read as China time: Excel stores the wall-clock time the user typed, without a zone, and a Henan
 * user types Beijing time.
 */
import type ExcelJS from 'exceljs';
import { JSON_PROBLEM_DETAIL, jsonProblem } from '../../schema/index.js';
import { BodyError, type BodyItem } from './body-items.js';
import { parseCsv } from './parse-csv.js';

export type UploadFormat = 'csv' | 'xlsx';

/**
 * An XLSX is a zip: its parts are bounded by their declared uncompressed size before exceljs inflates anything,
 * so a small file cannot unpack into gigabytes (a zip bomb).
 */
export const XLSX_UNCOMPRESSED_BYTES_MAX = 64 * 1024 * 1024;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The format of a file by its content, so a misnamed file is read as what it is. */
export function formatOf(bytes: Buffer): UploadFormat {
  return bytes.subarray(0, 4).equals(ZIP_MAGIC) ? 'xlsx' : 'csv';
}

export async function itemsOfFile(
  bytes: Buffer,
  itemsMax: number,
): Promise<{ format: UploadFormat; items: BodyItem[] }> {
  const format = formatOf(bytes);
  if (format === 'csv') {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new BodyError(
        'bad_encoding',
        'the CSV file is not UTF-8 text (save it as "CSV UTF-8", or upload the XLSX workbook itself)',
      );
    }
    return { format, items: parseCsv(text, itemsMax) };
  }
  return { format, items: await itemsOfXlsx(bytes, itemsMax) };
}

async function itemsOfXlsx(bytes: Buffer, itemsMax: number): Promise<BodyItem[]> {
  const inflated = zipUncompressedBytes(bytes);
  if (inflated > XLSX_UNCOMPRESSED_BYTES_MAX)
    throw new BodyError(
      'file_too_large',
      `the workbook unpacks to ${inflated} bytes, more than the ${XLSX_UNCOMPRESSED_BYTES_MAX} allowed`,
    );
  // Loaded at the first workbook, not with the node: exceljs costs about 0.25 s of CPU to load, at every start.
  const workbook = new (await import('exceljs')).default.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new BodyError('bad_xlsx', `the file is not a readable XLSX workbook: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) throw new BodyError('bad_xlsx', 'the workbook has no worksheet');
  // exceljs computes columnCount over every row on each read: once here, not once per row.
  const columnCount = sheet.columnCount;
  const names = headerNames(sheet.getRow(1), columnCount);
  if (names.length === 0 || names.some((name) => name === ''))
    throw new BodyError('bad_csv_header', 'the first row must name a field in every column that holds data');
  if (new Set(names).size !== names.length)
    throw new BodyError('bad_csv_header', `a field is named twice in the first row: ${names.join(', ')}`);
  const items: BodyItem[] = [];
  const rowCount = sheet.rowCount;
  for (let r = 2; r <= rowCount; r++) {
    const cells = rowTexts(sheet.getRow(r), Math.max(names.length, columnCount));
    if (cells.every((cell) => cell === '')) continue;
    if (items.length === itemsMax)
      throw new BodyError('too_many_records', `more than the ${itemsMax} records allowed in one file`);
    const raw = JSON.stringify(Object.fromEntries(names.map((name, i) => [name, cells[i]])));
    if (cells.slice(names.length).some((cell) => cell !== '')) {
      items.push({
        ok: false,
        reason: 'bad_csv_row',
        detail: 'the row has a value in a column without a name',
        raw,
        line: r,
      });
      continue;
    }
    const value: Record<string, string> = {};
    names.forEach((name, i) => {
      if (cells[i] !== '') value[name] = cells[i];
    });
    // As a CSV cell: a value holding U+0000 is refused alone (PostgreSQL cannot store it).
    const problem = jsonProblem(value);
    if (problem) {
      items.push({ ok: false, reason: problem, detail: `the record: ${JSON_PROBLEM_DETAIL[problem]}`, raw, line: r });
      continue;
    }
    items.push({ ok: true, value, raw: JSON.stringify(value), line: r });
  }
  return items;
}

function headerNames(row: ExcelJS.Row, columns: number): string[] {
  const names = rowTexts(row, columns);
  // Trailing empty header cells are formatting, not fields.
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names;
}

function rowTexts(row: ExcelJS.Row, columns: number): string[] {
  const texts: string[] = [];
  for (let c = 1; c <= columns; c++) texts.push(cellText(row.getCell(c).value));
  return texts;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return chinaTimeOf(value);
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value)
      return value.richText
        .map((part) => part.text)
        .join('')
        .trim();
    if ('text' in value) return String(value.text).trim();
    // An error cell (#N/A, #DIV/0!) holds no value.
    return '';
  }
  return String(value).trim();
}

/** The wall-clock time of an Excel date cell (exceljs gives it as UTC), read as China Standard Time. */
function chinaTimeOf(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+08:00`;
}

/**
 * The sum of the uncompressed sizes a zip's central directory declares for its entries; a zip without a readable
 * central directory is `bad_xlsx`. exceljs's unzipper inflates an entry only as far as its declared size.
 */
function zipUncompressedBytes(bytes: Buffer): number {
  const END_SIGNATURE = 0x06054b50;
  const ENTRY_SIGNATURE = 0x02014b50;
  // The end record is 22 bytes plus a comment of at most 65,535.
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--)
    if (bytes.readUInt32LE(i) === END_SIGNATURE) {
      end = i;
      break;
    }
  if (end < 0) throw new BodyError('bad_xlsx', 'the file is not a readable XLSX workbook: no zip directory');
  const entries = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== ENTRY_SIGNATURE)
      throw new BodyError('bad_xlsx', 'the file is not a readable XLSX workbook: a broken zip directory');
    total += bytes.readUInt32LE(at + 24);
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return total;
}
