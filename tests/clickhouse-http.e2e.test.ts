/**
 * The ClickHouse-compatible endpoint (`/clickhouse`) of a real `vigil start`, used the way analysts' tools use a
 * ClickHouse server: through `@clickhouse/client` (the official client, over HTTP) with a Vigil username and
 * password, and through plain HTTP as curl and the JDBC driver send it. A city analyst reads its own city's rows
 * and none of another's, in the format it asks for; what the sandbox refuses comes back as ClickHouse's error
 * text with the code clients parse; a wrong password is refused and audited like a failed login.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey, postRecords } from './support/ingest-client.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'Vigil analyst Kq4 over http';
const ZHENGZHOU = '410102';
const LUOYANG = '410311';

let vigil: VigilProcess;
let client: ClickHouseClient;
let admin: string;

function clientAs(username: string, password: string): ClickHouseClient {
  // The URL's path would be read as the database: the endpoint's path is the client's `pathname`.
  return createClient({ url: vigil.baseUrl, pathname: '/clickhouse', username, password, request_timeout: 30_000 });
}

async function user(username: string, orgCode: string, role: string): Promise<void> {
  const res = await fetch(`${vigil.baseUrl}/api/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}` },
    body: JSON.stringify({ username, password: PASSWORD, role, org_code: orgCode }),
  });
  if (res.status >= 300) throw new Error(`creating ${username}: ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  await user('zz-analyst', '410100', 'analyst');
  await user('zz-duty', '410100', 'duty_officer');
  const time = new Date(Date.now() - 60_000).toISOString();
  for (const [city, county, id] of [
    ['410100', ZHENGZHOU, 'ch-zz'],
    ['410300', LUOYANG, 'ch-ly'],
  ] as const) {
    const { key } = await issueKey(vigil.baseUrl, admin, 'anpr', city, `cameras ${city}`);
    const posted = await postRecords(vigil.baseUrl, 'anpr', key, [
      { event_id: id, camera_id: `C-${id}`, plate: '豫A66001', time, org_code: county },
    ]);
    expect(posted.body.accepted).toBe(1);
  }
  client = clientAs('zz-analyst', PASSWORD);
});

afterAll(async () => {
  await client?.close();
  await vigil?.stop({ removeData: true });
});

describe('the ClickHouse HTTP interface', () => {
  it('answers the official client: ping, a scoped query as JSON rows, and the server time zone', async () => {
    expect((await client.ping()).success).toBe(true);
    const rows = await eventually(
      async () => {
        const result = await client.query({
          query: 'SELECT event_id, org_code FROM camera_events ORDER BY event_id',
          format: 'JSONEachRow',
        });
        const got = await result.json<{ event_id: string; org_code: string }>();
        return got.length > 0 ? got : undefined;
      },
      20_000,
      'the Zhengzhou sighting in camera_events',
    );
    // The Luoyang row exists (the province sees it below); the Zhengzhou analyst does not.
    expect(rows).toEqual([{ event_id: 'ch-zz', org_code: ZHENGZHOU }]);
    const zone = await client.query({ query: 'SELECT timezone() AS tz', format: 'JSONEachRow' });
    expect(await zone.json()).toEqual([{ tz: 'Asia/Shanghai' }]);
    const province = clientAs('admin', vigil.adminPassword);
    const all = await province.query({ query: 'SELECT count() AS n FROM camera_events', format: 'JSONEachRow' });
    // The sandbox writes 64-bit integers as JSON numbers.
    expect(await all.json()).toEqual([{ n: 2 }]);
    await province.close();
  });

  it('answers curl-style requests in the format asked for, TabSeparated by default', async () => {
    const basic = `Basic ${Buffer.from(`zz-analyst:${PASSWORD}`).toString('base64')}`;
    const query = 'SELECT event_id, plate FROM camera_events ORDER BY event_id';
    const tsv = await fetch(`${vigil.baseUrl}/clickhouse/?query=${encodeURIComponent(query)}`, {
      headers: { authorization: basic },
    });
    expect(tsv.status).toBe(200);
    expect(tsv.headers.get('x-clickhouse-format')).toBe('TabSeparated');
    expect(await tsv.text()).toBe('ch-zz\t豫A66001\n');
    const csv = await fetch(`${vigil.baseUrl}/clickhouse`, {
      method: 'POST',
      headers: { 'x-clickhouse-user': 'zz-analyst', 'x-clickhouse-key': PASSWORD },
      body: `${query} FORMAT CSVWithNames`,
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe('"event_id","plate"\n"ch-zz","豫A66001"\n');
  });

  it("refuses what the sandbox refuses, as ClickHouse's error text with its code", async () => {
    const refused = async (query: string) => {
      const res = await fetch(
        `${vigil.baseUrl}/clickhouse?user=zz-analyst&password=${encodeURIComponent(PASSWORD)}&query=${encodeURIComponent(query)}`,
      );
      return { status: res.status, code: res.headers.get('x-clickhouse-exception-code'), text: await res.text() };
    };
    const file = await refused("SELECT * FROM file('/etc/passwd', 'LineAsString')");
    expect(file).toMatchObject({ status: 403, code: '497' });
    expect(file.text).toMatch(/^Code: 497\. DB::Exception: function_not_allowed: .*file.*\(ACCESS_DENIED\)/);
    expect(await refused('SELECT 1 SETTINGS max_threads = 64')).toMatchObject({ status: 403, code: '164' });
    expect(await refused('SELECT 1 FORMAT Protobuf')).toMatchObject({ status: 403, code: '497' });
    expect(await refused('SELEC 1')).toMatchObject({ status: 400, code: '62' });
    expect(await refused('INSERT INTO camera_events (event_id) VALUES (1)')).toMatchObject({ status: 403 });
    // ClickHouse's own error, passed on with its code and name.
    const unknown = await refused('SELECT no_such_column FROM camera_events');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toMatch(/\(UNKNOWN_IDENTIFIER\)/);
    // The official client raises it as an error with ClickHouse's type.
    await expect(client.query({ query: 'SELECT * FROM system.users', format: 'JSONEachRow' })).rejects.toMatchObject({
      type: 'ACCESS_DENIED',
    });
  });

  it('refuses a wrong password and a role that may not run SQL, and audits the failure', async () => {
    const wrong = clientAs('zz-analyst', 'not the password');
    await expect(wrong.query({ query: 'SELECT 1', format: 'JSONEachRow' })).rejects.toMatchObject({
      type: 'AUTHENTICATION_FAILED',
    });
    await wrong.close();
    const duty = clientAs('zz-duty', PASSWORD);
    await expect(duty.query({ query: 'SELECT 1', format: 'JSONEachRow' })).rejects.toMatchObject({
      type: 'ACCESS_DENIED',
    });
    await duty.close();
    const audit = await fetch(`${vigil.baseUrl}/api/audit?action=auth.login_failed`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const entries = ((await audit.json()) as { entries: { actor: string }[] }).entries;
    expect(entries.map((e) => e.actor)).toContain('zz-analyst');
  });
});
