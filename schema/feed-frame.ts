/**
 * The binary positions frame of the live feed (protocol 2): one WebSocket binary message holds the latest fix of
 * many vehicles, column by column, so 100,000 moving vehicles cost a wall about 21 bytes each per update instead
 * of ~200 bytes of JSON. Vehicles are named by an index into a table the server sends once as JSON
 * (`vehicle_table`), so plates and terminal ids never travel with positions.
 *
 * Layout, little-endian, every column aligned to its element size:
 *   0  u8  kind (1 = positions)        1 u8 protocol version (2)     2 u16 reserved (0)
 *   4  u32 count n                     8 f64 server_time (epoch ms)
 *   16          u32[n] vehicle index
 *   16 + 4n     i32[n] lat  × 1e6 (micro-degrees)
 *   16 + 8n     i32[n] lon  × 1e6
 *   16 + 12n    i32[n] age of the fix in seconds at server_time (negative when the device clock runs ahead)
 *   16 + 16n    u16[n] speed in 0.1 km/h (capped at 6553.5)
 *   16 + 18n    u16[n] direction in degrees 0-359
 *   16 + 20n    u8[n]  flags: bit 0 = the vehicle has an open alarm; bit 1 (protocol 4) = the vehicle left the
 *                      client's scope with this fix: take it off the map
 */
export const POSITIONS_FRAME_KIND = 1;
export const POSITIONS_FRAME_VERSION = 2;
export const POSITIONS_FRAME_HEADER_BYTES = 16;
export const POSITIONS_FRAME_BYTES_PER_VEHICLE = 21;
export const FLAG_ALARMING = 1;
export const FLAG_LEFT_SCOPE = 2;

export interface PositionColumns {
  count: number;
  serverTime: number;
  index: Uint32Array;
  latE6: Int32Array;
  lonE6: Int32Array;
  fixAgeS: Int32Array;
  speedDkmh: Uint16Array;
  directionDeg: Uint16Array;
  flags: Uint8Array;
}

export interface PositionFix {
  index: number;
  lat: number;
  lon: number;
  /** Device time of the fix, epoch ms. */
  ts: number;
  speedKmh: number;
  directionDeg: number;
  alarming: boolean;
  /** The fix takes the vehicle out of the client's scope (sent once, protocol 4). */
  leftScope?: boolean;
}

const INT32_MAX = 2_147_483_647;

function clampInt32(value: number): number {
  return Math.max(-INT32_MAX, Math.min(INT32_MAX, Math.round(value)));
}

export function positionsFrameBytes(count: number): number {
  return POSITIONS_FRAME_HEADER_BYTES + POSITIONS_FRAME_BYTES_PER_VEHICLE * count;
}

/** Encodes fixes into one frame; `fixes` is read once, in order. */
export function encodePositionsFrame(fixes: readonly PositionFix[], serverTime: number): Uint8Array {
  const n = fixes.length;
  const buffer = new ArrayBuffer(positionsFrameBytes(n));
  const view = new DataView(buffer);
  view.setUint8(0, POSITIONS_FRAME_KIND);
  view.setUint8(1, POSITIONS_FRAME_VERSION);
  view.setUint16(2, 0, true);
  view.setUint32(4, n, true);
  view.setFloat64(8, serverTime, true);
  const c = columnsOf(buffer, n, serverTime);
  for (let i = 0; i < n; i += 1) {
    const fix = fixes[i];
    c.index[i] = fix.index;
    c.latE6[i] = clampInt32(fix.lat * 1e6);
    c.lonE6[i] = clampInt32(fix.lon * 1e6);
    c.fixAgeS[i] = clampInt32((serverTime - fix.ts) / 1000);
    c.speedDkmh[i] = Math.max(0, Math.min(65_535, Math.round(fix.speedKmh * 10)));
    c.directionDeg[i] = ((Math.round(fix.directionDeg) % 360) + 360) % 360;
    c.flags[i] = (fix.alarming ? FLAG_ALARMING : 0) | (fix.leftScope === true ? FLAG_LEFT_SCOPE : 0);
  }
  return new Uint8Array(buffer);
}

function columnsOf(buffer: ArrayBuffer, n: number, serverTime: number, byteOffset = 0): PositionColumns {
  const at = (k: number) => byteOffset + POSITIONS_FRAME_HEADER_BYTES + k * n;
  return {
    count: n,
    serverTime,
    index: new Uint32Array(buffer, at(0), n),
    latE6: new Int32Array(buffer, at(4), n),
    lonE6: new Int32Array(buffer, at(8), n),
    fixAgeS: new Int32Array(buffer, at(12), n),
    speedDkmh: new Uint16Array(buffer, at(16), n),
    directionDeg: new Uint16Array(buffer, at(18), n),
    flags: new Uint8Array(buffer, at(20), n),
  };
}

export type DecodeOutcome =
  | { ok: true; columns: PositionColumns }
  | {
      ok: false;
      reason: 'frame_too_short' | 'unknown_frame_kind' | 'unsupported_frame_version' | 'frame_length_mismatch';
    };

/** Reads a frame without copying; the columns are views onto `buffer`. */
export function decodePositionsFrame(buffer: ArrayBuffer): DecodeOutcome {
  if (buffer.byteLength < POSITIONS_FRAME_HEADER_BYTES) return { ok: false, reason: 'frame_too_short' };
  const view = new DataView(buffer);
  if (view.getUint8(0) !== POSITIONS_FRAME_KIND) return { ok: false, reason: 'unknown_frame_kind' };
  if (view.getUint8(1) !== POSITIONS_FRAME_VERSION) return { ok: false, reason: 'unsupported_frame_version' };
  const n = view.getUint32(4, true);
  if (buffer.byteLength !== positionsFrameBytes(n)) return { ok: false, reason: 'frame_length_mismatch' };
  return { ok: true, columns: columnsOf(buffer, n, view.getFloat64(8, true)) };
}
