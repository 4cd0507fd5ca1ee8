/** The replay guard's memory: pending writes shared, durable positions in a bounded ring, terminals bounded. */
import { describe, expect, it } from 'vitest';
import { DURABLE, RecentFixes, TerminalFixes } from './recent-fixes.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TerminalFixes', () => {
  it('hands a retransmission the pending write, then answers DURABLE once it is done', async () => {
    const fixes = new TerminalFixes(4);
    const write = deferred();
    fixes.remember([1000, 2000], [11, 22], write.promise);
    expect(fixes.find(1000, 11)).toBe(write.promise);
    expect(fixes.find(1000, 12)).toBeUndefined();
    write.resolve();
    await write.promise;
    await Promise.resolve();
    expect(fixes.find(1000, 11)).toBe(DURABLE);
    expect(fixes.find(2000, 22)).toBe(DURABLE);
  });

  it('forgets a failed write, so that the retransmission is written', async () => {
    const fixes = new TerminalFixes(4);
    const write = deferred();
    fixes.remember([1000], [11], write.promise);
    write.reject(new Error('sink down'));
    await write.promise.catch(() => undefined);
    await Promise.resolve();
    expect(fixes.find(1000, 11)).toBeUndefined();
  });

  it('keeps the last fixesMax durable positions', async () => {
    const fixes = new TerminalFixes(3);
    for (let i = 1; i <= 5; i++) {
      const done = Promise.resolve();
      fixes.remember([i], [i], done);
      await done;
    }
    await Promise.resolve();
    expect([1, 2, 3, 4, 5].map((i) => fixes.find(i, i))).toEqual([undefined, undefined, DURABLE, DURABLE, DURABLE]);
  });
});

describe('RecentFixes', () => {
  it('returns the same memory for a terminal and forgets the least recently attached beyond the bound', () => {
    const recent = new RecentFixes(4, 2);
    const a = recent.of('A');
    recent.of('B');
    expect(recent.of('A')).toBe(a);
    recent.of('C');
    expect(recent.size).toBe(2);
    expect(recent.of('A')).toBe(a);
    expect(recent.of('B')).not.toBe(undefined);
    expect(recent.size).toBe(2);
  });
});
