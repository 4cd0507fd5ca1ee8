export { CENTRE_TOPICS, DOWNLINK_TOPICS, RULES_TOPICS, TOPICS, partitionOf } from './log/event-log.js';
export type { Consumer, EventLog, LogMessage, LogRecord, Producer, TopicName } from './log/event-log.js';
export { MemoryLog } from './log/memory-log.js';
export { RenamedGroupsLog } from './log/renamed-groups.js';
export type { MemoryLogOptions } from './log/memory-log.js';
export {
  KafkaLog,
  KafkaLogError,
  KAFKA_COMPRESSIONS,
  KAFKA_LOG_DEFAULTS,
  type KafkaCompression,
} from './log/kafka-log.js';
export type { KafkaLogOptions } from './log/kafka-log.js';
export { TableSink, TABLE_SINK_DEFAULTS } from './sink/table-sink.js';
export type { TableSinkOptions } from './sink/table-sink.js';
export { RuleEngine, RULE_ENGINE_DEFAULTS, factsOf } from './engine/rule-engine.js';
export type { EngineStats, RuleEngineDeps, RuleEngineOptions } from './engine/rule-engine.js';
export {
  DRIVER_HANDOVER_INTERVAL_MS,
  DRIVER_STATE_TOPIC,
  DriverHandoverBoard,
  handoverKey,
  handoverProblem,
} from './engine/driver-handover.js';
export type { DriverHandover, DriverHandovers } from './engine/driver-handover.js';
export type { EngineSnapshot, EngineSnapshotHead } from './engine/engine-snapshot.js';
export { snapshotFileOf, type SnapshotFile } from './engine/rules-runner.js';
export { ENGINE_PART, joinSnapshotParts, splitSnapshot, vehiclesPart } from './engine/engine-snapshot.js';
export { RulesRunner, RULES_RUNNER_DEFAULTS, EMPTY_REGISTRY } from './engine/rules-runner.js';
export {
  PartitionedRules,
  partitionSnapshotName,
  PARTITIONED_RULES_GROUP,
  PARTITION_HELD_RECORDS_MAX,
} from './engine/partitioned-rules.js';
export { clickhouseInputReplay } from './engine/input-replay.js';
export {
  WHOLE_SNAPSHOT,
  fileSnapshotStore,
  postgresSnapshotStore,
  SnapshotCorruptError,
  SnapshotFencedError,
} from './engine/snapshot-store.js';
export type { SnapshotPart, SnapshotStore } from './engine/snapshot-store.js';
export type { InputReplay, ReplayedInput } from './engine/input-replay.js';
export type { RulesConfigService, RulesPartition, RulesRunnerDeps, RulesRunnerOptions } from './engine/rules-runner.js';
export { replayEvents, parseEventLine } from './engine/event-file.js';
export type { EngineEvent } from './engine/event-file.js';
export { alarmIdOf } from './engine/alarm-id.js';
export type {
  AnyRule,
  CameraRule,
  DeviceRule,
  EpisodeSink,
  PositionRule,
  Severity,
  VehicleFacts,
} from './engine/rule.js';
export { ALL_RULES } from './rules/all-rules.js';
export { HISTORY_MAX, RulesConfigError, RulesConfigStore } from './rules/config-store.js';
export type { RulesConfigSummary, RulesConfigVersion } from './rules/config-store.js';
export { checkRulesConfig, circleOutline, compileRulesConfig, defaultRulesConfig } from './rules/rules-config.js';
export type { CompiledRulesConfig, RulesConfig, ZoneConfig } from './rules/rules-config.js';
export { describeProblem } from './rules/config-spec.js';
export type { ConfigProblem } from './rules/config-spec.js';
export { isNightInChina } from './rules/china-time.js';
