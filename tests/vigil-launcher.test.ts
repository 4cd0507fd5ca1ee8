/**
 * The `vigil` executable (cli/vigil.js, package.json's bin): it starts the command in a Node process with the
 * V8 flags Vigil is tuned for, passes signals on and exits with the command's own code.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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

  it('runs `vigil start` with the tuned young generation, and stops it cleanly on SIGTERM', async () => {
    const vigil = await startVigil({ launcher: true });
    let node = 0;
    try {
      const health = await fetch(`${vigil.baseUrl}/api/health`);
      expect(health.status).toBe(200);
      [node] = childrenOf(vigil.pid);
      expect(node).toBeGreaterThan(0);
      const argv = readFileSync(`/proc/${node}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--max-semi-space-size=64');
      expect(argv.some((arg) => arg.endsWith('cli/main.ts'))).toBe(true);
    } finally {
      // SIGTERM goes to the launcher only (as from systemd's main-PID kill mode); the node must get it too.
      expect(await vigil.stop({ removeData: true })).toBe(0);
    }
    await eventually(async () => (alive(node) ? undefined : true), 20_000, 'the node process to exit');
    expect(vigil.stdout() + vigil.stderr()).toMatch(/"message":"shutting down",[^\n]*"signal":"SIGTERM"/);
  }, 180_000);
});
