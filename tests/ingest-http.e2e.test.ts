/**
 * HTTP ingestion end to end against a real `vigil start`: keys issued, used and revoked by the province
 * admin; each kind posted over real HTTP as JSON or NDJSON; bad records rejected with named reasons and kept
 * in `ingest_rejects` while their good neighbours land in ClickHouse (or PostgreSQL for the registry); a
 * retried batch never makes a second row; a key over its rate gets 429 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { issueKey, postRecords } from './support/ingest-client.js';

let vigil: VigilProcess;
let admin: string;
const now = Date.now();
const iso = (offsetMs: number): string => new Date(now + offsetMs).toISOString();

beforeAll(async () => {
  vigil = await startVigil({ args: ['--ingest-rate-per-key', '100'] });
  admin = await vigil.login();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

async function count(sql: string): Promise<number> {
  const result = await vigil.sql<[string | number]>(sql);
  return Number(result.rows[0][0]);
}

async function rejectsOf(source: string, marker: string): Promise<string[]> {
  const result = await vigil.sql<[string]>(
    `SELECT reason FROM ingest_rejects WHERE source = '${source}' AND position(raw, '${marker}') > 0 ORDER BY reason`,
  );
  return result.rows.map((r) => r[0]);
}

describe('source keys', () => {
  it('are issued once, counted, refused for the wrong kind, and refused after revocation', async () => {
    const issued = await issueKey(vigil.baseUrl, admin, 'anpr', '410100', 'Zhengzhou checkpoints');
    expect(issued.key).toMatch(/^vsk_[A-Za-z0-9_-]{43}$/);

    expect((await postRecords(vigil.baseUrl, 'anpr', undefined, [])).status).toBe(401);
    expect((await postRecords(vigil.baseUrl, 'anpr', 'vsk_not-a-key', [])).body.error).toBe('bad_key');
    const wrongKind = await postRecords(vigil.baseUrl, 'wim', issued.key, []);
    expect([wrongKind.status, wrongKind.body.error]).toEqual([403, 'wrong_kind']);
    expect((await postRecords(vigil.baseUrl, 'plates', issued.key, [])).body.error).toBe('unknown_kind');

    const record = {
      event_id: 'key-test-1',
      camera_id: 'ZZ-CAM-1',
      plate: '豫A12345',
      plate_color: 1,
      time: iso(-60_000),
    };
    const posted = await postRecords(vigil.baseUrl, 'anpr', issued.key, [record]);
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ accepted: 1, rejected: [] });
    // A record of another city is outside a Zhengzhou key's scope.
    const outside = await postRecords(vigil.baseUrl, 'anpr', issued.key, [
      { ...record, event_id: 'key-test-2', org_code: '410300' },
    ]);
    expect(outside.body.rejected?.[0]?.reason).toBe('org_out_of_scope');
    // 巩义 is a county of 郑州's code but a 省直管县 the province commands: a Zhengzhou key writes neither a record
    // that names it nor one whose coordinates lie in it; a county 郑州 commands (金水区) goes through.
    const gongyi = await postRecords(vigil.baseUrl, 'anpr', issued.key, [
      { ...record, event_id: 'key-test-3', org_code: '410181' },
      { ...record, event_id: 'key-test-4', lon: 113.02, lat: 34.75 },
      { ...record, event_id: 'key-test-5', org_code: '410105' },
    ]);
    expect(gongyi.body.accepted).toBe(1);
    expect(gongyi.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [0, 'org_out_of_scope'],
      [1, 'org_out_of_scope'],
    ]);
    expect(gongyi.body.rejected?.[0]?.detail).toContain('410181');

    const listed = await fetch(`${vigil.baseUrl}/api/sources/keys`, { headers: { authorization: `Bearer ${admin}` } });
    const keys = (
      (await listed.json()) as {
        keys: {
          id: number;
          kind: string;
          org_code: string;
          requests_count: number;
          records_count: number;
          last_seen_at: string | null;
        }[];
      }
    ).keys;
    const mine = keys.find((k) => k.id === issued.id);
    expect(mine).toMatchObject({ kind: 'anpr', org_code: '410100', requests_count: 3, records_count: 5 });
    expect(mine?.last_seen_at).not.toBeNull();
    expect(JSON.stringify(keys)).not.toContain(issued.key);

    const revoked = await fetch(`${vigil.baseUrl}/api/sources/keys/${issued.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoked.status).toBe(200);
    const after = await postRecords(vigil.baseUrl, 'anpr', issued.key, [record]);
    expect([after.status, after.body.error]).toEqual([401, 'bad_key']);

    const noAdmin = await fetch(`${vigil.baseUrl}/api/sources/keys`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'anpr', org_code: '410000', name: 'x' }),
    });
    expect(noAdmin.status).toBe(401);
  });
});

describe('ingestion by kind', () => {
  it('anpr: good reads land once, bad ones are rejected with reasons, a retried batch adds nothing', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'anpr');
    const base = {
      camera_id: 'KK-410102-01',
      plate_color: 'blue',
      direction: 'east',
      lane: 2,
      confidence: 0.97,
      image_ref: 'oss://kk/1.jpg',
      lat: 34.75,
      lon: 113.62,
    };
    const batch = [
      { ...base, event_id: 'anpr-e2e-1', plate: '豫A·D1234', time: iso(-5_000) },
      { ...base, event_id: 'anpr-e2e-2', time: iso(-4_000) },
      { ...base, event_id: 'anpr-e2e-3', plate: '豫A88888', time: 'yesterday-ish' },
      { ...base, event_id: 'anpr-e2e-4', plate: '豫A77777', time: iso(-3_000), lat: 134.2 },
      { ...base, event_id: 'anpr-e2e-5', plate: '豫A66666', time: '2026-01-02 08:30:00' },
      'not an object',
    ];
    const first = await postRecords(vigil.baseUrl, 'anpr', key, batch);
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(2);
    expect(first.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [1, 'missing_plate'],
      [2, 'bad_time'],
      [3, 'lat_out_of_range'],
      [5, 'not_an_object'],
    ]);
    // Durable before the answer: the rows are there at once.
    expect(
      await count(`SELECT count() FROM camera_events FINAL WHERE kind = 'anpr' AND event_id LIKE 'anpr-e2e-%'`),
    ).toBe(2);
    const [row] = (
      await vigil.sql<[string, number, string, number]>(
        `SELECT plate, plate_color, org_code, toUnixTimestamp64Milli(ts) FROM camera_events WHERE event_id = 'anpr-e2e-5'`,
      )
    ).rows;
    expect(row.slice(0, 3)).toEqual(['豫A66666', 1, '410102']);
    expect(Number(row[3])).toBe(Date.UTC(2026, 0, 2, 0, 30, 0));
    expect(await rejectsOf('http:anpr', 'anpr-e2e-')).toEqual(['bad_time', 'lat_out_of_range', 'missing_plate']);

    const retry = await postRecords(vigil.baseUrl, 'anpr', key, batch);
    expect(retry.body).toMatchObject({ accepted: 2, duplicates: 2 });
    expect(await count(`SELECT count() FROM camera_events WHERE kind = 'anpr' AND event_id LIKE 'anpr-e2e-%'`)).toBe(2);
  });

  it('wim as NDJSON: a line that is not JSON and an axle mismatch are rejected, the rest lands', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'wim');
    const good = {
      event_id: 'wim-e2e-1',
      site_id: 'ZC-G30-K612',
      plate: '豫R33333',
      plate_color: 2,
      axles: 6,
      gross_kg: 52_300,
      axle_weights_kg: [7000, 9500, 8900, 9000, 9000, 8900],
      speed_kmh: 62.5,
      time: iso(-10_000),
    };
    const lines = [
      JSON.stringify(good),
      '{"event_id": "wim-e2e-2", broken',
      JSON.stringify({ ...good, event_id: 'wim-e2e-3', axle_weights_kg: [7000, 9000] }),
      JSON.stringify({ ...good, event_id: 'wim-e2e-4', axles: 2, gross_kg: 17_500, axle_weights_kg: undefined }),
    ].join('\n');
    const posted = await postRecords(vigil.baseUrl, 'wim', key, lines, true);
    expect(posted.status).toBe(200);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [1, 'bad_json'],
      [2, 'axle_count_mismatch'],
    ]);
    const rows = (
      await vigil.sql<[string, number, number, number[]]>(
        `SELECT event_id, axles, gross_kg, axle_weights_kg FROM camera_events WHERE kind = 'wim' AND event_id LIKE 'wim-e2e-%' ORDER BY event_id`,
      )
    ).rows;
    expect(rows.map((r) => [r[0], r[1], Number(r[2])])).toEqual([
      ['wim-e2e-1', 6, 52_300],
      ['wim-e2e-4', 2, 17_500],
    ]);
    expect(rows[0][3].map(Number)).toEqual(good.axle_weights_kg);
    expect(await rejectsOf('http:wim', 'wim-e2e-')).toEqual(['axle_count_mismatch', 'bad_json']);
  });

  it('gantry: a pass needs a plate or an OBU id', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'gantry');
    const posted = await postRecords(vigil.baseUrl, 'gantry', key, [
      { event_id: 'gantry-e2e-1', gantry_id: 'G4-410100-K700', plate: '豫A55555', time: now - 1_000 },
      {
        event_id: 'gantry-e2e-2',
        gantry_id: 'G4-410100-K700',
        obu_id: 'OBU4101000001',
        time: Math.floor((now - 2_000) / 1000),
      },
      { event_id: 'gantry-e2e-3', gantry_id: 'G4-410100-K700', time: now - 3_000 },
      { event_id: 'gantry-e2e-4', plate: '豫A55556', time: now - 3_000 },
      { event_id: 'gantry-e2e-5', gantry_id: 'G4-410100-K700', plate: '豫A55557', time: now + 3_600_000 },
    ]);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [2, 'missing_plate_or_obu'],
      [3, 'missing_gantry_id'],
      [4, 'time_in_future'],
    ]);
    const rows = (
      await vigil.sql<[string, string, string]>(
        `SELECT event_id, plate, obu_id FROM camera_events WHERE kind = 'gantry' AND event_id LIKE 'gantry-e2e-%' ORDER BY event_id`,
      )
    ).rows;
    expect(rows).toEqual([
      ['gantry-e2e-1', '豫A55555', ''],
      ['gantry-e2e-2', '', 'OBU4101000001'],
    ]);
  });

  it('device_status: health reports land in device_status, bad states are rejected', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'device_status');
    const posted = await postRecords(
      vigil.baseUrl,
      'device_status',
      key,
      [
        { device_id: 'KK-410102-01', device_kind: 'camera', status: 'online', time: iso(-60_000) },
        {
          device_id: 'ZC-G30-K612',
          device_kind: 'wim',
          status: 'fault',
          detail: 'load cell 3 drift',
          time: iso(-30_000),
        },
        { device_id: 'KK-410102-02', device_kind: 'camera', status: 'sleeping', time: iso(-30_000) },
        { device_kind: 'camera', status: 'online', time: iso(-30_000) },
      ],
      true,
    );
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [2, 'bad_status'],
      [3, 'missing_device_id'],
    ]);
    const rows = (
      await vigil.sql<[string, string, string]>(
        `SELECT device_id, status, detail FROM device_status FINAL ORDER BY device_id`,
      )
    ).rows;
    expect(rows).toEqual([
      ['KK-410102-01', 'online', ''],
      ['ZC-G30-K612', 'fault', 'load cell 3 drift'],
    ]);
  });

  it('registry: vehicles, enterprises and drivers are upserted; bad ones are rejected', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
    const posted = await postRecords(vigil.baseUrl, 'registry', key, [
      {
        type: 'enterprise',
        id: '91410100MA00000001',
        name: '郑州危险品运输有限公司',
        org_code: '410102',
        business_scope: 'dangerous_goods',
      },
      {
        type: 'vehicle',
        plate: '豫A00001',
        plate_color: 2,
        vehicle_class: 'dangerous_goods',
        axles: 5,
        enterprise_id: '91410100MA00000001',
        terminal_id: '013900000001',
        permit_valid_until: '2027-06-30 23:59:59',
        home_org_code: '410102',
      },
      { type: 'vehicle', plate: '豫A00002', plate_color: 2, vehicle_class: 'rocket' },
      { type: 'driver', id: 'QC4101000001', name: '张三', enterprise_id: '91410100MA00000001', plate: '豫A00001' },
      { type: 'boat', id: 'x' },
      { type: 'vehicle', plate_color: 2, vehicle_class: 'coach' },
    ]);
    expect(posted.status).toBe(200);
    expect(posted.body.accepted).toBe(3);
    expect(posted.body.rejected?.map((r) => [r.index, r.reason])).toEqual([
      [2, 'bad_vehicle_class'],
      [4, 'unknown_type'],
      [5, 'missing_plate'],
    ]);
    expect(await rejectsOf('http:registry', 'rocket')).toEqual(['bad_vehicle_class']);
    // An update of the same vehicle replaces it rather than adding one.
    const update = await postRecords(vigil.baseUrl, 'registry', key, [
      { type: 'vehicle', plate: '豫A00001', plate_color: 2, vehicle_class: 'heavy_truck', axles: 6 },
    ]);
    expect(update.body).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('bounds: too many records is 413; a key over its rate gets 429 with Retry-After', async () => {
    const { key } = await issueKey(vigil.baseUrl, admin, 'device_status');
    const report = (i: number): unknown => ({ device_id: `RATE-${i}`, status: 'online', time: now - 1_000 });
    const tooMany = await postRecords(
      vigil.baseUrl,
      'device_status',
      key,
      Array.from({ length: 5_001 }, (_, i) => report(i)),
    );
    expect([tooMany.status, tooMany.body.error]).toEqual([413, 'too_many_records']);
    // The node runs with 100 records/s per key: a full burst passes, the next large request must wait.
    const burst = await postRecords(
      vigil.baseUrl,
      'device_status',
      key,
      Array.from({ length: 5_000 }, (_, i) => report(i)),
    );
    expect(burst.status).toBe(200);
    const throttled = await postRecords(
      vigil.baseUrl,
      'device_status',
      key,
      Array.from({ length: 2_000 }, (_, i) => report(i)),
    );
    expect([throttled.status, throttled.body.error]).toEqual([429, 'rate_limited']);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await eventually(async () =>
      (await count(`SELECT count() FROM device_status WHERE device_id LIKE 'RATE-%'`)) === 5_000 ? true : undefined,
    );
  });
});
