/**
 * Uploads of source files by cities, counties and enterprises (docs/sources/uploads.md): the answers of
 * `/api/uploads`, shared by the server and the console.
 */

/** One refused row of a file: where it is, which column, why, and what it held. */
export interface UploadError {
  /** The line (CSV) or worksheet row (XLSX) in the file, the header being 1. */
  row: number;
  field: string;
  reason: string;
  detail: string;
  /** The row's cells by column, as read; null when the row could not be cut into cells (`bad_csv_row`). */
  values: Record<string, string> | null;
  /** The row as it stood in the file when it could not be cut into cells. */
  raw: string;
}

export interface UploadSummary {
  id: number;
  kind: string;
  file_name: string;
  sha256: string;
  bytes: number;
  format: 'csv' | 'xlsx';
  state: 'applying' | 'done';
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  org_code: string;
  enterprise_id: string | null;
  uploaded_by: string;
  uploaded_at: number;
  finished_at: number | null;
}

export interface UploadDetail extends UploadSummary {
  columns: string[];
  errors: UploadError[];
}

export interface UploadAnswer extends UploadDetail {
  /** True when this very file had been uploaded before: nothing was applied now, the answer is the earlier one. */
  repeated: boolean;
}
