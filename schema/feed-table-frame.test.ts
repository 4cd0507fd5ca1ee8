import { describe, expect, it } from 'vitest';
import {
  decodeVehicleTableFrame,
  encodeVehicleTableFrame,
  TABLE_STRING_UNITS_MAX,
  type VehicleTableEntry,
} from './feed-table-frame.js';

const ENTRIES: VehicleTableEntry[] = [
  { index: 0, terminal_id: '013800000001', plate: '豫A12345', vehicle_class: 'coach' },
  { index: 70_000, terminal_id: '12345678901234567890', plate: '', vehicle_class: 'dangerous_goods' },
  { index: 4_000_000_000, terminal_id: '7', plate: '豫P·学😀', vehicle_class: 'coach' },
  { index: 12, terminal_id: '8', plate: 'WJ豫12345', vehicle_class: '' },
];

function decode(bytes: Uint8Array) {
  return decodeVehicleTableFrame(bytes.slice().buffer);
}

describe('vehicle table frame', () => {
  it('round-trips indexes, terminal ids, plates (any Unicode, empty) and classes', () => {
    const decoded = decode(encodeVehicleTableFrame(ENTRIES));
    expect(decoded).toEqual({ ok: true, entries: ENTRIES });
    expect(decode(encodeVehicleTableFrame([]))).toEqual({ ok: true, entries: [] });
  });

  it('costs 7 bytes a vehicle plus its text, class names once per frame', () => {
    const entries = Array.from({ length: 1_000 }, (_, i) => ({
      index: i,
      terminal_id: String(13_800_000_000 + i),
      plate: `豫A${String(i).padStart(5, '0')}`,
      vehicle_class: 'heavy_truck',
    }));
    // 11 digits + 9 bytes of plate (豫 is 3 bytes in UTF-8).
    expect(encodeVehicleTableFrame(entries).byteLength).toBe(16 + 1_000 * (7 + 11 + 9) + 1 + 'heavy_truck'.length);
  });

  it('cuts a string longer than the bound instead of failing', () => {
    const long = 'x'.repeat(300);
    const decoded = decode(
      encodeVehicleTableFrame([{ index: 1, terminal_id: '1', plate: long, vehicle_class: 'bus' }]),
    );
    expect(decoded.ok && decoded.entries[0].plate).toBe('x'.repeat(TABLE_STRING_UNITS_MAX));
  });

  it('names what is wrong with a damaged frame', () => {
    const good = encodeVehicleTableFrame(ENTRIES);
    expect(decode(good.subarray(0, 10))).toEqual({ ok: false, reason: 'frame_too_short' });
    expect(decode(good.subarray(0, good.length - 1))).toEqual({ ok: false, reason: 'frame_length_mismatch' });
    const kind = good.slice();
    kind[0] = 9;
    expect(decode(kind)).toEqual({ ok: false, reason: 'unknown_frame_kind' });
    const version = good.slice();
    version[1] = 9;
    expect(decode(version)).toEqual({ ok: false, reason: 'unsupported_frame_version' });
    const lengths = good.slice();
    lengths[16 + 5 * ENTRIES.length] += 1;
    expect(decode(lengths)).toEqual({ ok: false, reason: 'bad_table_text' });
    const code = good.slice();
    code[16 + 4 * ENTRIES.length] = 200;
    expect(decode(code)).toEqual({ ok: false, reason: 'bad_class_code' });
    const text = good.slice();
    text[text.length - 1] = 0xff;
    expect(decode(text)).toEqual({ ok: false, reason: 'bad_table_text' });
  });
});
