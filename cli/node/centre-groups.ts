/**
 * Which consumer groups a centre node of a cluster reads under a name of its own (`feed-alarms.hall-a`) and which
 * it shares with the other centres:
 * - its own: what its feed, wall and console show (CENTRE_NODE_GROUPS), and the ClickHouse sinks when its store is
 *   its own (chDB under its data dir): that store needs every row;
 * - shared: the sinks into a ClickHouse server (`--clickhouse-url`) all centres write, so each row is inserted once
 *   (the shared group splits the partitions, the deduplication tokens cover a batch read again after a crash), and
 *   the JT/T 809 upward forwarder, which runs on one centre at a time and resumes where the last one committed.
 * Only a centre of its own on Kafka renames anything: the whole node is alone, and the in-process log's durable
 * groups are the sinks' names.
 */
import { CENTRE_NODE_GROUPS } from '../../center/index.js';
import { RenamedGroupsLog, type EventLog } from '../../stream/index.js';
import { SINK_GROUPS } from './stores.js';

export function centreNodeLog(
  log: EventLog,
  nodeId: string,
  { analyticsShared }: { analyticsShared: boolean },
): EventLog {
  const own = new Set<string>(CENTRE_NODE_GROUPS);
  if (!analyticsShared) for (const group of Object.values(SINK_GROUPS)) own.add(group);
  return new RenamedGroupsLog(log, (group) => (own.has(group) ? `${group}.${nodeId}` : group));
}
