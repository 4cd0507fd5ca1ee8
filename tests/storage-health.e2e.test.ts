/**
 * Storage faults against a real `vigil start`: liveness and readiness; a restart that writes no ClickHouse table
 * metadata; a start refused before it writes anything when the disk is below its bound (fed a bound above the
 * free space, so no root and no full disk are needed), after which the next start works; and readiness turning
 * 503, naming the operational store, when a real PostgreSQL server stops answering, while liveness stays 200.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, startPostgresServer, type PostgresServer } from './support/postgres-server.js';
import { eventually, startVigil, type VigilProcess, vigilMainArgs } from './support/vigil-process.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function get(vigil: VigilProcess, route: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${vigil.baseUrl}${route}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every file under `dir`: modification time and size, by path. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const stat = statSync(full);
        files.set(path.relative(dir, full), `${stat.mtimeMs}/${stat.size}`);
      }
    }
  };
  walk(dir);
  return files;
}

/** The engine's table metadata files: modification time and content. */
function metadataOf(dataDir: string): Map<string, string> {
  const dir = realpathSync(path.join(dataDir, 'clickhouse', 'metadata', 'default'));
  return new Map(
    readdirSync(dir).map((name) => {
      const file = path.join(dir, name);
      return [name, `${statSync(file).mtimeMs}\n${readFileSync(file, 'utf8')}`];
    }),
  );
}

/** Runs `vigil start` expecting it to refuse: its exit code and stderr. */
async function refusedStart(dataDir: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      ...vigilMainArgs(),
      'start',
      '--data-dir',
      dataDir,
      '--http-port',
      '0',
      '--jt808-port',
      '0',
      '--jt809-port',
      '0',
      '--jt1078-live-port',
      '0',
      '--jt1078-playback-port',
      '0',
      '--attachment-port',
      '0',
      ...args,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

describe('storage faults (vigil start)', () => {
  it('is live and ready; restarts without writing table metadata; refuses to start below the disk bound, writing nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-storage-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startVigil({ dataDir, store: 'embedded' });
    expect(await get(first, '/api/health/live')).toEqual({ status: 200, body: { status: 'alive' } });
    expect(await get(first, '/api/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });
    // What clients of /api/health have always read.
    expect(await get(first, '/api/health')).toEqual({ status: 200, body: { status: 'ok' } });
    const metrics = await (await fetch(`${first.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^vigil_disk_free_bytes \d+/m);
    expect(metrics).toMatch(/^vigil_disk_free_bytes_min 1073741824$/m);
    expect(metrics).toMatch(/^vigil_ready 1$/m);
    expect(await first.stop()).toBe(0);

    const metadata = metadataOf(dataDir);
    const everything = filesUnder(dataDir);
    const refused = await refusedStart(dataDir, ['--disk-free-bytes-min', String(Number.MAX_SAFE_INTEGER)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^vigil: data dir ${dataDir} has \\d+ bytes free \\([\\d.]+ MiB\\), less than --disk-free-bytes-min \\(VIGIL_DISK_FREE_BYTES_MIN\\) ${Number.MAX_SAFE_INTEGER} `,
      ),
    );
    expect(filesUnder(dataDir)).toEqual(everything);

    // Nothing the refused start did keeps the next one from starting, and a restart writes no table metadata.
    const again = await startVigil({ dataDir, store: 'embedded' });
    expect((await again.sql('SELECT count() FROM telemetry')).rows).toEqual([[0]]);
    expect(await get(again, '/api/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });
    expect(await again.stop()).toBe(0);
    expect(metadataOf(dataDir)).toEqual(metadata);
  });

  it('refuses to create a data dir on a disk below the bound', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'vigil-storage-'));
    cleanups.push(() => rmSync(parent, { recursive: true, force: true }));
    const dataDir = path.join(parent, 'not-yet');
    const refused = await refusedStart(dataDir, ['--disk-free-bytes-min', String(Number.MAX_SAFE_INTEGER)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`data dir ${dataDir} has`);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('is not ready, naming the operational store, while PostgreSQL does not answer; still live', async () => {
    const server: PostgresServer = await startPostgresServer();
    let serverStopped = false;
    cleanups.push(() => (serverStopped ? undefined : server.stop()));
    const url = await createDatabase(server, 'vigil_health');
    const vigil = await startVigil({ args: ['--postgres-url', url, '--health-check-interval-ms', '200'] });
    cleanups.push(() => vigil.stop({ removeData: true }));
    expect(await get(vigil, '/api/health/ready')).toEqual({ status: 200, body: { status: 'ready' } });

    await server.stop();
    serverStopped = true;
    const notReady = await eventually(
      async () => {
        const reply = await get(vigil, '/api/health/ready');
        return reply.status === 503 ? reply : undefined;
      },
      30_000,
      'readiness to fail',
    );
    expect(notReady.body).toMatchObject({
      status: 'not_ready',
      failing: [{ part: 'operational_store', reason: 'not_answering', since: expect.any(String) }],
    });
    // Error texts stay in the log: the unauthenticated endpoint shows only fixed codes.
    expect(JSON.stringify(notReady.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    expect((await get(vigil, '/api/health')).status).toBe(503);
    expect(await get(vigil, '/api/health/live')).toEqual({ status: 200, body: { status: 'alive' } });
    expect(await (await fetch(`${vigil.baseUrl}/metrics`)).text()).toMatch(/^vigil_operational_store_up 0$/m);
    expect(vigil.stderr()).toContain('storage part failing: the node is not ready');
  });
});
