/**
 * The identity of one process of a cluster: which centre node reads the feed under `feed-alarms.hall-a`, which
 * holds the cluster's periodic jobs (in /metrics and /api/health). Given with `--node-id`, or else made once and
 * kept in `<data-dir>/node-id`, so a node restarted on its data dir is the same node (its consumer groups resume
 * where they stopped) and two nodes on two data dirs are never one by accident.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Letters, digits and `-`, starting with a letter or digit: safe in a Kafka group id, a label and a file. */
export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const NODE_ID_LENGTH_MAX = 32;
/** Where a node keeps the identity it made for itself. */
export const NODE_ID_FILE = 'node-id';

/** What is wrong with `value` as a node id, or undefined when it is one. */
export function nodeIdProblem(value: string): string | undefined {
  if (value.length === 0 || value.length > NODE_ID_LENGTH_MAX)
    return `value ${JSON.stringify(value)} has ${value.length} characters, allowed 1 to ${NODE_ID_LENGTH_MAX}`;
  if (!NODE_ID_PATTERN.test(value))
    return `value ${JSON.stringify(value)} is not lower-case letters, digits and "-" starting with a letter or digit`;
  return undefined;
}

/** A configured node id that is not one: refused at start-up, naming the key, the value and the bound. */
export class NodeIdError extends Error {
  override readonly name = 'NodeIdError';
}

/**
 * The node's id: `configured` when given, else the one kept in the data dir, else a new one written there. A kept
 * id that is not one (edited by hand) is refused like a configured one.
 */
export function resolveNodeId(configured: string | undefined, dataDir: string): string {
  if (configured !== undefined) {
    const problem = nodeIdProblem(configured);
    if (problem !== undefined) throw new NodeIdError(`--node-id (VIGIL_NODE_ID) ${problem}`);
    return configured;
  }
  const file = path.join(dataDir, NODE_ID_FILE);
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    const problem = nodeIdProblem(kept);
    if (problem !== undefined) throw new NodeIdError(`${file}: ${problem}; fix or delete it, or give --node-id`);
    return kept;
  }
  const made = `node-${randomBytes(4).toString('hex')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${made}\n`, { mode: 0o644 });
  return made;
}
