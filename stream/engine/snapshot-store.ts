/**
 * Where the rules' snapshot is kept: a file in the data dir (one process runs the rules), or rows of the shared
 * PostgreSQL server (stream workers of a cluster, any of which may take the rules over after another died). A
 * snapshot is stored in named parts (engine-snapshot.ts: the shared state, and the vehicles of each log partition),
 * each its own string: no single string has to hold all state.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Sql } from '../../store/index.js';

/** A part of a snapshot: its name and its text, in pieces joined. */
export interface SnapshotPart {
  name: string;
  pieces: readonly string[];
}

/** A snapshot written before parts (one JSON text) is read back under this name, once, on upgrade. */
export const WHOLE_SNAPSHOT = '';

export interface SnapshotStore {
  /** For logs: the file or the table rows. */
  readonly where: string;
  /** The parts of the last snapshot written by name, undefined when there is none. */
  read(): Promise<Map<string, string> | undefined>;
  /** Replaces the snapshot with these parts (every other part is dropped); resolves once it is durable. */
  write(parts: readonly SnapshotPart[], takenAt: number): Promise<void>;
  /**
   * Only a fenced store: makes this store the snapshot's one writer, before its holder restores it. A store
   * another claimed since refuses to write (`SnapshotFencedError`).
   */
  claim?(): Promise<void>;
}

/** The snapshot was claimed by another writer since this one's claim: nothing was written. */
export class SnapshotFencedError extends Error {
  override name = 'SnapshotFencedError';
}

/**
 * The snapshot was read but its content makes no sense (a line without a part name, a missing part, JSON cut short):
 * the runner starts empty rather than never. Any other failure of `read` (the disk, the database) is the store's,
 * not the snapshot's, and is retried: starting empty then would write an empty snapshot over a good one.
 */
export class SnapshotCorruptError extends Error {
  override name = 'SnapshotCorruptError';
}

/**
 * A file replaced atomically: written beside it, flushed to disk, renamed over it, so a crash leaves the old
 * snapshot or the new one. One line a part, `<name>\t<json>` (JSON text has no raw line break). Written piece by
 * piece off the event loop (tens of MB at 100,000 vehicles, and the flush waits for the disk): the node goes on
 * meanwhile. A file of an older version is one JSON object on one line: read as the whole snapshot.
 */
export function fileSnapshotStore(file: string): SnapshotStore {
  return {
    where: file,
    read: async () => {
      const parts = new Map<string, string>();
      try {
        const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
        for await (const line of lines) {
          if (line.length === 0) continue;
          if (line.startsWith('{')) {
            parts.set(WHOLE_SNAPSHOT, line);
            continue;
          }
          const tab = line.indexOf('\t');
          if (tab < 0) throw new SnapshotCorruptError(`snapshot file ${file}: a line without a part name`);
          parts.set(line.slice(0, tab), line.slice(tab + 1));
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      return parts;
    },
    write: async (parts) => {
      await mkdir(path.dirname(file), { recursive: true });
      // One writer per data dir (the node running the rules): a temporary file a crash left behind is overwritten.
      const temp = `${file}.tmp`;
      const handle = await open(temp, 'w');
      const put = async (text: string): Promise<void> => {
        const bytes = Buffer.from(text, 'utf8');
        for (let at = 0; at < bytes.length;) at += (await handle.write(bytes, at)).bytesWritten;
      };
      try {
        for (const { name, pieces } of parts) {
          await put(`${name}\t`);
          for (const piece of pieces) await put(piece);
          await put('\n');
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

/**
 * Rows of `rules_snapshot_parts` (migration 37), by snapshot name, one a part, replaced in one transaction. A
 * snapshot of the single-row table `rules_snapshots` (migration 31, before parts) is read when there is no part
 * yet, and deleted by the first snapshot written in parts.
 */
export function postgresSnapshotStore(sql: Sql, name: string, holder?: string): SnapshotStore {
  return {
    ...(holder === undefined
      ? {}
      : {
          claim: async () => {
            await sql.query(
              `INSERT INTO rules_snapshot_holders (name, holder) VALUES ($1, $2)
               ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, claimed_at = now()`,
              [name, holder],
            );
          },
        }),
    where: `rules_snapshot_parts/${name}`,
    read: async () => {
      const rows = await sql.query<{ part: string; body: string }>(
        'SELECT part, body FROM rules_snapshot_parts WHERE name = $1',
        [name],
      );
      if (rows.length > 0) return new Map(rows.map((r) => [r.part, r.body]));
      const whole = await sql.query<{ body: string }>('SELECT body FROM rules_snapshots WHERE name = $1', [name]);
      return whole.length > 0 ? new Map([[WHOLE_SNAPSHOT, whole[0].body]]) : undefined;
    },
    write: async (parts, takenAt) => {
      await sql.transaction(async (tx) => {
        if (holder !== undefined) {
          // Locked until the commit: a claim made meanwhile waits, then holds for every later write.
          const rows = await tx.query<{ holder: string }>(
            'SELECT holder FROM rules_snapshot_holders WHERE name = $1 FOR UPDATE',
            [name],
          );
          if (rows[0]?.holder !== holder)
            throw new SnapshotFencedError(
              `snapshot ${name} is held by ${rows[0]?.holder ?? 'nobody'} since this writer (${holder}) took it: not written`,
            );
        }
        for (const part of parts)
          await tx.query(
            `INSERT INTO rules_snapshot_parts (name, part, taken_at, body)
             VALUES ($1, $2, to_timestamp($3 / 1000.0), $4)
             ON CONFLICT (name, part) DO UPDATE SET taken_at = EXCLUDED.taken_at, body = EXCLUDED.body`,
            [name, part.name, takenAt, part.pieces.join('')],
          );
        await tx.query('DELETE FROM rules_snapshot_parts WHERE name = $1 AND NOT (part = ANY($2::text[]))', [
          name,
          parts.map((p) => p.name),
        ]);
        await tx.query('DELETE FROM rules_snapshots WHERE name = $1', [name]);
      });
    },
  };
}
