/**
 * StorageHealth against the real file system and a real PGlite: the disk below its bound and a store that does
 * not answer make the node not ready, each part named, with the figures exported as metrics; the disk part
 * clears once the disk is above its bound again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Metrics, Readiness, silentLogger } from '../schema/index.js';
import { checkDiskSpace, DiskSpaceError, freeBytesOf } from './disk-space.js';
import { openOperational } from './postgres.js';
import { StorageHealth } from './storage-health.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-storage-health-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('disk space', () => {
  it('reads free space of a data dir not created yet from the directory above it', () => {
    // Other processes write meanwhile: the same file system, not the same byte.
    const difference = Math.abs(freeBytesOf(path.join(dataDir, 'a', 'b')) - freeBytesOf(dataDir));
    expect(difference).toBeLessThan(256 * 1024 ** 2);
    expect(freeBytesOf(dataDir)).toBeGreaterThan(0);
  });

  it('refuses below the bound, naming the data dir, the free bytes and the bound', () => {
    expect(() => checkDiskSpace(dataDir, 0)).not.toThrow();
    const bound = Number.MAX_SAFE_INTEGER;
    expect(() => checkDiskSpace(dataDir, bound, '--disk-free-bytes-min')).toThrow(DiskSpaceError);
    expect(() => checkDiskSpace(dataDir, bound, '--disk-free-bytes-min')).toThrow(
      new RegExp(`^data dir ${dataDir} has \\d+ bytes free .*less than --disk-free-bytes-min ${bound} `),
    );
  });
});

describe('StorageHealth', () => {
  it('names the disk below its bound and a store that does not answer, and clears them when they recover', async () => {
    const readiness = new Readiness();
    const metrics = new Metrics();
    const sql = await openOperational({ kind: 'memory' }, []);
    const options = {
      dataDir,
      diskFreeBytesMin: Number.MAX_SAFE_INTEGER,
      diskFreeBytesMinName: '--disk-free-bytes-min',
      checkIntervalMs: 60_000,
      operationalTimeoutMs: 2_000,
    };
    const low = new StorageHealth(options, { readiness, metrics, logger: silentLogger, sql });
    await low.checkNow();
    expect(readiness.problems()).toMatchObject([{ part: 'disk', reason: 'below_free_bytes_min' }]);
    expect(metrics.render()).toMatch(/^vigil_disk_free_bytes \d+$/m);
    expect(metrics.render()).toMatch(/^vigil_operational_store_up 1$/m);

    const ok = new StorageHealth(
      { ...options, diskFreeBytesMin: 0 },
      { readiness, metrics, logger: silentLogger, sql },
    );
    await ok.checkNow();
    expect(readiness.ready).toBe(true);

    await sql.close();
    await ok.checkNow();
    expect(readiness.problems()).toMatchObject([
      { part: 'operational_store', reason: 'not_answering', detail: expect.stringContaining('SELECT 1 failed') },
    ]);
    expect(metrics.render()).toMatch(/^vigil_operational_store_up 0$/m);
  });
});
