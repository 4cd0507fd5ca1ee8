/**
 * The `vigil` executable (cli/vigil.js, package.json's bin): it starts the command in a Node process with the
 * V8 flags Vigil is tuned for, passes signals on and exits with the command's own code. It runs the compiled
 * node (dist/, `npm run build:node`) when that build is current, and the source through tsx otherwise.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { entryPoint, THREADPOOL_SIZE } from '../cli/entry-point.js';
import { eventually, startVigil } from './support/vigil-process.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAUNCHER = 'cli/vigil.js';

function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('vigil executable', () => {
  it('is what package.json names as the bin', () => {
    const pkg = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.vigil).toBe(LAUNCHER);
  });

  it('prints help with exit code 0 and refuses an unknown command with exit code 2', async () => {
    const help = await run(process.execPath, [LAUNCHER, 'help'], { cwd: REPO_ROOT });
    expect(help.stdout).toContain('Usage: vigil <command>');
    const unknown = await run(process.execPath, [LAUNCHER, 'no-such-command'], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "no-such-command"');
  });

  it('runs `vigil start` with the tuned young generation and thread pool, and stops it cleanly on SIGTERM', async () => {
    const vigil = await startVigil({ store: 'embedded', launcher: true });
    let node = 0;
    try {
      const health = await fetch(`${vigil.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      [node] = childrenOf(vigil.pid);
      expect(node).toBeGreaterThan(0);
      const argv = readFileSync(`/proc/${node}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--max-semi-space-size=64');
      // libuv's pool sized for Kafka's blocking polls, unless the environment already said otherwise.
      const environ = readFileSync(`/proc/${node}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? THREADPOOL_SIZE}`);
      // Whichever main the launcher's own rule picks for this checkout (npm test builds dist/ first).
      const entry = entryPoint(REPO_ROOT);
      expect(argv).toContain(entry.script);
      expect(argv.some((arg) => arg.includes('tsx'))).toBe(!entry.compiled);
    } finally {
      // SIGTERM goes to the launcher only (as from systemd's main-PID kill mode); the node must get it too.
      expect(await vigil.stop({ removeData: true })).toBe(0);
    }
    await eventually(async () => (alive(node) ? undefined : true), 20_000, 'the node process to exit');
    expect(vigil.stdout() + vigil.stderr()).toMatch(/"message":"shutting down",[^\n]*"signal":"SIGTERM"/);
    // A default start on a default machine is normal: nothing in its log may read as a fault.
    expect(vigil.stdout() + vigil.stderr()).not.toMatch(/"level":"(warn|error)"/);
  });
});

/**
 * The launcher's choice, on a package of its own: a `main` in source and one "compiled", each printing which it is
 * and whether tsx's loader is there.
 */
describe('vigil executable: compiled or source', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-launcher-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'cli'));
  for (const file of ['vigil.js', 'entry-point.js'])
    copyFileSync(path.join(REPO_ROOT, 'cli', file), path.join(root, 'cli', file));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'vigil', type: 'module' }));
  const report = (which: string) =>
    `console.log(JSON.stringify({ which: ${JSON.stringify(which)}, tsx: process.execArgv.some((a) => a.includes('tsx')), args: process.argv.slice(2) }));\n`;
  writeFileSync(path.join(root, 'cli', 'main.ts'), `const typed: string = 'x';\nvoid typed;\n${report('source')}`);

  async function launch(): Promise<{ which: string; tsx: boolean; args: string[]; stderr: string }> {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'cli', 'vigil.js'), 'help', '--x'], {
      cwd: root,
    });
    return { ...(JSON.parse(stdout) as { which: string; tsx: boolean; args: string[] }), stderr };
  }

  it('runs the source through tsx when nothing is built', async () => {
    expect(await launch()).toEqual({ which: 'source', tsx: true, args: ['help', '--x'], stderr: '' });
  });

  it('runs the compiled main without tsx once the build is newer than every source', async () => {
    mkdirSync(path.join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(path.join(root, 'dist', 'cli', 'main.js'), report('compiled'));
    writeFileSync(path.join(root, 'dist', '.built'), '');
    const later = new Date(Date.now() + 2_000);
    utimesSync(path.join(root, 'dist', '.built'), later, later);
    expect(await launch()).toEqual({ which: 'compiled', tsx: false, args: ['help', '--x'], stderr: '' });
  });

  it('falls back to the source, and says so, when a source changed after the build', async () => {
    const evenLater = new Date(Date.now() + 10_000);
    utimesSync(path.join(root, 'cli', 'main.ts'), evenLater, evenLater);
    const result = await launch();
    expect(result).toMatchObject({ which: 'source', tsx: true });
    expect(result.stderr).toContain('dist/ is older than the sources');
  });
});
