export { HttpIngest } from './http-ingest.js';
export type {
  HttpIngestDeps,
  IngestRequest,
  IngestResponse,
  IngestResult,
  RejectedRecord,
  ScopedRecord,
  ScopeRefusal,
  Submitter,
  UploadOutcome,
} from './http-ingest.js';
export { BodyError } from './parse-body.js';
export { timeTextMs } from './china-time.js';
export { checkGtfsRtPollOptions, GTFS_RT_POLL_INTERVAL_S, GtfsRtPoller } from './gtfs-rt-poller.js';
export type { GtfsRtPollOptions, PollOutcome } from './gtfs-rt-poller.js';
export type { BodyItem } from './parse-body.js';
export { formatOf as uploadFormatOf, XLSX_UNCOMPRESSED_BYTES_MAX } from './upload-file.js';
export type { UploadFormat } from './upload-file.js';
export { HTTP_INGEST_DEFAULTS, checkHttpIngestOptions } from './options.js';
export type { HttpIngestOptions } from './options.js';
export { INGEST_KINDS, isIngestKind, UPLOAD_KINDS } from './source-key.js';
export type {
  IngestKind,
  RegistryRefusal,
  RegistryWriter,
  RegistryWriterIdentity,
  SourceIdentity,
  SourceKeyVerifier,
} from './source-key.js';
