/**
 * A start-up that fails late stops everything it had started. A real `vigil start` whose HTTP port is taken
 * (the last port it listens on, after the stores, the rules and the JT/T 808/809/1078 listeners) exits 1 with a
 * message naming the step, its JT/T 808 port is free again, and the next start on the same data dir works. The
 * same failure in-process leaves nothing open: the process ends by itself, with no server, socket or timer left
 * (tests/support/node-start-failure-child.ts). Bad province configuration is refused before anything opens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startVigil } from './support/vigil-process.js';
import { canListen, unassignedPort } from './support/free-port.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-start-failure-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port held by this test process until the end, so the node's HTTP step finds it taken. */
async function takenPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

/** A port the next start may bind, which no connection opened meanwhile takes by chance (support/free-port.ts). */
const freePort = unassignedPort;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Node loading tsx itself: one process, where the tsx executable would run the script as a second one.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('a start-up that fails at a late step', () => {
  it('vigil start exits 1 naming the step, frees the ports it held, and the next start works', async () => {
    const dir = dataDir();
    const jt808Port = await freePort();
    const failed = await startVigil({ store: 'embedded', dataDir: dir, httpPort: await takenPort(), jt808Port }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    expect(failed).toContain('vigil exited with 1 before ready');
    expect(failed).toContain('vigil: start-up failed at step "http": listen EADDRINUSE');
    // Every step before it stopped, last started first.
    const stopped = [...failed.matchAll(/"message":"part stopped","component":"node","step":"([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(stopped).toEqual([
      'http-ingest',
      'jt809-upward',
      'jt809',
      'attachments',
      'jt1078-video',
      'jt808-gateway',
      'rules',
      'command-centre',
      'feed-hub',
      'sinks',
      'storage-health',
      'operational-store',
      'analytics',
      'event-log',
    ]);
    expect(await canListen(jt808Port)).toBe(true);
    const again = await startVigil({ store: 'embedded', dataDir: dir, jt808Port });
    cleanups.push(() => again.stop());
    expect(again.jt808Port).toBe(jt808Port);
    expect((await fetch(`${again.baseUrl}/api/health/ready`)).status).toBe(200);
  });

  it('in-process, leaves no listener, socket, timer or store session open: the process ends by itself', async () => {
    const jt808Port = await freePort();
    const result = await run([
      'tests/support/node-start-failure-child.ts',
      dataDir(),
      String(await takenPort()),
      String(jt808Port),
    ]);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { step: 'http', message: expect.stringContaining('listen EADDRINUSE'), jt808PortFree: true },
    ]);
    expect(result.code).toBe(0);
  });
});

describe('province configuration', () => {
  it('refuses a province the reference geography was not built for, naming the key, before anything opens', async () => {
    const dir = dataDir();
    writeFileSync(
      path.join(dir, 'province.json'),
      JSON.stringify({ code: '420000', name_zh: '湖北省', name_en: 'Hubei' }),
    );
    const failed = await startVigil({ store: 'embedded', dataDir: dir }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    expect(failed).toContain(
      'vigil: start-up failed at step "configuration": province.code: value "420000" is not a province in',
    );
    expect(failed).not.toContain('part stopped');
  });

  it('refuses an unknown key in province.json', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'province.json'), JSON.stringify({ code: '410000', title: '河南' }));
    const failed = await startVigil({ store: 'embedded', dataDir: dir }).then(
      () => 'started',
      (error: unknown) => String(error),
    );
    expect(failed).toContain('province.title: unknown key (known: code, name_zh, name_en, divisions, boundaries)');
  });
});
