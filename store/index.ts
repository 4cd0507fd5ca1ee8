export { ANALYST_VIEWS, openAnalytics, rowObjects } from './clickhouse.js';
export type {
  Analytics,
  AnalyticsOptions,
  AnalyticsTarget,
  InternalQueryOptions,
  QueryResultTable,
} from './clickhouse.js';
export { AnalystQueries } from './analyst-sql/analyst-queries.js';
export type { AnalystResult, FormattedResult } from './analyst-sql/analyst-queries.js';
export { contentTypeOf, DEFAULT_OUTPUT_FORMAT, isOutputFormat, OUTPUT_FORMATS } from './analyst-sql/output-formats.js';
export {
  ANALYST_SQL_BOUNDS,
  ANALYST_SQL_DEFAULTS,
  ANALYST_TIME_ZONE,
  checkAnalystSqlLimits,
} from './analyst-sql/limits.js';
export type { AnalystSqlLimits } from './analyst-sql/limits.js';
export type { AnalystCaller } from './analyst-sql/row-scope.js';
export { AnalystsBusyError, QueryFailedError, QueryRefusedError } from './analyst-sql/refusals.js';
export type { FailureReason, RefusalReason } from './analyst-sql/refusals.js';
export type { AnalyticsMigration } from './clickhouse-migrations.js';
export {
  EMBEDDED_WRITER_SESSIONS,
  SERVER_INSERTS_IN_FLIGHT_MAX,
  embeddedRowWriter,
  serverRowWriter,
} from './row-writer.js';
export type { RowWriter } from './row-writer.js';
export { migrate, openOperational } from './postgres.js';
export { insertRows } from './insert-rows.js';
export { lockHolder, tryAdvisoryLock } from './advisory-lock.js';
export type { HeldLock } from './advisory-lock.js';
export type { OperationalTarget, Sql } from './postgres.js';
export { DISK_FREE_BYTES_MIN_DEFAULT, DiskSpaceError, checkDiskSpace, freeBytesOf } from './disk-space.js';
export { READINESS_PARTS, STORAGE_HEALTH_DEFAULTS, StorageHealth } from './storage-health.js';
export type { StorageHealthOptions } from './storage-health.js';
