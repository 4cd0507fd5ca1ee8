/**
 * Where the rules' snapshot is kept: a file in the data dir (one process runs the rules), or a row of the shared
 * PostgreSQL server (stream workers of a cluster, any of which may take the rules over after another died).
 */
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from '../../store/index.js';

export interface SnapshotStore {
  /** For logs: the file or the table row. */
  readonly where: string;
  /** The last snapshot written, undefined when there is none. */
  read(): Promise<string | undefined>;
  /** Replaces the snapshot with the text of `pieces` joined; resolves once it is durable. */
  write(pieces: readonly string[], takenAt: number): Promise<void>;
}

/**
 * A file replaced atomically: written beside it, flushed to disk, renamed over it, so a crash leaves the old
 * snapshot or the new one. Written piece by piece off the event loop (tens of MB at 100,000 vehicles, and the
 * flush waits for the disk): the node goes on meanwhile.
 */
export function fileSnapshotStore(file: string): SnapshotStore {
  return {
    where: file,
    read: () => {
      try {
        return Promise.resolve(readFileSync(file, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(undefined);
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    write: async (pieces) => {
      await mkdir(path.dirname(file), { recursive: true });
      // One writer per data dir (the node running the rules): a temporary file a crash left behind is overwritten.
      const temp = `${file}.tmp`;
      const handle = await open(temp, 'w');
      try {
        for (const piece of pieces) {
          const bytes = Buffer.from(piece, 'utf8');
          for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at)).bytesWritten;
        }
        await handle.sync();
      } catch (error) {
        await handle.close();
        await rm(temp, { force: true });
        throw error;
      }
      await handle.close();
      await rename(temp, file);
    },
  };
}

/** One row of `rules_snapshots` (migration 31), by name. */
export function postgresSnapshotStore(sql: Sql, name: string): SnapshotStore {
  return {
    where: `rules_snapshots/${name}`,
    read: async () =>
      (await sql.query<{ body: string }>('SELECT body FROM rules_snapshots WHERE name = $1', [name]))[0]?.body,
    write: async (pieces, takenAt) => {
      const text = pieces.join('');
      await sql.query(
        `INSERT INTO rules_snapshots (name, taken_at, body) VALUES ($1, to_timestamp($2 / 1000.0), $3)
         ON CONFLICT (name) DO UPDATE SET taken_at = EXCLUDED.taken_at, body = EXCLUDED.body`,
        [name, takenAt, text],
      );
    },
  };
}
