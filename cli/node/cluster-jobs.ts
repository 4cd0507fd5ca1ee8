/**
 * Centre nodes of a cluster: every one serves the API, the feed and the wall, but the periodic jobs that act for
 * the whole province run on one of them at a time: the daily credit run, the supervision pass (escalations, 查岗
 * past their deadline), the PostgreSQL → ClickHouse mirror, the assessment rollups on a shared ClickHouse, the weekly
 * and monthly documents archived on schedule, the JT/T 809 upward link to the ministry's platform and the
 * GTFS-Realtime poll. The node running them holds a PostgreSQL advisory lock (lock-leadership.ts) on a connection
 * named after it; the others ask for the lock every second and take the jobs over when the holder dies. A holder
 * whose lock connection fails stops the jobs and stands by again: the jobs restart from what is stored.
 */
import type { Sql } from '../../store/index.js';
import { leadUnderLock } from './lock-leadership.js';
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
  const leadership = await leadUnderLock(
    {
      start: async () => {
        try {
          jobs.start();
        } catch (error) {
          await jobs.stop().catch(() => undefined);
          throw error;
        }
      },
      stop: () => jobs.stop(),
    },
    {
      postgresUrl: deps.postgresUrl,
      key: CLUSTER_JOBS_LOCK_KEY,
      pollMs: CLUSTER_JOBS_POLL_MS,
      onLockLost: 'stand-by',
      naming: { prefix: APPLICATION_PREFIX, nodeId: deps.nodeId, sql: deps.sql },
      logger,
      says: {
        taken: "this centre node runs the cluster's periodic jobs",
        standingBy: "another centre node runs the cluster's periodic jobs; standing by",
        lost: "lost the cluster jobs' lock; stopped the jobs here and standing by",
        askFailed: "asking for the cluster jobs' lock failed; trying again",
      },
    },
  );
  const status = (): ClusterJobsStatus => ({ node: deps.nodeId, ...leadership.status() });

  const holdersSeen = new Set<string>();
  metrics.onCollect(() => {
    const { held, holder: current } = status();
    metrics
      .gauge('vigil_cluster_jobs_active', "1 while this centre node runs the cluster's periodic jobs, 0 on standby")
      .set(undefined, held ? 1 : 0);
    // One series per node seen holding the lock, 1 for the one holding it now.
    const holder = metrics.gauge(
      'vigil_cluster_jobs_holder',
      "The centre node running the cluster's periodic jobs, as this node last saw it (1), nodes that ran them before (0)",
      ['node'],
    );
    if (current !== null) holdersSeen.add(current);
    for (const node of holdersSeen) holder.set({ node }, node === current ? 1 : 0);
  });

  return { status, close: () => leadership.close() };
}
