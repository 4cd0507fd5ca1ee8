/**
 * Uploads by cities, counties and enterprises (docs/sources/uploads.md) on a real `vigil start`: a county admin's
 * XLSX of plate reads, written here with exceljs, mixing good rows, refused rows and a blank one; the good rows land
 * in ClickHouse, the refused ones are in the error report with their row numbers, columns and original values, and
 * in `ingest_rejects`; the same file again applies nothing and answers with the first upload; an enterprise's CSVs
 * of registry rows and plate reads are bound to its own vehicles; the history is scoped; every upload is audited;
 * files beyond the bounds are refused by name.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../ingest/http/parse-csv.js';
import { createPerson, type Person } from './support/console-scenario.js';
import { issueKey, postRecords } from './support/ingest-client.js';
import { startVigil, type VigilProcess } from './support/vigil-process.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Yesterday's Beijing date: inside every retention, never in the future. */
const DAY = new Date(Date.now() - DAY_MS + 8 * HOUR_MS).toISOString().slice(0, 10);
const JINSHUI = { lat: 34.80109, lon: 113.65453 };

interface Upload {
  id: number;
  kind: string;
  file_name: string;
  sha256: string;
  format: string;
  records: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  org_code: string;
  enterprise_id: string | null;
  repeated: boolean;
  columns: string[];
  errors: {
    row: number;
    field: string;
    reason: string;
    detail: string;
    values: Record<string, string> | null;
    raw: string;
  }[];
}

let vigil: VigilProcess;
let admin: string;
let county: Person;
let luoyang: Person;
let company: Person;
let officer: Person;

async function upload(
  who: Person,
  kind: string,
  fileName: string,
  bytes: Buffer | string,
): Promise<{ status: number; body: Upload & { error?: string; detail?: string } }> {
  const res = await fetch(`${vigil.baseUrl}/api/uploads?kind=${kind}&filename=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}` },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as Upload & { error?: string; detail?: string } };
}

async function get(who: Person | string, path: string): Promise<{ status: number; text: string; type: string }> {
  const token = typeof who === 'string' ? who : who.token;
  const res = await fetch(`${vigil.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  // As sent, a byte-order mark included (res.text() would drop it).
  const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
  return { status: res.status, text, type: res.headers.get('content-type') ?? '' };
}

async function rows<T>(sql: string): Promise<T[]> {
  return (await vigil.sql<T>(sql)).rows;
}

async function plateReadsWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('卡口过车');
  sheet.addRow(['event_id', 'camera_id', 'plate', 'plate_color', 'time', 'lat', 'lon', 'org_code']);
  // Row 2: a date cell typed in Excel as Beijing wall-clock time; numbers as numbers.
  const typed = new Date(`${DAY}T10:15:03Z`);
  sheet.addRow(['UP-1', 'KK-JS-01', '豫A·U0001', 'blue', typed, JINSHUI.lat, JINSHUI.lon, null]);
  sheet.addRow(['UP-2', 'KK-JS-01', '豫AU0002', 2, `${DAY} 10:16:00`, JINSHUI.lat, JINSHUI.lon, null]);
  sheet.addRow(['UP-3', 'KK-JS-01', null, 2, `${DAY} 10:17:00`, null, null, null]);
  sheet.addRow(['UP-4', 'KK-LY-01', '豫CU0004', 2, `${DAY} 10:18:00`, null, null, '410302']);
  sheet.addRow([]);
  sheet.addRow(['UP-5', 'KK-JS-01', '豫AU0005', 2, 'yesterday', null, null, null]);
  // A camera id typed as a number reaches the normalizer as the text a CSV would carry.
  sheet.addRow(['UP-6', 4101001, '豫AU0006', 2, `${DAY} 10:19:00`, null, null, '410105']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
  for (const [id, org] of [
    ['ZZ-UP', '410105'],
    ['LY-UP', '410302'],
  ] as const) {
    const res = await fetch(`${vigil.baseUrl}/api/enterprises`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ id, name: id, org_code: org }),
    });
    expect(res.status).toBe(201);
  }
  const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
  const registered = await postRecords(vigil.baseUrl, 'registry', key, [
    { type: 'vehicle', plate: '豫AU1001', plate_color: 2, vehicle_class: 'heavy_truck', enterprise_id: 'ZZ-UP' },
    { type: 'vehicle', plate: '豫CU2001', plate_color: 2, vehicle_class: 'heavy_truck', enterprise_id: 'LY-UP' },
  ]);
  expect(registered.body.rejected).toEqual([]);
  county = await createPerson(vigil, admin, 'jinshui-admin', 'admin', '410105');
  luoyang = await createPerson(vigil, admin, 'luoyang-admin', 'admin', '410300');
  company = await createPerson(vigil, admin, 'zz-up', 'enterprise', '410105', { enterprise_id: 'ZZ-UP' });
  officer = await createPerson(vigil, admin, 'jinshui-duty', 'duty_officer', '410105');
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

describe('uploads', () => {
  let first: Upload;
  let workbook: Buffer;

  it('applies the good rows of a county’s XLSX and refuses the others one by one, by name', async () => {
    workbook = await plateReadsWorkbook();
    const answer = await upload(county, 'anpr', 'C:\\fakepath\\金水卡口.xlsx', workbook);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    first = answer.body;
    expect(first).toMatchObject({
      kind: 'anpr',
      file_name: '金水卡口.xlsx',
      format: 'xlsx',
      records: 6,
      accepted: 3,
      duplicates: 0,
      rejected: 3,
      org_code: '410105',
      enterprise_id: null,
      repeated: false,
    });
    expect(first.errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [4, 'plate', 'missing_plate'],
      [5, 'org_code', 'org_out_of_scope'],
      [7, 'time', 'bad_time'],
    ]);
    expect(first.errors[1].values).toMatchObject({ event_id: 'UP-4', org_code: '410302', plate: '豫CU0004' });

    const stored = await rows<[string, string, string, string, string]>(
      `SELECT event_id, device_id, plate, toString(toUnixTimestamp64Milli(ts)), org_code FROM camera_events FINAL
        WHERE source = 'upload:410105' ORDER BY event_id`,
    );
    expect(stored).toEqual([
      ['UP-1', 'KK-JS-01', '豫AU0001', String(Date.parse(`${DAY}T10:15:03+08:00`)), '410105'],
      ['UP-2', 'KK-JS-01', '豫AU0002', String(Date.parse(`${DAY}T10:16:00+08:00`)), '410105'],
      ['UP-6', '4101001', '豫AU0006', String(Date.parse(`${DAY}T10:19:00+08:00`)), '410105'],
    ]);
    const rejects = await rows<[string, string]>(
      "SELECT reason, source FROM ingest_rejects WHERE peer = 'upload:410105' ORDER BY reason",
    );
    expect(rejects).toEqual([
      ['bad_time', 'http:anpr'],
      ['missing_plate', 'http:anpr'],
      ['org_out_of_scope', 'http:anpr'],
    ]);
  });

  it('offers the refused rows as a CSV report with their row, column, reason and original values', async () => {
    const report = await get(county, `/api/uploads/${first.id}/errors.csv`);
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/^text\/csv/);
    expect(report.text.startsWith('\uFEFF')).toBe(true);
    const lines = parseCsv(report.text, 100).map((item) => (item.ok ? item.value : item.reason));
    expect(lines).toEqual([
      {
        row: '4',
        field: 'plate',
        reason: 'missing_plate',
        detail: expect.stringContaining('plate'),
        event_id: 'UP-3',
        camera_id: 'KK-JS-01',
        plate_color: '2',
        time: `${DAY} 10:17:00`,
      },
      {
        row: '5',
        field: 'org_code',
        reason: 'org_out_of_scope',
        detail: expect.stringContaining('410302'),
        event_id: 'UP-4',
        camera_id: 'KK-LY-01',
        plate: '豫CU0004',
        plate_color: '2',
        time: `${DAY} 10:18:00`,
        org_code: '410302',
      },
      {
        row: '7',
        field: 'time',
        reason: 'bad_time',
        detail: expect.stringContaining('yesterday'),
        event_id: 'UP-5',
        camera_id: 'KK-JS-01',
        plate: '豫AU0005',
        plate_color: '2',
        time: 'yesterday',
      },
    ]);
    const header = report.text.slice(1).split('\n')[0];
    expect(header).toBe('row,field,reason,detail,event_id,camera_id,plate,plate_color,time,lat,lon,org_code,raw');
  });

  it('applies nothing when the same file comes again, and answers with the first upload', async () => {
    const again = await upload(county, 'anpr', '金水卡口(1).xlsx', workbook);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      id: first.id,
      file_name: '金水卡口.xlsx',
      accepted: 3,
      rejected: 3,
      repeated: true,
    });
    expect(await rows("SELECT count() FROM camera_events WHERE source = 'upload:410105'")).toEqual([[3]]);
    expect(await rows("SELECT count() FROM ingest_rejects WHERE peer = 'upload:410105'")).toEqual([[3]]);
    const history = JSON.parse((await get(county, '/api/uploads?kind=anpr')).text) as { uploads: Upload[] };
    expect(history.uploads.filter((u) => u.sha256 === first.sha256).map((u) => u.id)).toEqual([first.id]);
  });

  it('applies a file sent twice at once only once', async () => {
    const file = [
      'event_id,camera_id,plate,time',
      `CC-1,KK-JS-02,豫AC0001,${DAY} 11:00:00`,
      `CC-2,KK-JS-02,,${DAY} 11:01:00`,
    ].join('\n');
    const answers = await Promise.all([
      upload(county, 'anpr', 'twice.csv', file),
      upload(county, 'anpr', 'twice.csv', file),
    ]);
    const applied = answers.filter((a) => a.status === 201);
    expect(applied, JSON.stringify(answers.map((a) => [a.status, a.body.error]))).toHaveLength(1);
    const other = answers.find((a) => a.status !== 201)!;
    // The other one came while the first was being written, or after it was done.
    if (other.status === 200) expect(other.body).toMatchObject({ id: applied[0].body.id, repeated: true });
    else expect([other.status, other.body.error]).toEqual([409, 'upload_in_progress']);
    expect(await rows("SELECT count() FROM ingest_rejects WHERE peer = 'upload:410105' AND raw LIKE '%CC-2%'")).toEqual(
      [[1]],
    );
  });

  it('audits who uploaded which file, its SHA-256 and its counts, and the repeat', async () => {
    const applied = JSON.parse((await get(county, '/api/audit?action=upload.apply')).text) as {
      entries: { actor: string; target: string; detail: Record<string, unknown>; peer: string }[];
    };
    const entry = applied.entries.find((e) => e.detail.upload_id === first.id);
    expect(entry).toMatchObject({
      actor: 'jinshui-admin',
      target: `upload:anpr:${first.sha256}`,
      detail: {
        kind: 'anpr',
        file_name: '金水卡口.xlsx',
        sha256: first.sha256,
        bytes: workbook.length,
        records: 6,
        accepted: 3,
        rejected: 3,
      },
    });
    expect(entry?.peer).not.toBe('');
    const repeated = JSON.parse((await get(county, '/api/audit?action=upload.repeat')).text) as {
      entries: { detail: Record<string, unknown> }[];
    };
    expect(repeated.entries.filter((e) => e.detail.upload_id === first.id)).toHaveLength(1);
  });

  it('binds an enterprise’s registry rows to itself and refuses other enterprises’ vehicles', async () => {
    const registry = [
      'type,plate,plate_color,vehicle_class,enterprise_id,home_org_code',
      'vehicle,豫AU1002,2,heavy_truck,,410105',
      'vehicle,豫AU1003,2,heavy_truck,LY-UP,',
      '',
      'vehicle,豫CU2001,2,heavy_truck,,',
      'vehicle,豫AU1004,2,heavy_truck,,410302',
      'enterprise,,,,,',
    ].join('\r\n');
    const answer = await upload(company, 'registry', 'vehicles.csv', registry);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({ format: 'csv', records: 5, accepted: 1, rejected: 4, enterprise_id: 'ZZ-UP' });
    expect(answer.body.errors.map((e) => [e.row, e.field, e.reason])).toEqual([
      [3, 'enterprise_id', 'enterprise_out_of_scope'],
      [5, 'plate', 'vehicle_out_of_scope'],
      [6, 'home_org_code', 'org_out_of_scope'],
      [7, 'id', 'missing_id'],
    ]);
    // The enterprise finds the vehicle it registered among its own.
    const fleet = JSON.parse((await get(company, `/api/vehicles?q=${encodeURIComponent('AU10')}`)).text) as {
      vehicles: { plate: string }[];
    };
    expect(fleet.vehicles.map((v) => v.plate).sort()).toEqual(['豫AU1001', '豫AU1002']);

    const reads = [
      'event_id,camera_id,plate,plate_color,time',
      `E-1,YARD-1,豫AU1001,2,${DAY} 09:00:00`,
      `E-2,YARD-1,豫CU2001,2,${DAY} 09:01:00`,
      `E-3,YARD-1,豫AU1002,yellow,${DAY} 09:02:00`,
      `E-4,YARD-1,,0,${DAY} 09:03:00`,
    ].join('\n');
    const sightings = await upload(company, 'anpr', 'yard.csv', reads);
    expect(sightings.status).toBe(201);
    expect(sightings.body.errors.map((e) => [e.row, e.reason])).toEqual([
      [3, 'vehicle_out_of_scope'],
      [5, 'missing_plate'],
    ]);
    expect(
      await rows("SELECT event_id FROM camera_events WHERE source = 'upload:410105:ZZ-UP' ORDER BY event_id"),
    ).toEqual([['E-1'], ['E-3']]);
  });

  it('shows each caller only the uploads of its scope', async () => {
    const list = async (who: Person | string) =>
      (JSON.parse((await get(who, '/api/uploads')).text) as { uploads: Upload[] }).uploads.map((u) => u.file_name);
    expect(await list(company)).toEqual(['yard.csv', 'vehicles.csv']);
    expect(await list(county)).toEqual(['yard.csv', 'vehicles.csv', 'twice.csv', '金水卡口.xlsx']);
    expect(await list(admin)).toEqual(['yard.csv', 'vehicles.csv', 'twice.csv', '金水卡口.xlsx']);
    expect(await list(luoyang)).toEqual([]);
    expect((await get(luoyang, `/api/uploads/${first.id}`)).status).toBe(404);
    expect((await get(luoyang, `/api/uploads/${first.id}/errors.csv`)).status).toBe(404);
    expect((await get(company, `/api/uploads/${first.id}`)).status).toBe(404);
    expect((await get(officer, '/api/uploads')).status).toBe(403);
  });

  it('refuses files beyond the bounds, unreadable files and other roles by name, and keeps nothing of them', async () => {
    const refused = async (who: Person, kind: string, bytes: Buffer | string) => {
      const answer = await upload(who, kind, 'refused.csv', bytes);
      return [answer.status, answer.body.error];
    };
    expect(await refused(county, 'anpr', Buffer.alloc(8 * 1024 * 1024 + 1, 0x41))).toEqual([413, 'file_too_large']);
    const many = ['event_id,camera_id,plate,time']
      .concat(Array.from({ length: 5_001 }, (_, i) => `M-${i},KK,豫AM${String(i).padStart(4, '0')},${DAY} 08:00:00`))
      .join('\n');
    expect(await refused(county, 'anpr', many)).toEqual([413, 'too_many_records']);
    // Refused as a whole, so nothing stands in the way of the same file once it fits: refused again, not "repeated".
    expect(await refused(county, 'anpr', many)).toEqual([413, 'too_many_records']);
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 1)]);
    expect(await refused(county, 'anpr', broken)).toEqual([400, 'bad_xlsx']);
    expect(await refused(county, 'anpr', '')).toEqual([400, 'empty_file']);
    expect(await refused(county, 'buses', 'a\n1')).toEqual([400, 'bad_field']);
    expect(await refused(officer, 'anpr', 'a\n1')).toEqual([403, 'forbidden']);
    // A row holding U+0000 is refused alone, and the record of the file (jsonb, which cannot hold it) still stands.
    const nul = await upload(
      county,
      'anpr',
      'nul.csv',
      `event_id,camera_id,plate,time\nN-1,KK\u0000,豫AN0001,${DAY} 09:00:00`,
    );
    expect(nul.status, JSON.stringify(nul.body)).toBe(201);
    expect(nul.body.errors.map((e) => [e.row, e.reason, e.raw])).toEqual([
      [2, 'nul_character', `N-1,KK\uFFFD,豫AN0001,${DAY} 09:00:00`],
    ]);
    const history = JSON.parse((await get(county, '/api/uploads')).text) as { uploads: Upload[] };
    expect(history.uploads.map((u) => u.file_name)).not.toContain('refused.csv');
    expect(history.uploads.map((u) => u.file_name)).toContain('nul.csv');
    const audit = JSON.parse((await get(county, '/api/audit?action=upload.refuse')).text) as {
      entries: { detail: { reason: string } }[];
    };
    expect(audit.entries.map((e) => e.detail.reason).sort()).toEqual([
      'bad_xlsx',
      'too_many_records',
      'too_many_records',
    ]);
  });
});
