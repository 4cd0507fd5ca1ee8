/**
 * Free space under the data dir, checked before anything is written at start-up and then periodically (see
 * storage-health.ts). Below the bound the node does not start: a store that runs out of space mid-write is
 * what leaves files the next start cannot read. Free means available to this process (statfs `bavail`, without
 * the blocks the file system reserves for root).
 */
import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';

/** Free bytes the data dir must keep, unless configured otherwise: room for merges, metadata and logs. */
export const DISK_FREE_BYTES_MIN_DEFAULT = 1024 ** 3;

export class DiskSpaceError extends Error {
  readonly reason = 'disk_free_bytes_below_min';
}

/** The data dir itself, or the nearest existing directory above it when it is not created yet. */
function existingAncestor(dir: string): string {
  let at = path.resolve(dir);
  while (!existsSync(at)) {
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  return at;
}

/** Bytes this process may still write on the file system holding `dir`. */
export function freeBytesOf(dir: string): number {
  const stats = statfsSync(existingAncestor(dir));
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Why the data dir cannot be written to, or undefined. `bound` names the setting in the message. */
export function diskSpaceProblem(dataDir: string, freeBytesMin: number, bound: string): string | undefined {
  const free = freeBytesOf(dataDir);
  if (free >= freeBytesMin) return undefined;
  return `data dir ${path.resolve(dataDir)} has ${free} bytes free (${mebibytes(free)}), less than ${bound} ${freeBytesMin} (${mebibytes(freeBytesMin)})`;
}

/** Throws a DiskSpaceError naming the data dir, the free bytes and the bound when below it. */
export function checkDiskSpace(dataDir: string, freeBytesMin: number, bound = 'diskFreeBytesMin'): void {
  const problem = diskSpaceProblem(dataDir, freeBytesMin, bound);
  if (problem !== undefined) throw new DiskSpaceError(`${problem}; free some space or lower the bound`);
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
