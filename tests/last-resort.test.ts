/**
 * The process-level last resort of `vigil start` in a real child process: an unhandled rejection and a socket's
 * uncaught error are logged as JSON, counted, and the process goes on; any other uncaught exception is logged
 * with its stack, counted, the node closed and the process exits with status 1. A reader of the process's stderr that
 * goes away costs the lines, counted, and nothing else.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

async function run(failure: string): Promise<{ code: number | null; out: string; logs: Record<string, unknown>[] }> {
  // Node loading tsx itself: one process, where the tsx executable would run the script as a second one.
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/last-resort-child.ts', failure], {
    cwd: REPO_ROOT,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const logs = err
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, out, logs };
}

describe('last resort', () => {
  it('logs and counts an unhandled rejection, and the process goes on', async () => {
    const { code, out, logs } = await run('rejection');
    expect(code).toBe(0);
    expect(out).toContain('alive');
    expect(out).toContain('vigil_process_unhandled_errors_total{kind="unhandled_rejection",outcome="survived"} 1');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'error', error: 'Error: nobody awaited this' });
    expect(logs[0].stack).toContain('last-resort-child.ts');
  });

  it("logs and counts a socket's uncaught error, and the process goes on", async () => {
    const { code, out, logs } = await run('socket-error');
    expect(code).toBe(0);
    expect(out).toContain('alive');
    expect(out).toContain('vigil_process_unhandled_errors_total{kind="uncaught_exception",outcome="survived"} 1');
    expect(logs[0]).toMatchObject({ level: 'error', code: 'ECONNRESET' });
  });

  it("drops and counts its log lines once stderr's reader has gone, and goes on instead of spinning", async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/last-resort-child.ts', 'stderr-gone'], {
      cwd: REPO_ROOT,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    // The first log line shows the child is logging: then the reader goes away, and the child is told so.
    child.stderr.once('data', () => {
      child.stderr.destroy();
      child.stdin.write('closed\n');
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('alive');
    // Nothing reached the last resort: before the guard, each failed write did, and its log failed again.
    expect(out).not.toContain('vigil_process_unhandled_errors_total{');
    const lost = Number(/vigil_process_output_lost_lines_total\{stream="stderr"\} (\d+)/.exec(out)?.[1]);
    expect(lost).toBeGreaterThanOrEqual(1);
    expect(lost).toBeLessThanOrEqual(101);
  });

  it('closes the node and exits 1 on any other uncaught exception, its stack in the log', async () => {
    const { code, out, logs } = await run('bug');
    expect(code).toBe(1);
    expect(out).toContain('stopped');
    expect(out).not.toContain('alive');
    expect(logs[0]).toMatchObject({ level: 'error' });
    expect(logs[0].error).toMatch(/^TypeError: /);
    expect(logs[0].stack).toContain('last-resort-child.ts');
  });
});
