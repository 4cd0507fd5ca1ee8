/**
 * Typed message bodies: decodeMessage dispatches on the message id to one module per message
 * (messages/0x....-name.ts), encodeMessage does the reverse and builds the whole frame.
 */
import { buildFrame } from './frame.js';
import type { RsaDecryption } from './rsa.js';
import { decryptBody } from './rsa.js';
import type { ZeroPadding } from './text.js';
import type { Jt808Frame, Jt808Header, Jt808Version, Result } from './types.js';
import { msgIdHex, ok, reject } from './types.js';
import type { DecodeContext, EmptyBody } from './messages/context.js';
import type { CoordinateCheck, LocationBody } from './messages/location-body.js';
import type { GeneralReply } from './messages/0x0001-terminal-general-reply.js';
import { decodeGeneralReply, encodeGeneralReply } from './messages/0x0001-terminal-general-reply.js';
import { decodeHeartbeat, encodeHeartbeat } from './messages/0x0002-heartbeat.js';
import { decodeUnregister, encodeUnregister } from './messages/0x0003-unregister.js';
import { decodeServerTimeQuery, encodeServerTimeQuery } from './messages/0x0004-server-time-query.js';
import type { Register } from './messages/0x0100-register.js';
import { decodeRegister, encodeRegister } from './messages/0x0100-register.js';
import type { Authenticate } from './messages/0x0102-authenticate.js';
import { decodeAuthenticate, encodeAuthenticate } from './messages/0x0102-authenticate.js';
import { decodeLocation, encodeLocation } from './messages/0x0200-location.js';
import type { LocationQueryReply } from './messages/0x0201-location-query-reply.js';
import { decodeLocationQueryReply, encodeLocationQueryReply } from './messages/0x0201-location-query-reply.js';
import type { BatchLocation } from './messages/0x0704-batch-location.js';
import { decodeBatchLocation, encodeBatchLocation } from './messages/0x0704-batch-location.js';
import type { CameraShootReply } from './messages/0x0805-camera-shoot-reply.js';
import { decodeCameraShootReply, encodeCameraShootReply } from './messages/0x0805-camera-shoot-reply.js';
import type { MultimediaEvent } from './messages/0x0800-multimedia-event.js';
import { decodeMultimediaEvent, encodeMultimediaEvent } from './messages/0x0800-multimedia-event.js';
import type { MultimediaData } from './messages/0x0801-multimedia-data.js';
import { decodeMultimediaData, encodeMultimediaData } from './messages/0x0801-multimedia-data.js';
import type { PassThrough } from './messages/0x0900-pass-through.js';
import { decodePassThrough, encodePassThrough } from './messages/0x0900-pass-through.js';
import { decodePlatformGeneralReply, encodePlatformGeneralReply } from './messages/0x8001-platform-general-reply.js';
import type { ResendRequest } from './messages/0x8003-resend-request.js';
import { decodeResendRequest, encodeResendRequest } from './messages/0x8003-resend-request.js';
import type { ServerTime } from './messages/0x8004-server-time.js';
import { decodeServerTime, encodeServerTime } from './messages/0x8004-server-time.js';
import type { RegisterReply } from './messages/0x8100-register-reply.js';
import { decodeRegisterReply, encodeRegisterReply } from './messages/0x8100-register-reply.js';
import { decodeLocationQuery, encodeLocationQuery } from './messages/0x8201-location-query.js';
import type { TemporaryTracking } from './messages/0x8202-temporary-tracking.js';
import { decodeTemporaryTracking, encodeTemporaryTracking } from './messages/0x8202-temporary-tracking.js';
import type { AlarmConfirmation } from './messages/0x8203-alarm-confirmation.js';
import { decodeAlarmConfirmation, encodeAlarmConfirmation } from './messages/0x8203-alarm-confirmation.js';
import type { TextMessage } from './messages/0x8300-text-message.js';
import { decodeTextMessage, encodeTextMessage } from './messages/0x8300-text-message.js';
import type { MultimediaUploadReply } from './messages/0x8800-multimedia-upload-reply.js';
import type { CameraShoot } from './messages/0x8801-camera-shoot.js';
import { decodeCameraShoot, encodeCameraShoot } from './messages/0x8801-camera-shoot.js';
import { decodeMultimediaUploadReply, encodeMultimediaUploadReply } from './messages/0x8800-multimedia-upload-reply.js';
import type { ResourceList } from './messages/0x1205-resource-list.js';
import { decodeResourceList, encodeResourceList } from './messages/0x1205-resource-list.js';
import type { LiveVideoRequest } from './messages/0x9101-live-video-request.js';
import { decodeLiveVideoRequest, encodeLiveVideoRequest } from './messages/0x9101-live-video-request.js';
import type { LiveVideoControl } from './messages/0x9102-live-video-control.js';
import { decodeLiveVideoControl, encodeLiveVideoControl } from './messages/0x9102-live-video-control.js';
import type { PlaybackRequest } from './messages/0x9201-playback-request.js';
import { decodePlaybackRequest, encodePlaybackRequest } from './messages/0x9201-playback-request.js';
import type { PlaybackControl } from './messages/0x9202-playback-control.js';
import { decodePlaybackControl, encodePlaybackControl } from './messages/0x9202-playback-control.js';
import type { ResourceQuery } from './messages/0x9205-resource-query.js';
import { decodeResourceQuery, encodeResourceQuery } from './messages/0x9205-resource-query.js';
import type { ParametersReply } from './messages/0x0104-parameters-reply.js';
import { decodeParametersReply, encodeParametersReply } from './messages/0x0104-parameters-reply.js';
import type { VehicleControlReply } from './messages/0x0500-vehicle-control-reply.js';
import { decodeVehicleControlReply, encodeVehicleControlReply } from './messages/0x0500-vehicle-control-reply.js';
import type { DriverInfo } from './messages/0x0702-driver-info.js';
import { decodeDriverInfo, encodeDriverInfo } from './messages/0x0702-driver-info.js';
import type { StoredMediaList } from './messages/0x0802-stored-media-list.js';
import { decodeStoredMediaList, encodeStoredMediaList } from './messages/0x0802-stored-media-list.js';
import type { SetParameters } from './messages/0x8103-set-parameters.js';
import { decodeSetParameters, encodeSetParameters } from './messages/0x8103-set-parameters.js';
import { decodeQueryParameters, encodeQueryParameters } from './messages/0x8104-query-parameters.js';
import type { TerminalControl } from './messages/0x8105-terminal-control.js';
import { decodeTerminalControl, encodeTerminalControl } from './messages/0x8105-terminal-control.js';
import type { QuerySomeParameters } from './messages/0x8106-query-some-parameters.js';
import { decodeQuerySomeParameters, encodeQuerySomeParameters } from './messages/0x8106-query-some-parameters.js';
import type { Callback } from './messages/0x8400-callback.js';
import { decodeCallback, encodeCallback } from './messages/0x8400-callback.js';
import type { VehicleControl } from './messages/0x8500-vehicle-control.js';
import { decodeVehicleControl, encodeVehicleControl } from './messages/0x8500-vehicle-control.js';
import type { SetCircleAreas } from './messages/0x8600-set-circle-areas.js';
import { decodeSetCircleAreas, encodeSetCircleAreas } from './messages/0x8600-set-circle-areas.js';
import type { DeleteAreas } from './messages/0x8601-delete-areas.js';
import { decodeDeleteAreas, encodeDeleteAreas } from './messages/0x8601-delete-areas.js';
import type { SetRectangleAreas } from './messages/0x8602-set-rectangle-areas.js';
import { decodeSetRectangleAreas, encodeSetRectangleAreas } from './messages/0x8602-set-rectangle-areas.js';
import type { PolygonArea } from './messages/0x8604-set-polygon-area.js';
import { decodeSetPolygonArea, encodeSetPolygonArea } from './messages/0x8604-set-polygon-area.js';
import type { Route } from './messages/0x8606-set-route.js';
import { decodeSetRoute, encodeSetRoute } from './messages/0x8606-set-route.js';
import { decodeDriverInfoRequest, encodeDriverInfoRequest } from './messages/0x8702-driver-info-request.js';
import type { StoredMediaSearch } from './messages/0x8802-stored-media-search.js';
import { decodeStoredMediaSearch, encodeStoredMediaSearch } from './messages/0x8802-stored-media-search.js';
import type { StoredMediaUpload } from './messages/0x8803-stored-media-upload.js';
import { decodeStoredMediaUpload, encodeStoredMediaUpload } from './messages/0x8803-stored-media-upload.js';
import type {
  AlarmAttachmentList,
  AlarmAttachmentUpload,
  AttachmentFileInfo,
  AttachmentUploadResult,
} from './messages/alarm-attachments.js';
import {
  decodeAlarmAttachmentList,
  decodeAlarmAttachmentUpload,
  decodeAttachmentFileInfo,
  decodeAttachmentUploadResult,
  encodeAlarmAttachmentList,
  encodeAlarmAttachmentUpload,
  encodeAttachmentFileInfo,
  encodeAttachmentUploadResult,
} from './messages/alarm-attachments.js';

/** Every message the codec knows, discriminated by `msgId`. */
export type Jt808Message =
  | { msgId: 0x0001; body: GeneralReply }
  | { msgId: 0x0002; body: EmptyBody }
  | { msgId: 0x0003; body: EmptyBody }
  | { msgId: 0x0004; body: EmptyBody }
  | { msgId: 0x0100; body: Register }
  | { msgId: 0x0102; body: Authenticate }
  | { msgId: 0x0200; body: LocationBody }
  | { msgId: 0x0201; body: LocationQueryReply }
  | { msgId: 0x0704; body: BatchLocation }
  | { msgId: 0x0800; body: MultimediaEvent }
  | { msgId: 0x0801; body: MultimediaData }
  | { msgId: 0x0805; body: CameraShootReply }
  | { msgId: 0x0900; body: PassThrough }
  | { msgId: 0x8001; body: GeneralReply }
  | { msgId: 0x8003; body: ResendRequest }
  | { msgId: 0x8004; body: ServerTime }
  | { msgId: 0x8100; body: RegisterReply }
  | { msgId: 0x8201; body: EmptyBody }
  | { msgId: 0x8202; body: TemporaryTracking }
  | { msgId: 0x8203; body: AlarmConfirmation }
  | { msgId: 0x8300; body: TextMessage }
  | { msgId: 0x8800; body: MultimediaUploadReply }
  | { msgId: 0x8801; body: CameraShoot }
  | { msgId: 0x1205; body: ResourceList }
  | { msgId: 0x9101; body: LiveVideoRequest }
  | { msgId: 0x9102; body: LiveVideoControl }
  | { msgId: 0x9201; body: PlaybackRequest }
  | { msgId: 0x9202; body: PlaybackControl }
  | { msgId: 0x9205; body: ResourceQuery }
  | { msgId: 0x0104; body: ParametersReply }
  | { msgId: 0x0500; body: VehicleControlReply }
  | { msgId: 0x0702; body: DriverInfo }
  | { msgId: 0x0802; body: StoredMediaList }
  | { msgId: 0x8103; body: SetParameters }
  | { msgId: 0x8104; body: EmptyBody }
  | { msgId: 0x8105; body: TerminalControl }
  | { msgId: 0x8106; body: QuerySomeParameters }
  | { msgId: 0x8400; body: Callback }
  | { msgId: 0x8500; body: VehicleControl }
  | { msgId: 0x8600; body: SetCircleAreas }
  | { msgId: 0x8601; body: DeleteAreas }
  | { msgId: 0x8602; body: SetRectangleAreas }
  | { msgId: 0x8603; body: DeleteAreas }
  | { msgId: 0x8604; body: PolygonArea }
  | { msgId: 0x8605; body: DeleteAreas }
  | { msgId: 0x8606; body: Route }
  | { msgId: 0x8607; body: DeleteAreas }
  | { msgId: 0x8702; body: EmptyBody }
  | { msgId: 0x8802; body: StoredMediaSearch }
  | { msgId: 0x8803; body: StoredMediaUpload }
  | { msgId: 0x9208; body: AlarmAttachmentUpload }
  | { msgId: 0x1210; body: AlarmAttachmentList }
  | { msgId: 0x1211; body: AttachmentFileInfo }
  | { msgId: 0x1212; body: AttachmentFileInfo }
  | { msgId: 0x9212; body: AttachmentUploadResult };

export type Jt808MsgId = Jt808Message['msgId'];

/** The ids decodeMessage knows; anything else is `unsupported_message` (answer 0x8001 result 3). */
export const JT808_SUPPORTED_MSG_IDS: readonly Jt808MsgId[] = Object.freeze([
  0x0001, 0x0002, 0x0003, 0x0004, 0x0100, 0x0102, 0x0200, 0x0201, 0x0704, 0x0800, 0x0801, 0x0805, 0x0900, 0x8001,
  0x8003, 0x8004, 0x8100, 0x8201, 0x8202, 0x8203, 0x8300, 0x8800, 0x8801, 0x1205, 0x9101, 0x9102, 0x9201, 0x9202,
  0x9205, 0x0104, 0x0500, 0x0702, 0x0802, 0x8103, 0x8104, 0x8105, 0x8106, 0x8400, 0x8500, 0x8600, 0x8601, 0x8602,
  0x8603, 0x8604, 0x8605, 0x8606, 0x8607, 0x8702, 0x8802, 0x8803, 0x9208, 0x1210, 0x1211, 0x1212, 0x9212,
] satisfies Jt808MsgId[]);

export interface DecodeMessageOptions {
  /** Decrypts RSA bodies; without it an encrypted body is rejected with `encrypted_body`. */
  rsa?: RsaDecryption;
  /** `reject` (default): latitude above 90° or longitude above 180° rejects the position. */
  coordinates?: CoordinateCheck;
  /** Fixed text fields of 0x0100: `keep` (default) or `trim-leading` ASCII '0' padding. */
  zeroPadding?: ZeroPadding;
}

const ENCRYPTION_RSA = 1;

/** Contexts for the default options, shared so the hot path allocates none. */
const DEFAULT_CONTEXTS: Record<Jt808Version, DecodeContext> = {
  2011: Object.freeze({ version: 2011, coordinates: 'reject', zeroPadding: 'keep' }),
  2013: Object.freeze({ version: 2013, coordinates: 'reject', zeroPadding: 'keep' }),
  2019: Object.freeze({ version: 2019, coordinates: 'reject', zeroPadding: 'keep' }),
};

function wrap<M extends Jt808Message>(msgId: M['msgId'], body: Result<M['body']>): Result<Jt808Message> {
  return body.ok ? ok({ msgId, body: body.value } as Jt808Message) : body;
}

/** Decodes the body of a whole (not subpackaged, or reassembled) frame into its typed message. */
export function decodeMessage(frame: Jt808Frame, opts?: DecodeMessageOptions): Result<Jt808Message> {
  const { header } = frame;
  if (header.packet !== undefined && header.packet.total > 1) {
    return reject(
      'packet_not_reassembled',
      `packet ${header.packet.index} of ${header.packet.total}: reassemble before decoding`,
    );
  }
  let body = frame.body;
  if (header.encryption !== 0) {
    if (header.encryption !== ENCRYPTION_RSA)
      return reject('unsupported_encryption', `encryption bits ${header.encryption} name no known scheme`);
    if (opts?.rsa === undefined) return reject('encrypted_body', 'RSA-encrypted body and no private key configured');
    const plain = decryptBody(body, opts.rsa);
    if (!plain.ok) return plain;
    body = plain.value;
  }
  const ctx: DecodeContext =
    opts === undefined
      ? DEFAULT_CONTEXTS[header.version]
      : {
          version: header.version,
          coordinates: opts.coordinates ?? 'reject',
          zeroPadding: opts.zeroPadding ?? 'keep',
        };
  return decodeBody(header.msgId, body, ctx);
}

function decodeBody(msgId: number, body: Buffer, ctx: DecodeContext): Result<Jt808Message> {
  switch (msgId) {
    case 0x0200:
      return wrap(0x0200, decodeLocation(body, ctx));
    case 0x0002:
      return wrap(0x0002, decodeHeartbeat(body));
    case 0x0001:
      return wrap(0x0001, decodeGeneralReply(body));
    case 0x0003:
      return wrap(0x0003, decodeUnregister(body));
    case 0x0004:
      return wrap(0x0004, decodeServerTimeQuery(body));
    case 0x0100:
      return wrap(0x0100, decodeRegister(body, ctx));
    case 0x0102:
      return wrap(0x0102, decodeAuthenticate(body, ctx));
    case 0x0201:
      return wrap(0x0201, decodeLocationQueryReply(body, ctx));
    case 0x0704:
      return wrap(0x0704, decodeBatchLocation(body, ctx));
    case 0x0800:
      return wrap(0x0800, decodeMultimediaEvent(body));
    case 0x0801:
      return wrap(0x0801, decodeMultimediaData(body, ctx));
    case 0x0805:
      return wrap(0x0805, decodeCameraShootReply(body));
    case 0x0900:
      return wrap(0x0900, decodePassThrough(body));
    case 0x8001:
      return wrap(0x8001, decodePlatformGeneralReply(body));
    case 0x8003:
      return wrap(0x8003, decodeResendRequest(body, ctx));
    case 0x8004:
      return wrap(0x8004, decodeServerTime(body));
    case 0x8100:
      return wrap(0x8100, decodeRegisterReply(body));
    case 0x8201:
      return wrap(0x8201, decodeLocationQuery(body));
    case 0x8202:
      return wrap(0x8202, decodeTemporaryTracking(body));
    case 0x8203:
      return wrap(0x8203, decodeAlarmConfirmation(body));
    case 0x8300:
      return wrap(0x8300, decodeTextMessage(body, ctx));
    case 0x8800:
      return wrap(0x8800, decodeMultimediaUploadReply(body));
    case 0x8801:
      return wrap(0x8801, decodeCameraShoot(body));
    case 0x1205:
      return wrap(0x1205, decodeResourceList(body));
    case 0x9101:
      return wrap(0x9101, decodeLiveVideoRequest(body));
    case 0x9102:
      return wrap(0x9102, decodeLiveVideoControl(body));
    case 0x9201:
      return wrap(0x9201, decodePlaybackRequest(body));
    case 0x9202:
      return wrap(0x9202, decodePlaybackControl(body));
    case 0x9205:
      return wrap(0x9205, decodeResourceQuery(body));
    case 0x0104:
      return wrap(0x0104, decodeParametersReply(body));
    case 0x0500:
      return wrap(0x0500, decodeVehicleControlReply(body, ctx));
    case 0x0702:
      return wrap(0x0702, decodeDriverInfo(body, ctx));
    case 0x0802:
      return wrap(0x0802, decodeStoredMediaList(body, ctx));
    case 0x8103:
      return wrap(0x8103, decodeSetParameters(body));
    case 0x8104:
      return wrap(0x8104, decodeQueryParameters(body));
    case 0x8105:
      return wrap(0x8105, decodeTerminalControl(body));
    case 0x8106:
      return wrap(0x8106, decodeQuerySomeParameters(body));
    case 0x8400:
      return wrap(0x8400, decodeCallback(body));
    case 0x8500:
      return wrap(0x8500, decodeVehicleControl(body, ctx));
    case 0x8600:
      return wrap(0x8600, decodeSetCircleAreas(body, ctx));
    case 0x8601:
      return wrap(0x8601, decodeDeleteAreas(body));
    case 0x8602:
      return wrap(0x8602, decodeSetRectangleAreas(body, ctx));
    case 0x8603:
      return wrap(0x8603, decodeDeleteAreas(body));
    case 0x8604:
      return wrap(0x8604, decodeSetPolygonArea(body, ctx));
    case 0x8605:
      return wrap(0x8605, decodeDeleteAreas(body));
    case 0x8606:
      return wrap(0x8606, decodeSetRoute(body, ctx));
    case 0x8607:
      return wrap(0x8607, decodeDeleteAreas(body));
    case 0x8702:
      return wrap(0x8702, decodeDriverInfoRequest(body));
    case 0x8802:
      return wrap(0x8802, decodeStoredMediaSearch(body));
    case 0x8803:
      return wrap(0x8803, decodeStoredMediaUpload(body));
    case 0x9208:
      return wrap(0x9208, decodeAlarmAttachmentUpload(body));
    case 0x1210:
      return wrap(0x1210, decodeAlarmAttachmentList(body));
    case 0x1211:
      return wrap(0x1211, decodeAttachmentFileInfo(body));
    case 0x1212:
      return wrap(0x1212, decodeAttachmentFileInfo(body));
    case 0x9212:
      return wrap(0x9212, decodeAttachmentUploadResult(body));
    default:
      return reject('unsupported_message', `message ${msgIdHex(msgId)} is not supported`);
  }
}

/** Encodes a message body for `version` (without the frame): for callers that subpackage themselves. */
export function encodeMessageBody(msg: Jt808Message, version: Jt808Version): Buffer {
  switch (msg.msgId) {
    case 0x0001:
      return encodeGeneralReply(msg.body);
    case 0x0002:
      return encodeHeartbeat(msg.body);
    case 0x0003:
      return encodeUnregister(msg.body);
    case 0x0004:
      return encodeServerTimeQuery(msg.body);
    case 0x0100:
      return encodeRegister(msg.body, version);
    case 0x0102:
      return encodeAuthenticate(msg.body, version);
    case 0x0200:
      return encodeLocation(msg.body, version);
    case 0x0201:
      return encodeLocationQueryReply(msg.body, version);
    case 0x0704:
      return encodeBatchLocation(msg.body, version);
    case 0x0800:
      return encodeMultimediaEvent(msg.body);
    case 0x0801:
      return encodeMultimediaData(msg.body, version);
    case 0x0805:
      return encodeCameraShootReply(msg.body);
    case 0x0900:
      return encodePassThrough(msg.body);
    case 0x8001:
      return encodePlatformGeneralReply(msg.body);
    case 0x8003:
      return encodeResendRequest(msg.body, version);
    case 0x8004:
      return encodeServerTime(msg.body);
    case 0x8100:
      return encodeRegisterReply(msg.body);
    case 0x8201:
      return encodeLocationQuery(msg.body);
    case 0x8202:
      return encodeTemporaryTracking(msg.body);
    case 0x8203:
      return encodeAlarmConfirmation(msg.body);
    case 0x8300:
      return encodeTextMessage(msg.body, version);
    case 0x8800:
      return encodeMultimediaUploadReply(msg.body);
    case 0x8801:
      return encodeCameraShoot(msg.body);
    case 0x1205:
      return encodeResourceList(msg.body);
    case 0x9101:
      return encodeLiveVideoRequest(msg.body);
    case 0x9102:
      return encodeLiveVideoControl(msg.body);
    case 0x9201:
      return encodePlaybackRequest(msg.body);
    case 0x9202:
      return encodePlaybackControl(msg.body);
    case 0x9205:
      return encodeResourceQuery(msg.body);
    case 0x0104:
      return encodeParametersReply(msg.body);
    case 0x0500:
      return encodeVehicleControlReply(msg.body, version);
    case 0x0702:
      return encodeDriverInfo(msg.body, version);
    case 0x0802:
      return encodeStoredMediaList(msg.body, version);
    case 0x8103:
      return encodeSetParameters(msg.body);
    case 0x8104:
      return encodeQueryParameters(msg.body);
    case 0x8105:
      return encodeTerminalControl(msg.body);
    case 0x8106:
      return encodeQuerySomeParameters(msg.body);
    case 0x8400:
      return encodeCallback(msg.body);
    case 0x8500:
      return encodeVehicleControl(msg.body, version);
    case 0x8600:
      return encodeSetCircleAreas(msg.body, version);
    case 0x8601:
      return encodeDeleteAreas(msg.body);
    case 0x8602:
      return encodeSetRectangleAreas(msg.body, version);
    case 0x8603:
      return encodeDeleteAreas(msg.body);
    case 0x8604:
      return encodeSetPolygonArea(msg.body, version);
    case 0x8605:
      return encodeDeleteAreas(msg.body);
    case 0x8606:
      return encodeSetRoute(msg.body, version);
    case 0x8607:
      return encodeDeleteAreas(msg.body);
    case 0x8702:
      return encodeDriverInfoRequest(msg.body);
    case 0x8802:
      return encodeStoredMediaSearch(msg.body);
    case 0x8803:
      return encodeStoredMediaUpload(msg.body);
    case 0x9208:
      return encodeAlarmAttachmentUpload(msg.body);
    case 0x1210:
      return encodeAlarmAttachmentList(msg.body);
    case 0x1211:
    case 0x1212:
      return encodeAttachmentFileInfo(msg.body);
    case 0x9212:
      return encodeAttachmentUploadResult(msg.body);
  }
}

export interface EncodeHeader {
  version: Jt808Version;
  /** 2019 header byte; default 1 for 2019 (the first revision), ignored otherwise. */
  protocolVersion?: number;
  phone: string;
  serial: number;
  packet?: Jt808Header['packet'];
}

/**
 * Encodes a message as a whole escaped frame. Bodies are sent unencrypted. Throws RangeError for values
 * that do not fit their fields (a programmer error), including bodies above 1023 bytes.
 */
export function encodeMessage(msg: Jt808Message, header: EncodeHeader): Buffer {
  const body = encodeMessageBody(msg, header.version);
  return buildFrame(
    {
      msgId: msg.msgId,
      version: header.version,
      protocolVersion: header.version === 2019 ? (header.protocolVersion ?? 1) : 0,
      phone: header.phone,
      serial: header.serial,
      encryption: 0,
      packet: header.packet,
    },
    body,
  );
}
