/**
 * Centre nodes of a cluster: every one serves the API, the feed and the wall, but the periodic jobs that act for
 * the whole province run on one of them at a time: the daily credit run, the supervision pass (escalations, 查岗
 * past their deadline), the PostgreSQL → ClickHouse mirror, the assessment rollups on a shared ClickHouse, the weekly
 * and monthly documents archived on schedule, and the JT/T 809 upward link to the ministry's platform. The node
 * running them holds a PostgreSQL advisory lock on a connection named after it; the others ask for the lock every
 * second and take the jobs over when the holder dies (the server drops its lock with its connection, SIGKILL
 * included). A holder whose lock connection fails stops the jobs and stands by again.
 */
import { lockHolder, tryAdvisoryLock, type HeldLock, type Sql } from '../../store/index.js';
import type { Observe } from './stores.js';

/** Arbitrary but fixed, distinct from the migrations' and the rules' locks. */
export const CLUSTER_JOBS_LOCK_KEY = 0x7669_6a62;
/** How often a standby asks for the lock (and looks up who holds it). */
export const CLUSTER_JOBS_POLL_MS = 1_000;
/** The lock connection's application name is this prefix and the node id: how every node names the holder. */
const APPLICATION_PREFIX = 'vigil-jobs:';

/** What the jobs are to the node: started when it takes the lock, stopped when it loses or gives it up. */
export interface ClusterJobs {
  /** Starts the jobs' timers and loops; what they do runs after it returns. */
  start(): void;
  stop(): Promise<void>;
}

/** Who runs the cluster's jobs, as /api/health and /metrics tell it. */
export interface ClusterJobsStatus {
  /** This node. */
  node: string;
  /** Whether this node runs the jobs now. */
  held: boolean;
  /** The node holding the lock, as last seen (null while none does, or before the first look). */
  holder: string | null;
}

export async function leadClusterJobs(
  jobs: ClusterJobs,
  deps: { postgresUrl: string; sql: Sql; nodeId: string },
  { logger, metrics }: Observe,
): Promise<{ status(): ClusterJobsStatus; close(): Promise<void> }> {
  const state: ClusterJobsStatus = { node: deps.nodeId, held: false, holder: null };
  const holdersSeen = new Set<string>();
  metrics.onCollect(() => {
    metrics
      .gauge('vigil_cluster_jobs_active', "1 while this centre node runs the cluster's periodic jobs, 0 on standby")
      .set(undefined, state.held ? 1 : 0);
    // One series per node seen holding the lock, 1 for the one holding it now.
    const holder = metrics.gauge(
      'vigil_cluster_jobs_holder',
      "The centre node running the cluster's periodic jobs, as this node last saw it (1), nodes that ran them before (0)",
      ['node'],
    );
    if (state.holder !== null) holdersSeen.add(state.holder);
    for (const node of holdersSeen) holder.set({ node }, node === state.holder ? 1 : 0);
  });

  let lock: HeldLock | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();

  const take = async (): Promise<boolean> => {
    const held = await tryAdvisoryLock(deps.postgresUrl, CLUSTER_JOBS_LOCK_KEY, `${APPLICATION_PREFIX}${deps.nodeId}`);
    if (held === undefined) return false;
    if (stopped) {
      await held.release();
      return false;
    }
    try {
      jobs.start();
    } catch (error) {
      await jobs.stop().catch(() => undefined);
      await held.release();
      throw error;
    }
    lock = held;
    state.held = true;
    state.holder = deps.nodeId;
    logger.info("this centre node runs the cluster's periodic jobs", { node: deps.nodeId });
    void held.lost.then(async (error) => {
      if (stopped || lock !== held) return;
      // Another node may take the lock now: the jobs must not run here beside it.
      lock = undefined;
      state.held = false;
      state.holder = null;
      logger.error("lost the cluster jobs' lock; stopped the jobs here and standing by", { error: String(error) });
      await jobs.stop().catch(() => undefined);
      schedule();
    });
    return true;
  };

  const poll = async (): Promise<void> => {
    try {
      if (await take()) return;
      const holder = await lockHolder(deps.sql, CLUSTER_JOBS_LOCK_KEY);
      state.holder = holder?.startsWith(APPLICATION_PREFIX) ? holder.slice(APPLICATION_PREFIX.length) : null;
    } catch (error) {
      logger.error("asking for the cluster jobs' lock failed; trying again", { error: String(error) });
    }
    schedule();
  };
  const schedule = (): void => {
    if (!stopped) timer = setTimeout(() => (polling = poll()), CLUSTER_JOBS_POLL_MS);
  };

  // The first ask is part of start-up: a node that can take the lock runs the jobs once it is up.
  await poll();
  if (!state.held) logger.info("another centre node runs the cluster's periodic jobs; standing by", { ...state });

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
      // The jobs finish their pass before the lock goes, so the next holder does not start one beside it.
      await jobs.stop();
      await held.release();
    },
  };
}
