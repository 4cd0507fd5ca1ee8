/**
 * JT/T 809-2019 bodies of the messages whose layout changed from 2011: alarm interaction (0x1400 / 0x9400),
 * platform inspection (查岗, 0x9301 / 0x1301) and the static-data answer (0x1601). Big-endian; strings GBK,
 * fixed-width fields padded with 0x00; times are 8-byte UTC seconds.
 *
 * What 2019 changed, and why Vigil matches answers differently:
 * - 0x1400 and 0x9400 lose the vehicle envelope: the body is DATA_TYPE u16 | DATA_LENGTH u32 | data, the layout of
 *   0x1300 / 0x9300, and the vehicle (when there is one) is inside the sub-body.
 * - Answers no longer repeat the request's own id: 0x1301 (查岗 answer), 0x1401 (督办 answer) and 0x1412 (handling
 *   result of a reported alarm) name the message they answer by SOURCE_DATA_TYPE (its sub-type) and SOURCE_MSG_SN
 *   (the MSG_SN of its frame header). A platform that keeps answers must therefore remember the frame SN of what
 *   it sent or received.
 * - 0x1403 is no longer the handling result: in 2019 it is 上报报警预警信息 (a warning in the alarm layout below);
 *   the handling result moved to 0x1412 (主动上报报警处理结果).
 *
 * Written from Vigil's reading of JT/T 809-2019; the fields marked UNSURE below are the ones that reading is least
 * certain of (docs/sources/jt809.md lists them too). The 2011 layouts are in messages.ts and supervision-messages.ts
 * and are untouched.
 */
import { decodeGbk, decodePaddedField, encodeGbk, encodePaddedField } from '../jt808/codec/text.js';
import type { Parsed } from './frame.js';

/** Sub-types of 0x1400 in 2019. */
export const WARNING_2019 = {
  /** 报警督办应答: SOURCE_DATA_TYPE 0x9401, SOURCE_MSG_SN of the 0x9401, RESULT. */
  supervisionAnswer: 0x1401,
  /** 上报报警信息. */
  alarmReport: 0x1402,
  /** 上报报警预警信息 (2011: the handling result). */
  alarmTip: 0x1403,
  /** 主动上报报警处理结果: SOURCE_DATA_TYPE 0x1402, SOURCE_MSG_SN of the 0x1402, RESULT. */
  alarmResult: 0x1412,
} as const;

/** PLATFORM_ID: the 6-digit division code and the platform's number; 11 bytes. */
export const PLATFORM_ID_BYTES = 11;
/** 2019 widened OBJECT_ID of 查岗 from 12 to 20 bytes. */
export const OBJECT_ID_2019_BYTES = 20;
export const RESPONDER_BYTES = 16;
export const RESPONDER_TEL_BYTES = 20;
const PLATE_BYTES = 21;
/** A time_t beyond this is no date a store can hold. */
const LAST_SECOND_OF_9999 = 253_402_300_799n;

/**
 * The alarm layout 2019 gives 0x1402 上报报警信息, 0x1403 上报报警预警信息 and the upper platform's 0x9402 / 0x9403:
 * SOURCE_PLATFORM_ID [11] | WARN_TYPE u16 | WARN_TIME u64 | START_TIME u64 | END_TIME u64 | VEHICLE_NO [21] |
 * VEHICLE_COLOR u8 | DESTINATION_PLATFORM_ID [11] | DRV_LINE_ID u32 | INFO_LENGTH u32 | INFO_CONTENT (78 + n bytes).
 * UNSURE: the platform ids are read as ASCII digits padded with 0x00 (some platforms write them as binary);
 * there is no WARN_SRC and no INFO_ID in this layout, the alarm is named by its frame's MSG_SN.
 */
export interface AlarmInfo2019 {
  /** 发起报警平台唯一编码: the platform that raised the alarm. */
  sourcePlatformId: string;
  warnType: number;
  /** Epoch ms, whole seconds on the wire; likewise startTime and endTime. */
  warnTime: number;
  startTime: number;
  endTime: number;
  /** Empty (all zero on the wire) for an alarm that is about no vehicle. */
  plate: string;
  plateColor: number;
  /** 被报警平台唯一编码: the platform the alarm is about, empty for a vehicle's alarm. */
  targetPlatformId: string;
  /** DRV_LINE_ID: the route of JT/T 808 0x8606, 0 when none. */
  lineId: number;
  info: string;
}

export const ALARM_INFO_2019_FIXED_BYTES =
  PLATFORM_ID_BYTES + 2 + 8 + 8 + 8 + PLATE_BYTES + 1 + PLATFORM_ID_BYTES + 4 + 4;

export function encodeAlarmInfo2019(a: AlarmInfo2019): Buffer {
  const text = encodeGbk(a.info);
  const out = Buffer.alloc(ALARM_INFO_2019_FIXED_BYTES + text.length);
  let at = 0;
  encodePaddedField(a.sourcePlatformId, PLATFORM_ID_BYTES).copy(out, at);
  at += PLATFORM_ID_BYTES;
  out.writeUInt16BE(a.warnType, at);
  at += 2;
  for (const ms of [a.warnTime, a.startTime, a.endTime]) {
    out.writeBigUInt64BE(BigInt(Math.floor(ms / 1000)), at);
    at += 8;
  }
  encodePaddedField(a.plate, PLATE_BYTES).copy(out, at);
  at += PLATE_BYTES;
  out[at++] = a.plateColor;
  encodePaddedField(a.targetPlatformId, PLATFORM_ID_BYTES).copy(out, at);
  at += PLATFORM_ID_BYTES;
  out.writeUInt32BE(a.lineId >>> 0, at);
  out.writeUInt32BE(text.length, at + 4);
  text.copy(out, ALARM_INFO_2019_FIXED_BYTES);
  return out;
}

export function decodeAlarmInfo2019(data: Buffer, what = '0x1402'): Parsed<AlarmInfo2019> {
  if (data.length < ALARM_INFO_2019_FIXED_BYTES) return truncated(what, data.length, ALARM_INFO_2019_FIXED_BYTES);
  const length = data.readUInt32BE(ALARM_INFO_2019_FIXED_BYTES - 4);
  if (data.length < ALARM_INFO_2019_FIXED_BYTES + length)
    return truncated(`${what} info`, data.length, ALARM_INFO_2019_FIXED_BYTES + length);
  const times: number[] = [];
  for (const [i, name] of ['WARN_TIME', 'START_TIME', 'END_TIME'].entries()) {
    const seconds = data.readBigUInt64BE(PLATFORM_ID_BYTES + 2 + i * 8);
    if (seconds > LAST_SECOND_OF_9999)
      return { ok: false, reason: 'bad_time', detail: `${what} ${name} ${seconds} s is past the year 9999` };
    times.push(Number(seconds) * 1000);
  }
  const plateAt = PLATFORM_ID_BYTES + 2 + 24;
  const targetAt = plateAt + PLATE_BYTES + 1;
  return {
    ok: true,
    value: {
      sourcePlatformId: decodePaddedField(data, 0, PLATFORM_ID_BYTES),
      warnType: data.readUInt16BE(PLATFORM_ID_BYTES),
      warnTime: times[0],
      startTime: times[1],
      endTime: times[2],
      plate: decodePaddedField(data, plateAt, plateAt + PLATE_BYTES),
      plateColor: data[plateAt + PLATE_BYTES],
      targetPlatformId: decodePaddedField(data, targetAt, targetAt + PLATFORM_ID_BYTES),
      lineId: data.readUInt32BE(targetAt + PLATFORM_ID_BYTES),
      info: decodeGbk(data, ALARM_INFO_2019_FIXED_BYTES, ALARM_INFO_2019_FIXED_BYTES + length).replace(/\0+$/, ''),
    },
  };
}

/**
 * An answer that names its request by the request's sub-type and frame SN: 0x1401 (督办 answer), 0x1411 and 0x1412
 * (handling results). SOURCE_DATA_TYPE u16 | SOURCE_MSG_SN u32 | RESULT u8 (7 bytes).
 */
export interface SourceReply {
  sourceDataType: number;
  sourceMsgSn: number;
  result: number;
}

export const SOURCE_REPLY_BYTES = 7;

export function encodeSourceReply(reply: SourceReply): Buffer {
  const out = Buffer.alloc(SOURCE_REPLY_BYTES);
  out.writeUInt16BE(reply.sourceDataType, 0);
  out.writeUInt32BE(reply.sourceMsgSn >>> 0, 2);
  out[6] = reply.result;
  return out;
}

export function decodeSourceReply(data: Buffer, what: string): Parsed<SourceReply> {
  if (data.length < SOURCE_REPLY_BYTES) return truncated(what, data.length, SOURCE_REPLY_BYTES);
  return {
    ok: true,
    value: { sourceDataType: data.readUInt16BE(0), sourceMsgSn: data.readUInt32BE(2), result: data[6] },
  };
}

/**
 * 0x9401 报警督办请求 in 2019. It names the alarm as the platform reported it rather than by vehicle:
 * SOURCE_PLATFORM_ID [11] | WARN_TIME u64 | SOURCE_DATA_TYPE u16 | SOURCE_MSG_SN u32 | SUPERVISION_ENDTIME u64 |
 * SUPERVISION_LEVEL u8 | SUPERVISOR [16] | SUPERVISOR_TEL [20] | SUPERVISOR_EMAIL [32]  (102 bytes).
 * UNSURE: this is the layout 2019 gives the mirror message 0x1413 (上报报警督办请求); Vigil reads 0x9401 the same
 * way. There is no SUPERVISION_ID: the 督办 is named by its own frame's MSG_SN, which 0x1401 repeats.
 */
export interface SupervisionRequest2019 {
  sourcePlatformId: string;
  /** Epoch ms, whole seconds on the wire; likewise endTime. */
  warnTime: number;
  /** The sub-type and frame SN of the alarm report the 督办 is about (0x1402 and its MSG_SN). */
  sourceDataType: number;
  sourceMsgSn: number;
  endTime: number;
  level: number;
  supervisor: string;
  tel: string;
  email: string;
}

export const SUPERVISION_REQUEST_2019_BYTES = PLATFORM_ID_BYTES + 8 + 2 + 4 + 8 + 1 + 16 + 20 + 32;

export function encodeSupervisionRequest2019(r: SupervisionRequest2019): Buffer {
  const out = Buffer.alloc(SUPERVISION_REQUEST_2019_BYTES);
  encodePaddedField(r.sourcePlatformId, PLATFORM_ID_BYTES).copy(out, 0);
  out.writeBigUInt64BE(BigInt(Math.floor(r.warnTime / 1000)), 11);
  out.writeUInt16BE(r.sourceDataType, 19);
  out.writeUInt32BE(r.sourceMsgSn >>> 0, 21);
  out.writeBigUInt64BE(BigInt(Math.floor(r.endTime / 1000)), 25);
  out[33] = r.level;
  encodePaddedField(r.supervisor, 16).copy(out, 34);
  encodePaddedField(r.tel, 20).copy(out, 50);
  encodePaddedField(r.email, 32).copy(out, 70);
  return out;
}

export function decodeSupervisionRequest2019(data: Buffer): Parsed<SupervisionRequest2019> {
  if (data.length < SUPERVISION_REQUEST_2019_BYTES)
    return truncated('2019 0x9401', data.length, SUPERVISION_REQUEST_2019_BYTES);
  for (const [at, name] of [
    [11, 'WARN_TIME'],
    [25, 'SUPERVISION_ENDTIME'],
  ] as const) {
    const seconds = data.readBigUInt64BE(at);
    if (seconds > LAST_SECOND_OF_9999)
      return { ok: false, reason: 'bad_time', detail: `0x9401 ${name} ${seconds} s is past the year 9999` };
  }
  return {
    ok: true,
    value: {
      sourcePlatformId: decodePaddedField(data, 0, PLATFORM_ID_BYTES),
      warnTime: Number(data.readBigUInt64BE(11)) * 1000,
      sourceDataType: data.readUInt16BE(19),
      sourceMsgSn: data.readUInt32BE(21),
      endTime: Number(data.readBigUInt64BE(25)) * 1000,
      level: data[33],
      supervisor: decodePaddedField(data, 34, 50),
      tel: decodePaddedField(data, 50, 70),
      email: decodePaddedField(data, 70, 102),
    },
  };
}

/**
 * 0x9301 平台查岗请求 in 2019: OBJECT_TYPE u8 | OBJECT_ID [20] | ANSWER_TIME u8 | INFO_ID u32 | INFO_LENGTH u32 |
 * INFO_CONTENT (30 + n bytes). ANSWER_TIME is the time allowed to answer, in seconds from the header's TIME
 * (UNSURE: read as seconds; a byte cannot say more than 255).
 */
export interface InspectionRequest2019 {
  objectType: number;
  objectId: string;
  answerSeconds: number;
  infoId: number;
  text: string;
}

const INSPECTION_REQUEST_2019_FIXED_BYTES = 1 + OBJECT_ID_2019_BYTES + 1 + 4 + 4;

export function encodeInspectionRequest2019(r: InspectionRequest2019): Buffer {
  const text = encodeGbk(r.text);
  const out = Buffer.alloc(INSPECTION_REQUEST_2019_FIXED_BYTES + text.length);
  out[0] = r.objectType;
  encodePaddedField(r.objectId, OBJECT_ID_2019_BYTES).copy(out, 1);
  out[21] = Math.min(Math.max(Math.round(r.answerSeconds), 0), 255);
  out.writeUInt32BE(r.infoId >>> 0, 22);
  out.writeUInt32BE(text.length, 26);
  text.copy(out, INSPECTION_REQUEST_2019_FIXED_BYTES);
  return out;
}

export function decodeInspectionRequest2019(data: Buffer): Parsed<InspectionRequest2019> {
  const fixed = INSPECTION_REQUEST_2019_FIXED_BYTES;
  if (data.length < fixed) return truncated('2019 0x9301', data.length, fixed);
  const length = data.readUInt32BE(26);
  if (data.length < fixed + length) return truncated('2019 0x9301 content', data.length, fixed + length);
  return {
    ok: true,
    value: {
      objectType: data[0],
      objectId: decodePaddedField(data, 1, 1 + OBJECT_ID_2019_BYTES),
      answerSeconds: data[21],
      infoId: data.readUInt32BE(22),
      text: decodeGbk(data, fixed, fixed + length),
    },
  };
}

/**
 * 0x1301 平台查岗应答 in 2019: OBJECT_TYPE u8 | RESPONDER [16] | RESPONDER_TEL [20] | OBJECT_ID [20] |
 * SOURCE_DATA_TYPE u16 (0x9301) | SOURCE_MSG_SN u32 (the 0x9301's frame SN) | INFO_LENGTH u32 | INFO_CONTENT
 * (67 + n bytes). It carries no INFO_ID: the 查岗 is named by SOURCE_MSG_SN.
 */
export interface InspectionAnswer2019 {
  objectType: number;
  responder: string;
  responderTel: string;
  objectId: string;
  sourceDataType: number;
  sourceMsgSn: number;
  text: string;
}

const INSPECTION_ANSWER_2019_FIXED_BYTES = 1 + RESPONDER_BYTES + RESPONDER_TEL_BYTES + OBJECT_ID_2019_BYTES + 2 + 4 + 4;

export function encodeInspectionAnswer2019(a: InspectionAnswer2019): Buffer {
  const text = encodeGbk(a.text);
  const out = Buffer.alloc(INSPECTION_ANSWER_2019_FIXED_BYTES + text.length);
  out[0] = a.objectType;
  encodePaddedField(a.responder, RESPONDER_BYTES).copy(out, 1);
  encodePaddedField(a.responderTel, RESPONDER_TEL_BYTES).copy(out, 17);
  encodePaddedField(a.objectId, OBJECT_ID_2019_BYTES).copy(out, 37);
  out.writeUInt16BE(a.sourceDataType, 57);
  out.writeUInt32BE(a.sourceMsgSn >>> 0, 59);
  out.writeUInt32BE(text.length, 63);
  text.copy(out, INSPECTION_ANSWER_2019_FIXED_BYTES);
  return out;
}

export function decodeInspectionAnswer2019(data: Buffer): Parsed<InspectionAnswer2019> {
  const fixed = INSPECTION_ANSWER_2019_FIXED_BYTES;
  if (data.length < fixed) return truncated('2019 0x1301', data.length, fixed);
  const length = data.readUInt32BE(63);
  if (data.length < fixed + length) return truncated('2019 0x1301 content', data.length, fixed + length);
  return {
    ok: true,
    value: {
      objectType: data[0],
      responder: decodePaddedField(data, 1, 17),
      responderTel: decodePaddedField(data, 17, 37),
      objectId: decodePaddedField(data, 37, 57),
      sourceDataType: data.readUInt16BE(57),
      sourceMsgSn: data.readUInt32BE(59),
      text: decodeGbk(data, fixed, fixed + length),
    },
  };
}

/**
 * 0x1601 补报车辆静态信息应答 in 2019: SOURCE_DATA_TYPE u16 (0x9601) | SOURCE_MSG_SN u32 (the 0x9601's frame SN) |
 * CAR_INFO (the 2011 `KEY:=value;…` text). The 0x1600 / 0x9600 envelope keeps the vehicle in 2019.
 */
export function encodeStaticInfoAnswer2019(sourceMsgSn: number, carInfo: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16BE(0x9601, 0);
  head.writeUInt32BE(sourceMsgSn >>> 0, 2);
  return Buffer.concat([head, carInfo]);
}

function truncated(what: string, have: number, need: number): { ok: false; reason: string; detail: string } {
  return {
    ok: false,
    reason: 'frame_truncated',
    detail: `${what} has ${have} bytes, needs ${need}; ${need - have} missing`,
  };
}
