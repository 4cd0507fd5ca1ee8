export { QueryRefusedError, openAnalytics } from './clickhouse.js';
export type { Analytics, AnalyticsTarget, QueryResultTable, ReadOnlyQueryOptions } from './clickhouse.js';
export { migrate, openOperational } from './postgres.js';
export type { OperationalTarget, Sql } from './postgres.js';
