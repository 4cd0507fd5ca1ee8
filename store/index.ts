export { QueryRefusedError, openAnalytics } from './clickhouse.js';
export type { Analytics, AnalyticsTarget, QueryResultTable, ReadOnlyQueryOptions } from './clickhouse.js';
export type { AnalyticsMigration } from './clickhouse-migrations.js';
export {
  EMBEDDED_WRITER_SESSIONS,
  SERVER_INSERTS_IN_FLIGHT_MAX,
  embeddedRowWriter,
  serverRowWriter,
} from './row-writer.js';
export type { RowWriter } from './row-writer.js';
export { migrate, openOperational } from './postgres.js';
export type { OperationalTarget, Sql } from './postgres.js';
export { DISK_FREE_BYTES_MIN_DEFAULT, DiskSpaceError, checkDiskSpace, freeBytesOf } from './disk-space.js';
export { READINESS_PARTS, STORAGE_HEALTH_DEFAULTS, StorageHealth } from './storage-health.js';
export type { StorageHealthOptions } from './storage-health.js';
