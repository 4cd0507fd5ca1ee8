/**
 * The analysts' session pool: turns by analyst, a running bound per analyst, bounded waiting with the reason
 * and the time to retry, and a wait that ends.
 */
import { describe, expect, it } from 'vitest';
import { FairQueue, type FairQueueBounds } from './fair-queue.js';
import { AnalystsBusyError } from './refusals.js';

const BOUNDS: FairQueueBounds = {
  runningPerKeyMax: 1,
  queuedMax: 20,
  queuedPerKeyMax: 10,
  waitMsMax: 10_000,
  retryAfterSeconds: 7,
};

/** A task that runs until released, recording the order tasks started in. */
function gate(started: string[], label: string): { task: (session: string) => Promise<string>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    task: async (session) => {
      started.push(label);
      await opened;
      return `${label}@${session}`;
    },
    open: () => open(),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('FairQueue', () => {
  it("serves waiting analysts in turn: one analyst's ten queries do not starve another's one", async () => {
    const queue = new FairQueue(['s1'], { ...BOUNDS, runningPerKeyMax: 1 });
    const started: string[] = [];
    const gates = Array.from({ length: 10 }, (_, i) => gate(started, `a${i}`));
    const aDone = gates.map((g) => queue.run('a', g.task));
    await settle();
    const b = gate(started, 'b0');
    const bDone = queue.run('b', b.task);
    await settle();
    expect(started).toEqual(['a0']);
    gates[0]!.open();
    await aDone[0];
    await settle();
    // b's only query comes before a's second one.
    expect(started).toEqual(['a0', 'b0']);
    b.open();
    expect(await bDone).toBe('b0@s1');
    for (const g of gates) g.open();
    await Promise.all(aDone);
    expect(started).toEqual(['a0', 'b0', ...gates.slice(1).map((_, i) => `a${i + 1}`)]);
    expect([queue.running, queue.queued]).toEqual([0, 0]);
  });

  it('runs at most runningPerKeyMax queries of one analyst while sessions stay free for others', async () => {
    const queue = new FairQueue(['s1', 's2', 's3'], { ...BOUNDS, runningPerKeyMax: 2 });
    const started: string[] = [];
    const a = [gate(started, 'a0'), gate(started, 'a1'), gate(started, 'a2')];
    const aDone = a.map((g) => queue.run('a', g.task));
    await settle();
    expect(started).toEqual(['a0', 'a1']);
    expect([queue.running, queue.queued]).toEqual([2, 1]);
    const b = gate(started, 'b0');
    const bDone = queue.run('b', b.task);
    await settle();
    expect(started).toEqual(['a0', 'a1', 'b0']);
    for (const g of [...a, b]) g.open();
    await Promise.all([...aDone, bDone]);
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2']);
  });

  it('turns a query away at once with 429 for one analyst over its bound and 503 when all wait, with Retry-After', async () => {
    const queue = new FairQueue(['s1'], { ...BOUNDS, queuedPerKeyMax: 2, queuedMax: 3 });
    const started: string[] = [];
    const gates = Array.from({ length: 3 }, (_, i) => gate(started, `a${i}`));
    const aDone = gates.map((g) => queue.run('a', g.task));
    await settle();
    const tooMany = await queue.run('a', async () => 'never').catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(AnalystsBusyError);
    expect(tooMany).toMatchObject({ reason: 'too_many_queries', retryAfterSeconds: 7 });
    const bDone = queue.run('b', async () => 'b');
    const busy = await queue.run('c', async () => 'never').catch((e: unknown) => e);
    expect(busy).toMatchObject({ reason: 'analysts_busy', retryAfterSeconds: 7 });
    for (const g of gates) g.open();
    await Promise.all(aDone);
    expect(await bDone).toBe('b');
  });

  it('ends a wait that lasts longer than waitMsMax with 503, and forgets the query', async () => {
    const queue = new FairQueue(['s1'], { ...BOUNDS, waitMsMax: 100 });
    const started: string[] = [];
    const a = gate(started, 'a0');
    const aDone = queue.run('a', a.task);
    const waited = await queue.run('b', async () => 'never').catch((e: unknown) => e);
    expect(waited).toMatchObject({ reason: 'analysts_busy' });
    expect((waited as Error).message).toMatch(/within 100 ms/);
    expect(queue.queued).toBe(0);
    a.open();
    await aDone;
    expect(await queue.run('b', async (s) => s)).toBe('s1');
  });

  it('gives the session back when a query fails', async () => {
    const queue = new FairQueue(['s1'], BOUNDS);
    await expect(queue.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run('a', async (s) => s)).toBe('s1');
    expect(queue.running).toBe(0);
  });
});
