/**
 * 0x0100 terminal registration. Three layouts:
 *   2011: province WORD, city WORD, maker BYTE[5], model BYTE[8],  terminal id BYTE[7],  plate colour BYTE, plate
 *   2013: province WORD, city WORD, maker BYTE[5], model BYTE[20], terminal id BYTE[7],  plate colour BYTE, plate
 *   2019: province WORD, city WORD, maker BYTE[11], model BYTE[30], terminal id BYTE[30], plate colour BYTE, plate
 * 2011 and 2013 share a header, so the layout is detected from the body: the plate colour byte is small
 * (0-9) and the plate is GBK text (bytes ≥ 0x20), so we take the 2013 layout when its colour position holds
 * a plausible colour, else the 2011 one. Fixed fields are 0x00-trimmed on both ends (see text.ts).
 */
import { decodePaddedField, decodeGbk, encodeGbk, encodePaddedField } from '../text.js';
import type { Jt808Version, Result } from '../types.js';
import { ok } from '../types.js';
import type { DecodeContext } from './context.js';
import { need } from './context.js';

export type RegisterLayout = 2011 | 2013 | 2019;

export interface Register {
  provinceId: number;
  cityId: number;
  maker: string;
  model: string;
  terminalId: string;
  /** JT/T 415 colour: 0 not registered (the plate field then holds the VIN), 1 blue, 2 yellow, ... */
  plateColor: number;
  /** Plate, or VIN when plateColor is 0. */
  plate: string;
  /** Layout found on the wire; 2011 tells the session its terminal speaks 2011. */
  layout: RegisterLayout;
}

const WIDTHS: Record<RegisterLayout, { maker: number; model: number; terminalId: number }> = {
  2011: { maker: 5, model: 8, terminalId: 7 },
  2013: { maker: 5, model: 20, terminalId: 7 },
  2019: { maker: 11, model: 30, terminalId: 30 },
};

/** Plate colours never exceed this before 2019 (9 = other). */
const PLATE_COLOR_MAX_2013 = 9;

function fixedBytes(layout: RegisterLayout): number {
  const w = WIDTHS[layout];
  return 4 + w.maker + w.model + w.terminalId + 1;
}

function detectLayout(body: Buffer, version: Jt808Version): RegisterLayout {
  if (version === 2019) return 2019;
  const colorAt2013 = fixedBytes(2013) - 1;
  if (body.length > colorAt2013 && body[colorAt2013] <= PLATE_COLOR_MAX_2013) return 2013;
  const colorAt2011 = fixedBytes(2011) - 1;
  if (body.length > colorAt2011 && body[colorAt2011] <= PLATE_COLOR_MAX_2013) return 2011;
  return body.length >= fixedBytes(2013) ? 2013 : 2011;
}

export function decodeRegister(body: Buffer, ctx: DecodeContext): Result<Register> {
  const layout = detectLayout(body, ctx.version);
  const short = need(body, fixedBytes(layout), `${layout} registration`);
  if (short) return short;
  const w = WIDTHS[layout];
  let at = 4;
  const maker = decodePaddedField(body, at, at + w.maker, ctx.zeroPadding);
  at += w.maker;
  const model = decodePaddedField(body, at, at + w.model, ctx.zeroPadding);
  at += w.model;
  const terminalId = decodePaddedField(body, at, at + w.terminalId, ctx.zeroPadding);
  at += w.terminalId;
  const plateColor = body[at++];
  // The plate is the rest of the body; some terminals NUL-terminate it.
  let plateEnd = body.length;
  while (plateEnd > at && body[plateEnd - 1] === 0) plateEnd--;
  return ok({
    provinceId: body.readUInt16BE(0),
    cityId: body.readUInt16BE(2),
    maker,
    model,
    terminalId,
    plateColor,
    plate: decodeGbk(body, at, plateEnd),
    layout,
  });
}

/** Encodes with `reg.layout`; the layout must agree with the header version (2019 ↔ 2019). */
export function encodeRegister(reg: Register, version: Jt808Version): Buffer {
  if ((version === 2019) !== (reg.layout === 2019))
    throw new RangeError(`register layout ${reg.layout} cannot travel in a ${version} header`);
  const w = WIDTHS[reg.layout];
  const head = Buffer.allocUnsafe(4);
  head.writeUInt16BE(reg.provinceId, 0);
  head.writeUInt16BE(reg.cityId, 2);
  return Buffer.concat([
    head,
    encodePaddedField(reg.maker, w.maker),
    encodePaddedField(reg.model, w.model),
    encodePaddedField(reg.terminalId, w.terminalId),
    Buffer.from([reg.plateColor]),
    encodeGbk(reg.plate),
  ]);
}
