/**
 * Uploads (docs/sources/uploads.md): files of 5,000 ANPR rows — the most one upload may hold — uploaded over
 * loopback HTTP to an embedded node (`startNode`: in-process event log, chDB, PGlite) as a county's administrator,
 * as CSV and as XLSX, one file at a time. Each answer means "the file is read, every row judged, every accepted row
 * in ClickHouse, the upload recorded and audited". Reports ms per file (p50, max) and rows/s per format.
 *
 * Run: npx tsx bench/upload-file.ts [--files 5] [--rows 5000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { createLogger, Metrics } from '../schema/index.js';
import { startNode } from '../cli/node.js';
import { BENCH_ADMIN_PASSWORD, loopbackNodeConfig } from './harness/loopback-node.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const FILES = flag('files', 5);
const ROWS = flag('rows', 5_000);
const ADMIN_PASSWORD = BENCH_ADMIN_PASSWORD;
const COUNTY_PASSWORD = 'bench county orchard quartz';
const HEADER = ['event_id', 'camera_id', 'plate', 'plate_color', 'time', 'lane', 'lat', 'lon'];

function rows(file: string): (string | number)[][] {
  const now = Date.now();
  return Array.from({ length: ROWS }, (_, i) => [
    `${file}-${i}`,
    `KK-410105-${i % 8}`,
    `豫${'ABCDEFGHJKLMNPQRSU'[i % 18]}${String(i % 100_000).padStart(5, '0')}`,
    'blue',
    new Date(now - (ROWS - i) * 1_000 + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '),
    (i % 4) + 1,
    34.78 + (i % 20) / 1_000,
    113.65 + (i % 20) / 1_000,
  ]);
}

async function fileOf(format: 'csv' | 'xlsx', name: string): Promise<Uint8Array<ArrayBuffer>> {
  if (format === 'csv') return new Uint8Array(Buffer.from([HEADER, ...rows(name)].map((r) => r.join(',')).join('\n')));
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('卡口过车');
  sheet.addRow(HEADER);
  for (const row of rows(name)) sheet.addRow(row);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

async function upload(baseUrl: string, token: string, format: string, body: Uint8Array<ArrayBuffer>): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/uploads?kind=anpr&filename=bench.${format}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body,
  });
  const answer = (await res.json()) as { accepted?: number; rejected?: number };
  if (res.status !== 201 || answer.accepted !== ROWS)
    throw new Error(`upload failed: ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
  return performance.now() - started;
}

async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username, password }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-upload-'));
  const node = await startNode(
    loopbackNodeConfig(dataDir),
    createLogger(() => undefined, 'error'),
    new Metrics(),
  );
  const baseUrl = `http://127.0.0.1:${node.httpPort}`;
  try {
    const admin = await login(baseUrl, 'admin', ADMIN_PASSWORD);
    const created = await fetch(`${baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ username: 'bench-county', password: COUNTY_PASSWORD, role: 'admin', org_code: '410105' }),
    });
    if (created.status !== 201) throw new Error(`creating the county admin: ${created.status} ${await created.text()}`);
    const token = await login(baseUrl, 'bench-county', COUNTY_PASSWORD);
    console.log(`node ${process.version}, files of ${ROWS} ANPR rows, embedded node (chDB + PGlite), loopback HTTP`);
    for (const format of ['csv', 'xlsx'] as const) {
      const warm = await fileOf(format, `warm-${format}`);
      await upload(baseUrl, token, format, warm);
      const times: number[] = [];
      for (let f = 0; f < FILES; f++)
        times.push(await upload(baseUrl, token, format, await fileOf(format, `${format}-${f}`)));
      times.sort((a, b) => a - b);
      const p50 = times[Math.floor(times.length / 2)];
      console.log(
        `${format.padEnd(5)} ${Math.round(warm.length / 1024)} KiB per file: ms per file p50 ${p50.toFixed(0)}, max ${times[times.length - 1].toFixed(0)}; ${Math.round(ROWS / (p50 / 1000)).toLocaleString('en-US')} rows/s at the p50 (${FILES} files after one to warm up)`,
      );
    }
    const stored = await node.analytics.queryInternal(
      `SELECT count() FROM camera_events WHERE source = 'upload:410105'`,
    );
    console.log(`rows in camera_events: ${String(stored.rows[0][0])} (expected ${2 * (FILES + 1) * ROWS})`);
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
