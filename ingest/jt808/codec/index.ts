/**
 * JT/T 808 codec (2011/2013/2019): pure functions and small stateful helpers, no sockets, no I/O.
 *
 *   TCP bytes ─► FrameSplitter ─► parseFrame ─► (Reassembler when subpackaged) ─► decodeMessage
 *   encodeMessage / buildFrame ─► bytes for the terminal
 *
 * Every failure is a Result with a stable snake_case reason (Jt808RejectReason), never an exception;
 * encoders throw RangeError only for values that cannot fit their fields (programmer errors).
 */
export type { Jt808Version, Jt808Header, Jt808Frame, Jt808RejectReason, Jt808Reject, Result } from './types.js';
export { JT808_REJECT_REASONS } from './types.js';
export type { FrameSplitterOptions, SplitItem, SplitFrame, SplitReject, SplitRejectReason } from './frame-splitter.js';
export { FrameSplitter } from './frame-splitter.js';
export { decodedFrames } from './decoded-frames.js';
export type { ParseFrameOptions, Jt808HeaderInit } from './frame.js';
export { parseFrame, buildFrame, BODY_BYTES_MAX } from './frame.js';
export { PlatformReplyFrames } from './platform-reply.js';
export type { Jt808Message, Jt808MsgId, DecodeMessageOptions, EncodeHeader } from './message.js';
export { decodeMessage, encodeMessage, encodeMessageBody, JT808_SUPPORTED_MSG_IDS } from './message.js';
export type { ReassemblerOptions, ReassemblyResult, ReassemblyExpiry } from './reassembler.js';
export { originalSerialOf, Reassembler } from './reassembler.js';
export type { RsaDecryption } from './rsa.js';
export type { ZeroPadding } from './text.js';
export type { EmptyBody } from './messages/context.js';
export type { CoordinateCheck, LocationBasic, LocationBody } from './messages/location-body.js';
export { deriveLocation } from './messages/location-body.js';
export type { LocationExtras } from './messages/location-extras.js';
export type { LocationStatus, LoadState } from './messages/location-flags.js';
export { alarmNames, statusFlags } from './messages/location-flags.js';
export type {
  AdasAlarm,
  DsmAlarm,
  TpmsAlarm,
  TpmsTyre,
  BlindSpotAlarm,
  AlarmIdentification,
} from './messages/active-safety.js';
export type {
  AlarmAttachmentList,
  AlarmAttachmentUpload,
  AttachmentDataHeader,
  AttachmentFileInfo,
  AttachmentUploadResult,
} from './messages/alarm-attachments.js';
export {
  ALARM_NUMBER_BYTES,
  ATTACHMENT_DATA_HEADER_BYTES,
  ATTACHMENT_DATA_MAGIC,
  decodeAttachmentDataHeader,
  encodeAlarmIdentification,
  encodeAttachmentData,
} from './messages/alarm-attachments.js';
export type { GeneralReply } from './messages/0x0001-terminal-general-reply.js';
export type { Register, RegisterLayout } from './messages/0x0100-register.js';
export type { Authenticate } from './messages/0x0102-authenticate.js';
export type { LocationQueryReply } from './messages/0x0201-location-query-reply.js';
export type { BatchLocation, BatchItemError } from './messages/0x0704-batch-location.js';
export type { MultimediaEvent } from './messages/0x0800-multimedia-event.js';
export type { MultimediaData } from './messages/0x0801-multimedia-data.js';
export type { CameraShootReply } from './messages/0x0805-camera-shoot-reply.js';
export type { CameraShoot } from './messages/0x8801-camera-shoot.js';
export type { PassThrough } from './messages/0x0900-pass-through.js';
export type { ResendRequest } from './messages/0x8003-resend-request.js';
export type { ServerTime } from './messages/0x8004-server-time.js';
export type { RegisterReply } from './messages/0x8100-register-reply.js';
export type { TemporaryTracking } from './messages/0x8202-temporary-tracking.js';
export type { AlarmConfirmation } from './messages/0x8203-alarm-confirmation.js';
export type { TextMessage } from './messages/0x8300-text-message.js';
export type { ResourceList } from './messages/0x1205-resource-list.js';
export type { LiveVideoRequest } from './messages/0x9101-live-video-request.js';
export type { LiveVideoControl } from './messages/0x9102-live-video-control.js';
export type { PlaybackRequest } from './messages/0x9201-playback-request.js';
export type { PlaybackControl } from './messages/0x9202-playback-control.js';
export type { ResourceQuery } from './messages/0x9205-resource-query.js';
export type { VideoResource } from './messages/0x1205-resource-list.js';
export type { AlarmFlags64, MediaServerAddress } from './messages/video-fields.js';
export type { ParametersReply } from './messages/0x0104-parameters-reply.js';
export type { VehicleControlReply } from './messages/0x0500-vehicle-control-reply.js';
export type { DriverInfo } from './messages/0x0702-driver-info.js';
export type { StoredMedia, StoredMediaList } from './messages/0x0802-stored-media-list.js';
export type { SetParameters } from './messages/0x8103-set-parameters.js';
export type { TerminalParameter } from './messages/terminal-parameters.js';
export type { TerminalControl } from './messages/0x8105-terminal-control.js';
export type { QuerySomeParameters } from './messages/0x8106-query-some-parameters.js';
export type { Callback } from './messages/0x8400-callback.js';
export type { VehicleControl } from './messages/0x8500-vehicle-control.js';
export type { CircleArea, SetCircleAreas } from './messages/0x8600-set-circle-areas.js';
export type { DeleteAreas } from './messages/0x8601-delete-areas.js';
export type { RectangleArea, SetRectangleAreas } from './messages/0x8602-set-rectangle-areas.js';
export type { PolygonArea } from './messages/0x8604-set-polygon-area.js';
export type { Route, RoutePoint } from './messages/0x8606-set-route.js';
export type { StoredMediaSearch } from './messages/0x8802-stored-media-search.js';
export type { StoredMediaUpload } from './messages/0x8803-stored-media-upload.js';
export type { AreaLimits, Point } from './messages/area-fields.js';
export { AREA_BY_TIME, AREA_SPEED_LIMIT } from './messages/area-fields.js';
export type { MultimediaUploadReply } from './messages/0x8800-multimedia-upload-reply.js';
export { MULTIMEDIA_RESEND_IDS_MAX } from './messages/0x8800-multimedia-upload-reply.js';
export { resendIdsPerRequestMax } from './messages/0x8003-resend-request.js';
