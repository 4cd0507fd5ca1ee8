/**
 * What each role of a Vigil process runs. One process of role `all` is the whole node (the embedded default);
 * on Kafka the node splits into gateways (terminal sessions and HTTP ingestion: where data enters), stream workers
 * (the rules: one runs them, the others stand by to take them over) and the centre (API, feed, wall and the ClickHouse
 * sinks). The roles share nothing but the event log and the PostgreSQL server, so every role but `all` needs
 * both, and each refuses to start without them.
 */

export const NODE_ROLES = ['all', 'gateway', 'stream', 'center'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** The groups of steps a role runs. */
export interface RoleParts {
  /** JT/T 808 gateway, JT/T 1078 media server, attachment server, JT/T 809 main link, HTTP ingestion. */
  gateways: boolean;
  /** The rules engine. */
  rules: boolean;
  /** ClickHouse sinks, feed hub, command centres, the JT/T 809 upward link, the wall and the analysts' SQL. */
  centre: boolean;
}

export function partsOf(role: NodeRole): RoleParts {
  return {
    gateways: role === 'all' || role === 'gateway',
    rules: role === 'all' || role === 'stream',
    centre: role === 'all' || role === 'center',
  };
}

/** A role's configuration cannot work: named with the flag at fault and why. */
export class RoleConfigError extends Error {
  override readonly name = 'RoleConfigError';
}

/**
 * Refuses a role that cannot run as configured: separate processes see one another's data only through Kafka and
 * a PostgreSQL server (accounts, terminals, the vehicle registry); a process-local log or PGlite would split the
 * province into islands that each look healthy.
 */
export function checkRoleConfig(
  role: NodeRole,
  config: { kafka?: unknown; postgresUrl?: string; jt809Upward?: unknown; gtfsRtUrl?: string },
): void {
  if (role === 'all') return;
  if (config.kafka === undefined)
    throw new RoleConfigError(
      `--role ${role} needs --kafka-brokers: processes of separate roles pass events to each other only through Kafka`,
    );
  if (config.postgresUrl === undefined)
    throw new RoleConfigError(
      `--role ${role} needs --postgres-url: processes of separate roles share accounts, terminals and the vehicle registry through one PostgreSQL server`,
    );
  if (config.jt809Upward !== undefined && role !== 'center')
    throw new RoleConfigError(
      `--jt809-upward is served by the center role (it reports what the centre sees), not by --role ${role}`,
    );
  // One poll per cluster: every poller would fetch the operator's feed and send each entity to Kafka again.
  if (config.gtfsRtUrl !== undefined && role !== 'center')
    throw new RoleConfigError(
      `--gtfs-rt-url is polled by the center node running the cluster's jobs (once per cluster), not by --role ${role}`,
    );
}
