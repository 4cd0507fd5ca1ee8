/**
 * Generated traffic replayed into a spawned `vigil start`, as the replay tests set it up: the generator writes a
 * directory of its own, the node starts, its administrator issues the source keys the replay posts with, and the
 * replay sends every terminal's frames and the HTTP records as fast as the node acknowledges them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeTerminalMessage } from '../../cli/commands/wire-codec.js';
import { replayDirectory } from '../../cli/commands/replay/replay-engine.js';
import type { ReplayStats } from '../../cli/commands/replay/replay-stats.js';
import { generateTraffic, type GenerateOptions, type GeneratedManifest } from '../../fixtures/generator/index.js';
import { issueKey } from './ingest-client.js';
import { startVigil, type VigilProcess } from './vigil-process.js';

/** Issues a source key of `kind` for the unit `orgCode` and answers the key. */
export type IssueKey = (kind: string, orgCode: string) => Promise<string>;

export interface GeneratedReplay {
  dir: string;
  manifest: GeneratedManifest;
  vigil: VigilProcess;
  /** The administrator's session. */
  token: string;
  stats: ReplayStats;
  /** Stops the node (its data removed) and removes the directory. */
  close(): Promise<void>;
}

export async function replayGenerated(options: {
  /** The directory's name before its random end, e.g. `vigil-bus-replay-`. */
  prefix: string;
  traffic: Omit<GenerateOptions, 'outDir'>;
  vigilArgs: string[];
  /** The keys the replay posts with, by kind (the replay's `kind:org_code` for a feed of its own unit). */
  keys(issue: IssueKey, manifest: GeneratedManifest): Promise<Record<string, string>>;
  /** The HTTP kinds the replay posts; every kind of the directory when not given. */
  kinds?: readonly string[];
  /** Terminals connected at once (10 when not given). */
  concurrency?: number;
}): Promise<GeneratedReplay> {
  const dir = mkdtempSync(path.join(tmpdir(), options.prefix));
  let vigil: VigilProcess | undefined;
  const close = async () => {
    await vigil?.stop({ removeData: true });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const manifest = generateTraffic({ ...options.traffic, outDir: dir }, encodeTerminalMessage);
    vigil = await startVigil({ args: options.vigilArgs });
    const token = await vigil.login();
    const baseUrl = vigil.baseUrl;
    const issue: IssueKey = async (kind, orgCode) =>
      (await issueKey(baseUrl, token, kind, orgCode, `replay ${kind} ${orgCode}`)).key;
    const keys = await options.keys(issue, manifest);
    const stats = await replayDirectory({
      dir,
      host: '127.0.0.1',
      port: vigil.jt808Port,
      speed: Infinity,
      terminalsMax: Infinity,
      concurrency: options.concurrency ?? 10,
      windowFrames: 4,
      ackTimeoutMs: 15_000,
      retransmitsMax: 3,
      shiftToNow: false,
      http: { url: vigil.baseUrl, keys, batchRecords: 500, ...(options.kinds ? { kinds: options.kinds } : {}) },
    });
    return { dir, manifest, vigil, token, stats, close };
  } catch (error) {
    // The caller has nothing to close yet: leave no node running and no directory behind.
    await close();
    throw error;
  }
}
