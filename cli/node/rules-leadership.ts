/**
 * Stream workers of a cluster: one runs the rules, the others stand by. The one that runs them holds a PostgreSQL
 * advisory lock and keeps its snapshot in the server (`rules_snapshots`); when it dies, even by SIGKILL, the server
 * drops the lock with its connection, a standby takes the lock, restores the last snapshot and re-evaluates from
 * Kafka what it does not cover, sending none of the alarm versions already sent, exactly as a restarted node does.
 */
import { tryAdvisoryLock, type HeldLock } from '../../store/index.js';
import type { RulesRunner } from '../../stream/index.js';
import type { Observe } from './stores.js';

/** Arbitrary but fixed, distinct from the migrations' lock: whoever holds it runs the cluster's rules. */
export const RULES_LOCK_KEY = 0x7669_7275;
/** How often a standby asks for the lock. */
export const RULES_STANDBY_POLL_MS = 1_000;
/** The row of `rules_snapshots` the cluster's rules keep their snapshot in. */
export const RULES_SNAPSHOT_NAME = 'rules';

const READINESS_PART = 'rules';

export async function leadRules(
  runner: RulesRunner,
  postgresUrl: string,
  { logger, metrics, readiness }: Observe,
): Promise<{ close(): Promise<void> }> {
  const active = metrics.gauge('vigil_rules_active', '1 while this stream worker runs the rules, 0 on standby');
  active.set(undefined, 0);
  let lock: HeldLock | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  const take = async (): Promise<boolean> => {
    const held = await tryAdvisoryLock(postgresUrl, RULES_LOCK_KEY);
    if (held === undefined) return false;
    if (stopped) {
      await held.release();
      return false;
    }
    try {
      await runner.start();
    } catch (error) {
      await held.release();
      throw error;
    }
    lock = held;
    active.set(undefined, 1);
    logger.info('this stream worker runs the rules');
    void held.lost.then(async (error) => {
      if (stopped) return;
      // Another worker may take the lock now: this one must not send alarms beside it.
      active.set(undefined, 0);
      readiness.fail(READINESS_PART, 'lock_lost', 'the rules lock was lost; restart this stream worker');
      logger.error('lost the rules lock; this stream worker stopped running the rules: restart it', {
        error: String(error),
      });
      lock = undefined;
      await runner.stop().catch(() => undefined);
    });
    return true;
  };

  if (!(await take())) {
    logger.info('another stream worker runs the rules; standing by to take them over');
    const poll = async (): Promise<void> => {
      try {
        if (await take()) return;
      } catch (error) {
        logger.error('taking the rules over failed; trying again', { error: String(error) });
      }
      if (!stopped) timer = setTimeout(() => (polling = poll()), RULES_STANDBY_POLL_MS);
    };
    timer = setTimeout(() => (polling = poll()), RULES_STANDBY_POLL_MS);
  }

  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await polling;
      if (lock === undefined) return;
      // The last snapshot is written while the lock is still held, so the next worker starts from it.
      await runner.stop();
      await lock.release();
      lock = undefined;
    },
  };
}
