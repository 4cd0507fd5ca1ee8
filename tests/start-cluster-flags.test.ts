/**
 * `--clickhouse-cluster` is refused at start-up, before anything is opened, when it cannot work: without a
 * ClickHouse server, or with a name that could not be quoted into DDL. The refusal names the flag and the rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-cluster-flags-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function start(extra: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'cli/main.ts', 'start', '--data-dir', dataDir, '--http-port', '0', ...extra],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { status: run.status, stderr: run.stderr };
}

describe('vigil start --clickhouse-cluster', () => {
  it('needs a ClickHouse server', () => {
    const run = start(['--clickhouse-cluster', 'vigil']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--clickhouse-cluster needs --clickhouse-url');
  }, 130_000);

  it('refuses a name that cannot be quoted into DDL, before connecting', () => {
    // Port 9 (discard) on loopback: the refusal must come before any connection is tried.
    const run = start(['--clickhouse-url', 'http://127.0.0.1:9', '--clickhouse-cluster', "a'b"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--clickhouse-cluster (VIGIL_CLICKHOUSE_CLUSTER): cluster name "a\'b" must be');
  }, 130_000);
});
