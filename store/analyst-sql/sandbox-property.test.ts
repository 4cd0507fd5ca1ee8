/**
 * Property: a generated query mixing allowed and forbidden functions and tables, in expressions, subqueries,
 * CTEs, unions, joins and `view()`, is refused (function_not_allowed or table_not_allowed) exactly when it holds
 * a forbidden one, and runs otherwise. On a real chDB; the seed is printed on failure by fast-check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAnalytics, type Analytics } from '../clickhouse.js';
import { QueryRefusedError } from './refusals.js';

let dataDir: string;
let analytics: Analytics;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-sandbox-property-'));
  analytics = await openAnalytics({ kind: 'embedded', dataDir });
  await analytics.client.command({ query: 'CREATE TABLE other_table (s String) ENGINE = Memory' });
});

afterAll(async () => {
  await analytics.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A piece of SQL and whether something forbidden is in it. */
interface Part {
  sql: string;
  forbidden: boolean;
}

const part = (sql: string, forbidden = false): Part => ({ sql, forbidden });
const join = (parts: Part[], build: (sqls: string[]) => string): Part => ({
  sql: build(parts.map((p) => p.sql)),
  forbidden: parts.some((p) => p.forbidden),
});

/** String-valued expressions, so every combination type-checks and an allowed query runs. */
const FORBIDDEN_LEAVES = [
  "file('/nonexistent')",
  'hostName()',
  "toString(getSetting('max_threads'))",
  'currentUser()',
  'FQDN()',
  'toString(filesystemAvailable())',
  "dictGetString('d', 'a', toUInt64(1))",
  "toString(joinGet('j', 'a', 1))",
];
const { expression } = fc.letrec<{ expression: Part }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom("'a'", "'ZZ'", 'toString(42)', 'toString(today())').map((sql) => part(sql)),
    fc.constantFrom(...FORBIDDEN_LEAVES).map((sql) => part(sql, true)),
    tie('expression').map((e) => join([e], ([x]) => `lower(${x})`)),
    tie('expression').map((e) => join([e], ([x]) => `upper(${x})`)),
    fc.tuple(tie('expression'), tie('expression')).map((es) => join(es, ([x, y]) => `concat(${x}, ${y})`)),
    tie('expression').map((e) => join([e], ([x]) => `toString(length(${x}))`)),
    tie('expression').map((e) => join([e], ([x]) => `arrayStringConcat(arrayMap(s -> upper(s), [${x}]))`)),
  ),
}));

const ALLOWED_TABLES = ['alarms', 'telemetry', 'alarms_current', 'default.camera_events', 'numbers(2)'];
const FORBIDDEN_TABLES = [
  'system.one',
  'system.tables',
  'other_table',
  "merge('^alarms$')",
  "url('http://127.0.0.1:9/x', 'CSV', 's String')",
  "file('/nonexistent', 'LineAsString')",
  "remote('127.0.0.1', default.alarms)",
];
const table = fc.oneof(
  fc.constantFrom(...ALLOWED_TABLES).map((sql) => part(sql)),
  fc.constantFrom(...FORBIDDEN_TABLES).map((sql) => part(sql, true)),
);

const select: fc.Arbitrary<Part> = fc.letrec<{ select: Part }>((tie) => ({
  select: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(expression, table).map((ps) => join(ps, ([e, t]) => `SELECT ${e} AS v FROM ${t}`)),
    fc.tuple(expression, tie('select')).map((ps) => join(ps, ([e, s]) => `SELECT ${e} AS v FROM (${s}) AS q`)),
    fc.tuple(tie('select'), tie('select')).map((ps) => join(ps, ([a, b]) => `${a} UNION ALL ${b}`)),
    fc
      .tuple(tie('select'), expression)
      .map((ps) => join(ps, ([s, e]) => `WITH w AS (${s}) SELECT concat(v, ${e}) AS v FROM w`)),
    fc.tuple(expression, tie('select')).map((ps) => join(ps, ([e, s]) => `SELECT ${e} AS v FROM view(${s}) AS q`)),
    fc
      .tuple(expression, table, tie('select'))
      .map((ps) => join(ps, ([e, t, s]) => `SELECT ${e} AS v FROM ${t} AS l CROSS JOIN (${s}) AS r LIMIT 1`)),
  ),
})).select;

describe('the sandbox on generated queries', () => {
  it('refuses a query exactly when it holds a forbidden function or table', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(select, async (query) => {
        const outcome = await analytics.analysts.run(query.sql, { userKey: 'p', orgCodes: ['410105'] }).then(
          () => 'ran',
          (error: unknown) => error,
        );
        if (query.forbidden) {
          expect(outcome, query.sql).toBeInstanceOf(QueryRefusedError);
          expect(['function_not_allowed', 'table_not_allowed'], query.sql).toContain(
            (outcome as QueryRefusedError).reason,
          );
          refused++;
        } else {
          expect(outcome, `${query.sql}: ${String(outcome)}`).toBe('ran');
        }
      }),
      { numRuns: 150 },
    );
    expect(refused).toBeGreaterThan(20);
  });
});
