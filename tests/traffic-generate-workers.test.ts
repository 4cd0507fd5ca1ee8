/**
 * `vigil generate --workers N` writes the same bytes whatever N: vehicles are simulated on worker threads in
 * chunks and written in vehicle order. Compared file by file against the single-thread generator.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeVehicle,
  generateTrafficParallel,
  planTraffic,
  type EncodedVehicle,
} from '../fixtures/generator/index.js';
import { generateWith } from '../cli/commands/generate.js';
import { encodeTerminalMessage } from '../cli/commands/wire-codec.js';

const START_MS = Date.parse('2026-11-02T03:00:00+08:00');
const root = mkdtempSync(path.join(tmpdir(), 'vigil-gen-workers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? files(full, `${prefix}${name}/`) : [`${prefix}${name}`];
    });
}

function expectSameDirectory(a: string, b: string): void {
  const names = files(a);
  expect(files(b)).toEqual(names);
  expect(names).toContain('wire/shard-0000.bin');
  for (const name of names) {
    const same = readFileSync(path.join(a, name)).equals(readFileSync(path.join(b, name)));
    expect(same, `${name} is byte-identical`).toBe(true);
  }
}

describe('vigil generate with worker threads', () => {
  const options = (name: string) => ({
    vehicles: 130,
    hours: 4,
    seed: 11,
    outDir: path.join(root, name),
    startMs: START_MS,
    shardTerminals: 40,
  });

  it('1 worker and 2 workers give byte-identical directories', async () => {
    const one = await generateWith(options('one'), 1);
    const two = await generateWith(options('two'), 2);
    expect(two).toEqual(one);
    expect(one.counts.positions).toBeGreaterThan(130 * 100);
    expectSameDirectory(path.join(root, 'one'), path.join(root, 'two'));
  }, 240_000);

  it('chunks finishing out of order are still written in vehicle order', async () => {
    const plan = planTraffic({ vehicles: 130, hours: 4, seed: 11, startMs: START_MS });
    let calls = 0;
    // Later chunks resolve first: each chunk waits for fewer event-loop turns than the one before.
    const produce = async (from: number, to: number): Promise<EncodedVehicle[]> => {
      const turns = 40 - calls++;
      for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
      return Array.from({ length: to - from }, (_, k) => encodeVehicle(plan, from + k, encodeTerminalMessage));
    };
    const manifest = await generateTrafficParallel(options('shuffled'), produce, undefined, {
      chunkVehicles: 7,
      chunksInFlightMax: 5,
    });
    expect(manifest.vehicles).toBe(130);
    expectSameDirectory(path.join(root, 'one'), path.join(root, 'shuffled'));
  }, 240_000);

  it('refuses a bad in-flight bound, naming it', async () => {
    await expect(
      generateTrafficParallel(options('bad'), async () => [], undefined, { chunkVehicles: 10, chunksInFlightMax: 0 }),
    ).rejects.toThrow('chunksInFlightMax value 0 is less than min allowed 1');
  });
});
