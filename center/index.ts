export { Accounts, ACCOUNTS_DEFAULTS, bearerToken, feedToken, INVALID_CREDENTIALS } from './auth/accounts.js';
export type { AccountsOptions, Principal, Role, SessionRevocation } from './auth/accounts.js';
export { appendAudit } from './auth/audit.js';
export { LOGIN_THROTTLE_DEFAULTS, LoginThrottle, throttleAddressOf } from './auth/login-throttle.js';
export type { LoginThrottleOptions } from './auth/login-throttle.js';
export {
  PASSWORD_LENGTH_MIN_RANGE,
  PASSWORD_POLICY_DEFAULTS,
  PasswordPolicy,
  PasswordPolicyError,
} from './auth/password-policy.js';
export type { PasswordPolicyOptions } from './auth/password-policy.js';
export { hashPassword, verifyPassword } from './auth/passwords.js';
export { HttpError, Router } from './http/router.js';
export type { Handler, RequestContext } from './http/router.js';
export { listenHttp } from './http/server.js';
export type { HttpNode, HttpServerDeps } from './http/server.js';
export { HTTP_SERVER_DEFAULTS, checkHttpServerOptions } from './http/server-options.js';
export type { HttpServerOptions } from './http/server-options.js';
export type { DescriptorBudget, HttpRefusalReason } from './http/connection-gate.js';
export { API_HEADERS, COMMON_HEADERS, PAGE_CSP } from './http/security-headers.js';
export { FeedHub, FEED_HUB_DEFAULTS, FEED_HUB_GROUPS } from './hub/feed-hub.js';
export { CENTRE_NODE_GROUPS } from './centre-node-groups.js';
export { CentreChangeRelay } from './centre-change-relay.js';
export type { FeedHubDeps, FeedHubOptions } from './hub/feed-hub.js';
export { registerVehicleRoutes } from './vehicles/vehicle-routes.js';
export { registerAttachmentRoutes } from './vehicles/attachment-routes.js';
export type { AlarmAttachment } from './vehicles/attachment-routes.js';
export type { VehicleRouteDeps } from './vehicles/vehicle-routes.js';
export { registerRoutes } from './api/routes.js';
export { registerHealthRoutes } from './api/health-routes.js';
export type { HealthRouteDeps } from './api/health-routes.js';
export { documentRouterRoutes, routeDocumentMismatch } from './api/api-docs.js';
export { analystCallerOf, registerSqlRoutes, SQL_ROLES } from './api/sql-routes.js';
export { CLICKHOUSE_HTTP_PATH, registerClickHouseHttpRoutes } from './api/clickhouse-http-routes.js';
export type { SqlRouteDeps } from './api/sql-routes.js';
export { registerRulesConfigRoutes } from './api/rules-config.js';
export type { RulesConfigRouteDeps } from './api/rules-config.js';
export type { RouteDeps } from './api/routes.js';
export { registerTerminalCommandRoutes } from './api/terminal-commands.js';
export type { TerminalCommand, TerminalCommandDeps, TerminalLink } from './api/terminal-commands.js';
export { REMOTE_TERMINAL_LINK_DEFAULTS, RemoteTerminalLink } from './api/remote-terminal-link.js';
export type { RemoteTerminalLinkOptions } from './api/remote-terminal-link.js';
export { staticFiles } from './api/static-files.js';
export { orgCovers } from './api/scope.js';
export { TerminalStore } from './terminals/terminal-store.js';
export { seedOrgUnits } from './org/org-units.js';
export { OrgDirectory } from './org/org-directory.js';
export { registerIngestRoutes } from './api/ingest-routes.js';
export { registerUploadRoutes, UPLOADER_ROLES } from './api/upload-routes.js';
export { UPLOAD_BYTES_MAX, Uploads } from './uploads/index.js';
export type { IngestRouteDeps } from './api/ingest-routes.js';
export { SourceKeys, SOURCE_KEYS_DEFAULTS } from './sources/source-keys.js';
export type { SourceKeysOptions, SourceKeyView } from './sources/source-keys.js';
export { Jt809Platforms, JT809_PASSWORD_BYTES_MIN, JT809_PLATFORMS_DEFAULTS } from './sources/jt809-platforms.js';
export type { Jt809PlatformsOptions } from './sources/jt809-platforms.js';
export {
  inspectionSlot,
  Jt809Requests,
  JT809_REQUESTS_DEFAULTS,
  SCHEDULED_INSPECTIONS_DEFAULTS,
  ScheduledInspections,
  SCHEDULER_NAME,
  UpperRequests,
  UpwardForwarder,
  vehicleStaticInfoSource,
} from './jt809/index.js';
export type { UpperRequestView } from './jt809/index.js';
export type {
  InspectionView,
  Jt809RequestLink,
  Jt809RequestsDeps,
  Jt809RequestsOptions,
  ScheduledInspectionsOptions,
  ScheduledTick,
  SupervisionView,
} from './jt809/index.js';
export { CenterConfig } from './config/center-config.js';
export { RegistryStore } from './registry/registry-store.js';
export { registeredVehicle, vehicleClassOf, vehicleEnterpriseOf } from './registry/vehicle-facts.js';
export { startCommandCentre, SUPERVISION_INTERVAL_MS_DEFAULT } from './command-centre.js';
export { CentreBusesReader, CENTRE_BUSES_DEFAULTS } from './summary/centre-buses.js';
export type { CentreBuses, CentreBusesOptions } from './summary/centre-buses.js';
export { recentAlarmsFromClickHouse } from './alarms/alarm-intake.js';
export type { CommandCentre, CommandCentreDeps } from './command-centre.js';
export { registerVideoRoutes, mayWatchVideo, VIDEO_ROLES } from './video/video-routes.js';
export type { VideoRouteDeps } from './video/video-routes.js';
export { VideoSockets } from './video/video-sockets.js';
export type { VideoSocketsDeps } from './video/video-sockets.js';
export { VideoTickets, VIDEO_TICKETS_DEFAULTS } from './video/video-tickets.js';
export {
  checkProvince,
  keepProvinceOfDataDir,
  loadProvince,
  PROVINCE_DEFAULT,
  PROVINCE_FILE_NAME,
  PROVINCE_KEPT_FILE_NAME,
  ProvinceConfigError,
} from './config/province-config.js';
export type { Province, ProvinceSetting } from './config/province-config.js';
export {
  checkDocumentScheduleOptions,
  DOCUMENT_SCHEDULE_BOUNDS,
  DOCUMENT_SCHEDULE_DEFAULTS,
  DocumentScheduleConfigError,
  documentList,
  SCHEDULED_CIRCULAR_LEVELS,
  SCHEDULED_DOCUMENTS,
} from './reports/index.js';
export type { DocumentScheduleOptions } from './reports/index.js';
