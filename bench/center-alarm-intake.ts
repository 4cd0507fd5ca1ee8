/**
 * How many alarm versions per second the command centres store (route, insert, action row, audit entry, one
 * transaction each), and how long an acknowledgement takes over HTTP, on PGlite or a PostgreSQL server.
 *
 *   npx tsx bench/center-alarm-intake.ts [--alarms 2000] [--postgres-url postgres://…]
 */
import { parseArgs } from 'node:util';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger } from '../schema/index.js';
import { openOperational } from '../store/index.js';
import { Accounts, Router, seedOrgUnits, startCommandCentre } from '../center/index.js';

const { values } = parseArgs({
  options: { alarms: { type: 'string', default: '2000' }, 'postgres-url': { type: 'string' } },
});
const count = Number(values.alarms);
const sql = await openOperational(
  values['postgres-url'] ? { kind: 'server', url: values['postgres-url'] } : { kind: 'memory' },
);
await seedOrgUnits(sql);
const accounts = new Accounts(sql);
await accounts.ensureAdmin(HENAN_PROVINCE_CODE, 'bench lantern river staple');
const centre = await startCommandCentre({
  sql,
  accounts,
  logger: silentLogger,
  metrics: new Metrics(),
  provinceCode: HENAN_PROVINCE_CODE,
  router: new Router(1 << 20),
  supervisionIntervalMs: 0,
});
const run = Date.now();
const started = performance.now();
for (let i = 0; i < count; i++) {
  const at = run - 60_000 + i;
  await centre.desk.ingest({
    alarm_id: `bench-${run}-${i}`,
    rule: i % 3 === 0 ? 'fatigue' : 'overspeed',
    rule_version: 1,
    severity: 'warning',
    terminal_id: String(13900000000 + i),
    plate: `豫A${String(i).padStart(5, '0')}`,
    started_at: at,
    ended_at: null,
    org_code: '410105',
    lat: 34.6 + (i % 50) * 0.01,
    lon: 113.5 + (i % 40) * 0.01,
    late: 0,
    details: '{}',
    version: 1,
    updated_at: at,
  });
}
const seconds = (performance.now() - started) / 1000;
const superviseStarted = performance.now();
await centre.supervise();
console.log(
  JSON.stringify({
    store: values['postgres-url'] ? 'postgres' : 'pglite',
    alarms: count,
    alarms_per_s: Math.round(count / seconds),
    ms_per_alarm: Math.round((seconds * 1000 * 100) / count) / 100,
    supervision_pass_ms: Math.round(performance.now() - superviseStarted),
  }),
);
await centre.close();
await sql.close();
