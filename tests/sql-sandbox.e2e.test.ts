/**
 * Analysts' SQL through the HTTP API of a real `vigil start`: every attack seen on the old endpoint is answered
 * 400 with its named reason and reads nothing (the admin password in the process environment included); a
 * county analyst reads only its county's rows and a city analyst only its city's, in every table, from data that
 * arrived through the node's own JT/T 808 gateway, rules, command centre and HTTP ingestion in two cities; what
 * one analyst tries never changes another's results or the duty console's vehicle track; a groupArray bomb stops
 * at the memory bound with a named error while the node keeps acknowledging terminals; a slow analyst query
 * makes neither the console's track nor another analyst wait; an analyst with too many queries gets 429 with
 * Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countyAt } from '../schema/index.js';
import { locationBody } from '../cli/demo/location.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { driveOverspeedEpisode } from './support/overspeed-episode.js';
import { ADMIN_PASSWORD, eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'Vigil analyst 7Qx pass';
const ZHENGZHOU_AT = { lon: 113.66, lat: 34.75 };
const LUOYANG_AT = { lon: 112.45, lat: 34.62 };
const ZZ_PHONE = '013912355001';
const LY_PHONE = '013912355002';
/** A statement as slow as the time bound allows (`--sql-seconds-max`), reading fewer rows than the read bound. */
const SLOW_SQL = 'SELECT sum(cityHash64(repeat(toString(number), 20))) FROM numbers(1900000000)';

let vigil: VigilProcess;
let admin: string;
let county: string;
let luoyang: string;
let countyCode: string;
/** Work orders issued by the province into the Zhengzhou county and into a Luoyang county. */
const orderIds = { zz: 0, ly: 0 };

interface SqlAnswer {
  status: number;
  headers: Headers;
  body: { columns?: { name: string }[]; rows?: unknown[][]; truncated?: boolean; error?: string; detail?: string };
  text: string;
}

async function sql(token: string, statement: string): Promise<SqlAnswer> {
  const res = await fetch(`${vigil.baseUrl}/api/sql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ sql: statement }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as SqlAnswer['body'], text };
}

async function rows(token: string, statement: string): Promise<unknown[][]> {
  const answer = await sql(token, statement);
  if (answer.status !== 200) throw new Error(`${statement} → ${answer.status} ${answer.text}`);
  return answer.body.rows!;
}

async function analyst(username: string, orgCode: string, role = 'analyst'): Promise<string> {
  const res = await fetch(`${vigil.baseUrl}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({ username, password: PASSWORD, role, org_code: orgCode }),
  });
  if (res.status >= 300) throw new Error(`creating ${username}: ${res.status} ${await res.text()}`);
  return vigil.login(username, PASSWORD);
}

async function track(terminalId: string): Promise<{ ms: number; points: unknown[] }> {
  const started = Date.now();
  const res = await fetch(`${vigil.baseUrl}/api/vehicles/${terminalId}/track`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  const body = (await res.json()) as { points: unknown[] };
  if (res.status !== 200) throw new Error(`track: ${res.status} ${JSON.stringify(body)}`);
  return { ms: Date.now() - started, points: body.points };
}

beforeAll(async () => {
  vigil = await startVigil({ args: ['--sql-sessions', '2', '--sql-seconds-max', '6', '--sql-memory-mb', '128'] });
  admin = await vigil.login();
  countyCode = countyAt(ZHENGZHOU_AT.lon, ZHENGZHOU_AT.lat)!.code;
  county = await analyst('county-analyst', countyCode);
  luoyang = await analyst('luoyang-analyst', '410300');

  // Positions and an overspeed alarm in each city, through the gateway and the rules.
  await driveOverspeedEpisode(vigil.jt808Port, ZZ_PHONE, '豫A55001', ZHENGZHOU_AT);
  await driveOverspeedEpisode(vigil.jt808Port, LY_PHONE, '豫C55002', LUOYANG_AT);
  // Camera sightings in each city, and a refused record, through HTTP ingestion.
  const zzKey = await issueKey(vigil.baseUrl, admin, 'anpr', '410100', 'Zhengzhou cameras');
  const lyKey = await issueKey(vigil.baseUrl, admin, 'anpr', '410300', 'Luoyang cameras');
  const time = new Date(Date.now() - 60_000).toISOString();
  const anpr = (id: string, org: string) => ({
    event_id: id,
    camera_id: `C-${id}`,
    plate: '豫A55001',
    time,
    org_code: org,
  });
  expect((await postRecords(vigil.baseUrl, 'anpr', zzKey.key, [anpr('sql-zz', countyCode)])).body.accepted).toBe(1);
  const ly = await postRecords(vigil.baseUrl, 'anpr', lyKey.key, [anpr('sql-ly', '410311'), { event_id: 'sql-bad' }]);
  expect(ly.body).toMatchObject({ accepted: 1, rejected: [{ reason: 'missing_plate' }] });
  // Device health in each city, and a work order issued by the province into each city's county.
  const device = (id: string, org: string) => ({
    device_id: id,
    device_kind: 'camera',
    status: 'online',
    time,
    org_code: org,
  });
  const zzDevices = await issueKey(vigil.baseUrl, admin, 'device_status', '410100', 'Zhengzhou devices');
  const lyDevices = await issueKey(vigil.baseUrl, admin, 'device_status', '410300', 'Luoyang devices');
  expect(
    (await postRecords(vigil.baseUrl, 'device_status', zzDevices.key, [device('sql-zz', countyCode)])).body.accepted,
  ).toBe(1);
  expect(
    (await postRecords(vigil.baseUrl, 'device_status', lyDevices.key, [device('sql-ly', '410311')])).body.accepted,
  ).toBe(1);
  const leader = await analyst('province-leader', '410000', 'leader');
  for (const [which, org] of [
    ['zz', countyCode],
    ['ly', '410311'],
  ] as const) {
    const res = await fetch(`${vigil.baseUrl}/api/work-orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${leader}` },
      body: JSON.stringify({
        title: `SQL scope ${which}`,
        category: 'inspection',
        severity: 'warning',
        org_code: org,
        department: 'safety',
      }),
    });
    const body = (await res.json()) as { id: number };
    if (res.status !== 201) throw new Error(`issuing a work order into ${org}: ${res.status} ${JSON.stringify(body)}`);
    orderIds[which] = body.id;
  }
  // Everything stored: the alarms, mirrored handling steps, the sightings and the reject.
  await eventually(
    async () => {
      const counts = await rows(
        admin,
        `SELECT (SELECT count() FROM alarms_current WHERE terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}')),
                (SELECT count() FROM alarm_actions WHERE alarm_id IN (SELECT alarm_id FROM alarms WHERE terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}'))),
                (SELECT count() FROM camera_events WHERE event_id LIKE 'sql-%'),
                (SELECT count() FROM ingest_rejects WHERE source = 'http:anpr'),
                (SELECT count() FROM device_status WHERE device_id LIKE 'sql-%'),
                (SELECT uniqExact(order_id) FROM work_order_events WHERE order_id IN (${orderIds.zz}, ${orderIds.ly}))`,
      );
      const [alarms, actions, , , devices, orders] = counts[0]!.map(Number);
      return counts[0]!.every((n) => Number(n) >= 1) && alarms! >= 2 && actions! >= 2 && devices === 2 && orders === 2
        ? counts
        : undefined;
    },
    60_000,
    'alarms, actions, sightings, rejects, device reports and work orders of both cities',
  );
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

describe('refused with a named reason, reading nothing', () => {
  const attacks: [string, string][] = [
    ["SELECT file('/proc/self/environ')", 'function_not_allowed'],
    ["SELECT * FROM file('/proc/self/environ', 'LineAsString')", 'function_not_allowed'],
    ["INSERT INTO FUNCTION file('/tmp/vigil-sql-out.csv', 'CSV') SELECT 1", 'query_refused'],
    ["INSERT INTO FUNCTION url('http://127.0.0.1:9/x', 'CSV') SELECT 1", 'query_refused'],
    ["SELECT 1 INTO/**/OUTFILE '/tmp/vigil-sql-out.csv'", 'query_refused'],
    ["CREATE TEMPORARY TABLE t (s String) ENGINE = URL('http://127.0.0.1:9/x', 'CSV')", 'query_refused'],
    ['CREATE TEMPORARY TABLE t (s String) ENGINE = File(CSV)', 'query_refused'],
    ["SELECT 1; SELECT file('/proc/self/environ')", 'multiple_statements'],
    ['SELECT count() FROM telemetry SETTINGS max_execution_time = 0, max_result_rows = 0', 'settings_not_allowed'],
    ['SELECT * FROM (SELECT * FROM alarms SETTINGS additional_table_filters = {})', 'settings_not_allowed'],
    ['SET limit = 2', 'settings_not_allowed'],
    ["KILL QUERY WHERE query LIKE 'INSERT%'", 'query_refused'],
    ['SELECT * FROM system.processes', 'table_not_allowed'],
    ["SELECT * FROM merge('^alarms$')", 'function_not_allowed'],
    ["SELECT * FROM view(SELECT * FROM file('/proc/self/environ', 'LineAsString'))", 'function_not_allowed'],
    ["WITH alarms AS (SELECT file('/proc/self/environ') AS f) SELECT * FROM alarms", 'function_not_allowed'],
    ["SELECT/**/FILE('/proc/self/environ')", 'function_not_allowed'],
    ["SELECT `file`('/proc/self/environ')", 'function_not_allowed'],
    ["SELECT arrayMap(file, ['/proc/self/environ'])", 'function_not_allowed'],
    ['SELECT 1 AS `x\n    Function file`', 'query_refused'],
    ["SELECT getSetting('readonly'), hostName()", 'function_not_allowed'],
    ['SELECT sleepEachRow(1) FROM numbers(66)', 'function_not_allowed'],
    ['DROP TABLE telemetry', 'query_refused'],
    ['SELEC 1', 'syntax_error'],
  ];

  it.each(attacks)('%s → %s', async (statement, reason) => {
    for (const token of [admin, county]) {
      const answer = await sql(token, statement);
      expect([answer.status, answer.body.error], answer.text).toEqual([400, reason]);
      expect(answer.body.detail).toEqual(expect.any(String));
      expect(answer.text).not.toContain(ADMIN_PASSWORD);
    }
  });

  it('describes the sandbox in the API document', async () => {
    const doc = (await (await fetch(`${vigil.baseUrl}/api/docs`)).json()) as {
      paths: Record<string, { post?: { summary?: string; description?: string } }>;
    };
    expect(JSON.stringify(doc.paths['/api/sql'])).toMatch(/org subtree/);
    expect(JSON.stringify(doc.paths['/api/sql'])).toMatch(/function_not_allowed/);
  });
});

describe('rows scoped to the caller', () => {
  // Built when a test runs: the work orders' ids are known only after beforeAll.
  const TABLES: [string, () => string][] = [
    [
      'telemetry',
      () => `SELECT DISTINCT terminal_id FROM telemetry WHERE terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}')`,
    ],
    [
      'telemetry_dedup',
      () => `SELECT DISTINCT terminal_id FROM telemetry_dedup WHERE terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}')`,
    ],
    ['alarms', () => `SELECT DISTINCT terminal_id FROM alarms WHERE terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}')`],
    [
      'alarms_current',
      () => `SELECT DISTINCT terminal_id FROM alarms_current WHERE terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}')`,
    ],
    [
      'alarm_actions',
      () =>
        `SELECT DISTINCT a.terminal_id FROM alarm_actions AS x INNER JOIN (SELECT alarm_id, terminal_id FROM alarms) AS a ON x.alarm_id = a.alarm_id WHERE a.terminal_id IN ('${ZZ_PHONE}', '${LY_PHONE}')`,
    ],
    [
      'camera_events',
      () =>
        "SELECT if(event_id = 'sql-zz', '" +
        ZZ_PHONE +
        "', '" +
        LY_PHONE +
        "') FROM camera_events WHERE event_id LIKE 'sql-%'",
    ],
    [
      'device_status',
      () =>
        `SELECT if(device_id = 'sql-zz', '${ZZ_PHONE}', '${LY_PHONE}') FROM device_status WHERE device_id LIKE 'sql-%'`,
    ],
    [
      'work_order_events',
      () =>
        `SELECT DISTINCT if(order_id = ${orderIds.zz}, '${ZZ_PHONE}', '${LY_PHONE}') FROM work_order_events WHERE order_id IN (${orderIds.zz}, ${orderIds.ly})`,
    ],
  ];

  it.each(TABLES)(
    '%s: province reads both cities, the county analyst its county, the Luoyang analyst Luoyang',
    async (_t, query) => {
      const q = query();
      const seen = async (token: string) => (await rows(token, q)).map((r) => String(r[0])).sort();
      expect(await seen(admin)).toEqual([ZZ_PHONE, LY_PHONE].sort());
      expect(await seen(county)).toEqual([ZZ_PHONE]);
      expect(await seen(luoyang)).toEqual([LY_PHONE]);
    },
  );

  it('stores the county of each fix in telemetry.org_code, and keeps unscoped tables to the province', async () => {
    expect(await rows(admin, `SELECT DISTINCT org_code FROM telemetry WHERE terminal_id = '${LY_PHONE}'`)).toEqual([
      [countyAt(LUOYANG_AT.lon, LUOYANG_AT.lat)!.code],
    ]);
    expect(Number((await rows(admin, 'SELECT count() FROM ingest_rejects'))[0]![0])).toBeGreaterThan(0);
    expect(await rows(county, 'SELECT count() FROM ingest_rejects')).toEqual([[0]]);
    expect(await rows(luoyang, "SELECT count() FROM telemetry WHERE org_code LIKE '4101%'")).toEqual([[0]]);
  });
});

describe('isolation between analysts and from the console', () => {
  it("one analyst's attempts change neither another's results nor the console's track", async () => {
    const before = await rows(luoyang, 'SELECT number FROM numbers(10)');
    const trackBefore = await track(ZZ_PHONE);
    for (const attempt of [
      'SET limit = 2',
      'SET max_result_rows = 1',
      'CREATE TEMPORARY TABLE telemetry AS SELECT 1 AS x',
      'SELECT 1 SETTINGS limit = 2',
    ])
      expect((await sql(county, attempt)).status).toBe(400);
    expect(await rows(luoyang, 'SELECT number FROM numbers(10)')).toEqual(before);
    expect(before).toHaveLength(10);
    expect((await track(ZZ_PHONE)).points).toEqual(trackBefore.points);
    expect(trackBefore.points.length).toBe(4);
  });
});

describe('bounds', () => {
  it('stops a groupArray bomb at the memory bound with a named error; the node keeps acknowledging terminals', async () => {
    const bomb = await sql(county, 'SELECT groupArray(repeat(toString(number), 100)) FROM numbers(50000000)');
    expect([bomb.status, bomb.body.error]).toEqual([400, 'memory_limit_exceeded']);
    expect((await fetch(`${vigil.baseUrl}/api/health`)).status).toBe(200);
    const terminal = new SimulatedTerminal({ phone: '013912355003', plate: '豫A55003', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    try {
      await terminal.logIn();
      const reply = await terminal.request({
        msgId: 0x0200,
        body: locationBody({ ...ZHENGZHOU_AT, speedKmh: 40, directionDeg: 0, time: Date.now() }, 2013),
      });
      expect(reply.msgId).toBe(0x8001);
    } finally {
      terminal.close();
    }
  });

  it("a slow analyst query makes neither the console's track nor another analyst wait", async () => {
    let slowDone = false;
    const slow = sql(county, SLOW_SQL).finally(() => (slowDone = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const consoleTrack = await track(ZZ_PHONE);
    const started = Date.now();
    const other = await rows(luoyang, 'SELECT count() FROM alarms_current');
    const otherMs = Date.now() - started;
    expect(slowDone).toBe(false);
    // Generous bounds: the slow query runs for 6 s; without separate sessions both would wait for it.
    expect(consoleTrack.ms).toBeLessThan(3_000);
    expect(otherMs).toBeLessThan(3_000);
    expect(other).toHaveLength(1);
    expect((await slow).body.error).toBe('time_limit_exceeded');
  });

  it('answers 429 with Retry-After to an analyst with too many queries, and serves another analyst meanwhile', async () => {
    // One runs, four wait (the defaults); the sixth is turned away at once.
    const pending = Array.from({ length: 5 }, () => sql(county, SLOW_SQL).catch(() => undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const turnedAway = await sql(county, 'SELECT 1');
    expect([turnedAway.status, turnedAway.body.error]).toEqual([429, 'too_many_queries']);
    expect(Number(turnedAway.headers.get('retry-after'))).toBeGreaterThan(0);
    const started = Date.now();
    expect(await rows(luoyang, 'SELECT 1')).toEqual([[1]]);
    expect(Date.now() - started).toBeLessThan(3_000);
    void Promise.all(pending);
  });
});
