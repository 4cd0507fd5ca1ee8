/**
 * What the analysts' SQL sandbox adds to a query: the same statements through `analysts.run` (canonical text,
 * EXPLAIN AST, check, the query with the server's SETTINGS clause and a city's row filter) and through
 * `queryInternal` (the query alone), on embedded chDB with 20,000 alarms. Run: npx tsx bench/analyst-sql.ts [rounds]
 *
 * Rounds alternate the two paths; figures are wall-clock ms per query (p50, p95) and the ratio of the p50s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ALARMS, tsvEncoderFor } from '../schema/index.js';
import { openAnalytics } from '../store/index.js';

const rounds = Number(process.argv[2] ?? 200);
const STATEMENTS = [
  'SELECT 1',
  'SELECT rule, count() FROM alarms_current GROUP BY rule ORDER BY count() DESC',
  "SELECT substring(org_code, 1, 4) AS city, countIf(severity = 'critical') FROM alarms WHERE started_at >= today() - 7 GROUP BY city",
];

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-analyst-sql-'));
const analytics = await openAnalytics({ kind: 'embedded', dataDir });
const encoder = tsvEncoderFor(ALARMS);
const now = Date.now();
const codes = ['410102', '410105', '410302', '410311'];
const alarms = Array.from({ length: 20_000 }, (_, i) => ({
  alarm_id: `a${i}`,
  rule: ['overspeed', 'fatigue', 'offline'][i % 3],
  severity: i % 7 === 0 ? 'critical' : 'warning',
  started_at: now - (i % 600) * 60_000,
  org_code: codes[i % codes.length],
  version: 1,
  updated_at: now,
}));
await analytics.writer.insertTabSeparated('alarms', encoder.columns, encoder.encodeRows(alarms), 'bench');

const caller = { userKey: 'bench', orgCodes: ['410100', '410102', '410105'] };
const times = { sandbox: [] as number[], internal: [] as number[] };
for (let round = 0; round < rounds; round++) {
  for (const sql of STATEMENTS) {
    let started = performance.now();
    await analytics.analysts.run(sql, caller);
    times.sandbox.push(performance.now() - started);
    started = performance.now();
    await analytics.queryInternal(sql);
    times.internal.push(performance.now() - started);
  }
}
const quantile = (values: number[], q: number): number =>
  Number([...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!.toFixed(2));
const summary = Object.fromEntries(
  Object.entries(times).map(([path, ms]) => [path, { p50_ms: quantile(ms, 0.5), p95_ms: quantile(ms, 0.95) }]),
);
console.log(
  JSON.stringify({
    queries_per_path: times.sandbox.length,
    ...summary,
    ratio_p50: Number((quantile(times.sandbox, 0.5) / quantile(times.internal, 0.5)).toFixed(2)),
  }),
);
await analytics.close();
rmSync(dataDir, { recursive: true, force: true });
