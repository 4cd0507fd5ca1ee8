/**
 * Analysts' SQL on a real chDB: every attack seen on the old endpoint, and variations of each, is refused with
 * its named reason before anything runs; ordinary analyst SQL runs; every analyst table is scoped to the
 * caller's org subtree whatever the shape of the query; one analyst's attempts never reach another's results or
 * the node's own reads; the server's limits stop runaway queries with named reasons; a slow analyst query does
 * not make the node's own reads or another analyst wait.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_TABLES, tsvEncoderFor, type ColumnSpec, type TableSpec } from '../../schema/index.js';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { openAnalytics, ANALYST_VIEWS, type Analytics } from '../clickhouse.js';
import { AnalystQueries, type AnalystResult } from './analyst-queries.js';
import { ANALYST_SQL_DEFAULTS, type AnalystSqlLimits } from './limits.js';
import { AnalystsBusyError, QueryFailedError, QueryRefusedError } from './refusals.js';
import type { AnalystCaller } from './row-scope.js';

let dataDir: string;
let analytics: Analytics;
const opened: Analytics[] = [];
/** A server file an attack would read: its content must never appear in any answer. */
let secretFile: string;
const SECRET = 'SECRET-MARKER-7f3a';

const PROVINCE: AnalystCaller = { userKey: 'province', orgCodes: 'all' };
/** 郑州市 with two of its districts, 中原区 and 金水区. */
const ZHENGZHOU: AnalystCaller = { userKey: 'zhengzhou', orgCodes: ['410100', '410102', '410105'] };
/** 金水区 alone. */
const JINSHUI: AnalystCaller = { userKey: 'jinshui', orgCodes: ['410105'] };

async function sandbox(limits: Partial<AnalystSqlLimits>): Promise<Analytics> {
  const instance = await openAnalytics({ kind: 'embedded', dataDir }, ANALYTICS_TABLES, {
    analystLimits: { ...ANALYST_SQL_DEFAULTS, ...limits },
  });
  opened.push(instance);
  return instance;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-analyst-sql-'));
  secretFile = path.join(dataDir, 'secret.txt');
  writeFileSync(secretFile, `${SECRET}\n`);
  analytics = await sandbox({});
  await seedRows();
  // A table of the database that is not an analyst table (as a test twin or an operator's table would be).
  await analytics.client.command({ query: `CREATE TABLE secret_twin (s String) ENGINE = MergeTree ORDER BY s` });
  await analytics.client.command({ query: `INSERT INTO secret_twin VALUES ('${SECRET}')` });
});

afterAll(async () => {
  for (const instance of opened) await instance.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The org units rows are made for: two districts of Zhengzhou and one of Luoyang. */
const ORGS = ['410102', '410105', '410302'] as const;
/** Per table, a string column that tells its test rows apart. */
const MARKER: Record<string, string> = {
  telemetry: 'plate',
  alarms: 'alarm_id',
  ingest_rejects: 'detail',
  alarm_actions: 'alarm_id',
  work_order_events: 'text',
  media_events: 'path',
  camera_events: 'event_id',
  device_status: 'event_id',
  driver_events: 'certificate',
  org_units: 'name',
  enterprises: 'name',
  vehicles: 'plate',
  toll_transactions: 'event_id',
  traffic_counts: 'station_id',
  rail_flows: 'station_id',
  vessel_positions: 'station_id',
  vessel_voyages: 'station_id',
  bus_positions: 'vehicle_id',
  bus_stop_delays: 'trip_id',
  gtfs_routes: 'route_id',
  gtfs_stops: 'stop_id',
  gtfs_trips: 'trip_id',
  taxi_positions: 'plate',
  taxi_order_events: 'company_id',
  taxi_permits: 'subject',
  market_registrations: 'credit_code',
  assessment_vehicle_days: 'vehicle_class',
  assessment_rollup_days: 'sources',
};

function emptyValue(spec: ColumnSpec): unknown {
  if (spec.kind === 'datetime_ms') return Date.now();
  if (spec.kind === 'datetime_ms_nullable') return null;
  if (spec.kind === 'uint32_array') return [];
  if (spec.kind === 'string' || spec.kind === 'lowcard' || spec.kind === 'json_text') return '';
  return 0;
}

function row(table: TableSpec, values: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table.columns)) record[name] = values[name] ?? emptyValue(spec);
  return record;
}

let ids = 0;
/** Rows in every analyst table through the sinks' own insert path: one per org unit, plus unscoped ones. */
async function seedRows(): Promise<void> {
  for (const table of ANALYTICS_TABLES) {
    const marker = MARKER[table.name]!;
    const orgColumns = table.orgColumns ?? [];
    const records = ORGS.map((org) =>
      row(table, {
        [marker]: `m-${org}`,
        ...Object.fromEntries(orgColumns.map((c) => [c, org])),
        action_id: ++ids,
        event_id: table.name === 'work_order_events' ? ++ids : `m-${org}`,
        order_id: ids,
        terminal_id: `1390000${ids}`,
        // The key of the vessel tables, with the time: rows with one key would be one row in the table.
        mmsi: ++ids,
        // The key of the rollup records: one row per day.
        day: ++ids,
        // The key of a registry table: rows with one key would be one row in the table.
        enterprise_id: `e-${org}`,
      }),
    );
    if (table.name === 'telemetry') records.push(row(table, { plate: 'm-none', terminal_id: '13900000999' }));
    if (table.name === 'work_order_events')
      records.push(row(table, { text: 'm-issued', org_code: '410302', issuer_org: '410100', event_id: ++ids }));
    const encoder = tsvEncoderFor(table);
    await analytics.writer.insertTabSeparated(
      table.name,
      encoder.columns,
      encoder.encodeRows(records),
      `seed-${table.name}`,
    );
  }
}

async function run(sql: string, caller: AnalystCaller = PROVINCE, instance = analytics): Promise<AnalystResult> {
  return instance.analysts.run(sql, caller);
}

async function failure(sql: string, caller: AnalystCaller = PROVINCE, instance = analytics): Promise<Error> {
  try {
    const result = await run(sql, caller, instance);
    throw new Error(`ran: ${JSON.stringify(result).slice(0, 300)}`);
  } catch (error) {
    if (error instanceof QueryRefusedError || error instanceof QueryFailedError || error instanceof AnalystsBusyError)
      return error;
    throw error;
  }
}

const markers = (result: AnalystResult): string[] => result.rows.map((r) => String(r[0])).sort();

describe('refused before anything runs, with a named reason', () => {
  const F = (): string => secretFile;
  // [what was seen or a variation of it, the SQL, the reason]
  const attacks: [string, () => string, string][] = [
    ['scalar file() of a server file', () => `SELECT file('${F()}')`, 'function_not_allowed'],
    ['file() in WHERE', () => `SELECT count() FROM alarms WHERE file('${F()}') != ''`, 'function_not_allowed'],
    ['INSERT INTO FUNCTION file', () => `INSERT INTO FUNCTION file('${F()}.out', 'CSV') SELECT 1`, 'query_refused'],
    [
      'INSERT INTO FUNCTION url',
      () => `INSERT INTO FUNCTION url('http://127.0.0.1:9/x', 'CSV') SELECT 1`,
      'query_refused',
    ],
    ['INTO/**/OUTFILE', () => `SELECT 1 INTO/**/OUTFILE '${F()}.out'`, 'query_refused'],
    ['INTO OUTFILE in lower case', () => `select 1 into outfile '${F()}.out' format CSV`, 'query_refused'],
    ['FORMAT', () => 'SELECT 1 FORMAT CSV', 'query_refused'],
    ['INTO OUTFILE of an EXPLAIN', () => `EXPLAIN SELECT 1 INTO OUTFILE '${F()}.out'`, 'query_refused'],
    ['INTO OUTFILE of a DESCRIBE', () => `DESCRIBE alarms INTO OUTFILE '${F()}.out'`, 'query_refused'],
    ['INTO OUTFILE of SHOW TABLES', () => `SHOW TABLES INTO OUTFILE '${F()}.out'`, 'query_refused'],
    [
      'INTO OUTFILE of SHOW CREATE TABLE',
      () => `SHOW CREATE TABLE alarms INTO OUTFILE '${F()}.out' TRUNCATE`,
      'query_refused',
    ],
    [
      'temporary table over URL',
      () => `CREATE TEMPORARY TABLE t (s String) ENGINE = URL('http://127.0.0.1:9/x', 'CSV')`,
      'query_refused',
    ],
    ['temporary table over File', () => 'CREATE TEMPORARY TABLE t (s String) ENGINE = File(CSV)', 'query_refused'],
    ['temporary table copying a table', () => 'CREATE TEMPORARY TABLE alarms AS SELECT 1 AS x', 'query_refused'],
    ['a second statement after ;', () => `SELECT 1; SELECT file('${F()}')`, 'multiple_statements'],
    ['a write after ;', () => 'SELECT 1; INSERT INTO alarms SELECT * FROM alarms', 'multiple_statements'],
    ['statements after ; and a comment', () => 'SELECT 1 /* x */ ; -- y\n DROP TABLE alarms', 'multiple_statements'],
    [
      'SETTINGS lifting the limits',
      () => 'SELECT count() FROM telemetry SETTINGS max_execution_time = 0, max_result_rows = 0',
      'settings_not_allowed',
    ],
    ['SETTINGS readonly = 0', () => 'SELECT * FROM alarms SETTINGS readonly = 0', 'settings_not_allowed'],
    ['SETTINGS on a union in parentheses', () => '(SELECT 1) SETTINGS readonly = 0', 'settings_not_allowed'],
    [
      'SETTINGS in a subquery lifting the row filter',
      () => 'SELECT * FROM (SELECT * FROM alarms SETTINGS additional_table_filters = {})',
      'settings_not_allowed',
    ],
    [
      'SETTINGS in an IN subquery',
      () => 'SELECT 1 WHERE 1 IN (SELECT 1 SETTINGS max_threads = 64)',
      'settings_not_allowed',
    ],
    ['SET limit', () => 'SET limit = 2', 'settings_not_allowed'],
    ['EXPLAIN options', () => 'EXPLAIN indexes = 1 SELECT 1', 'settings_not_allowed'],
    ['KILL QUERY of the sinks', () => "KILL QUERY WHERE query LIKE 'INSERT%'", 'query_refused'],
    ['system.processes', () => 'SELECT * FROM system.processes', 'table_not_allowed'],
    [
      'system table in a nested subquery',
      () => 'SELECT * FROM (SELECT * FROM (SELECT name FROM system.users))',
      'table_not_allowed',
    ],
    ['system table in EXISTS', () => 'SELECT 1 WHERE EXISTS (SELECT * FROM system.users)', 'table_not_allowed'],
    ['system table as IN table', () => "SELECT 1 WHERE 'x' IN system.users", 'table_not_allowed'],
    ['another database', () => 'SELECT * FROM system.one', 'table_not_allowed'],
    ['a table of the database that is not an analyst table', () => 'SELECT * FROM secret_twin', 'table_not_allowed'],
    ['the same, database-qualified', () => 'SELECT * FROM default.secret_twin', 'table_not_allowed'],
    [
      'a CTE named like that table',
      () => 'WITH secret_twin AS (SELECT 1) SELECT * FROM secret_twin',
      'table_not_allowed',
    ],
    [
      'a CTE named like an analyst table around file()',
      () => `WITH alarms AS (SELECT * FROM file('${F()}')) SELECT * FROM alarms`,
      'function_not_allowed',
    ],
    [
      'a CTE named like a system table',
      () => 'WITH tables AS (SELECT 1) SELECT * FROM system.tables',
      'table_not_allowed',
    ],
    ['comment between keyword and name', () => `SELECT/**/file('${F()}')`, 'function_not_allowed'],
    ['comment between name and parenthesis', () => `SELECT file /* x */ ('${F()}')`, 'function_not_allowed'],
    ['line comment first', () => `-- analysis\nSELECT file('${F()}')`, 'function_not_allowed'],
    ['upper case', () => `select FILE('${F()}')`, 'function_not_allowed'],
    ['mixed case', () => `SeLeCt FiLe('${F()}')`, 'function_not_allowed'],
    ['backquoted name', () => `SELECT \`file\`('${F()}')`, 'function_not_allowed'],
    ['double-quoted name', () => `SELECT "file"('${F()}')`, 'function_not_allowed'],
    ['escape in a quoted name (decoded by the parser)', () => `SELECT \`fil\\x65\`('${F()}')`, 'function_not_allowed'],
    ['unicode escape in a quoted name', () => `SELECT \`fil\\u0065\`('${F()}')`, 'query_refused'],
    ['full-width letters', () => `SELECT ｆｉｌｅ('${F()}')`, 'syntax_error'],
    ['line feed in an alias forging a node', () => 'SELECT 1 AS `x\n    Function file`', 'query_refused'],
    ['tab in an alias', () => 'SELECT 1 AS `x\ty`', 'query_refused'],
    ['nested subqueries', () => `SELECT * FROM (SELECT * FROM (SELECT file('${F()}') AS f))`, 'function_not_allowed'],
    [
      'view() wrapping file()',
      () => `SELECT * FROM view(SELECT * FROM file('${F()}', 'LineAsString'))`,
      'function_not_allowed',
    ],
    ['view() wrapping scalar file()', () => `SELECT * FROM view(SELECT file('${F()}'))`, 'function_not_allowed'],
    ['merge() bypassing the row filter', () => "SELECT * FROM merge('^alarms$')", 'function_not_allowed'],
    ['file table function', () => `SELECT * FROM file('${F()}', 'LineAsString')`, 'function_not_allowed'],
    ['url', () => "SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 's String')", 'function_not_allowed'],
    ['s3', () => "SELECT * FROM s3('http://127.0.0.1:9/b/x.csv')", 'function_not_allowed'],
    ['remote', () => "SELECT * FROM remote('127.0.0.1', system.one)", 'function_not_allowed'],
    ['remoteSecure', () => "SELECT * FROM remoteSecure('127.0.0.1', default.alarms)", 'function_not_allowed'],
    ['cluster', () => "SELECT * FROM cluster('default', system.one)", 'function_not_allowed'],
    ['clusterAllReplicas', () => "SELECT * FROM clusterAllReplicas('default', default.alarms)", 'function_not_allowed'],
    ['input', () => "SELECT * FROM input('s String')", 'function_not_allowed'],
    ['executable', () => "SELECT * FROM executable('x.sh', 'TabSeparated', 's String')", 'function_not_allowed'],
    ['loop', () => 'SELECT * FROM loop(alarms)', 'function_not_allowed'],
    ['zeros (refused by readonly, so not offered)', () => 'SELECT * FROM zeros(1)', 'function_not_allowed'],
    ['EXPLAIN in FROM (viewExplain)', () => 'SELECT * FROM (EXPLAIN SELECT 1)', 'function_not_allowed'],
    ['dictGet', () => "SELECT dictGet('d', 'x', toUInt64(1))", 'function_not_allowed'],
    ['dictGetString', () => "SELECT dictGetString('d', 'x', toUInt64(1))", 'function_not_allowed'],
    ['joinGet', () => "SELECT joinGet('t', 'x', 1)", 'function_not_allowed'],
    ['getSetting', () => "SELECT getSetting('readonly')", 'function_not_allowed'],
    ['sleep', () => 'SELECT sleep(3)', 'function_not_allowed'],
    ['sleepEachRow', () => 'SELECT sleepEachRow(1) FROM numbers(66)', 'function_not_allowed'],
    ['catboostEvaluate', () => "SELECT catboostEvaluate('m.bin', 1)", 'function_not_allowed'],
    ['an LLM call', () => "SELECT aiGenerate('say hello')", 'function_not_allowed'],
    ['filesystemAvailable', () => 'SELECT filesystemAvailable()', 'function_not_allowed'],
    ['hostName', () => 'SELECT hostName()', 'function_not_allowed'],
    ['currentUser by its alias', () => 'SELECT user()', 'function_not_allowed'],
    ['introspection', () => 'SELECT addressToLine(toUInt64(1))', 'function_not_allowed'],
    [
      'a forbidden function passed where a lambda goes',
      () => `SELECT arrayMap(file, ['${F()}'])`,
      'function_not_allowed',
    ],
    ['a forbidden function in a lambda', () => `SELECT arrayMap(x -> file(x), ['${F()}'])`, 'function_not_allowed'],
    ['APPLY calling a function by name', () => `SELECT * APPLY(file) FROM (SELECT '${F()}' AS p)`, 'query_refused'],
    ['APPLY with a lambda', () => `SELECT * APPLY(x -> file(x)) FROM (SELECT '${F()}' AS p)`, 'query_refused'],
    [
      'an aggregate name that is not an allowed aggregate',
      () => "SELECT arrayReduce('file', ['x'])",
      'function_not_allowed',
    ],
    ['an aggregate name computed', () => "SELECT arrayReduce(concat('s', 'um'), [1])", 'function_not_allowed'],
    [
      'file() in INTERPOLATE',
      () => `SELECT p FROM (SELECT 1 AS p) ORDER BY p WITH FILL INTERPOLATE (p AS file('${F()}'))`,
      'function_not_allowed',
    ],
    ['file() in a WINDOW', () => `SELECT 1 WINDOW w AS (ORDER BY file('${F()}'))`, 'function_not_allowed'],
    ['file() in a union branch', () => `SELECT 'a' UNION ALL SELECT file('${F()}')`, 'function_not_allowed'],
    ['file() in INTERSECT', () => `SELECT 'a' INTERSECT SELECT file('${F()}')`, 'function_not_allowed'],
    ['EXPLAIN ESTIMATE (row counts past the scope)', () => 'EXPLAIN ESTIMATE SELECT * FROM telemetry', 'query_refused'],
    ['EXPLAIN of an INSERT', () => 'EXPLAIN AST INSERT INTO alarms SELECT * FROM alarms', 'query_refused'],
    ['EXPLAIN of a forbidden function', () => `EXPLAIN PIPELINE SELECT file('${F()}')`, 'function_not_allowed'],
    ['DESCRIBE of file()', () => `DESCRIBE file('${F()}', 'LineAsString')`, 'function_not_allowed'],
    ['DESCRIBE of a system table', () => 'DESCRIBE system.users', 'table_not_allowed'],
    ['SHOW PROCESSLIST', () => 'SHOW PROCESSLIST', 'query_refused'],
    ['SHOW DATABASES', () => 'SHOW DATABASES', 'query_refused'],
    ['SHOW TABLES FROM system', () => 'SHOW TABLES FROM system', 'query_refused'],
    ['SHOW CREATE of a system table', () => 'SHOW CREATE TABLE system.users', 'table_not_allowed'],
    ['SHOW CREATE of another table', () => 'SHOW CREATE TABLE secret_twin', 'table_not_allowed'],
    ['USE', () => 'USE system', 'query_refused'],
    ['OPTIMIZE', () => 'OPTIMIZE TABLE alarms FINAL', 'query_refused'],
    ['SYSTEM', () => 'SYSTEM FLUSH LOGS', 'query_refused'],
    ['ALTER', () => 'ALTER TABLE alarms DELETE WHERE 1', 'query_refused'],
    ['DROP', () => 'DROP TABLE alarms', 'query_refused'],
    ['TRUNCATE', () => 'TRUNCATE TABLE alarms', 'query_refused'],
    ['ATTACH', () => "ATTACH TABLE x FROM '/tmp/x' (s String) ENGINE = File(CSV)", 'query_refused'],
    ['GRANT', () => 'GRANT SELECT ON *.* TO default', 'query_refused'],
    ['CREATE VIEW', () => 'CREATE VIEW v AS SELECT 1', 'query_refused'],
    ['CREATE FUNCTION', () => 'CREATE FUNCTION f AS x -> x', 'query_refused'],
    ['query parameters', () => 'SELECT {x:UInt8}', 'query_refused'],
    ['not SQL', () => 'SELEC 1', 'syntax_error'],
    ['nothing but a comment', () => '-- nothing', 'syntax_error'],
    ['too long', () => `SELECT 1 ${' '.repeat(ANALYST_SQL_DEFAULTS.sqlBytesMax)}`, 'query_too_long'],
  ];

  it.each(attacks)('%s', async (_what, sql, reason) => {
    const error = await failure(sql());
    expect(error).toBeInstanceOf(QueryRefusedError);
    expect((error as QueryRefusedError).reason, error.message).toBe(reason);
    expect(error.message).not.toContain(SECRET);
  });

  it('names the function refused', async () => {
    expect((await failure(`SELECT upper(file('${secretFile}'))`)).message).toBe('function_not_allowed: file');
    expect((await failure("SELECT * FROM merge('x')")).message).toMatch(/^function_not_allowed: table function merge/);
  });

  it('wrote no file and changed no table', async () => {
    await failure(`INSERT INTO FUNCTION file('${secretFile}.out', 'CSV') SELECT 1`);
    await failure(`SELECT 1 INTO/**/OUTFILE '${secretFile}.out'`);
    await failure(`EXPLAIN AST SELECT 1 INTO OUTFILE '${secretFile}.out'`);
    expect(existsSync(`${secretFile}.out`)).toBe(false);
    const tables = await analytics.queryInternal("SELECT count() FROM system.tables WHERE database = 'default'");
    expect(Number(tables.rows[0]![0])).toBe(ANALYTICS_TABLES.length + 2 + 1);
    expect((await run('SELECT count() FROM alarms')).rows).toEqual([[3]]);
  });
});

describe('the allow-list, built from the engine at start-up', () => {
  it('refuses every function that reaches files, the network, settings, dictionaries or the host', () => {
    const catalogue = analytics.analysts.catalogue;
    const dangerous = [
      'file',
      'url',
      's3',
      'remote',
      'remoteSecure',
      'cluster',
      'clusterAllReplicas',
      'input',
      'executable',
      'merge',
      'loop',
      'dictionary',
      'mysql',
      'postgresql',
      'dictGet',
      'dictGetString',
      'dictHas',
      'joinGet',
      'joinGetOrNull',
      'getSetting',
      'getSettingOrDefault',
      'getServerSetting',
      'getMacro',
      'sleep',
      'sleepEachRow',
      'catboostEvaluate',
      'aiGenerate',
      'aiEmbed',
      'AIGenerate',
      'filesystemAvailable',
      'filesystemCapacity',
      'hostName',
      'FQDN',
      'currentUser',
      'user',
      'generateSerialID',
      'timeSeriesStoreTags',
      'addressToLine',
      'demangle',
      'globalVariable',
      'hasColumnInTable',
      'regionToName',
      'chdb',
      'connection_id',
    ];
    for (const name of dangerous) {
      expect(catalogue.functionAllowed(name), name).toBe(false);
      expect(catalogue.tableFunctionAllowed(name), name).toBe(false);
    }
    expect(catalogue.refusedNames()).toEqual(expect.arrayContaining(['file', 'hostName', 'sleep', 'getSetting']));
  });

  it('allows the pure functions, their aliases, any case where the engine allows it, and aggregate combinators', () => {
    const catalogue = analytics.analysts.catalogue;
    for (const name of [
      'count',
      'COUNT',
      'countIf',
      'CountDistinct',
      'sumArrayIf',
      'avgOrNullIf',
      'uniqMerge',
      'quantilesTimingState',
      'array_concat_agg',
      'lower',
      'DATE_TRUNC',
      'toDate',
      'arrayMap',
      'JSONExtractString',
      'geoToH3',
      'domain',
      'row_number',
      'lagInFrame',
      'lambda',
      '_CAST',
      'caseWithExpression',
      'version',
    ])
      expect(catalogue.functionAllowed(name), name).toBe(true);
    expect(catalogue.aggregateAllowed('quantile')).toBe(true);
    expect(catalogue.aggregateAllowed('lower')).toBe(false);
    expect(catalogue.allowedTableFunctions()).toEqual([
      'generateSeries',
      'generate_series',
      'numbers',
      'values',
      'view',
    ]);
    expect(catalogue.allowedNames().length).toBeGreaterThan(1_400);
  });
});

describe('ordinary analyst SQL', () => {
  const allowed = [
    'SELECT rule, substring(org_code, 1, 4) AS city, count() FROM alarms_current WHERE started_at >= today() GROUP BY rule, city ORDER BY count() DESC;',
    "SELECT ts, lat, lon, speed_kmh FROM telemetry_dedup WHERE plate = '豫A12345' AND ts > now() - INTERVAL 1 HOUR ORDER BY ts;",
    'SELECT reason, count(), any(detail) FROM ingest_rejects WHERE received_at > now() - INTERVAL 1 DAY GROUP BY reason;',
    'SELECT device_id, argMax(status, ts) FROM device_status GROUP BY device_id',
    // The examples of docs/analysts.md that join the registry.
    "SELECT city.name AS city, count() AS alarms FROM alarms_current AS a INNER JOIN org_units AS county FINAL ON county.code = a.org_code INNER JOIN org_units AS city FINAL ON city.code = if(county.level = 'county' AND NOT county.directly_administered, county.parent_code, county.code) WHERE a.started_at >= today() GROUP BY city ORDER BY alarms DESC;",
    'SELECT v.vehicle_class, e.name AS enterprise, count() AS alarms FROM alarms_current AS a INNER JOIN vehicles AS v FINAL ON v.plate = a.plate LEFT JOIN enterprises AS e FINAL ON e.enterprise_id = v.enterprise_id WHERE a.started_at >= toStartOfMonth(today()) GROUP BY v.vehicle_class, enterprise ORDER BY alarms DESC;',
    "SELECT countIf(severity = 'critical'), sumArray([version]), avgOrNullIf(lat, lat > 0), uniqMerge(s) FROM alarms, (SELECT uniqState(1) AS s) AS u",
    'SELECT count(DISTINCT plate), COUNT(*), quantile(0.9)(speed_kmh), quantiles(0.5, 0.9)(speed_kmh) FROM telemetry',
    'SELECT max(version), any(version) FROM alarms',
    'WITH a AS (SELECT alarm_id FROM alarms), b AS (SELECT * FROM a) SELECT count() FROM b',
    'WITH (SELECT count() FROM alarms) AS n SELECT n',
    'SELECT a.alarm_id FROM alarms AS a INNER JOIN alarm_actions AS b ON a.alarm_id = b.alarm_id LEFT ARRAY JOIN [1, 2] AS x',
    'SELECT alarm_id FROM alarms WHERE alarm_id IN (SELECT alarm_id FROM alarm_actions) AND alarm_id GLOBAL NOT IN (1, 2)',
    "SELECT alarm_id FROM alarms UNION ALL SELECT alarm_id FROM alarm_actions UNION DISTINCT SELECT 'x'",
    'SELECT alarm_id FROM alarms INTERSECT SELECT alarm_id FROM alarm_actions EXCEPT SELECT alarm_id FROM alarms_current',
    'SELECT row_number() OVER (PARTITION BY rule ORDER BY started_at), lagInFrame(alarm_id) OVER w FROM alarms WINDOW w AS (ORDER BY started_at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)',
    "SELECT arrayMap(x -> x * 2, [1, 2]), arrayFilter(x -> x > 1, [1, 2]), arrayMap(toString, [1]), arrayReduce('sum', [1, 2]), arrayReduce('quantile(0.5)', [1, 2])",
    "SELECT CASE rule WHEN 'overspeed' THEN 1 ELSE 2 END, CASE WHEN lat > 1 THEN 1 END, lat::String, CAST(lon AS String), EXTRACT(DAY FROM started_at), started_at + INTERVAL 1 DAY FROM alarms",
    "SELECT JSONExtractFloat(details, 'speed_kmh'), geoToH3(lon, lat, 7), greatCircleDistance(lon, lat, 113.6, 34.7), cityHash64(plate), toStartOfHour(started_at), formatDateTime(started_at, '%F') FROM alarms",
    "SELECT domain('http://a.b/c'), toIPv4('1.2.3.4'), generateUUIDv4() != toUUID('00000000-0000-0000-0000-000000000000'), map('a', 1)['a'], (1, 'x').2, tuple(1, 2).1",
    'SELECT org_code, count() FROM camera_events GROUP BY GROUPING SETS ((org_code), ()) ORDER BY ALL',
    'SELECT COLUMNS(alarm_id, rule), * EXCEPT (details) REPLACE (lower(rule) AS rule) FROM alarms',
    "SELECT * FROM numbers(3) AS a, generate_series(1, 2) AS c, values('x UInt8', 1) AS d",
    'SELECT * FROM view(SELECT alarm_id FROM alarms)',
    'SELECT toTypeName(1), formatReadableSize(1024), bar(5, 0, 10, 10), version(), currentDatabase()',
    'WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r',
    'SELECT plate FROM telemetry FINAL PREWHERE speed_kmh >= 0 WHERE 1 ORDER BY plate LIMIT 1 BY plate LIMIT 10 OFFSET 0',
    'SELECT toDate(started_at) AS d, count() FROM alarms GROUP BY d ORDER BY d WITH FILL STEP INTERVAL 1 DAY',
    'SELECT count() AS file FROM alarms ORDER BY file',
    'SELECT 1 AS `total alarms`, `total alarms` + 1',
    'EXPLAIN SELECT count() FROM telemetry',
    'EXPLAIN AST SELECT 1',
    'EXPLAIN SYNTAX SELECT 1',
    'EXPLAIN QUERY TREE SELECT count() FROM alarms',
    'EXPLAIN PIPELINE SELECT count() FROM alarms',
    'DESCRIBE alarms_current',
    'DESCRIBE TABLE default.telemetry',
    'DESCRIBE (SELECT alarm_id FROM alarms)',
    'SHOW TABLES',
    'SHOW CREATE TABLE alarms',
    'SHOW CREATE TABLE default.alarms_current',
  ];

  it.each(allowed)('%s', async (sql) => {
    await expect(run(sql)).resolves.toMatchObject({ truncated: false });
  });

  it('lists only the analyst relations in SHOW TABLES', async () => {
    expect(markers(await run('SHOW TABLES'))).toEqual(analytics.analysts.relationNames());
  });

  it("answers ClickHouse's own message about the analyst's text when it cannot run it", async () => {
    const error = await failure('SELECT no_such_column FROM alarms');
    expect(error).toMatchObject({ reason: 'query_failed' });
    expect(error.message).toMatch(/no_such_column/);
    expect(error.message).not.toMatch(/additional_table_filters|readonly = 1/);
    expect((await failure('SELEC 1')).message).toMatch(/^Syntax error: failed at position/);
  });

  it('runs in China time: today() is the Beijing day', async () => {
    const result = await run("SELECT timezone(), today() = toDate(now(), 'Asia/Shanghai'), toString(now())");
    expect(result.rows[0]!.slice(0, 2)).toEqual(['Asia/Shanghai', 1]);
  });
});

describe('row scope', () => {
  const shapes: [string, (table: string, m: string) => string, number][] = [
    ['direct', (t, m) => `SELECT ${m} FROM ${t}`, 1],
    ['database-qualified', (t, m) => `SELECT ${m} FROM default.${t}`, 1],
    ['subquery', (t, m) => `SELECT ${m} FROM (SELECT * FROM ${t})`, 1],
    ['CTE', (t, m) => `WITH x AS (SELECT * FROM ${t}) SELECT ${m} FROM x`, 1],
    ['CTE named like the table', (t, m) => `WITH ${t} AS (SELECT * FROM ${t}) SELECT ${m} FROM ${t}`, 1],
    ['self join', (t, m) => `SELECT a.${m} FROM ${t} AS a INNER JOIN ${t} AS b ON a.${m} = b.${m}`, 1],
    ['view()', (t, m) => `SELECT ${m} FROM view(SELECT ${m} FROM ${t})`, 1],
    ['union', (t, m) => `SELECT ${m} FROM ${t} UNION ALL SELECT ${m} FROM ${t}`, 2],
    ['union in parentheses', (t, m) => `(SELECT ${m} FROM ${t}) UNION ALL (SELECT ${m} FROM ${t})`, 2],
    ['intersect', (t, m) => `SELECT ${m} FROM ${t} INTERSECT SELECT ${m} FROM ${t}`, 1],
    ['IN subquery', (t, m) => `SELECT ${m} FROM ${t} WHERE ${m} IN (SELECT ${m} FROM ${t})`, 1],
    ['scalar subquery', (t, m) => `SELECT arrayJoin((SELECT groupArray(${m}) FROM ${t}))`, 1],
  ];
  const expected = (table: TableSpec, caller: AnalystCaller): string[] => {
    if (caller.orgCodes === 'all')
      return [
        ...ORGS.map((o) => `m-${o}`),
        ...(table.name === 'telemetry' ? ['m-none'] : []),
        ...(table.name === 'work_order_events' ? ['m-issued'] : []),
      ];
    if ((table.orgColumns ?? []).length === 0) return [];
    const mine = ORGS.filter((o) => caller.orgCodes.includes(o)).map((o) => `m-${o}`);
    return table.name === 'work_order_events' && caller.orgCodes.includes('410100') ? [...mine, 'm-issued'] : mine;
  };

  for (const caller of [PROVINCE, ZHENGZHOU, JINSHUI])
    it(`${caller.userKey}: every table, every shape of query`, async () => {
      for (const table of ANALYTICS_TABLES) {
        const want = expected(table, caller).sort();
        for (const [shape, sql, copies] of shapes) {
          const got = markers(await run(sql(table.name, MARKER[table.name]!), caller));
          expect(got, `${table.name}, ${shape}`).toEqual(want.flatMap((m) => Array<string>(copies).fill(m)).sort());
        }
      }
    });

  it('applies through the views and to EXPLAIN and DESCRIBE', async () => {
    expect(markers(await run('SELECT alarm_id FROM alarms_current', JINSHUI))).toEqual(['m-410105']);
    expect(markers(await run('SELECT plate FROM telemetry_dedup', ZHENGZHOU))).toEqual(['m-410102', 'm-410105']);
    // EXPLAIN QUERY TREE folds the scalar subquery: its count is the caller's.
    const tree = (await run('EXPLAIN QUERY TREE SELECT (SELECT count() FROM alarms)', JINSHUI)).rows.flat().join('\n');
    expect(tree).toMatch(/constant_value: UInt64_1,/);
    expect((await run("SELECT count() FROM alarms WHERE org_code = '410302'", ZHENGZHOU)).rows).toEqual([[0]]);
  });

  it('gives a caller with an empty subtree no rows, and the province every row', async () => {
    expect((await run('SELECT count() FROM alarms', { userKey: 'lost', orgCodes: [] })).rows).toEqual([[0]]);
    expect((await run('SELECT count() FROM telemetry', PROVINCE)).rows).toEqual([[4]]);
  });
});

describe('one analyst cannot reach another', () => {
  it("leaves nothing on a session: settings, temporary tables and limits tried by one never reach the next or the node's reads", async () => {
    // One session, so every query below runs on the very session the attempts ran on.
    const single = await sandbox({ sessions: 1 });
    const before = await run('SELECT number FROM numbers(10)', JINSHUI, single);
    const attempts = [
      'SET limit = 2',
      'SET max_result_rows = 1',
      "SET additional_table_filters = {'alarms': '1'}",
      'SET readonly = 0',
      'CREATE TEMPORARY TABLE alarms AS SELECT * FROM numbers(1)',
      'CREATE TEMPORARY TABLE telemetry (plate String) ENGINE = Memory',
      'SELECT 1 SETTINGS limit = 2',
      'USE system',
    ];
    for (const sql of attempts) expect(await failure(sql, ZHENGZHOU, single)).toBeInstanceOf(QueryRefusedError);
    // Queries that fail after ClickHouse wrote part of their answer: none of it may reach the next analyst.
    const small = 'SELECT plate, groupArray(repeat(plate, 100000)) FROM telemetry, numbers(2000) AS n GROUP BY plate';
    expect(
      await failure(small, ZHENGZHOU, await sandbox({ sessions: 1, memoryBytesMax: 16 * 1024 * 1024 })),
    ).toMatchObject({
      reason: 'memory_limit_exceeded',
    });
    expect(
      await failure('SELECT plate, throwIf(number = 70000) FROM telemetry, numbers(100000) AS n', ZHENGZHOU, single),
    ).toMatchObject({
      reason: 'query_failed',
    });
    expect(await run('SELECT number FROM numbers(10)', JINSHUI, single)).toEqual(before);
    expect(before.rows).toHaveLength(10);
    expect(markers(await run('SELECT alarm_id FROM alarms', JINSHUI, single))).toEqual(['m-410105']);
    expect(markers(await run('SELECT plate FROM telemetry', JINSHUI, single))).toEqual(['m-410105']);
    expect((await run('SHOW TABLES', JINSHUI, single)).rows).toHaveLength(single.analysts.relationNames().length);
    const internal = await single.queryInternal('SELECT number FROM numbers(10)');
    expect(internal.rows).toHaveLength(10);
  });

  it('scopes each query to its own caller while they share sessions', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const caller = [PROVINCE, ZHENGZHOU, JINSHUI][i % 3]!;
        return run('SELECT alarm_id FROM alarms', { ...caller, userKey: `${caller.userKey}-${i}` }).then(markers);
      }),
    );
    results.forEach((got, i) =>
      expect(got).toEqual([['m-410102', 'm-410105', 'm-410302'], ['m-410102', 'm-410105'], ['m-410105']][i % 3]),
    );
  });
});

describe('a session whose user is read-only already (a server user with readonly = 2)', () => {
  /** Clients on chDB sessions with `readonly` set, as a ClickHouse server user's profile would have it. */
  async function readOnlySessions(readonly: number, count: number): Promise<ReturnType<typeof createClient>[]> {
    const sessions = Array.from({ length: count }, () =>
      createClient({
        connection: createChdbConnection({ path: path.join(dataDir, 'clickhouse') }) as unknown as NonNullable<
          Parameters<typeof createClient>[0]
        >['connection'],
      }),
    );
    for (const session of sessions) await session.command({ query: `SET readonly = ${readonly}` });
    return sessions;
  }
  const options = {
    limits: { ...ANALYST_SQL_DEFAULTS, sessions: 1 },
    tables: ANALYTICS_TABLES,
    views: ANALYST_VIEWS.map((v) => v.name),
  };

  it('still sets the limits and the row scope, and refuses what it refuses', async () => {
    const sessions = await readOnlySessions(2, 1);
    try {
      const queries = await AnalystQueries.open(sessions, options);
      expect(markers(await queries.run('SELECT alarm_id FROM alarms', JINSHUI))).toEqual(['m-410105']);
      expect((await queries.run('SELECT timezone()', JINSHUI)).rows).toEqual([['Asia/Shanghai']]);
      await expect(queries.run(`SELECT file('${secretFile}')`, JINSHUI)).rejects.toMatchObject({
        reason: 'function_not_allowed',
      });
    } finally {
      for (const session of sessions) await session.close();
    }
  });

  it('refuses to start on a readonly = 1 user, which could not take the per-query settings', async () => {
    const sessions = await readOnlySessions(1, 1);
    try {
      await expect(AnalystQueries.open(sessions, options)).rejects.toThrow(/readonly = 1.*readonly = 2/);
    } finally {
      for (const session of sessions) await session.close();
    }
  });
});

describe("the server's limits", () => {
  it('stops a groupArray bomb at the memory bound with a named error, and the next query runs', async () => {
    const small = await sandbox({ memoryBytesMax: 64 * 1024 * 1024 });
    const error = await failure(
      'SELECT groupArray(repeat(toString(number), 100)) FROM numbers(5000000)',
      PROVINCE,
      small,
    );
    expect(error).toMatchObject({ reason: 'memory_limit_exceeded' });
    expect(error.message).toMatch(/memory limit/i);
    expect((await run('SELECT 1', PROVINCE, small)).rows).toEqual([[1]]);
  });

  it('stops a query at the time bound', async () => {
    const quick = await sandbox({ executionSecondsMax: 1, rowsToReadMax: 1e15 });
    const started = Date.now();
    const error = await failure('SELECT sum(cityHash64(number)) FROM numbers(100000000000)', PROVINCE, quick);
    expect(error).toMatchObject({ reason: 'time_limit_exceeded' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('stops a query reading more rows than allowed', async () => {
    const narrow = await sandbox({ rowsToReadMax: 10_000 });
    expect(await failure('SELECT count() FROM numbers(100000)', PROVINCE, narrow)).toMatchObject({
      reason: 'read_limit_exceeded',
    });
  });

  it('cuts a result at the row bound and at the byte bound, and says so', async () => {
    const cut = await sandbox({ resultRowsMax: 100, resultBytesMax: 64 * 1024 });
    const hundred = await run('SELECT number FROM numbers(100)', PROVINCE, cut);
    expect([hundred.rows.length, hundred.truncated]).toEqual([100, false]);
    const more = await run('SELECT number FROM numbers(1000000)', PROVINCE, cut);
    expect([more.rows.length, more.truncated]).toEqual([100, true]);
    expect(more.rows.at(-1)).toEqual([99]);
    const wide = await run("SELECT repeat('x', 5000) FROM numbers(50)", PROVINCE, cut);
    expect(wide.truncated).toBe(true);
    expect(JSON.stringify(wide.rows).length).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('separate paths and fairness', () => {
  it("a slow analyst query makes neither the node's own reads nor another analyst wait", async () => {
    const pool = await sandbox({ sessions: 2, executionSecondsMax: 8, rowsToReadMax: 1e15 });
    let slowDone = false;
    const slow = failure('SELECT sum(cityHash64(number)) FROM numbers(100000000000)', ZHENGZHOU, pool).finally(
      () => (slowDone = true),
    );
    // Give the slow query time to start on its session.
    await new Promise((resolve) => setTimeout(resolve, 300));
    let started = Date.now();
    const internal = await pool.queryInternal('SELECT count() FROM alarms');
    const internalMs = Date.now() - started;
    started = Date.now();
    const other = await run('SELECT count() FROM alarms', JINSHUI, pool);
    const otherMs = Date.now() - started;
    expect(slowDone).toBe(false);
    expect(internal.rows).toEqual([[3]]);
    expect(other.rows).toEqual([[1]]);
    expect(internalMs).toBeLessThan(3_000);
    expect(otherMs).toBeLessThan(3_000);
    // The same analyst's second query waits for its first (one running query per analyst), then runs.
    expect(await slow).toMatchObject({ reason: 'time_limit_exceeded' });
  });

  it('turns away an analyst with too many queries with 429-like too_many_queries and a time to retry', async () => {
    const pool = await sandbox({
      sessions: 1,
      queuedPerAnalystMax: 1,
      queuedMax: 4,
      executionSecondsMax: 3,
      rowsToReadMax: 1e15,
    });
    const slow = failure('SELECT sum(cityHash64(number)) FROM numbers(100000000000)', ZHENGZHOU, pool);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const waiting = run('SELECT 1', ZHENGZHOU, pool);
    const turnedAway = await failure('SELECT 2', ZHENGZHOU, pool);
    expect(turnedAway).toBeInstanceOf(AnalystsBusyError);
    expect(turnedAway).toMatchObject({
      reason: 'too_many_queries',
      retryAfterSeconds: ANALYST_SQL_DEFAULTS.retryAfterSeconds,
    });
    await slow;
    expect((await waiting).rows).toEqual([[1]]);
  });
});
