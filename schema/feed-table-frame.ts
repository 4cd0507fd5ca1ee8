/**
 * The binary vehicle-table frame of the live feed (protocol 3): the table that positions frames index into, as one
 * WebSocket binary message instead of a JSON `vehicle_table` message. A province snapshot announces 100,000
 * vehicles at once; as JSON that is about 90 bytes a vehicle, here 7 bytes plus the terminal id and plate text.
 * Dependency-free, shared by the hub (encoder) and the wall (decoder).
 *
 * Layout, little-endian, every column aligned to its element size (n vehicles, k class names):
 *   0  u8  kind (2 = vehicle table)    1 u8 version (1)      2 u16 k
 *   4  u32 n                           8 u32 text bytes T    12 u32 reserved (0)
 *   16          u32[n] vehicle index
 *   16 + 4n     u8[n]  vehicle class, an index into the k class names
 *   16 + 5n     u8[n]  terminal id length, in UTF-16 code units
 *   16 + 6n     u8[n]  plate length, in UTF-16 code units
 *   16 + 7n     u8[T]  UTF-8 text: k characters whose code points are the class names' lengths, the k class
 *                      names, then for each vehicle its terminal id followed by its plate
 *
 * Lengths count UTF-16 code units so that a decoder turns the whole text into one string in a single call and cuts
 * it, rather than decoding 200,000 small strings. A string longer than 255 code units is cut to 255 (terminal ids
 * are at most 20 digits; a plate is a dozen characters).
 */
export const VEHICLE_TABLE_FRAME_KIND = 2;
export const VEHICLE_TABLE_FRAME_VERSION = 1;
export const VEHICLE_TABLE_FRAME_HEADER_BYTES = 16;
/** Longest terminal id, plate or class name a table frame carries, in UTF-16 code units. */
export const TABLE_STRING_UNITS_MAX = 255;
/** Distinct vehicle classes one frame can name. */
export const TABLE_CLASSES_MAX = 255;

export interface VehicleTableEntry {
  index: number;
  terminal_id: string;
  plate: string;
  vehicle_class: string;
}

const encoder = new TextEncoder();

function clip(text: string): string {
  return text.length <= TABLE_STRING_UNITS_MAX ? text : text.slice(0, TABLE_STRING_UNITS_MAX);
}

/** Encodes table entries into one frame. Classes beyond TABLE_CLASSES_MAX distinct names are sent as ''. */
export function encodeVehicleTableFrame(entries: readonly VehicleTableEntry[]): Uint8Array {
  const n = entries.length;
  const classes: string[] = [];
  const classCode = new Map<string, number>();
  const codes = new Uint8Array(n);
  const parts: string[] = [];
  const idLengths = new Uint8Array(n);
  const plateLengths = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const entry = entries[i];
    const name = clip(entry.vehicle_class);
    let code = classCode.get(name);
    if (code === undefined) {
      if (classes.length >= TABLE_CLASSES_MAX) code = classCode.get('') ?? 0;
      else {
        code = classes.push(name) - 1;
        classCode.set(name, code);
      }
    }
    codes[i] = code;
    const id = clip(entry.terminal_id);
    const plate = clip(entry.plate);
    idLengths[i] = id.length;
    plateLengths[i] = plate.length;
    parts.push(id, plate);
  }
  // The class names' lengths lead the text as one character each, so the decoder needs no other bookkeeping.
  const text = encoder.encode(String.fromCharCode(...classes.map((c) => c.length)) + classes.join('') + parts.join(''));
  const k = classes.length;
  const base = VEHICLE_TABLE_FRAME_HEADER_BYTES + 7 * n;
  const out = new Uint8Array(base + text.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, VEHICLE_TABLE_FRAME_KIND);
  view.setUint8(1, VEHICLE_TABLE_FRAME_VERSION);
  view.setUint16(2, k, true);
  view.setUint32(4, n, true);
  view.setUint32(8, text.length, true);
  view.setUint32(12, 0, true);
  const index = new Uint32Array(out.buffer, VEHICLE_TABLE_FRAME_HEADER_BYTES, n);
  for (let i = 0; i < n; i += 1) index[i] = entries[i].index;
  out.set(codes, VEHICLE_TABLE_FRAME_HEADER_BYTES + 4 * n);
  out.set(idLengths, VEHICLE_TABLE_FRAME_HEADER_BYTES + 5 * n);
  out.set(plateLengths, VEHICLE_TABLE_FRAME_HEADER_BYTES + 6 * n);
  out.set(text, base);
  return out;
}

export type TableDecodeOutcome =
  | { ok: true; entries: VehicleTableEntry[] }
  | {
      ok: false;
      reason:
        | 'frame_too_short'
        | 'unknown_frame_kind'
        | 'unsupported_frame_version'
        | 'frame_length_mismatch'
        | 'bad_table_text'
        | 'bad_class_code';
    };

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Reads a table frame, validating every length and class code against the frame's own sizes. */
export function decodeVehicleTableFrame(buffer: ArrayBuffer): TableDecodeOutcome {
  if (buffer.byteLength < VEHICLE_TABLE_FRAME_HEADER_BYTES) return { ok: false, reason: 'frame_too_short' };
  const view = new DataView(buffer);
  if (view.getUint8(0) !== VEHICLE_TABLE_FRAME_KIND) return { ok: false, reason: 'unknown_frame_kind' };
  if (view.getUint8(1) !== VEHICLE_TABLE_FRAME_VERSION) return { ok: false, reason: 'unsupported_frame_version' };
  const k = view.getUint16(2, true);
  const n = view.getUint32(4, true);
  const textBytes = view.getUint32(8, true);
  const base = VEHICLE_TABLE_FRAME_HEADER_BYTES + 7 * n;
  if (buffer.byteLength !== base + textBytes) return { ok: false, reason: 'frame_length_mismatch' };
  let text: string;
  try {
    text = strictDecoder.decode(new Uint8Array(buffer, base, textBytes));
  } catch {
    return { ok: false, reason: 'bad_table_text' };
  }
  const index = new Uint32Array(buffer, VEHICLE_TABLE_FRAME_HEADER_BYTES, n);
  const codes = new Uint8Array(buffer, VEHICLE_TABLE_FRAME_HEADER_BYTES + 4 * n, n);
  const idLengths = new Uint8Array(buffer, VEHICLE_TABLE_FRAME_HEADER_BYTES + 5 * n, n);
  const plateLengths = new Uint8Array(buffer, VEHICLE_TABLE_FRAME_HEADER_BYTES + 6 * n, n);
  let at = k;
  let needed = k;
  for (let c = 0; c < k; c += 1) needed += text.charCodeAt(c);
  for (let i = 0; i < n; i += 1) needed += idLengths[i] + plateLengths[i];
  if (text.length < k || needed !== text.length) return { ok: false, reason: 'bad_table_text' };
  const classes: string[] = [];
  for (let c = 0; c < k; c += 1) {
    const length = text.charCodeAt(c);
    classes.push(text.slice(at, at + length));
    at += length;
  }
  const entries: VehicleTableEntry[] = new Array<VehicleTableEntry>(n);
  for (let i = 0; i < n; i += 1) {
    if (codes[i] >= k) return { ok: false, reason: 'bad_class_code' };
    const idEnd = at + idLengths[i];
    const plateEnd = idEnd + plateLengths[i];
    entries[i] = {
      index: index[i],
      terminal_id: text.slice(at, idEnd),
      plate: text.slice(idEnd, plateEnd),
      vehicle_class: classes[codes[i]],
    };
    at = plateEnd;
  }
  return { ok: true, entries };
}
