export { Jt808Gateway } from './jt808/gateway/jt808-gateway.js';
export type { GatewayDeps } from './jt808/gateway/jt808-gateway.js';
export type { CommandAnswer } from './jt808/gateway/connection.js';
export { DownlinkError } from './jt808/gateway/downlink-error.js';
export type { DownlinkFailure } from './jt808/gateway/downlink-error.js';
export { DownlinkRelay, reviveBuffers } from './jt808/gateway/downlink-relay.js';
export type { DownlinkReply, DownlinkRequest } from './jt808/gateway/downlink-relay.js';
export { GATEWAY_DEFAULTS } from './jt808/gateway/options.js';
export {
  ATTACHMENT_SERVER_DEFAULTS,
  ATTACHMENTS_DIR_NAME,
  AttachmentServer,
} from './jt808/attachments/attachment-server.js';
export type { AttachmentServerOptions } from './jt808/attachments/attachment-server.js';
export type { GatewayOptions } from './jt808/gateway/options.js';
export { OPEN_FILES_RESERVE, OpenFilesBudget, openFilesNote, processOpenFilesBudget } from './open-files.js';
export type { ConnectionBound } from './open-files.js';
export { REGISTER_RESULT } from './jt808/gateway/terminal-directory.js';
export type { TerminalDirectory, TerminalRegistration } from './jt808/gateway/terminal-directory.js';
export {
  FrameSplitter,
  buildFrame,
  decodeMessage,
  decodedFrames,
  encodeMessage,
  parseFrame,
} from './jt808/codec/index.js';
export type { Jt808Frame, Jt808Header, Jt808Message, Jt808Version } from './jt808/codec/index.js';
export { deriveLocation } from './jt808/codec/index.js';
export type { LocationBody } from './jt808/codec/index.js';
export {
  AIS_LISTENERS_DEFAULTS,
  AisKeyRefused,
  AisListeners,
  decodeMessage as decodeAisMessage,
  encodePosition,
  encodeVoyage,
  nmeaChecksum,
  toSentences,
} from './ais/index.js';
export type { AisListenersOptions, AisMessage, AisPosition, AisVoyage } from './ais/index.js';
export {
  BodyError,
  GTFS_RT_POLL_INTERVAL_S,
  GtfsRtPoller,
  HttpIngest,
  HTTP_INGEST_DEFAULTS,
  INGEST_KINDS,
  UPLOAD_KINDS,
  checkHttpIngestOptions,
  isIngestKind,
  timeTextMs,
  uploadFormatOf,
  XLSX_UNCOMPRESSED_BYTES_MAX,
} from './http/index.js';
export type {
  BodyItem,
  GtfsRtPollOptions,
  HttpIngestDeps,
  HttpIngestOptions,
  IngestKind,
  IngestRequest,
  IngestResponse,
  IngestResult,
  RegistryRefusal,
  RegistryWriter,
  RegistryWriterIdentity,
  RejectedRecord,
  ScopedRecord,
  ScopeRefusal,
  SourceIdentity,
  SourceKeyVerifier,
  Submitter,
  UploadFormat,
  UploadOutcome,
} from './http/index.js';
export {
  Jt809EditionUnsupportedError,
  Jt809NotConnectedError,
  Jt809Server,
  JT809_DEFAULTS,
  JT809_LOGIN_REFUSED,
  JT809_PASSWORD_FIELD_BYTES,
  PLATFORM_ALARM_RULE,
  checkCipherKeys,
  encodeInspection,
  encodeInspectionRequest2019,
  encodeSupervisionRequest2019,
  WARNING_2019,
  encodePlatformExchange,
  encodeSupervisionRequest,
  encodeVehicleEnvelope,
  INSPECTION_OBJECT,
  PLATFORM_EXCHANGE,
  PLATFORM_MSG,
  SUPERVISION,
  SUPERVISION_LEVEL,
  SUPERVISION_RESULT,
  SUPERVISOR_BYTES,
  SUPERVISOR_EMAIL_BYTES,
  SUPERVISOR_TEL_BYTES,
  ALARM_RESULT,
  UPWARD_DOWN_LINK_DEFAULTS,
  UPWARD_LINK_DEFAULTS,
  UpwardDownLinkServer,
  UpwardLink,
} from './jt809/index.js';
export type {
  Jt809AnswerSink,
  Jt809CipherKeys,
  Jt809Edition,
  Jt809LinkState,
  Jt809Request2019,
  Jt809LoginOutcome,
  Jt809Options,
  Jt809PlatformAccount,
  Jt809PlatformDirectory,
  CrcVariant,
  InspectionMessage,
  SupervisionAnswer,
  SupervisionRequest,
  WarningNotice,
  AlarmResult,
  StaticInfoSource,
  UpperRequestSink,
  VehicleStaticInfo,
  UpwardAlarm,
  UpwardDownLinkOptions,
  UpwardLinkOptions,
  UpwardLinkState,
  UpwardPosition,
} from './jt809/index.js';
export {
  DATA_TYPE,
  Jt1078MediaServer,
  MEDIA_SERVER_DEFAULTS,
  MediaError,
  PAYLOAD_TYPE,
  SUBPACKAGE,
  checkMediaServerOptions,
  encodeRtpPacket,
  nalType,
  parseRtpPacket,
  splitAnnexB,
} from './jt1078/index.js';
export type {
  MediaFailure,
  MediaServerDeps,
  MediaServerOptions,
  MediaViewer,
  PlaybackParams,
  RtpPacket,
  StreamKind,
  StreamSummary,
  VideoControlMessage,
  VideoStream,
  VideoTerminalLink,
} from './jt1078/index.js';
export type { VideoResource } from './jt808/codec/index.js';
