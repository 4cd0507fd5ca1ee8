/**
 * Active-safety additional items of the Jiangsu extension (T/JSATL 12, used by Henan's intelligent video
 * monitoring requirement): 0x64 ADAS, 0x65 DSM, 0x66 tyre pressure (TPMS), 0x67 blind spot (BSD).
 * Terminals in the field send shortened items, so fields are decoded in layout order "as far as present":
 * a field whose bytes are missing is left undefined, and encoding stops at the first undefined field.
 */
import { readBcdTimeMs, writeBcdTimeMs } from '../bcd.js';
import { decodePaddedField, encodePaddedField } from '../text.js';

/** The 16-byte alarm identification number that ties an alarm to its attachments (0x1210 upload). */
export interface AlarmIdentification {
  terminalId: string;
  /** Epoch ms, or null when the BCD time is invalid. */
  time: number | null;
  serial: number;
  attachmentCount: number;
  reserved: number;
}

type FieldKind = 'u8' | 'u16' | 'u32' | 'time' | 'ident';
const FIELD_BYTES: Record<FieldKind, number> = { u8: 1, u16: 2, u32: 4, time: 6, ident: 16 };

type FieldList = readonly (readonly [string, FieldKind])[];

/** Position block shared by all four items after their specific fields. */
const POSITION_FIELDS: FieldList = [
  ['speedKmh', 'u8'],
  ['altitudeM', 'u16'],
  ['latRaw', 'u32'],
  ['lonRaw', 'u32'],
  ['time', 'time'],
  ['vehicleStatusBits', 'u16'],
  ['alarmIdentification', 'ident'],
];

const ADAS_FIELDS: FieldList = [
  ['alarmId', 'u32'],
  ['flag', 'u8'],
  ['type', 'u8'],
  ['level', 'u8'],
  ['frontVehicleSpeedKmh', 'u8'],
  ['frontDistance100ms', 'u8'],
  ['deviationType', 'u8'],
  ['roadSignType', 'u8'],
  ['roadSignValue', 'u8'],
  ...POSITION_FIELDS,
];
const DSM_FIELDS: FieldList = [
  ['alarmId', 'u32'],
  ['flag', 'u8'],
  ['type', 'u8'],
  ['level', 'u8'],
  ['fatigueLevel', 'u8'],
  ['reserved', 'u32'],
  ...POSITION_FIELDS,
];
const TPMS_FIELDS: FieldList = [['alarmId', 'u32'], ['flag', 'u8'], ...POSITION_FIELDS];
const BSD_FIELDS: FieldList = [['alarmId', 'u32'], ['flag', 'u8'], ['type', 'u8'], ...POSITION_FIELDS];

interface PositionPart {
  speedKmh?: number;
  altitudeM?: number;
  latRaw?: number;
  lonRaw?: number;
  /** Epoch ms, or null when the BCD time is invalid. */
  time?: number | null;
  vehicleStatusBits?: number;
  alarmIdentification?: AlarmIdentification;
}

/** Flag: 0 not applicable, 1 start, 2 end. */
export interface AdasAlarm extends PositionPart {
  alarmId: number;
  flag: number;
  /** 1 forward collision, 2 lane departure, 3 following too close, 4 pedestrian, 5 frequent lane change,
   * 6 road-sign overspeed, 7 obstacle, 0x10 sign recognition, 0x11 active snapshot. */
  type: number;
  level: number;
  frontVehicleSpeedKmh?: number;
  /** Time gap to the vehicle or pedestrian ahead, in units of 100 ms. */
  frontDistance100ms?: number;
  /** 1 left, 2 right. */
  deviationType?: number;
  roadSignType?: number;
  roadSignValue?: number;
}

export interface DsmAlarm extends PositionPart {
  alarmId: number;
  flag: number;
  /** 1 fatigue, 2 handheld phone, 3 smoking, 4 not looking ahead, 5 driver abnormal. */
  type: number;
  level: number;
  fatigueLevel?: number;
  reserved?: number;
}

export interface TpmsTyre {
  position: number;
  alarmBits: number;
  pressureKpa: number;
  temperatureC: number;
  batteryPercent: number;
}

export interface TpmsAlarm extends PositionPart {
  alarmId: number;
  flag: number;
  tyres?: TpmsTyre[];
}

export interface BlindSpotAlarm extends PositionPart {
  alarmId: number;
  flag: number;
  /** 1 rear approach, 2 left rear, 3 right rear. */
  type: number;
}

/** Fields that must be present for the item to be decoded at all; shorter items stay raw. */
const REQUIRED_BYTES = { adas: 7, dsm: 7, tpms: 5, bsd: 6 };

function readIdent(buf: Buffer, at: number): AlarmIdentification {
  const time = readBcdTimeMs(buf, at + 7);
  return {
    terminalId: decodePaddedField(buf, at, at + 7),
    time: time < 0 ? null : time,
    serial: buf[at + 13],
    attachmentCount: buf[at + 14],
    reserved: buf[at + 15],
  };
}

function readFields(buf: Buffer, start: number, end: number, fields: FieldList): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  let at = start;
  for (const [name, kind] of fields) {
    const size = FIELD_BYTES[kind];
    if (at + size > end) break;
    if (kind === 'u8') out[name] = buf[at];
    else if (kind === 'u16') out[name] = buf.readUInt16BE(at);
    else if (kind === 'u32') out[name] = buf.readUInt32BE(at);
    else if (kind === 'time') {
      const time = readBcdTimeMs(buf, at);
      out[name] = time < 0 ? null : time;
    } else out[name] = readIdent(buf, at);
    at += size;
  }
  return [out, at];
}

function writeFields(value: Record<string, unknown>, fields: FieldList): Buffer {
  const parts: Buffer[] = [];
  for (const [name, kind] of fields) {
    const v = value[name];
    if (v === undefined) break;
    const part = Buffer.alloc(FIELD_BYTES[kind]);
    if (kind === 'u8') part[0] = v as number;
    else if (kind === 'u16') part.writeUInt16BE(v as number);
    else if (kind === 'u32') part.writeUInt32BE(v as number);
    else if (kind === 'time') {
      if (v !== null) writeBcdTimeMs(part, 0, v as number);
    } else {
      const ident = v as AlarmIdentification;
      encodePaddedField(ident.terminalId, 7).copy(part, 0);
      if (ident.time !== null) writeBcdTimeMs(part, 7, ident.time);
      part[13] = ident.serial;
      part[14] = ident.attachmentCount;
      part[15] = ident.reserved;
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}

export function decodeAdas(buf: Buffer, start: number, end: number): AdasAlarm | null {
  if (end - start < REQUIRED_BYTES.adas) return null;
  return readFields(buf, start, end, ADAS_FIELDS)[0] as unknown as AdasAlarm;
}

export function decodeDsm(buf: Buffer, start: number, end: number): DsmAlarm | null {
  if (end - start < REQUIRED_BYTES.dsm) return null;
  return readFields(buf, start, end, DSM_FIELDS)[0] as unknown as DsmAlarm;
}

export function decodeBlindSpot(buf: Buffer, start: number, end: number): BlindSpotAlarm | null {
  if (end - start < REQUIRED_BYTES.bsd) return null;
  return readFields(buf, start, end, BSD_FIELDS)[0] as unknown as BlindSpotAlarm;
}

const TYRE_BYTES = 9;

export function decodeTpms(buf: Buffer, start: number, end: number): TpmsAlarm | null {
  if (end - start < REQUIRED_BYTES.tpms) return null;
  const [fields, at] = readFields(buf, start, end, TPMS_FIELDS);
  const alarm = fields as unknown as TpmsAlarm;
  if (alarm.alarmIdentification === undefined || at >= end) return alarm;
  const count = buf[at];
  // A tyre list that does not fit is a layout we do not know: the caller keeps the item raw.
  if (at + 1 + count * TYRE_BYTES > end) return null;
  const tyres: TpmsTyre[] = [];
  for (let i = 0, p = at + 1; i < count; i++, p += TYRE_BYTES) {
    tyres.push({
      position: buf[p],
      alarmBits: buf.readUInt16BE(p + 1),
      pressureKpa: buf.readUInt16BE(p + 3),
      temperatureC: buf.readUInt16BE(p + 5),
      batteryPercent: buf.readUInt16BE(p + 7),
    });
  }
  alarm.tyres = tyres;
  return alarm;
}

export function encodeAdas(alarm: AdasAlarm): Buffer {
  return writeFields(alarm as unknown as Record<string, unknown>, ADAS_FIELDS);
}

export function encodeDsm(alarm: DsmAlarm): Buffer {
  return writeFields(alarm as unknown as Record<string, unknown>, DSM_FIELDS);
}

export function encodeBlindSpot(alarm: BlindSpotAlarm): Buffer {
  return writeFields(alarm as unknown as Record<string, unknown>, BSD_FIELDS);
}

export function encodeTpms(alarm: TpmsAlarm): Buffer {
  const head = writeFields(alarm as unknown as Record<string, unknown>, TPMS_FIELDS);
  if (alarm.tyres === undefined) return head;
  const list = Buffer.alloc(1 + alarm.tyres.length * TYRE_BYTES);
  list[0] = alarm.tyres.length;
  alarm.tyres.forEach((t, i) => {
    const p = 1 + i * TYRE_BYTES;
    list[p] = t.position;
    list.writeUInt16BE(t.alarmBits, p + 1);
    list.writeUInt16BE(t.pressureKpa, p + 3);
    list.writeUInt16BE(t.temperatureC, p + 5);
    list.writeUInt16BE(t.batteryPercent, p + 7);
  });
  return Buffer.concat([head, list]);
}
