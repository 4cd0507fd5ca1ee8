/**
 * The consumer groups whose records every centre node of a cluster must read itself: what its feed, its wall and
 * its console show (alarms and positions on `/ws`, the vehicles heard lately), and the alarm intake that pushes the
 * desk's changes to that node's console. Under one shared group the topic's partitions would be split between
 * the nodes and each would show a part. The alarm intake stays idempotent in a shared PostgreSQL (a version taken by
 * two nodes is one case; see AlarmDesk.ingest).
 */
import { ALARM_INTAKE_DEFAULTS } from './alarms/alarm-intake.js';
import { FEED_HUB_GROUPS } from './hub/feed-hub.js';
import { ONLINE_VEHICLES_GROUP } from './summary/online-vehicles.js';

export const CENTRE_NODE_GROUPS: readonly string[] = [
  FEED_HUB_GROUPS.positions,
  FEED_HUB_GROUPS.alarms,
  ONLINE_VEHICLES_GROUP,
  ALARM_INTAKE_DEFAULTS.groupId,
];
