/**
 * The JT/T 809-2019 bodies against bytes written here field by field from the standard's tables (not by the
 * encoders under test), then round trips.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeAlarmInfo2019,
  decodeInspectionAnswer2019,
  decodeInspectionRequest2019,
  decodeSourceReply,
  decodeSupervisionRequest2019,
  encodeAlarmInfo2019,
  encodeInspectionAnswer2019,
  encodeInspectionRequest2019,
  encodeSourceReply,
  encodeStaticInfoAnswer2019,
  encodeSupervisionRequest2019,
} from './bodies-2019.js';

const ascii = (text: string, width: number) => {
  const out = Buffer.alloc(width);
  out.write(text, 'latin1');
  return out;
};
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const u64 = (seconds: number) => Buffer.concat([u32(0), u32(seconds)]);
// 豫A12345 in GBK: 豫 is D4 A5.
const PLATE_GBK = Buffer.from([0xd4, 0xa5, 0x41, 0x31, 0x32, 0x33, 0x34, 0x35]);
const T = 1_764_000_000; // 2025-11-24, seconds

describe('2019 alarm layout (0x1402, 0x1403, 0x9402, 0x9403)', () => {
  const bytes = Buffer.concat([
    ascii('41010000001', 11),
    u16(0x0002),
    u64(T),
    u64(T - 30),
    u64(T + 5),
    Buffer.concat([PLATE_GBK, Buffer.alloc(13)]),
    Buffer.from([2]),
    Buffer.alloc(11),
    u32(7),
    u32(2),
    Buffer.from([0xc6, 0xa3]), // 疲
  ]);

  it('reads every field at the standard offsets', () => {
    const decoded = decodeAlarmInfo2019(bytes);
    expect(decoded).toEqual({
      ok: true,
      value: {
        sourcePlatformId: '41010000001',
        warnType: 2,
        warnTime: T * 1000,
        startTime: (T - 30) * 1000,
        endTime: (T + 5) * 1000,
        plate: '豫A12345',
        plateColor: 2,
        targetPlatformId: '',
        lineId: 7,
        info: '疲',
      },
    });
    if (decoded.ok) expect(encodeAlarmInfo2019(decoded.value)).toEqual(bytes);
  });

  it('refuses a body cut short or a time past 9999 by name', () => {
    expect(decodeAlarmInfo2019(bytes.subarray(0, 40))).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
      detail: '0x1402 has 40 bytes, needs 78; 38 missing',
    });
    expect(decodeAlarmInfo2019(bytes.subarray(0, 79))).toMatchObject({ ok: false, reason: 'frame_truncated' });
    const late = Buffer.from(bytes);
    late.writeBigUInt64BE(300_000_000_000n, 13);
    expect(decodeAlarmInfo2019(late, '0x9402')).toMatchObject({ ok: false, reason: 'bad_time' });
  });
});

describe('2019 answers naming their request by SOURCE_DATA_TYPE and SOURCE_MSG_SN (0x1401, 0x1412)', () => {
  it('reads and writes the 7 bytes', () => {
    const bytes = Buffer.concat([u16(0x9401), u32(0x01020304), Buffer.from([3])]);
    expect(decodeSourceReply(bytes, '0x1401')).toEqual({
      ok: true,
      value: { sourceDataType: 0x9401, sourceMsgSn: 0x01020304, result: 3 },
    });
    expect(encodeSourceReply({ sourceDataType: 0x9401, sourceMsgSn: 0x01020304, result: 3 })).toEqual(bytes);
    expect(decodeSourceReply(bytes.subarray(0, 5), '0x1412')).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
      detail: '0x1412 has 5 bytes, needs 7; 2 missing',
    });
  });
});

describe('2019 督办 (0x9401)', () => {
  const bytes = Buffer.concat([
    ascii('41000000002', 11),
    u64(T),
    u16(0x1402),
    u32(42),
    u64(T + 3600),
    Buffer.from([0]),
    ascii('Li Si', 16),
    ascii('0371-12345678', 20),
    ascii('duty@example.cn', 32),
  ]);

  it('reads the 102 bytes and writes them back', () => {
    expect(bytes).toHaveLength(102);
    const decoded = decodeSupervisionRequest2019(bytes);
    expect(decoded).toEqual({
      ok: true,
      value: {
        sourcePlatformId: '41000000002',
        warnTime: T * 1000,
        sourceDataType: 0x1402,
        sourceMsgSn: 42,
        endTime: (T + 3600) * 1000,
        level: 0,
        supervisor: 'Li Si',
        tel: '0371-12345678',
        email: 'duty@example.cn',
      },
    });
    if (decoded.ok) expect(encodeSupervisionRequest2019(decoded.value)).toEqual(bytes);
    expect(decodeSupervisionRequest2019(bytes.subarray(0, 101))).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
    });
  });
});

describe('2019 查岗 (0x9301) and its answer (0x1301)', () => {
  it('reads the request: OBJECT_ID of 20 bytes and ANSWER_TIME before INFO_ID', () => {
    const bytes = Buffer.concat([
      Buffer.from([1]),
      ascii('41000019', 20),
      Buffer.from([120]),
      u32(9),
      u32(2),
      Buffer.from([0xc4, 0xe3]), // 你
    ]);
    const decoded = decodeInspectionRequest2019(bytes);
    expect(decoded).toEqual({
      ok: true,
      value: { objectType: 1, objectId: '41000019', answerSeconds: 120, infoId: 9, text: '你' },
    });
    if (decoded.ok) expect(encodeInspectionRequest2019(decoded.value)).toEqual(bytes);
    // ANSWER_TIME is a byte: ten minutes are written as its largest value.
    const long = encodeInspectionRequest2019({ objectType: 1, objectId: '1', answerSeconds: 600, infoId: 1, text: '' });
    expect(long[21]).toBe(255);
    expect(decodeInspectionRequest2019(bytes.subarray(0, 31))).toMatchObject({ ok: false, reason: 'frame_truncated' });
  });

  it('reads the answer: responder, its telephone, the object, and the request named by SOURCE_MSG_SN', () => {
    const bytes = Buffer.concat([
      Buffer.from([1]),
      ascii('Wang Wu', 16),
      ascii('0371-5550000', 20),
      ascii('41000019', 20),
      u16(0x9301),
      u32(77),
      u32(2),
      Buffer.from([0xc4, 0xe3]),
    ]);
    const decoded = decodeInspectionAnswer2019(bytes);
    expect(decoded).toEqual({
      ok: true,
      value: {
        objectType: 1,
        responder: 'Wang Wu',
        responderTel: '0371-5550000',
        objectId: '41000019',
        sourceDataType: 0x9301,
        sourceMsgSn: 77,
        text: '你',
      },
    });
    if (decoded.ok) expect(encodeInspectionAnswer2019(decoded.value)).toEqual(bytes);
    expect(decodeInspectionAnswer2019(bytes.subarray(0, 66))).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
      detail: '2019 0x1301 has 66 bytes, needs 67; 1 missing',
    });
  });
});

describe('2019 static data answer (0x1601)', () => {
  it('puts the 0x9601 sub-type and its frame SN before CAR_INFO', () => {
    const carInfo = Buffer.from('VIN:=X', 'latin1');
    expect(encodeStaticInfoAnswer2019(5, carInfo)).toEqual(Buffer.concat([u16(0x9601), u32(5), carInfo]));
  });
});
