/**
 * Where the rules' snapshot is kept: a file in the data dir (one process runs the rules), or a row of the shared
 * PostgreSQL server (stream workers of a cluster, any of which may take the rules over after another died).
 */
import { readFileSync } from 'node:fs';
import type { Sql } from '../../store/index.js';
import { writeFileAtomic } from './atomic-file.js';

export interface SnapshotStore {
  /** For logs: the file or the table row. */
  readonly where: string;
  /** The last snapshot written, undefined when there is none. */
  read(): Promise<string | undefined>;
  /** Replaces the snapshot; resolves once it is durable. */
  write(text: string, takenAt: number): Promise<void>;
}

/**
 * A file replaced atomically. The write happens before `write` returns (the promise only reports it), so a caller
 * that does not wait still has the file on disk.
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
    write: (text) => {
      writeFileAtomic(file, text);
      return Promise.resolve();
    },
  };
}

/** One row of `rules_snapshots` (migration 31), by name. */
export function postgresSnapshotStore(sql: Sql, name: string): SnapshotStore {
  return {
    where: `rules_snapshots/${name}`,
    read: async () =>
      (await sql.query<{ body: string }>('SELECT body FROM rules_snapshots WHERE name = $1', [name]))[0]?.body,
    write: async (text, takenAt) => {
      await sql.query(
        `INSERT INTO rules_snapshots (name, taken_at, body) VALUES ($1, to_timestamp($2 / 1000.0), $3)
         ON CONFLICT (name) DO UPDATE SET taken_at = EXCLUDED.taken_at, body = EXCLUDED.body`,
        [name, takenAt, text],
      );
    },
  };
}
