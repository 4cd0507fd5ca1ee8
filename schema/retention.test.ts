import { describe, expect, it } from 'vitest';
import { createTableStatement } from './ddl.js';
import { retentionProblem, ttlExpression } from './retention.js';
import { ALARMS, ANALYTICS_TABLES, CAMERA_EVENTS, DEVICE_STATUS, INGEST_REJECTS, TELEMETRY } from './tables.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 4, 0, 0, 250);

describe('retention', () => {
  it('derives the DDL TTL from the spec, as the tables have always had it', () => {
    expect(createTableStatement(TELEMETRY)).toContain('TTL toDateTime(ts) + INTERVAL 400 DAY');
    expect(createTableStatement(INGEST_REJECTS)).toContain('TTL toDateTime(received_at) + INTERVAL 90 DAY');
    expect(createTableStatement(ALARMS)).not.toContain('TTL');
    for (const table of [CAMERA_EVENTS, DEVICE_STATUS]) expect(table.retention).toEqual(TELEMETRY.retention);
    for (const table of ANALYTICS_TABLES)
      if (table.retention) {
        expect(table.columns[table.retention.column]?.kind, table.name).toBe('datetime_ms');
        expect(ttlExpression(table.retention)).toMatch(/^toDateTime\(\w+\) \+ INTERVAL \d+ DAY$/);
      }
  });

  it('refuses a row as soon as its TTL has passed, to the second, and only then', () => {
    const days = TELEMETRY.retention!.days;
    const expiredAt = (ts: number) => retentionProblem(TELEMETRY, { ts }, NOW);
    // toDateTime() drops the milliseconds: ts within the second that expires at NOW's second is expired.
    const cutoff = Math.floor(NOW / 1000) * 1000 - days * DAY_MS;
    expect(expiredAt(cutoff)).toMatchObject({ field: 'ts', reason: 'too_old_for_retention' });
    expect(expiredAt(cutoff + 999)).toMatchObject({ reason: 'too_old_for_retention' });
    expect(expiredAt(cutoff - 1)).toMatchObject({ reason: 'too_old_for_retention' });
    expect(expiredAt(cutoff + 1000)).toBeNull();
    expect(expiredAt(NOW)).toBeNull();
    expect(expiredAt(cutoff)?.detail).toBe(
      `ts ${new Date(cutoff).toISOString()} is older than the 400-day retention of telemetry: it would be deleted as soon as stored`,
    );
  });

  it('has nothing to say about tables without a TTL or rows without the column', () => {
    expect(retentionProblem(ALARMS, { started_at: 0 }, NOW)).toBeNull();
    expect(retentionProblem(TELEMETRY, {}, NOW)).toBeNull();
  });
});
