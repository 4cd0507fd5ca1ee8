export { errorFieldOf, errorReportCsv } from './error-report.js';
export { Owners, submitterOf } from './upload-scope.js';
export { UPLOAD_BYTES_MAX, UPLOAD_STALE_MS, Uploads } from './uploads.js';
export type { UploadIngest, UploadListQuery, UploadsDeps } from './uploads.js';
