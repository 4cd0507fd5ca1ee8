/**
 * How long `GET /api/summary`'s computation takes for the province, a city, a county and an enterprise, over a
 * month of alarm cases and a history of work orders, on PGlite or a PostgreSQL server. The baseline, measured in
 * the same run on the same data, is the same computation with the summary's indexes (migration 12) dropped.
 *
 *   npx tsx bench/centre-summary.ts [--alarms 200000] [--orders 50000] [--vehicles 100000] [--runs 15] [--postgres-url postgres://… | --start-postgres]
 *
 * `--start-postgres` starts Debian's PostgreSQL server in a temporary directory for the run, as the tests do.
 */
import { parseArgs } from 'node:util';
import { countyAt, divisions, HENAN_PROVINCE_CODE } from '../schema/index.js';
import type { Principal } from '../center/index.js';
import { openOperational, type Sql } from '../store/index.js';
import { seedOrgUnits } from '../center/index.js';
import { OrgDirectory } from '../center/org/org-directory.js';
import { CentreSummaries } from '../center/summary/centre-summary.js';
import { OnlineVehicles, ONLINE_VEHICLES_DEFAULTS } from '../center/summary/online-vehicles.js';
import { MemoryLog } from '../stream/index.js';
import { createDatabase, startPostgresServer } from '../tests/support/postgres-server.js';

const { values } = parseArgs({
  options: {
    alarms: { type: 'string', default: '200000' },
    orders: { type: 'string', default: '50000' },
    vehicles: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '15' },
    'postgres-url': { type: 'string' },
    'start-postgres': { type: 'boolean', default: false },
  },
});
const alarms = Number(values.alarms);
const orders = Number(values.orders);
const vehicles = Number(values.vehicles);
const runs = Number(values.runs);
const DAY_MS = 86_400_000;

const server = values['start-postgres'] ? await startPostgresServer() : undefined;
const postgresUrl = server ? await createDatabase(server, 'summary_bench') : values['postgres-url'];
const sql: Sql = await openOperational(postgresUrl ? { kind: 'server', url: postgresUrl } : { kind: 'memory' });
await seedOrgUnits(sql);
const counties = divisions()
  .filter((d) => d.level === 'county')
  .map((d) => d.code);
const now = Date.now();

// A month of alarms over every county, a fifth still new; orders, nine in ten accepted; registered vehicles.
await sql.query(
  `INSERT INTO alarm_cases (alarm_id, rule, severity, version, started_at, event_org_code, lat, lon, org_code, department, enterprise_id, state, received_at, updated_at)
   SELECT 'bench-' || g, 'overspeed', 'warning', 1, ts, org, 34.7, 113.6, org, 'road_transport', 'E-' || (g % 500),
          (ARRAY['new', 'acknowledged', 'dispatched', 'dismissed', 'closed'])[1 + g % 5], ts, ts
     FROM (SELECT g, $1::timestamptz - (g * ($2::bigint / $3::bigint)) * interval '1 millisecond' AS ts, ($4::text[])[1 + g % array_length($4::text[], 1)] AS org
             FROM generate_series(0, $3::bigint - 1) AS g) AS s`,
  [new Date(now), 30 * DAY_MS, alarms, counties],
);
await sql.query(
  `INSERT INTO work_orders (title, source, category, severity, issuer_org, org_code, department, enterprise_id, state, deadline_at, created_at, updated_at)
   SELECT 'order ' || g, 'top_down', 'overspeed', 'warning', '410000', ($3::text[])[1 + g % array_length($3::text[], 1)], 'road_transport', 'E-' || (g % 500),
          CASE WHEN g % 10 = 0 THEN 'in_progress' ELSE 'accepted' END, $1::timestamptz + ((g % 7) - 3) * interval '1 day', $1::timestamptz, $1::timestamptz
     FROM generate_series(0, $2::bigint - 1) AS g`,
  [new Date(now), orders, counties],
);
await sql.query(
  `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code)
   SELECT '豫A' || g, 2, 'heavy_truck', 'E-' || (g % 500), 'T' || g, ($2::text[])[1 + g % array_length($2::text[], 1)] FROM generate_series(0, $1::bigint - 1) AS g`,
  [vehicles, counties],
);
await sql.query('ANALYZE');

// Every registered vehicle heard, seven in ten within the online window, around Zhengzhou.
const online = new OnlineVehicles(
  {
    log: new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} }),
    countyAt: (lon, lat) => countyAt(lon, lat)?.code ?? '',
  },
  ONLINE_VEHICLES_DEFAULTS,
);
for (let i = 0; i < vehicles; i++)
  online.accept(
    `T${i}`,
    `豫A${i}`,
    now - (i % 10 < 7 ? 60_000 : 3_600_000),
    now,
    113.5 + (i % 40) * 0.01,
    34.6 + (i % 50) * 0.01,
  );
const registry = new Map<string, { home_org_code: string; enterprise_id: string }>();
for (let i = 0; i < vehicles; i++)
  registry.set(`T${i}`, { home_org_code: counties[i % counties.length], enterprise_id: `E-${i % 500}` });

const org = await OrgDirectory.load(sql);
const deps = { sql, org, now: () => now, online, vehicleOf: (terminalId: string) => registry.get(terminalId) };
// As served: the vehicles' figures are reused between calls (5 s, 60 s for the registry), so a call is the SQL.
const served = new CentreSummaries(deps);
// Cold: every call also reads the registry's counts and passes over every heard vehicle, as the first call after
// the cache expired does.
const cold = new CentreSummaries(deps, { vehicleFiguresCacheMs: 0, registeredCacheMs: 0 });
const callers: Record<string, Principal> = {
  province: { userId: 1, username: 'p', role: 'wall', orgCode: HENAN_PROVINCE_CODE, enterpriseId: null },
  city: { userId: 2, username: 'c', role: 'wall', orgCode: '410100', enterpriseId: null },
  county: { userId: 3, username: 'x', role: 'wall', orgCode: '410105', enterpriseId: null },
  enterprise: { userId: 4, username: 'e', role: 'enterprise', orgCode: '410100', enterpriseId: 'E-7' },
};

async function medianMs(summaries: CentreSummaries, principal: Principal): Promise<number> {
  const times: number[] = [];
  // One warm-up call: plans cached, counties of the vehicles looked up once.
  await summaries.forPrincipal(principal);
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await summaries.forPrincipal(principal);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

async function measureAll(summaries: CentreSummaries): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, principal] of Object.entries(callers)) out[name] = await medianMs(summaries, principal);
  return out;
}

// A first pass warms the engine (JIT, plan caches) so that neither side of the comparison pays for it.
await measureAll(served);
const withIndexes = await measureAll(served);
const coldWithIndexes = await measureAll(cold);
const today = await served.forPrincipal(callers.province);
await sql.exec(
  'DROP INDEX alarm_cases_org_received; DROP INDEX alarm_cases_enterprise_received; DROP INDEX work_orders_open; ANALYZE;',
);
const withoutIndexes = await measureAll(served);
console.log(
  JSON.stringify({
    store: postgresUrl ? 'postgres' : 'pglite',
    alarm_cases: alarms,
    alarm_cases_today: today.totals.alarms_received,
    work_orders: orders,
    vehicles,
    runs,
    median_ms: withIndexes,
    cold_median_ms: coldWithIndexes,
    baseline_without_summary_indexes_median_ms: withoutIndexes,
    speedup: Object.fromEntries(
      Object.keys(withIndexes).map((k) => [k, Math.round((withoutIndexes[k] / withIndexes[k]) * 10) / 10]),
    ),
  }),
);
await sql.close();
await server?.stop();
