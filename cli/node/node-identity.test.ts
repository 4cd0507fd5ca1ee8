import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_ID_FILE, NodeIdError, nodeIdProblem, resolveNodeId } from './node-identity.js';

const dirs: string[] = [];
const dataDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-node-id-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('node identity', () => {
  it('takes a configured id and refuses one out of bounds, naming the key, the value and the bound', () => {
    expect(resolveNodeId('hall-a', dataDir())).toBe('hall-a');
    expect(nodeIdProblem('a'.repeat(32))).toBeUndefined();
    expect(() => resolveNodeId('a'.repeat(33), dataDir())).toThrow(
      new NodeIdError(`--node-id (VIGIL_NODE_ID) value "${'a'.repeat(33)}" has 33 characters, allowed 1 to 32`),
    );
    expect(() => resolveNodeId('', dataDir())).toThrow('--node-id (VIGIL_NODE_ID) value "" has 0 characters');
    for (const bad of ['Hall-A', '-hall', 'hall a', 'hall.a', 'hall_a'])
      expect(nodeIdProblem(bad)).toBe(
        `value ${JSON.stringify(bad)} is not lower-case letters, digits and "-" starting with a letter or digit`,
      );
  });

  it('makes an id once and keeps it in the data dir, so a restarted node is the same node', () => {
    const dir = dataDir();
    const made = resolveNodeId(undefined, dir);
    expect(made).toMatch(/^node-[0-9a-f]{8}$/);
    expect(readFileSync(path.join(dir, NODE_ID_FILE), 'utf8').trim()).toBe(made);
    expect(resolveNodeId(undefined, dir)).toBe(made);
    // Another data dir is another node.
    expect(resolveNodeId(undefined, dataDir())).not.toBe(made);
    // A configured id wins over the kept one.
    expect(resolveNodeId('hall-b', dir)).toBe('hall-b');
  });

  it('refuses a kept id edited into something that is not one, naming the file', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, NODE_ID_FILE), 'Hall A\n');
    expect(() => resolveNodeId(undefined, dir)).toThrow(`${path.join(dir, NODE_ID_FILE)}: value "Hall A" is not`);
  });
});
