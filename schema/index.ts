export { checkRecord, column, clickhouseTypeOf, SHANGHAI_TIMEZONE } from './columns.js';
export type { ColumnKind, ColumnSpec, ColumnsSpec, FieldProblem, RowOf } from './columns.js';
export {
  ALARM_ACTIONS,
  ALARMS,
  ANALYTICS_TABLES,
  CAMERA_EVENTS,
  DEVICE_STATUS,
  DRIVER_EVENTS,
  INGEST_REJECTS,
  MEDIA_EVENTS,
  TELEMETRY,
  WORK_ORDER_EVENTS,
  ORG_UNITS,
  ENTERPRISES,
  VEHICLES,
} from './tables.js';
export { ASSESSMENT_ROLLUP_DAYS, ASSESSMENT_VEHICLE_DAYS } from './assessment-tables.js';
export type { AssessmentRollupDayRow, AssessmentVehicleDayRow } from './assessment-tables.js';
export { RAIL_FLOWS, TOLL_TRANSACTIONS, TRAFFIC_COUNTS } from './flow-tables.js';
export type { RailFlowRow, TollTransactionRow, TrafficCountRow } from './flow-tables.js';
export { VESSEL_POSITIONS, VESSEL_VOYAGES } from './vessel-tables.js';
export { MARKET_REGISTRATIONS, ORDER_EVENTS, TAXI_ORDER_EVENTS, TAXI_PERMITS, TAXI_POSITIONS } from './taxi-tables.js';
export type {
  MarketRegistrationRow,
  OrderEventName,
  TaxiOrderEventRow,
  TaxiPermitRow,
  TaxiPositionRow,
} from './taxi-tables.js';
export { BUS_POSITIONS, BUS_STOP_DELAYS, GTFS_ROUTES, GTFS_STOPS, GTFS_TRIPS } from './bus-tables.js';
export type { BusPositionRow, BusStopDelayRow, GtfsRouteRow, GtfsStopRow, GtfsTripRow } from './bus-tables.js';
export type { VesselPositionRow, VesselVoyageRow } from './vessel-tables.js';
export type {
  AlarmActionRow,
  AlarmRow,
  CameraEventRow,
  DeviceStatusRow,
  DriverEventRow,
  IngestRejectRow,
  MediaEventRow,
  TableSpec,
  TelemetryRow,
  WorkOrderEventRow,
  OrgUnitRow,
  EnterpriseRow,
  VehicleRow,
} from './tables.js';
export { clickHouseInstant, columnDefinition, createTableStatement, quoteIdentifier, quoteString } from './ddl.js';
export {
  CLUSTER_NAME_PATTERN,
  LOCAL_TABLE_SUFFIX,
  SINGLE_LAYOUT,
  clusterNameProblem,
  physicalTablesOf,
  replicatedEngine,
  shardingKeyOf,
  viewStatementIn,
} from './cluster-ddl.js';
export type { DdlLayout, PhysicalTable } from './cluster-ddl.js';
export { BAD_PLATE_REASON, PLATE_CHARACTERS_MAX, PLATE_PATTERN, plateProblem } from './plates.js';
export { TOO_OLD_FOR_RETENTION_REASON, retentionProblem, ttlExpression } from './retention.js';
export type { Retention } from './retention.js';
export { TSV_INSERT_SETTINGS, tsvEncoderFor } from './tsv-rows.js';
export type { TsvRowEncoder } from './tsv-rows.js';
export { FEED_PROTOCOL_VERSION } from './feed.js';
export type {
  FeedAlarm,
  FeedAlarmCase,
  FeedClientMessage,
  FeedServerMessage,
  FeedToday,
  FeedVehicle,
  FeedVehicleEntry,
  FeedWorkOrder,
} from './feed.js';
export type {
  CentreSummary,
  CentreFlows,
  CentreTrends,
  HubFlow,
  RoadFlow,
  SummaryDepartment,
  SummaryFigures,
  SummaryUnit,
  TrendDay,
  TrendPeriod,
  TollStationFlow,
  VesselMark,
  BusMark,
  TaxiMark,
  BusRouteIndicator,
} from './summary.js';
export { ASSESSMENT_INDICATOR_IDS } from './assessment.js';
export { CREDIT_WARNING_RULES } from './credit.js';
export type { UploadAnswer, UploadDetail, UploadError, UploadSummary } from './uploads.js';
export type {
  CreditGrade,
  CreditModel,
  CreditWarningRule,
  DriverCredit,
  DriverCreditAnswer,
  EnterpriseCredit,
  EnterpriseRegistration,
  EnterpriseCreditAnswer,
  EnterpriseCreditFacts,
  EnterpriseCreditHistory,
  PlatformInspectionSchedule,
} from './credit.js';
export { ALARM_NUMBER_PATTERN, alarmAttachmentNumber } from './alarm-attachments.js';
export type { AttachmentIdentification } from './alarm-attachments.js';
export type {
  AssessmentFigure,
  AssessmentFigures,
  AssessmentIndicator,
  AssessmentIndicatorId,
  AssessmentItem,
  AssessmentItems,
  AssessmentPeriod,
  AssessmentReport,
  AssessmentUnit,
} from './assessment.js';
export type {
  AssessmentRanking,
  AssessmentScoringRules,
  CircularFormat,
  DocumentScheduleKind,
  CircularRecord,
  ListEntry,
  ListKind,
  ListReason,
  ScoreContribution,
  ScoredUnit,
} from './assessment-scores.js';
export type {
  AlarmCounts,
  AlarmHandlingAction,
  AlarmListAnswer,
  AlarmQueueRow,
  ConsoleAbilities,
  WorkOrderAction,
  WorkOrderAttachmentRef,
  WorkOrderDetail,
  WorkOrderListAnswer,
  WorkOrderListRow,
  WorkOrderTimelineEvent,
  TrackAlarm,
  TrackDriver,
  TrackAnswer,
  TrackStop,
  TrackTrip,
  VehicleMedia,
  VehicleSearchRow,
} from './handling.js';
export type { DutyInspectionRate, DutyInspectionView, DutyPostStatus, ShiftView } from './duty.js';
export type { Jt809InspectionView, Jt809SupervisionView } from './jt809-requests.js';
export { RULE_NAMES, ruleNameIn, ruleNameZh } from './rule-names.js';
export { INGEST_KINDS, isIngestKind, UPLOAD_KINDS, type IngestKind } from './source-kinds.js';
export type { RuleName } from './rule-names.js';
export {
  decodePositionsFrame,
  encodePositionsFrame,
  positionsFrameBytes,
  FLAG_ALARMING,
  type PositionColumns,
  type PositionFix,
} from './feed-frame.js';
export {
  decodeVehicleTableFrame,
  encodeVehicleTableFrame,
  VEHICLE_TABLE_FRAME_KIND,
  type VehicleTableEntry,
} from './feed-table-frame.js';
export {
  Counter,
  Gauge,
  Histogram,
  MetricConflictError,
  Metrics,
  createLogger,
  silentLogger,
} from './observability.js';
export { addProcessMetrics } from './process-metrics.js';
export { JSON_DEPTH_MAX, JSON_PROBLEM_DETAIL, jsonProblem } from './json-bounds.js';
export type { JsonProblem } from './json-bounds.js';
export type { Logger, LogLevel } from './observability.js';
export { Readiness } from './readiness.js';
export type { ReadinessProblem } from './readiness.js';
export { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
export type { PostgresMigration } from './postgres-migrations.js';
export {
  childrenOf,
  cityOfPlate,
  countyAt,
  countyAtByScan,
  divisionByCode,
  divisions,
  isWithin,
  parentChain,
  provinceBox,
  provinceCode,
  provinceGeo,
  provinceGeoServed,
  useProvinceReference,
} from './reference/divisions.js';
export type { Division, DivisionLevel } from './reference/divisions.js';
export { HENAN_PROVINCE_CODE, henanGeo, henanReference } from './reference/henan.js';
export { checkProvinceReference, ProvinceReferenceError } from './reference/reference-check.js';
export type { ProvinceReference } from './reference/reference-check.js';
export { greatCircleKm } from './reference/geometry.js';
export type { ProvinceGeo, ProvinceGeoFeature } from './reference/geo.js';
export { roadGraph } from './reference/roads.js';
export type { RoadClass, RoadEdge, RoadGraph, RoadNode } from './reference/roads.js';
export { VEHICLE_CLASSES } from './sources.js';
export type {
  CameraEvent,
  CameraEventKind,
  DeviceState,
  DeviceStatus,
  DriverRecord,
  EnterpriseRecord,
  LicenceRecord,
  MarketRegistrationRecord,
  MarketStatus,
  RegistryRecord,
  TaxiPermitRecord,
  TaxiPermitStatus,
  TaxiPermitType,
  TaxiService,
  VehicleClass,
  VehicleRecord,
  VehicleRegistry,
} from './sources.js';
export { PACKAGE_ROOT, packagePath } from './package-root.js';
export { REPORT_FIGURE_IDS, REPORT_FIGURES, REPORT_GROUPINGS, REPORT_INTERVALS } from './reports.js';
export type {
  ReportAnswer,
  ReportFigure,
  ReportFigureId,
  ReportGroup,
  ReportGrouping,
  ReportInterval,
  ReportIntervalBounds,
  ReportPoint,
  ReportValues,
} from './reports.js';
export { creditCodeCheckCharacter } from './credit-code.js';
