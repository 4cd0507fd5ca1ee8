/**
 * Work that one process of a cluster runs at a time, under a PostgreSQL advisory lock held on a connection of its
 * own: the cluster's periodic jobs on one centre node (cluster-jobs.ts), the rules on one stream worker
 * (rules-leadership.ts). A process that cannot take the lock asks again every `pollMs`; the server drops the lock
 * with its holder's connection (SIGKILL included), so a standby takes the work over within a poll.
 *
 * The one place the users differ is what a holder does when its lock connection fails (`onLockLost`): it stops
 * the work at once either way, since another process may take the lock now, but then
 * - `stand-by`: asks for the lock again like any standby (the centre's jobs: they restart from what is stored);
 * - `halt`: stops asking and reports it (the rules: their in-memory state went on past the snapshot the next
 *   holder restores, so the process must be restarted to come back as a standby).
 *
 * The first ask is part of start-up: a work that fails to start there fails start-up; later failures are logged
 * and asked again.
 */
import { lockHolder, tryAdvisoryLock, type HeldLock, type Sql } from '../../store/index.js';
import type { Logger } from '../../schema/index.js';

/**
 * What runs while the lock is held: started when it is taken, stopped when it is lost or given up. A `start` that
 * throws has left nothing running.
 */
export interface LockedWork {
  start(): void | Promise<void>;
  stop(): Promise<void>;
}

export type OnLockLost = 'stand-by' | 'halt';

export interface LockLeadershipOptions {
  postgresUrl: string;
  key: number;
  pollMs: number;
  onLockLost: OnLockLost;
  /**
   * The lock connection's application name, `prefix` and the node id, and the connection the holder is looked up
   * on at every poll: how every node names the holder. Without it the holder is not looked up.
   */
  naming?: { prefix: string; nodeId: string; sql: Sql };
  logger: Logger;
  /** Log lines, in the words of what the work is. */
  says: { taken: string; standingBy: string; lost: string; askFailed: string };
  /** Called when a `halt` holder lost its lock (readiness reports it). */
  halted?(error: Error): void;
}

export interface LockLeadershipStatus {
  /** Whether this process runs the work now. */
  held: boolean;
  /** The node holding the lock, as last seen (null while none does, before the first look, or without `naming`). */
  holder: string | null;
}

export interface LockLeadership {
  status(): LockLeadershipStatus;
  /** Stops asking; a holder stops the work (its last pass finishes) before the lock goes, so no two overlap. */
  close(): Promise<void>;
}

const LOST_HOLDER_WAIT_POLLS = 3;

export async function leadUnderLock(work: LockedWork, options: LockLeadershipOptions): Promise<LockLeadership> {
  const { logger, says, naming } = options;
  const state: LockLeadershipStatus = { held: false, holder: null };
  let lock: HeldLock | undefined;
  let stopped = false;
  let halted = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  const applicationName = naming && `${naming.prefix}${naming.nodeId}`;

  const lost = async (held: HeldLock, error: Error): Promise<void> => {
    if (stopped || lock !== held) return;
    // Another process may take the lock now: the work must not run here beside it.
    lock = undefined;
    state.held = false;
    state.holder = null;
    if (options.onLockLost === 'halt') {
      halted = true;
      options.halted?.(error);
    }
    logger.error(says.lost, { error: String(error) });
    await work.stop().catch(() => undefined);
    // A process whose lock connection just failed is the least likely to keep it: it waits three polls before it
    // asks again, so that a standby, which asks every poll, takes the work first.
    if (!halted) schedule(options.pollMs * LOST_HOLDER_WAIT_POLLS);
  };

  const take = async (): Promise<boolean> => {
    const held = await tryAdvisoryLock(options.postgresUrl, options.key, applicationName);
    if (held === undefined) return false;
    if (stopped) {
      await held.release();
      return false;
    }
    try {
      await work.start();
    } catch (error) {
      // Not stopped here: a work that failed to start cleans up itself (the rules must not write a snapshot over
      // one they failed to restore).
      await held.release();
      throw error;
    }
    lock = held;
    state.held = true;
    state.holder = naming?.nodeId ?? null;
    logger.info(says.taken, naming ? { node: naming.nodeId } : {});
    void held.lost.then((error) => lost(held, error));
    return true;
  };

  const lookUpHolder = async (): Promise<void> => {
    if (!naming) return;
    const holder = await lockHolder(naming.sql, options.key);
    state.holder = holder?.startsWith(naming.prefix) ? holder.slice(naming.prefix.length) : null;
  };

  const poll = async (): Promise<void> => {
    try {
      if (await take()) return;
      await lookUpHolder();
    } catch (error) {
      logger.error(says.askFailed, { error: String(error) });
    }
    schedule();
  };
  const schedule = (delayMs = options.pollMs): void => {
    if (!stopped && !halted) timer = setTimeout(() => (polling = poll()), delayMs);
  };

  if (!(await take())) {
    await lookUpHolder().catch(() => undefined);
    logger.info(says.standingBy, naming ? { node: naming.nodeId, holder: state.holder } : {});
    schedule();
  }

  return {
    status: () => ({ ...state }),
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await polling;
      const held = lock;
      lock = undefined;
      if (held === undefined) return;
      state.held = false;
      // The work finishes (the rules write their last snapshot) while the lock is still held, so the next holder
      // starts from it and never beside it.
      await work.stop();
      await held.release();
    },
  };
}
