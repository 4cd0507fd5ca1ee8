export { NodeParts, NodeStartError, NodeStopError } from './node-parts.js';
export type { Started } from './node-parts.js';
export type { NodeConfig, RunningNode, RunningRole } from './node-config.js';
export { checkRoleConfig, NODE_ROLES, partsOf, RoleConfigError } from './roles.js';
export type { NodeRole, RoleParts } from './roles.js';
export {
  MEMORY_LOG_BACKLOG_PER_PARTITION_MAX,
  SINK_GROUPS,
  startAnalytics,
  startEventLog,
  startOperationalStore,
  startStorageHealth,
} from './stores.js';
export type { Observe } from './stores.js';
export { startDirectory } from './directory.js';
export type { Directory } from './directory.js';
export { FEED_RECENT_ALARMS_HOURS, startCentre, startFeedHub, startRules, startSinks } from './pipeline.js';
export {
  MEDIA_DIR_NAME,
  startAttachmentServer,
  startJt808Gateway,
  startJt809,
  startJt809Upward,
  startVideo,
} from './listeners.js';
export type { Jt809, Video } from './listeners.js';
export { INGEST_BURST_SECONDS, REQUEST_BODY_BYTES_MAX, startHttp, startHttpIngest, WALL_DIST } from './http.js';
export { startDownlinkRelay, startRemoteTerminals } from './downlink.js';
export { NODE_ID_FILE, NODE_ID_LENGTH_MAX, NodeIdError, nodeIdProblem, resolveNodeId } from './node-identity.js';
export { CLUSTER_JOBS_LOCK_KEY, leadClusterJobs } from './cluster-jobs.js';
export type { ClusterJobs, ClusterJobsStatus } from './cluster-jobs.js';
export { centreNodeLog } from './centre-groups.js';
