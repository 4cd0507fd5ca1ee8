import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeInspection,
  decodePlatformExchange,
  decodeSupervisionAnswer,
  decodeSupervisionRequest,
  encodeInspection,
  encodePlatformExchange,
  encodeSupervisionAnswer,
  encodeSupervisionRequest,
  encodeVehicleEnvelope,
  SUPERVISION_REQUEST_BYTES,
} from './supervision-messages.js';
import { decodeEnvelope } from './messages.js';

/** GBK-encodable text: ASCII and common Chinese characters. */
const gbkText = (maxLength: number) =>
  fc
    .array(fc.constantFrom(...'abcXYZ019 @.-豫A京查岗督办请回复值班人员平台'), { maxLength })
    .map((chars) => chars.join(''));
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const seconds = fc.integer({ min: 0, max: 4_102_444_800 }).map((s) => s * 1000);

describe('JT/T 809 inspection and supervision codec', () => {
  it('inspection request and answer survive encode and decode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        gbkText(6),
        uint32,
        gbkText(200),
        (objectType, objectId, infoId, text) => {
          const message = { objectType, objectId, infoId, text };
          const exchange = decodePlatformExchange(encodePlatformExchange(0x9301, encodeInspection(message)));
          expect(exchange.ok && exchange.value.dataType).toBe(0x9301);
          if (!exchange.ok) return;
          expect(decodeInspection(exchange.value.data)).toEqual({ ok: true, value: message });
        },
      ),
    );
  });

  it('supervision request survives encode and decode inside the vehicle envelope', () => {
    fc.assert(
      fc.property(
        fc.record({
          warnSource: fc.integer({ min: 0, max: 255 }),
          warnType: fc.integer({ min: 0, max: 0xffff }),
          warnTime: seconds,
          supervisionId: uint32,
          endTime: seconds,
          level: fc.integer({ min: 0, max: 1 }),
          supervisor: gbkText(8),
          tel: fc.stringMatching(/^[0-9-]{0,20}$/),
          email: fc.stringMatching(/^[a-z0-9.@]{0,32}$/),
        }),
        gbkText(10),
        fc.integer({ min: 0, max: 255 }),
        (request, plate, color) => {
          const envelope = decodeEnvelope(
            encodeVehicleEnvelope(plate, color, 0x9401, encodeSupervisionRequest(request)),
          );
          expect(envelope.ok).toBe(true);
          if (!envelope.ok) return;
          expect(envelope.value).toMatchObject({ plate, plateColor: color, dataType: 0x9401 });
          expect(decodeSupervisionRequest(envelope.value.data)).toEqual({ ok: true, value: request });
        },
      ),
    );
  });

  it('supervision answer survives encode and decode', () => {
    fc.assert(
      fc.property(uint32, fc.integer({ min: 0, max: 255 }), (supervisionId, result) => {
        expect(decodeSupervisionAnswer(encodeSupervisionAnswer({ supervisionId, result }))).toEqual({
          ok: true,
          value: { supervisionId, result },
        });
      }),
    );
  });

  it('puts every field at the offset and width of JT/T 809-2011', () => {
    const inspection = encodeInspection({ objectType: 1, objectId: '41000001', infoId: 0x01020304, text: '请回复' });
    // OBJECT_TYPE 1 | OBJECT_ID 12 | INFO_ID 4 | INFO_LENGTH 4 | 3 GBK characters of 2 bytes.
    expect(inspection.length).toBe(1 + 12 + 4 + 4 + 6);
    expect(inspection.subarray(1, 13).toString('latin1')).toBe('41000001\0\0\0\0');
    expect(inspection.readUInt32BE(13)).toBe(0x01020304);
    expect(inspection.readUInt32BE(17)).toBe(6);
    expect([...inspection.subarray(21, 23)]).toEqual([0xc7, 0xeb]); // 请 in GBK

    const request = encodeSupervisionRequest({
      warnSource: 2,
      warnType: 0x0002,
      warnTime: 1_700_000_000_000,
      supervisionId: 7,
      endTime: 1_700_000_600_000,
      level: 0,
      supervisor: 'Li',
      tel: '0371',
      email: 'a@b.c',
    });
    expect(SUPERVISION_REQUEST_BYTES).toBe(92);
    expect(request.length).toBe(92);
    expect(request[0]).toBe(2);
    expect(request.readUInt16BE(1)).toBe(2);
    expect(request.readBigUInt64BE(3)).toBe(1_700_000_000n);
    expect(request.readUInt32BE(11)).toBe(7);
    expect(request.readBigUInt64BE(15)).toBe(1_700_000_600n);
    expect(request[23]).toBe(0);
    expect(request.subarray(24, 40).toString('latin1').replace(/\0+$/, '')).toBe('Li');
    expect(request.subarray(40, 60).toString('latin1').replace(/\0+$/, '')).toBe('0371');
    expect(request.subarray(60, 92).toString('latin1').replace(/\0+$/, '')).toBe('a@b.c');
  });

  it('names truncated bodies', () => {
    expect(decodeInspection(Buffer.alloc(20))).toMatchObject({ ok: false, reason: 'frame_truncated' });
    const short = encodeInspection({ objectType: 1, objectId: '', infoId: 1, text: 'abc' }).subarray(0, 22);
    expect(decodeInspection(short)).toMatchObject({ ok: false, reason: 'frame_truncated' });
    expect(decodeSupervisionRequest(Buffer.alloc(91))).toMatchObject({ ok: false, reason: 'frame_truncated' });
    expect(decodeSupervisionAnswer(Buffer.alloc(4))).toMatchObject({ ok: false, reason: 'frame_truncated' });
    expect(decodePlatformExchange(Buffer.from([0x93, 0x01, 0, 0, 0, 9]))).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
    });
  });
});
