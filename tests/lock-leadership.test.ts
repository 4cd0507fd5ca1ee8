/**
 * Work under a PostgreSQL advisory lock (cli/node/lock-leadership.ts) against a real PostgreSQL server: one of
 * several leaders runs the work, a standby takes it over when the holder's connection goes (the server drops the
 * lock with it), and what the former holder does then is the one difference between its users: a `stand-by` holder
 * (the centre's cluster jobs) asks again, a `halt` holder (the stream worker's rules) stops for good.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadUnderLock, type LockLeadership, type OnLockLost } from '../cli/node/lock-leadership.js';
import { createLogger } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './support/postgres-server.js';

const POLL_MS = 50;
const PREFIX = 'vigil-lock-test:';

let server: PostgresServer;
let url: string;
let sql: Sql;
const leaders: LockLeadership[] = [];

beforeAll(async () => {
  server = await startPostgresServer();
  url = await createDatabase(server, 'lock_leadership');
  sql = await openOperational({ kind: 'server', url });
});

afterAll(async () => {
  for (const leader of leaders) await leader.close().catch(() => undefined);
  await sql?.close();
  await server?.stop();
});

/** A work that counts its starts and stops, so a test sees when it ran. */
function countingWork(failStart = false): { starts: number; stops: number; start(): void; stop(): Promise<void> } {
  return {
    starts: 0,
    stops: 0,
    start() {
      if (failStart) throw new Error('the work failed to start');
      this.starts++;
    },
    async stop() {
      this.stops++;
    },
  };
}

async function lead(
  nodeId: string,
  key: number,
  onLockLost: OnLockLost,
  work: ReturnType<typeof countingWork>,
  halted: Error[] = [],
): Promise<LockLeadership> {
  const leader = await leadUnderLock(work, {
    postgresUrl: url,
    key,
    pollMs: POLL_MS,
    onLockLost,
    naming: { prefix: PREFIX, nodeId, sql },
    logger: createLogger(() => undefined),
    says: { taken: 'taken', standingBy: 'standing by', lost: 'lost', askFailed: 'ask failed' },
    halted: (error) => halted.push(error),
  });
  leaders.push(leader);
  return leader;
}

/** Ends the lock connection of a node as a dead machine or a failed server connection would. */
async function dropConnectionOf(nodeId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [`${PREFIX}${nodeId}`],
    );
    expect(rowCount).toBe(1);
  } finally {
    await client.end();
  }
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('work under an advisory lock', () => {
  it('runs on one leader, moves to the standby when the holder drops, and the former holder stands by again', async () => {
    const key = 101;
    const workA = countingWork();
    const workB = countingWork();
    const a = await lead('a', key, 'stand-by', workA);
    const b = await lead('b', key, 'stand-by', workB);
    expect(a.status()).toEqual({ held: true, holder: 'a' });
    expect(b.status()).toEqual({ held: false, holder: 'a' });
    expect([workA.starts, workB.starts]).toEqual([1, 0]);

    await dropConnectionOf('a');
    await until('b to take the work over', () => b.status().held);
    expect(workA.stops).toBe(1);
    expect(workB.starts).toBe(1);
    // The former holder asks again and names the new one.
    await until('a to see b holding the lock', () => a.status().holder === 'b');
    expect(a.status().held).toBe(false);

    // Closed, the holder stops its work before it lets go; the other takes it.
    await b.close();
    expect(workB.stops).toBe(1);
    await until('a to take the work back', () => a.status().held);
    expect(workA.starts).toBe(2);
    await a.close();
    expect(workA.stops).toBe(2);
  });

  it('halts a holder that lost its lock: it stops the work, says so, and never takes it again', async () => {
    const key = 102;
    const workA = countingWork();
    const workB = countingWork();
    const halted: Error[] = [];
    const a = await lead('a', key, 'halt', workA, halted);
    const b = await lead('b', key, 'halt', workB);
    await dropConnectionOf('a');
    await until('b to take the work over', () => b.status().held);
    expect(halted).toHaveLength(1);
    expect(workA.stops).toBe(1);
    expect(a.status()).toEqual({ held: false, holder: null });

    // With the lock free again, a halted process does not ask for it: a newcomer takes it.
    await b.close();
    // Several of its poll intervals pass with the lock free (a wait that can only make a wrong take show).
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 5));
    const workC = countingWork();
    const c = await lead('c', key, 'halt', workC);
    expect(c.status().held).toBe(true);
    expect(workA.starts).toBe(1);
    await c.close();
  });

  it('fails start-up when the work fails to start there, and leaves the lock free', async () => {
    const key = 103;
    await expect(lead('a', key, 'stand-by', countingWork(true))).rejects.toThrow('the work failed to start');
    const work = countingWork();
    const b = await lead('b', key, 'stand-by', work);
    expect(b.status().held).toBe(true);
    await b.close();
  });
});
