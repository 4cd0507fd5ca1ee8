/**
 * The error report of an upload as a CSV file a person opens in a spreadsheet: one line per refused row with the
 * row number in the file, the column at fault, the reason and its explanation, then the row's original values
 * under the file's own column names, so the rows can be corrected in place and uploaded again.
 */
import { stringify } from 'csv-stringify/sync';
import type { UploadDetail } from '../../schema/index.js';

/** Columns of reasons whose detail does not start with the column's name. */
const REASON_COLUMNS: Record<string, readonly string[]> = {
  vehicle_out_of_scope: ['plate'],
  enterprise_out_of_scope: ['enterprise_id', 'id'],
  driver_out_of_scope: ['id', 'driver_id'],
  registry_row_out_of_scope: ['plate', 'id'],
  time_in_future: ['time', 'ts', 'event_time'],
  too_old_for_retention: ['time', 'ts', 'event_time', 'interval_start'],
  unknown_type: ['type'],
};

/**
 * The column a refusal is about: the field its detail starts with when the file has it (the normalizers name the
 * field first: "org_code 410302 is outside …"), the field of a `missing_x` reason, the column of a `bad_x` reason or
 * the usual column of the reason when the file has it; '' when the refusal is about the row as a whole
 * (`bad_csv_row`).
 */
export function errorFieldOf(reason: string, detail: string, columns: readonly string[]): string {
  const has = (name: string | undefined): name is string => name !== undefined && columns.includes(name);
  const first = /^[A-Za-z_][A-Za-z0-9_]*/.exec(detail)?.[0];
  if (has(first)) return first;
  // A missing field is named even when the file has no such column: that is what to add.
  const missing = /^missing_(.+)$/.exec(reason)?.[1];
  if (missing !== undefined) return missing;
  const bad = /^bad_(.+)$/.exec(reason)?.[1];
  if (has(bad)) return bad;
  return REASON_COLUMNS[reason]?.find(has) ?? '';
}

/** A spreadsheet would run a cell starting with these as a formula; the report shows it as text instead. */
const FORMULA_START = /^[=+@\t\r]|^-[^0-9.]/;

function cell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function errorReportCsv(upload: UploadDetail): string {
  const header = ['row', 'field', 'reason', 'detail', ...upload.columns, 'raw'];
  const lines = upload.errors.map((e) => [
    String(e.row),
    e.field,
    e.reason,
    cell(e.detail),
    ...upload.columns.map((c) => cell(e.values?.[c] ?? '')),
    cell(e.raw),
  ]);
  // A byte-order mark, so that spreadsheet programs read the Chinese as UTF-8.
  return `\uFEFF${stringify([header, ...lines])}`;
}
