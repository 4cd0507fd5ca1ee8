/**
 * What Vigil sends as a lower platform reads back through the upper platform's decoders (messages.ts), field
 * for field: the login, GNSS_DATA in China time with the hemispheres in the status bits, and the alarm report.
 */
import { describe, expect, it } from 'vitest';
import { decodeAlarmReport, decodeGnss, decodeLogin } from './messages.js';
import { decodeWarningNotice } from './supervision-messages.js';
import { decodeLoginResponse, encodeAlarmReport, encodeGnss, encodeLoginRequest } from './upward-messages.js';

describe('JT/T 809 lower-platform bodies', () => {
  it('0x1001 login', () => {
    const login = { userId: 4101, password: 'hn809pw', downLinkIp: '10.1.2.3', downLinkPort: 9000 };
    const body = encodeLoginRequest(login);
    expect(body.length).toBe(46);
    expect(decodeLogin(body)).toEqual({ ok: true, value: login });
  });

  it('0x9402 报警预警 written by hand from the standard: source, type, time, length, GBK content', () => {
    // WARN_SRC 3 | WARN_TYPE 0x0002 | WARN_TIME 2026-12-06 02:30:00 UTC | WARN_LENGTH 4 | 疲劳 in GBK (C6 A3 C0 CD).
    const data = Buffer.from('03' + '0002' + '000000006b14c8a8' + '00000004' + 'c6a3c0cd', 'hex');
    expect(decodeWarningNotice(data)).toEqual({
      ok: true,
      value: { warnSource: 3, warnType: 2, warnTime: Date.UTC(2026, 11, 6, 2, 30, 0), content: '疲劳' },
    });
    expect(decodeWarningNotice(data.subarray(0, 17))).toMatchObject({ ok: false, reason: 'frame_truncated' });
    const farFuture = Buffer.from(data);
    farFuture.writeBigUInt64BE(253_402_300_800n, 3);
    expect(decodeWarningNotice(farFuture)).toMatchObject({ ok: false, reason: 'bad_time' });
  });

  it('0x1002 answer', () => {
    expect(decodeLoginResponse(Buffer.from([0, 0x24, 0x68, 0xac, 0xe0]))).toEqual({
      ok: true,
      value: { result: 0, verifyCode: 0x2468ace0 },
    });
    expect(decodeLoginResponse(Buffer.from([0]))).toMatchObject({ ok: false, reason: 'frame_truncated' });
  });

  it('GNSS_DATA: the day in China at 23:30 UTC is the next one, and south-west coordinates keep their signs', () => {
    const time = Date.UTC(2026, 11, 5, 23, 30, 15);
    const gnss = {
      time,
      lon: -113.654321,
      lat: -34.123456,
      speedKmh: 88,
      tachographSpeedKmh: 87,
      mileageKm: 12345,
      directionDeg: 271,
      altitudeM: 110,
      statusBits: 0b11,
      alarmBits: 0b10,
    };
    const data = encodeGnss(gnss);
    expect([data[1], data[2], data.readUInt16BE(3), data[5], data[6], data[7]]).toEqual([6, 12, 2026, 7, 30, 15]);
    expect(decodeGnss(data)).toEqual({
      ok: true,
      value: { ...gnss, coordinatesEncrypted: false, statusBits: 0b1111 },
    });
  });

  it('0x1402 alarm report with Chinese text', () => {
    const report = {
      warnSource: 3,
      warnType: 1,
      warnTime: 1_796_000_000_000,
      infoId: 0xdeadbeef,
      info: '超速 critical',
    };
    expect(decodeAlarmReport(encodeAlarmReport(report))).toEqual({ ok: true, value: report });
  });
});
