/**
 * CSV bodies (`text/csv`, RFC 4180): the first row names the fields, each later row is one record. Many of the
 * systems G6 connects export their data as spreadsheets or CSV files (traffic survey and rail flow statistics
 * above all), so they can post an export as it is. Cells are text, as the normalizers already accept numbers
 * and times sent as text; an empty cell is an absent field. A row whose cell count differs from the header's,
 * or whose quotes never close, is one bad item (`bad_csv_row`); its neighbours still count. Lists (such as
 * `axle_weights_kg`) have no CSV form and are sent as JSON.
 */
import { JSON_PROBLEM_DETAIL, jsonProblem } from '../../schema/index.js';
import { BodyError, type BodyItem } from './body-items.js';

const CSV_TYPES = ['text/csv', 'application/csv'];

export function isCsv(contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return CSV_TYPES.includes(base);
}

interface CsvRow {
  cells: string[];
  /** The row as sent, kept as the raw record of a refusal. */
  raw: string;
  /** Whether the row ended inside a quoted cell (the body ended first). */
  unterminated: boolean;
  /** The line the row starts on (1 = the first), so a person can find it in the file. */
  line: number;
}

/**
 * Splits the text into rows of cells: commas separate cells, CRLF or LF ends a row outside quotes, a quoted
 * cell may hold commas, line breaks and doubled quotes. Blank lines are skipped. Iterative, so any length is safe.
 */
function* csvRows(text: string): Generator<CsvRow> {
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let rowStart = 0;
  let i = 0;
  // Line breaks passed so far, inside quoted cells too, and the line the current row started on.
  let breaks = 0;
  let rowLine = 1;
  const endRow = (end: number): CsvRow | undefined => {
    cells.push(cell);
    const row = { cells, raw: text.slice(rowStart, end), unterminated: false, line: rowLine };
    cells = [];
    cell = '';
    return row.cells.length === 1 && row.cells[0].trim() === '' ? undefined : row;
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) breaks++;
      i++;
      continue;
    }
    if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      const end = i;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      const row = endRow(end);
      breaks++;
      rowStart = i;
      rowLine = breaks + 1;
      if (row) yield row;
      continue;
    } else {
      cell += c;
    }
    i++;
  }
  if (quoted || cell !== '' || cells.length > 0) {
    const row = endRow(text.length);
    if (row) yield { ...row, unterminated: quoted };
  }
}

export function parseCsv(text: string, itemsMax: number): BodyItem[] {
  const rows = csvRows(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const first = rows.next();
  if (first.done) return [];
  const header = first.value.cells.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (name === '' || seen.has(name) || first.value.unterminated)
      throw new BodyError(
        'bad_csv_header',
        `the first row must name each column once, got ${JSON.stringify(first.value.raw.slice(0, 200))}`,
      );
    seen.add(name);
  }
  const items: BodyItem[] = [];
  for (const row of rows) {
    if (items.length >= itemsMax)
      throw new BodyError('too_many_records', `more than ${itemsMax} records in one request`);
    items.push(itemOf(header, row));
  }
  return items;
}

function itemOf(header: readonly string[], row: CsvRow): BodyItem {
  return { ...itemOfCells(header, row), line: row.line };
}

function itemOfCells(header: readonly string[], row: CsvRow): BodyItem {
  if (row.unterminated)
    return { ok: false, reason: 'bad_csv_row', detail: 'a quoted cell is not closed', raw: row.raw };
  if (row.cells.length !== header.length)
    return {
      ok: false,
      reason: 'bad_csv_row',
      detail: `the row has ${row.cells.length} cells, the header names ${header.length}`,
      raw: row.raw,
    };
  const record: Record<string, string> = {};
  for (const [i, name] of header.entries()) {
    const value = row.cells[i].trim();
    if (value !== '') record[name] = value;
  }
  const problem = jsonProblem(record);
  if (problem)
    return { ok: false, reason: problem, detail: `the record: ${JSON_PROBLEM_DETAIL[problem]}`, raw: row.raw };
  return { ok: true, value: record, raw: JSON.stringify(record) };
}
