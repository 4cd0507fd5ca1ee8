/**
 * Stream workers of a cluster: one runs the rules, the others stand by. The one that runs them holds a PostgreSQL
 * advisory lock (lock-leadership.ts) and keeps its snapshot in the server (`rules_snapshot_parts`); when it dies, even by
 * SIGKILL, the server drops the lock with its connection, a standby takes the lock, restores the last snapshot and
 * re-evaluates from Kafka what it does not cover, sending none of the alarm versions already sent, exactly as a
 * restarted node does. A worker whose lock connection fails stops the rules and halts: its engine state ran on past
 * the snapshot the next holder restores, so it must be restarted (readiness says `lock_lost`) to stand by again.
 */
import type { RulesRunner } from '../../stream/index.js';
import { leadUnderLock } from './lock-leadership.js';
import type { Observe } from './stores.js';

/** Arbitrary but fixed, distinct from the migrations' lock: whoever holds it runs the cluster's rules. */
export const RULES_LOCK_KEY = 0x7669_7275;
/** How often a standby asks for the lock. */
export const RULES_STANDBY_POLL_MS = 1_000;
/** The name of the snapshot the cluster's rules keep in `rules_snapshot_parts` (and read once from `rules_snapshots`). */
export const RULES_SNAPSHOT_NAME = 'rules';

const READINESS_PART = 'rules';

export async function leadRules(
  runner: RulesRunner,
  postgresUrl: string,
  { logger, metrics, readiness }: Observe,
): Promise<{ close(): Promise<void> }> {
  const active = metrics.gauge('vigil_rules_active', '1 while this stream worker runs the rules, 0 on standby');
  active.set(undefined, 0);
  const leadership = await leadUnderLock(
    {
      start: async () => {
        await runner.start();
        active.set(undefined, 1);
      },
      stop: async () => {
        active.set(undefined, 0);
        await runner.stop();
      },
    },
    {
      postgresUrl,
      key: RULES_LOCK_KEY,
      pollMs: RULES_STANDBY_POLL_MS,
      onLockLost: 'halt',
      logger,
      says: {
        taken: 'this stream worker runs the rules',
        standingBy: 'another stream worker runs the rules; standing by to take them over',
        lost: 'lost the rules lock; this stream worker stopped running the rules: restart it',
        askFailed: 'taking the rules over failed; trying again',
      },
      halted: () => {
        active.set(undefined, 0);
        readiness.fail(READINESS_PART, 'lock_lost', 'the rules lock was lost; restart this stream worker');
      },
    },
  );
  return { close: () => leadership.close() };
}
