export { HttpIngest } from './http-ingest.js';
export type {
  HttpIngestDeps,
  IngestRequest,
  IngestResponse,
  IngestResult,
  RejectedRecord,
  Submitter,
} from './http-ingest.js';
export { BodyError, parseBody } from './parse-body.js';
export type { BodyItem } from './parse-body.js';
export { HTTP_INGEST_DEFAULTS, checkHttpIngestOptions } from './options.js';
export type { HttpIngestOptions } from './options.js';
export { INGEST_KINDS, isIngestKind } from './source-key.js';
export type {
  IngestKind,
  RegistryRefusal,
  RegistryWriter,
  RegistryWriterIdentity,
  SourceIdentity,
  SourceKeyVerifier,
} from './source-key.js';
