export { Jt809EditionUnsupportedError, Jt809NotConnectedError, Jt809Server } from './jt809-server.js';
export type {
  Jt809AnswerSink,
  Jt809LinkState,
  Jt809Request2019,
  Jt809ServerDeps,
  Jt809SubLinkState,
} from './jt809-server.js';
export {
  ALARM_INFO_2019_FIXED_BYTES,
  decodeAlarmInfo2019,
  decodeInspectionAnswer2019,
  decodeInspectionRequest2019,
  decodeSourceReply,
  decodeSupervisionRequest2019,
  encodeAlarmInfo2019,
  encodeInspectionAnswer2019,
  encodeInspectionRequest2019,
  encodeSourceReply,
  encodeStaticInfoAnswer2019,
  encodeSupervisionRequest2019,
  WARNING_2019,
} from './bodies-2019.js';
export type {
  AlarmInfo2019,
  InspectionAnswer2019,
  InspectionRequest2019,
  SourceReply,
  SupervisionRequest2019,
} from './bodies-2019.js';
export { Jt809SubLink, SUB_LINK_DEFAULTS, SUB_LINK_MSG } from './sub-link.js';
export type { SubLinkOptions, SubLinkState } from './sub-link.js';
export {
  encodeInspection,
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
} from './supervision-messages.js';
export type {
  InspectionMessage,
  SupervisionAnswer,
  SupervisionRequest,
  WarningNotice,
} from './supervision-messages.js';
export { JT809_DEFAULTS, checkJt809Options } from './options.js';
export type { Jt809Options } from './options.js';
export type {
  Jt809LoginOutcome,
  Jt809LoginRefusal,
  Jt809PlatformAccount,
  Jt809PlatformDirectory,
} from './platform-directory.js';
export { ALARM_RESULT, JT809_LOGIN_REFUSED, JT809_PASSWORD_FIELD_BYTES, LOGIN_RESULT } from './messages.js';
export type { AlarmResult } from './messages.js';
export { applyCipher, checkCipherKeys } from './cipher.js';
export type { Jt809CipherKeys } from './cipher.js';
export { crc16 } from './crc.js';
export type { CrcVariant } from './crc.js';
export { buildFrame, escape, JT809_EDITIONS, parseFrame, unescape, Jt809FrameSplitter } from './frame.js';
export type { Jt809Edition, Jt809Frame, Jt809Header } from './frame.js';
export { PLATFORM_ALARM_RULE, terminalIdOf } from './normalize.js';
export { UPWARD_LINK_DEFAULTS, UpwardLink } from './upward-link.js';
export { UPWARD_DOWN_LINK_DEFAULTS, UpwardDownLinkServer } from './upward-down-link.js';
export type { DownLinkState, UpwardDownLinkOptions } from './upward-down-link.js';
export type {
  StaticInfoSource,
  UpperRequestSink,
  UpwardAlarm,
  UpwardLinkOptions,
  UpwardLinkState,
  UpwardPosition,
} from './upward-link.js';
export type { VehicleStaticInfo } from './static-info.js';
