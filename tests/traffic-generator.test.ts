/**
 * The generator is a pure function of its options: the same seed writes byte-identical directories, another
 * seed different ones; every rule id gets labels; every recorded frame is a frame the codec accepts (or a
 * deliberately corrupted one it rejects), and the manifest's counts are what the shards hold.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage, parseFrame } from '../ingest/index.js';
import {
  FRAME_KIND_MALFORMED,
  RULE_IDS,
  generateTraffic,
  readTerminalBlocks,
  type GeneratedManifest,
  type Label,
} from '../fixtures/generator/index.js';
import { encodeTerminalMessage } from '../cli/commands/wire-codec.js';

const START_MS = Date.parse('2026-11-02T03:00:00+08:00');
const root = mkdtempSync(path.join(tmpdir(), 'vigil-gen-'));

function run(name: string, seed: number, vehicles = 80, hours = 6): GeneratedManifest {
  return generateTraffic(
    { vehicles, hours, seed, outDir: path.join(root, name), startMs: START_MS, shardTerminals: 30 },
    encodeTerminalMessage,
  );
}

function digests(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

let manifest: GeneratedManifest;

beforeAll(() => {
  manifest = run('a', 11);
  run('b', 11);
  run('c', 12);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('traffic generator', () => {
  it('writes byte-identical output for the same seed and different output for another', () => {
    const a = digests(path.join(root, 'a'));
    const b = digests(path.join(root, 'b'));
    const c = digests(path.join(root, 'c'));
    expect(Object.keys(a).length).toBeGreaterThan(10);
    expect(b).toEqual(a);
    expect(c['wire/shard-0000.bin']).not.toBe(a['wire/shard-0000.bin']);
    expect(c['labels.ndjson']).not.toBe(a['labels.ndjson']);
  });

  it('labels every rule id, inside the window, on known vehicles and devices', () => {
    const labels = readFileSync(path.join(root, 'a', 'labels.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Label);
    const rules = new Set(labels.map((l) => l.rule));
    expect([...rules].sort()).toEqual([...RULE_IDS].sort());
    expect(manifest.rules_not_injected).toEqual([]);
    const registry = readFileSync(path.join(root, 'a', 'registry.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { plate: string; terminal_id: string });
    const plates = new Map(registry.map((r) => [r.plate, r.terminal_id]));
    const skewMs = 90_000;
    for (const label of labels) {
      expect(label.end).toBeGreaterThanOrEqual(label.start);
      expect(label.start).toBeGreaterThanOrEqual(manifest.start - skewMs);
      expect(label.end).toBeLessThan(manifest.end + skewMs);
      if (label.rule === 'device_offline') expect(label.device_id).not.toBe('');
      else expect(plates.get(label.plate)).toBe(label.terminal_id);
    }
    expect(Object.values(manifest.counts.labels).reduce((a, b) => a + b, 0)).toBe(labels.length);
  });

  it('records frames the codec accepts, malformed ones it rejects, and counts them in the manifest', async () => {
    let frames = 0;
    let malformed = 0;
    let positions = 0;
    let backfilled = 0;
    let terminals = 0;
    const versions = new Set<number>();
    for (const shard of manifest.wire_shards) {
      for await (const block of readTerminalBlocks(path.join(root, 'a', shard))) {
        terminals++;
        versions.add(block.identity.version);
        let lastSend = -Infinity;
        for (const frame of block.frames) {
          expect(frame.sendMs).toBeGreaterThanOrEqual(lastSend);
          lastSend = frame.sendMs;
          const parsed = parseFrame(frame.bytes);
          if (frame.kind === FRAME_KIND_MALFORMED) {
            malformed++;
            expect(parsed.ok ? 'parsed' : parsed.reason).toBe('check_mismatch');
            continue;
          }
          frames++;
          if (!parsed.ok) throw new Error(`frame does not parse: ${parsed.reason}`);
          expect(parsed.value.header.phone).toBe(block.identity.phone);
          const message = decodeMessage(parsed.value);
          if (!message.ok) throw new Error(`frame does not decode: ${message.reason}`);
          if (message.value.msgId === 0x0200) positions++;
          if (message.value.msgId === 0x0704) {
            expect(message.value.body.errors).toEqual([]);
            positions += message.value.body.items.length;
            backfilled += message.value.body.items.length;
          }
        }
      }
    }
    expect(terminals).toBe(80);
    expect([...versions].sort()).toEqual([2011, 2013, 2019]);
    expect(frames).toBe(manifest.counts.frames);
    expect(malformed).toBe(manifest.counts.frames_malformed);
    expect(positions).toBe(manifest.counts.positions);
    expect(backfilled).toBe(manifest.counts.positions_backfilled);
  });

  it('refuses options out of bounds, naming the key, the value and the bound', () => {
    expect(() =>
      generateTraffic(
        { vehicles: 0, hours: 1, seed: 1, outDir: path.join(root, 'x'), startMs: START_MS },
        encodeTerminalMessage,
      ),
    ).toThrow('vehicles value 0 is less than min allowed 1');
    expect(() =>
      generateTraffic(
        { vehicles: 1, hours: 500, seed: 1, outDir: path.join(root, 'x'), startMs: START_MS },
        encodeTerminalMessage,
      ),
    ).toThrow('hours value 500 is greater than max allowed 168');
  });
});
