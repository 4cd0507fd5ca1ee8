/**
 * Health of the node for load balancers, orchestrators and monitoring, unauthenticated:
 *   GET /api/health/live   → 200 {"status":"alive"} whenever the process answers (restart it when this fails)
 *   GET /api/health/ready  → 200 {"status":"ready"}, or 503 {"status":"not_ready","failing":[{part,reason,since}]}
 *                            while a part cannot do its work: starting or stopping, a sink whose inserts fail,
 *                            the operational store not answering, the disk below its bound, the event log's
 *                            queues full (send no traffic here while it fails)
 *   GET /api/health        → readiness with the body older clients expect: 200 {"status":"ok"}, or 503 as above
 * Each answer also names the node (`node`) and, on a centre node of a cluster, which node runs the cluster's
 * periodic jobs (`cluster_jobs: {node, held, holder}`): what a load balancer or an operator checks after a failover.
 * Only fixed codes leave the node here: the error texts behind them go to the log and /metrics, never to an
 * unauthenticated caller.
 */
import type { Readiness } from '../../schema/index.js';
import type { HandlerResult, Router } from '../http/router.js';

export interface HealthRouteDeps {
  readiness: Readiness;
  /** Operator-given names added to every answer (the node's id, who runs the cluster's jobs). */
  about?: () => Record<string, unknown>;
}

const NO_STORE = { 'cache-control': 'no-store' };

export function registerHealthRoutes(router: Router, deps: HealthRouteDeps): void {
  const readiness = (readyStatus: string): HandlerResult => {
    const problems = deps.readiness.problems();
    const about = deps.about?.() ?? {};
    if (problems.length === 0) return { body: { status: readyStatus, ...about }, headers: NO_STORE };
    return {
      status: 503,
      headers: NO_STORE,
      body: {
        status: 'not_ready',
        failing: problems.map((p) => ({ part: p.part, reason: p.reason, since: new Date(p.sinceMs).toISOString() })),
        ...about,
      },
    };
  };
  router.add('GET', '/api/health/live', () => ({ body: { status: 'alive' }, headers: NO_STORE }));
  router.add('GET', '/api/health/ready', () => readiness('ready'));
  router.add('GET', '/api/health', () => readiness('ok'));
}
