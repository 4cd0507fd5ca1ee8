/**
 * JT/T 809-2011 bodies of the upper platform's inspection (查岗, 0x9300/0x9301 → 0x1300/0x1301) and alarm
 * supervision (督办, 0x9400/0x9401 → 0x1400/0x1401). Big-endian; strings GBK; fixed-width fields padded with
 * 0x00; times are `time_t` as 8-byte unsigned seconds since the epoch (UTC), like 0x1402's WARN_TIME.
 *
 * 0x9300 / 0x1300 (platform exchange, 平台间交互): DATA_TYPE u16 | DATA_LENGTH u32 | data.
 * 0x9301 / 0x1301: OBJECT_TYPE u8 | OBJECT_ID [12] | INFO_ID u32 | INFO_LENGTH u32 | INFO_CONTENT (GBK).
 * 0x9400 / 0x1400: the vehicle envelope VEHICLE_NO [21] | VEHICLE_COLOR u8 | DATA_TYPE u16 | DATA_LENGTH u32 | data.
 * 0x9401: WARN_SRC u8 | WARN_TYPE u16 | WARN_TIME u64 | SUPERVISION_ID u32 | SUPERVISION_ENDTIME u64 |
 *         SUPERVISION_LEVEL u8 | SUPERVISOR [16] | SUPERVISOR_TEL [20] | SUPERVISOR_EMAIL [32]  (92 bytes).
 * 0x1401: SUPERVISION_ID u32 | SUPERVISION_RESULT u8  (5 bytes).
 * 0x9402 (报警预警) and 0x9403 (实时交换报警信息): WARN_SRC u8 | WARN_TYPE u16 | WARN_TIME u64 | WARN_LENGTH u32 |
 *         WARN_CONTENT (GBK); notices, answered by nothing.
 */
import { decodeGbk, decodePaddedField, encodeGbk, encodePaddedField } from '../jt808/codec/text.js';
import type { Parsed } from './frame.js';

export const PLATFORM_MSG = {
  platformExchangeDown: 0x9300,
  platformExchangeUp: 0x1300,
  warningDown: 0x9400,
  warningUp: 0x1400,
} as const;

export const PLATFORM_EXCHANGE = { inspectionRequest: 0x9301, inspectionAnswer: 0x1301 } as const;
export const SUPERVISION = { request: 0x9401, answer: 0x1401 } as const;
/** The upper platform's alarm notices in the 0x9400 envelope: 报警预警 and 实时交换报警信息. */
export const WARNING_NOTICE = { tip: 0x9402, exchange: 0x9403 } as const;

/** OBJECT_TYPE of 0x9301: 1 the connected lower platform, 2 one enterprise of it, 3 all its enterprises. */
export const INSPECTION_OBJECT = { platform: 1, enterprise: 2, allEnterprises: 3 } as const;
/** SUPERVISION_LEVEL: 0 urgent, 1 ordinary. */
export const SUPERVISION_LEVEL = { urgent: 0, ordinary: 1 } as const;
/** SUPERVISION_RESULT of 0x1401. */
export const SUPERVISION_RESULT = { handled: 0, handling: 1, notHandled: 2, willHandle: 3 } as const;

export const OBJECT_ID_BYTES = 12;
export const SUPERVISOR_BYTES = 16;
export const SUPERVISOR_TEL_BYTES = 20;
export const SUPERVISOR_EMAIL_BYTES = 32;
const INSPECTION_FIXED_BYTES = 1 + OBJECT_ID_BYTES + 4 + 4;
export const SUPERVISION_REQUEST_BYTES =
  1 + 2 + 8 + 4 + 8 + 1 + SUPERVISOR_BYTES + SUPERVISOR_TEL_BYTES + SUPERVISOR_EMAIL_BYTES;
export const SUPERVISION_ANSWER_BYTES = 5;
const WARNING_NOTICE_FIXED_BYTES = 1 + 2 + 8 + 4;
/** A time_t beyond this is no date a store can hold. */
const LAST_SECOND_OF_9999 = 253_402_300_799n;
const EXCHANGE_HEAD_BYTES = 2 + 4;

/** 0x9301 request and 0x1301 answer share this layout; `text` is the question or the answer. */
export interface InspectionMessage {
  objectType: number;
  objectId: string;
  infoId: number;
  text: string;
}

export interface SupervisionRequest {
  warnSource: number;
  warnType: number;
  /** Epoch ms, whole seconds on the wire. */
  warnTime: number;
  supervisionId: number;
  /** Epoch ms, whole seconds on the wire. */
  endTime: number;
  level: number;
  supervisor: string;
  tel: string;
  email: string;
}

/** A 0x9402 / 0x9403 notice about a vehicle's alarm (the vehicle is the envelope's). */
export interface WarningNotice {
  warnSource: number;
  warnType: number;
  /** Epoch ms, whole seconds on the wire. */
  warnTime: number;
  content: string;
}

export interface SupervisionAnswer {
  supervisionId: number;
  result: number;
}

/** A 0x9300 / 0x1300 body: sub-type and its data. */
export interface PlatformExchange {
  dataType: number;
  data: Buffer;
}

export function encodePlatformExchange(dataType: number, data: Buffer): Buffer {
  const head = Buffer.alloc(EXCHANGE_HEAD_BYTES);
  head.writeUInt16BE(dataType, 0);
  head.writeUInt32BE(data.length, 2);
  return Buffer.concat([head, data]);
}

export function decodePlatformExchange(body: Buffer): Parsed<PlatformExchange> {
  if (body.length < EXCHANGE_HEAD_BYTES) return truncated('platform exchange', body.length, EXCHANGE_HEAD_BYTES);
  const length = body.readUInt32BE(2);
  if (body.length < EXCHANGE_HEAD_BYTES + length)
    return truncated(`sub-body 0x${body.readUInt16BE(0).toString(16)}`, body.length, EXCHANGE_HEAD_BYTES + length);
  return {
    ok: true,
    value: { dataType: body.readUInt16BE(0), data: body.subarray(EXCHANGE_HEAD_BYTES, EXCHANGE_HEAD_BYTES + length) },
  };
}

/** The 0x9400 / 0x1400 vehicle envelope around a sub-body. */
export function encodeVehicleEnvelope(plate: string, plateColor: number, dataType: number, data: Buffer): Buffer {
  const head = Buffer.alloc(28);
  encodePaddedField(plate, 21).copy(head, 0);
  head[21] = plateColor;
  head.writeUInt16BE(dataType, 22);
  head.writeUInt32BE(data.length, 24);
  return Buffer.concat([head, data]);
}

export function encodeInspection(message: InspectionMessage): Buffer {
  const text = encodeGbk(message.text);
  const out = Buffer.alloc(INSPECTION_FIXED_BYTES + text.length);
  out[0] = message.objectType;
  encodePaddedField(message.objectId, OBJECT_ID_BYTES).copy(out, 1);
  out.writeUInt32BE(message.infoId >>> 0, 13);
  out.writeUInt32BE(text.length, 17);
  text.copy(out, INSPECTION_FIXED_BYTES);
  return out;
}

export function decodeInspection(data: Buffer): Parsed<InspectionMessage> {
  if (data.length < INSPECTION_FIXED_BYTES) return truncated('inspection', data.length, INSPECTION_FIXED_BYTES);
  const length = data.readUInt32BE(17);
  if (data.length < INSPECTION_FIXED_BYTES + length)
    return truncated('inspection text', data.length, INSPECTION_FIXED_BYTES + length);
  return {
    ok: true,
    value: {
      objectType: data[0],
      objectId: decodePaddedField(data, 1, 1 + OBJECT_ID_BYTES),
      infoId: data.readUInt32BE(13),
      text: decodeGbk(data, INSPECTION_FIXED_BYTES, INSPECTION_FIXED_BYTES + length),
    },
  };
}

export function encodeSupervisionRequest(request: SupervisionRequest): Buffer {
  const out = Buffer.alloc(SUPERVISION_REQUEST_BYTES);
  out[0] = request.warnSource;
  out.writeUInt16BE(request.warnType, 1);
  out.writeBigUInt64BE(BigInt(Math.floor(request.warnTime / 1000)), 3);
  out.writeUInt32BE(request.supervisionId >>> 0, 11);
  out.writeBigUInt64BE(BigInt(Math.floor(request.endTime / 1000)), 15);
  out[23] = request.level;
  encodePaddedField(request.supervisor, SUPERVISOR_BYTES).copy(out, 24);
  encodePaddedField(request.tel, SUPERVISOR_TEL_BYTES).copy(out, 24 + SUPERVISOR_BYTES);
  encodePaddedField(request.email, SUPERVISOR_EMAIL_BYTES).copy(out, 24 + SUPERVISOR_BYTES + SUPERVISOR_TEL_BYTES);
  return out;
}

export function decodeSupervisionRequest(data: Buffer): Parsed<SupervisionRequest> {
  if (data.length < SUPERVISION_REQUEST_BYTES) return truncated('0x9401', data.length, SUPERVISION_REQUEST_BYTES);
  const telAt = 24 + SUPERVISOR_BYTES;
  const emailAt = telAt + SUPERVISOR_TEL_BYTES;
  return {
    ok: true,
    value: {
      warnSource: data[0],
      warnType: data.readUInt16BE(1),
      warnTime: Number(data.readBigUInt64BE(3)) * 1000,
      supervisionId: data.readUInt32BE(11),
      endTime: Number(data.readBigUInt64BE(15)) * 1000,
      level: data[23],
      supervisor: decodePaddedField(data, 24, telAt),
      tel: decodePaddedField(data, telAt, emailAt),
      email: decodePaddedField(data, emailAt, emailAt + SUPERVISOR_EMAIL_BYTES),
    },
  };
}

export function encodeSupervisionAnswer(answer: SupervisionAnswer): Buffer {
  const out = Buffer.alloc(SUPERVISION_ANSWER_BYTES);
  out.writeUInt32BE(answer.supervisionId >>> 0, 0);
  out[4] = answer.result;
  return out;
}

export function decodeSupervisionAnswer(data: Buffer): Parsed<SupervisionAnswer> {
  if (data.length < SUPERVISION_ANSWER_BYTES) return truncated('0x1401', data.length, SUPERVISION_ANSWER_BYTES);
  return { ok: true, value: { supervisionId: data.readUInt32BE(0), result: data[4] } };
}

export function decodeWarningNotice(data: Buffer): Parsed<WarningNotice> {
  if (data.length < WARNING_NOTICE_FIXED_BYTES) return truncated('0x9402', data.length, WARNING_NOTICE_FIXED_BYTES);
  const length = data.readUInt32BE(11);
  if (data.length < WARNING_NOTICE_FIXED_BYTES + length)
    return truncated('0x9402 content', data.length, WARNING_NOTICE_FIXED_BYTES + length);
  const seconds = data.readBigUInt64BE(3);
  if (seconds > LAST_SECOND_OF_9999)
    return { ok: false, reason: 'bad_time', detail: `0x9402 WARN_TIME ${seconds} s is past the year 9999` };
  return {
    ok: true,
    value: {
      warnSource: data[0],
      warnType: data.readUInt16BE(1),
      warnTime: Number(seconds) * 1000,
      content: decodeGbk(data, WARNING_NOTICE_FIXED_BYTES, WARNING_NOTICE_FIXED_BYTES + length).replace(/\0+$/, ''),
    },
  };
}

function truncated(what: string, have: number, need: number): { ok: false; reason: string; detail: string } {
  return {
    ok: false,
    reason: 'frame_truncated',
    detail: `${what} has ${have} bytes, needs ${need}; ${need - have} missing`,
  };
}
