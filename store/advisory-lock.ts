/**
 * A session-level advisory lock on a PostgreSQL server, held on a connection of its own for as long as its holder
 * runs. The server releases it when that connection ends, so a holder killed with SIGKILL lets the next one in as
 * soon as the server sees the socket close. Which is how one stream worker of a cluster runs the rules and the
 * others wait to take them over.
 */
import { loadPg } from './pg-client.js';

export interface HeldLock {
  /** Settles when the connection holding the lock failed or ended before `release`: the lock is gone. */
  readonly lost: Promise<Error>;
  release(): Promise<void>;
}

/**
 * Takes the lock if it is free; undefined when another session holds it (nothing is left open then). The lock's
 * connection carries `applicationName` when given, so any session can tell who holds the lock (`lockHolder`).
 */
export async function tryAdvisoryLock(
  url: string,
  key: number,
  applicationName?: string,
): Promise<HeldLock | undefined> {
  const pg = await loadPg();
  const client = new pg.Client({ connectionString: url, keepAlive: true, application_name: applicationName });
  let releasing = false;
  const lost = new Promise<Error>((resolve) => {
    client.on('error', (error) => {
      if (!releasing) resolve(error);
    });
    client.on('end', () => {
      if (!releasing) resolve(new Error('the connection holding the lock ended'));
    });
  });
  await client.connect();
  try {
    const [row] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])).rows;
    if (row?.locked !== true) {
      releasing = true;
      await client.end();
      return undefined;
    }
  } catch (error) {
    releasing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    lost,
    release: async () => {
      if (releasing) return;
      releasing = true;
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * The application name of the session holding the advisory lock `key` (taken with tryAdvisoryLock), or undefined
 * when none holds it. A key below 2^32 is the lock's objid (classid 0, objsubid 1 for a one-bigint key).
 */
export async function lockHolder(
  sql: { query<R>(text: string, params?: unknown[]): Promise<R[]> },
  key: number,
): Promise<string | undefined> {
  const [row] = await sql.query<{ application_name: string | null }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1::bigint::oid AND l.objsubid = 1`,
    [key],
  );
  return row?.application_name ?? undefined;
}
