/**
 * Additional items of a location report: `id BYTE, length BYTE, value`. Known items are decoded to
 * typed values; unknown items, duplicates and known ids whose length does not fit their layout are
 * kept raw in `others`, because vendors reuse ids and an unexpected item must never lose the position.
 * An item that overruns the body ends the list: the items before it are kept and `error` says why.
 */
import type { AdasAlarm, BlindSpotAlarm, DsmAlarm, TpmsAlarm } from './active-safety.js';
import {
  decodeAdas,
  decodeBlindSpot,
  decodeDsm,
  decodeTpms,
  encodeAdas,
  encodeBlindSpot,
  encodeDsm,
  encodeTpms,
} from './active-safety.js';

export interface LocationExtras {
  /** 0x01, DWORD in 0.1 km. */
  mileageKm?: number;
  /** 0x02, WORD in 0.1 L. */
  fuelL?: number;
  /** 0x03, WORD in 0.1 km/h. */
  tachographSpeedKmh?: number;
  /** 0x04, id of an alarm event that needs manual confirmation. */
  alarmEventId?: number;
  /**
   * 0x05 (2019), BYTE[30], one byte per tyre from the front, left to right; 0xFF (no data) → null.
   * The standard gives the unit as Pa, which cannot fit a byte; we pass the number on unscaled.
   */
  tyrePressures?: (number | null)[];
  /** 0x06 (2019), WORD, °C; the standard's "top bit set means negative" is read as sign and magnitude. */
  cabinTemperatureC?: number;
  /** 0x11: position type 0 none, 1 circle, 2 rectangle, 3 polygon, 4 route; area id unless type 0. */
  overspeed?: { positionType: number; areaId?: number };
  /** 0x12: direction 0 in, 1 out. */
  areaRouteInOut?: { positionType: number; areaId: number; direction: number };
  /** 0x13: result 0 too short, 1 too long. */
  roadSectionTime?: { sectionId: number; durationS: number; result: number };
  /** 0x14 (JT/T 1078) video alarm bits: 0 signal lost, 1 occlusion, 2 storage fault, 3 other device fault,
   * 4 passenger overload, 5 abnormal driving, 6 storage threshold reached. */
  videoAlarmBits?: number;
  /** 0x15, one bit per logical channel with signal lost. */
  videoLossChannelBits?: number;
  /** 0x16, one bit per logical channel occluded. */
  videoOcclusionChannelBits?: number;
  /** 0x17, bits 0-11 main storage units, 12-15 disaster-recovery units at fault. */
  storageFaultBits?: number;
  /** 0x18: bits 0 fatigue, 1 phone call, 2 smoking; fatigue level 0-100. */
  abnormalDriving?: { behaviourBits: number; fatigueLevel: number };
  /** 0x25, extended vehicle signal bits (lights, brake, reverse, ...). */
  extendedSignalBits?: number;
  /** 0x2A, IO status bits (0 deep sleep, 1 sleep). */
  ioStatusBits?: number;
  /** 0x2B, analog DWORD as on the wire; AD0 is bits 0-15, AD1 bits 16-31. */
  analogRaw?: number;
  /** 0x30, wireless signal strength. */
  signalStrength?: number;
  /** 0x31, GNSS satellites in view. */
  gnssSatellites?: number;
  /** 0x64 ADAS alarm (Jiangsu extension). */
  adas?: AdasAlarm;
  /** 0x65 driver-state (DSM) alarm. */
  dsm?: DsmAlarm;
  /** 0x66 tyre pressure (TPMS) alarm. */
  tpms?: TpmsAlarm;
  /** 0x67 blind-spot (BSD) alarm. */
  blindSpot?: BlindSpotAlarm;
  /**
   * Items not decoded above, in wire order: unknown ids, duplicates, unexpected lengths. When there are
   * none this is one shared frozen empty array (no allocation per report): copy before adding.
   */
  others: readonly { id: number; hex: string }[];
}

const NO_OTHERS: readonly { id: number; hex: string }[] = Object.freeze([]);

/** Decodes one known item into `extras`; false means "keep it raw". */
function decodeKnown(id: number, buf: Buffer, at: number, len: number, x: LocationExtras): boolean {
  const end = at + len;
  switch (id) {
    case 0x01:
      if (len !== 4 || x.mileageKm !== undefined) return false;
      x.mileageKm = buf.readUInt32BE(at) / 10;
      return true;
    case 0x02:
      if (len !== 2 || x.fuelL !== undefined) return false;
      x.fuelL = buf.readUInt16BE(at) / 10;
      return true;
    case 0x03:
      if (len !== 2 || x.tachographSpeedKmh !== undefined) return false;
      x.tachographSpeedKmh = buf.readUInt16BE(at) / 10;
      return true;
    case 0x04:
      if (len !== 2 || x.alarmEventId !== undefined) return false;
      x.alarmEventId = buf.readUInt16BE(at);
      return true;
    case 0x05: {
      if (len !== 30 || x.tyrePressures !== undefined) return false;
      const tyres: (number | null)[] = [];
      for (let i = at; i < end; i++) tyres.push(buf[i] === 0xff ? null : buf[i]);
      x.tyrePressures = tyres;
      return true;
    }
    case 0x06: {
      if (len !== 2 || x.cabinTemperatureC !== undefined) return false;
      const raw = buf.readUInt16BE(at);
      // "|| 0" turns the -0 of a negative zero (0x8000) into 0.
      x.cabinTemperatureC = raw & 0x8000 ? -(raw & 0x7fff) || 0 : raw;
      return true;
    }
    case 0x11:
      if ((len !== 1 && len !== 5) || x.overspeed !== undefined) return false;
      if (len === 1 ? buf[at] !== 0 : buf[at] === 0) return false;
      x.overspeed = len === 1 ? { positionType: 0 } : { positionType: buf[at], areaId: buf.readUInt32BE(at + 1) };
      return true;
    case 0x12:
      if (len !== 6 || x.areaRouteInOut !== undefined) return false;
      x.areaRouteInOut = { positionType: buf[at], areaId: buf.readUInt32BE(at + 1), direction: buf[at + 5] };
      return true;
    case 0x13:
      if (len !== 7 || x.roadSectionTime !== undefined) return false;
      x.roadSectionTime = { sectionId: buf.readUInt32BE(at), durationS: buf.readUInt16BE(at + 4), result: buf[at + 6] };
      return true;
    case 0x14:
      if (len !== 4 || x.videoAlarmBits !== undefined) return false;
      x.videoAlarmBits = buf.readUInt32BE(at);
      return true;
    case 0x15:
      if (len !== 4 || x.videoLossChannelBits !== undefined) return false;
      x.videoLossChannelBits = buf.readUInt32BE(at);
      return true;
    case 0x16:
      if (len !== 4 || x.videoOcclusionChannelBits !== undefined) return false;
      x.videoOcclusionChannelBits = buf.readUInt32BE(at);
      return true;
    case 0x17:
      if (len !== 2 || x.storageFaultBits !== undefined) return false;
      x.storageFaultBits = buf.readUInt16BE(at);
      return true;
    case 0x18:
      if (len !== 3 || x.abnormalDriving !== undefined) return false;
      x.abnormalDriving = { behaviourBits: buf.readUInt16BE(at), fatigueLevel: buf[at + 2] };
      return true;
    case 0x25:
      if (len !== 4 || x.extendedSignalBits !== undefined) return false;
      x.extendedSignalBits = buf.readUInt32BE(at);
      return true;
    case 0x2a:
      if (len !== 2 || x.ioStatusBits !== undefined) return false;
      x.ioStatusBits = buf.readUInt16BE(at);
      return true;
    case 0x2b:
      if (len !== 4 || x.analogRaw !== undefined) return false;
      x.analogRaw = buf.readUInt32BE(at);
      return true;
    case 0x30:
      if (len !== 1 || x.signalStrength !== undefined) return false;
      x.signalStrength = buf[at];
      return true;
    case 0x31:
      if (len !== 1 || x.gnssSatellites !== undefined) return false;
      x.gnssSatellites = buf[at];
      return true;
    case 0x64: {
      if (x.adas !== undefined) return false;
      const v = decodeAdas(buf, at, end);
      if (!v) return false;
      x.adas = v;
      return true;
    }
    case 0x65: {
      if (x.dsm !== undefined) return false;
      const v = decodeDsm(buf, at, end);
      if (!v) return false;
      x.dsm = v;
      return true;
    }
    case 0x66: {
      if (x.tpms !== undefined) return false;
      const v = decodeTpms(buf, at, end);
      if (!v) return false;
      x.tpms = v;
      return true;
    }
    case 0x67: {
      if (x.blindSpot !== undefined) return false;
      const v = decodeBlindSpot(buf, at, end);
      if (!v) return false;
      x.blindSpot = v;
      return true;
    }
    default:
      return false;
  }
}

/**
 * Why the last decodeExtras stopped early, or undefined when it read every item. Module state instead of a
 * wrapper object per call: decodeExtras runs for every position, and is synchronous.
 */
let lastError: string | undefined;

export function lastExtrasError(): string | undefined {
  return lastError;
}

/**
 * Decodes the items in [start, end). Never fails: a bad item ends the list, and lastExtrasError() then says
 * why (until the next call).
 */
export function decodeExtras(buf: Buffer, start: number, end: number): LocationExtras {
  const extras: LocationExtras = { others: NO_OTHERS };
  let others: { id: number; hex: string }[] | null = null;
  let at = start;
  lastError = undefined;
  while (at < end) {
    if (at + 2 > end) {
      lastError = `item header at offset ${at - start} needs 2 bytes, only ${end - at} left`;
      return extras;
    }
    const id = buf[at];
    const len = buf[at + 1];
    const valueAt = at + 2;
    if (valueAt + len > end) {
      lastError = `item 0x${id.toString(16).padStart(2, '0')} declares ${len} bytes, only ${end - valueAt} left`;
      return extras;
    }
    if (!decodeKnown(id, buf, valueAt, len, extras)) {
      if (others === null) extras.others = others = [];
      others.push({ id, hex: buf.toString('hex', valueAt, valueAt + len) });
    }
    at = valueAt + len;
  }
  return extras;
}

function item(id: number, value: Buffer): Buffer {
  if (value.length > 255)
    throw new RangeError(`additional item 0x${id.toString(16)} of ${value.length} bytes exceeds 255`);
  const out = Buffer.allocUnsafe(2 + value.length);
  out[0] = id;
  out[1] = value.length;
  value.copy(out, 2);
  return out;
}

function u8(v: number): Buffer {
  return Buffer.from([v & 0xff]);
}
function u16(v: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(v);
  return b;
}
function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(v);
  return b;
}

/** Encodes typed items in id order, then `others` in their order. Scaled values are rounded to the wire unit. */
export function encodeExtras(x: LocationExtras): Buffer {
  const items: Buffer[] = [];
  if (x.mileageKm !== undefined) items.push(item(0x01, u32(Math.round(x.mileageKm * 10))));
  if (x.fuelL !== undefined) items.push(item(0x02, u16(Math.round(x.fuelL * 10))));
  if (x.tachographSpeedKmh !== undefined) items.push(item(0x03, u16(Math.round(x.tachographSpeedKmh * 10))));
  if (x.alarmEventId !== undefined) items.push(item(0x04, u16(x.alarmEventId)));
  if (x.tyrePressures !== undefined) {
    if (x.tyrePressures.length !== 30) throw new RangeError('tyrePressures must hold 30 entries');
    items.push(item(0x05, Buffer.from(x.tyrePressures.map((p) => (p === null ? 0xff : p)))));
  }
  if (x.cabinTemperatureC !== undefined) {
    const c = x.cabinTemperatureC;
    items.push(item(0x06, u16(c < 0 ? 0x8000 | (-c & 0x7fff) : c & 0x7fff)));
  }
  if (x.overspeed !== undefined) {
    const o = x.overspeed;
    items.push(item(0x11, o.positionType === 0 ? u8(0) : Buffer.concat([u8(o.positionType), u32(o.areaId ?? 0)])));
  }
  if (x.areaRouteInOut !== undefined) {
    const a = x.areaRouteInOut;
    items.push(item(0x12, Buffer.concat([u8(a.positionType), u32(a.areaId), u8(a.direction)])));
  }
  if (x.roadSectionTime !== undefined) {
    const r = x.roadSectionTime;
    items.push(item(0x13, Buffer.concat([u32(r.sectionId), u16(r.durationS), u8(r.result)])));
  }
  if (x.videoAlarmBits !== undefined) items.push(item(0x14, u32(x.videoAlarmBits)));
  if (x.videoLossChannelBits !== undefined) items.push(item(0x15, u32(x.videoLossChannelBits)));
  if (x.videoOcclusionChannelBits !== undefined) items.push(item(0x16, u32(x.videoOcclusionChannelBits)));
  if (x.storageFaultBits !== undefined) items.push(item(0x17, u16(x.storageFaultBits)));
  if (x.abnormalDriving !== undefined) {
    items.push(item(0x18, Buffer.concat([u16(x.abnormalDriving.behaviourBits), u8(x.abnormalDriving.fatigueLevel)])));
  }
  if (x.extendedSignalBits !== undefined) items.push(item(0x25, u32(x.extendedSignalBits)));
  if (x.ioStatusBits !== undefined) items.push(item(0x2a, u16(x.ioStatusBits)));
  if (x.analogRaw !== undefined) items.push(item(0x2b, u32(x.analogRaw)));
  if (x.signalStrength !== undefined) items.push(item(0x30, u8(x.signalStrength)));
  if (x.gnssSatellites !== undefined) items.push(item(0x31, u8(x.gnssSatellites)));
  if (x.adas !== undefined) items.push(item(0x64, encodeAdas(x.adas)));
  if (x.dsm !== undefined) items.push(item(0x65, encodeDsm(x.dsm)));
  if (x.tpms !== undefined) items.push(item(0x66, encodeTpms(x.tpms)));
  if (x.blindSpot !== undefined) items.push(item(0x67, encodeBlindSpot(x.blindSpot)));
  for (const o of x.others) items.push(item(o.id, Buffer.from(o.hex, 'hex')));
  return Buffer.concat(items);
}
