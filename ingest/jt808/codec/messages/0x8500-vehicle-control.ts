/**
 * 0x8500 vehicle control (车辆控制). 2011/2013: control flag BYTE (bit 0: 1 lock the doors, 0 unlock). 2019: count
 * WORD, then per control its type id WORD and its parameter; the one type the standard defines is 0x0001, the
 * doors, with a BYTE (0 unlock, 1 lock). The terminal answers 0x0500 with its position.
 */
import type { Jt808Version, Result } from '../types.js';
import { ok, reject } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';

export interface VehicleControl {
  /** 2011/2013: the control flag byte. */
  flags?: number;
  /** 2019: the controls, each a type id and its value. */
  controls?: { typeId: number; value: number }[];
}

/** Control type ids of JT/T 808-2019 table 39 and the bytes of their parameter. */
const CONTROL_PARAM_BYTES: Record<number, number> = { 0x0001: 1 };

export function decodeVehicleControl(body: Buffer, ctx: DecodeContext): Result<VehicleControl> {
  if (ctx.version !== 2019) {
    const short = need(body, 1, 'vehicle control flag');
    return short ?? ok({ flags: body[0] });
  }
  const short = need(body, 2, 'vehicle control count');
  if (short) return short;
  const count = body.readUInt16BE(0);
  const controls: { typeId: number; value: number }[] = [];
  let p = 2;
  for (let i = 0; i < count; i++) {
    const shortId = need(body, p + 2, `vehicle control ${i + 1} type`);
    if (shortId) return shortId;
    const typeId = body.readUInt16BE(p);
    const bytes = CONTROL_PARAM_BYTES[typeId];
    if (bytes === undefined) return reject('bad_value', `vehicle control type 0x${typeId.toString(16)} is not defined`);
    const shortValue = need(body, p + 2 + bytes, `vehicle control 0x${typeId.toString(16)} parameter`);
    if (shortValue) return shortValue;
    controls.push({ typeId, value: body[p + 2] });
    p += 2 + bytes;
  }
  return ok({ controls });
}

export function encodeVehicleControl(m: VehicleControl, version: Jt808Version): Buffer {
  if (version !== 2019) return Buffer.from([m.flags ?? 0]);
  const controls = m.controls ?? [];
  const out = Buffer.alloc(2 + controls.length * 3);
  out.writeUInt16BE(controls.length, 0);
  controls.forEach((c, i) => {
    out.writeUInt16BE(c.typeId, 2 + i * 3);
    out[4 + i * 3] = c.value;
  });
  return out;
}
