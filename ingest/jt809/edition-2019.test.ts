/**
 * JT/T 809-2019 beside 2011: frames written byte by byte from the standard, round trips in both editions (with
 * the body cipher), the edition of a login recognized from its layout, and the 2019 vehicle location (a JT/T 808
 * 0x0200 body and three platform alarm pairs) read and written.
 */
import { describe, expect, it } from 'vitest';
import {
  crcCcittFalse,
  escape809,
  frame809,
  location2019 as handWrittenLocation,
  loginBody,
  loginBody2019,
} from '../../tests/support/jt809-client.js';
import { editionChooser, editionOfLogin } from './edition.js';
import { buildFrame, parseFrame, type Jt809Edition } from './frame.js';
import { decodeHistory2019, decodeLocation2019, encodeLocation2019 } from './location-2019.js';
import { decodeLogin } from './messages.js';
import { encodeLoginRequest } from './upward-messages.js';

const KEYS = { m1: 30_000_000, ia1: 20_000_000, ic1: 30_000_000 };
const READ = { crc: 'ccitt-false' as const, checksum: 'strict' as const, keysOf: () => KEYS };
// 2026-11-29T17:12:32Z: 0x6B0C5D00 seconds, whose 0x5D must be escaped inside the header.
const TIME_S = 0x6b0c5d00;

describe('JT/T 809-2019 framing', () => {
  it('writes and reads a 2019 keep-alive exactly as the standard lays it out', () => {
    const data = Buffer.from([
      ...[0x00, 0x00, 0x00, 0x22], // MSG_LENGTH 34: flags 2 + header 30 + CRC 2
      ...[0x00, 0x00, 0x00, 0x07], // MSG_SN
      ...[0x10, 0x05], // MSG_ID 0x1005
      ...[0x02, 0x71, 0x9c, 0x41], // MSG_GNSSCENTERID 41000001
      ...[0x01, 0x00, 0x00], // VERSION_FLAG 1.0.0
      0x00, // ENCRYPT_FLAG
      ...[0x00, 0x00, 0x00, 0x00], // ENCRYPT_KEY
      ...[0x00, 0x00, 0x00, 0x00, 0x6b, 0x0c, 0x5d, 0x00], // TIME, UTC seconds
    ]);
    const crc = crcCcittFalse(data);
    const wire = Buffer.from([
      0x5b,
      ...data.subarray(0, 28), // up to 0x6B 0x0C of the time
      ...[0x5e, 0x01, 0x00], // its 0x5D escaped as 0x5E 0x01
      ...escape809(Buffer.from([crc >> 8, crc & 0xff])),
      0x5d,
    ]);
    const built = buildFrame(Buffer.alloc(0), {
      sn: 7,
      msgId: 0x1005,
      accessCode: 41_000_001,
      edition: 2019,
      time: TIME_S * 1000,
    });
    expect(built.toString('hex')).toBe(wire.toString('hex'));
    const parsed = parseFrame(wire, { ...READ, edition: 2019 });
    expect(parsed).toEqual({
      ok: true,
      value: {
        header: {
          length: 34,
          sn: 7,
          msgId: 0x1005,
          accessCode: 41_000_001,
          version: [1, 0, 0],
          encrypted: false,
          encryptKey: 0,
          edition: 2019,
          time: TIME_S * 1000,
        },
        body: Buffer.alloc(0),
      },
    });
  });

  it.each([2011, 2019] as Jt809Edition[])('round-trips an encrypted %i frame with bytes to escape', (edition) => {
    const body = Buffer.from([0x5b, 0x5d, 0x5a, 0x5e, 0x00, 0x10, 0xff]);
    const raw = buildFrame(body, {
      sn: 0x5b5d,
      msgId: 0x1200,
      accessCode: 0x5a5e5b5d,
      version: [1, 2, 15],
      edition,
      time: TIME_S * 1000,
      cipher: { keys: KEYS, encryptKey: 0x12345678 },
    });
    const parsed = parseFrame(raw, { ...READ, edition });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.header).toMatchObject({
      edition,
      version: [1, 2, 15],
      encrypted: true,
      length: raw.length - countEscapes(raw),
    });
    expect(parsed.value.header.time).toBe(edition === 2019 ? TIME_S * 1000 : undefined);
    expect([...parsed.value.body]).toEqual([...body]);
  });

  it('reads what an independent 2019 encoder wrote, encrypted', () => {
    const body = Buffer.from('豫A12345', 'utf8');
    const raw = frame809(0x1200, body, {
      sn: 3,
      accessCode: 9,
      cipher: KEYS,
      encryptKey: 77,
      edition: 2019,
      timeS: TIME_S,
    });
    const parsed = parseFrame(raw, { ...READ, edition: 2019 });
    expect(parsed.ok && [parsed.value.header.time, parsed.value.body.toString('utf8')]).toEqual([
      TIME_S * 1000,
      '豫A12345',
    ]);
  });

  it('refuses a 2011 frame on a 2019 link by its header time, and a 2019 frame too short for its header', () => {
    const plate = Buffer.alloc(40);
    Buffer.from([0xd4, 0xa5, 0x41]).copy(plate); // 豫A in GBK where the 2019 time would be
    const eleven = frame809(0x1200, plate, { sn: 1, accessCode: 9 });
    expect(parseFrame(eleven, { ...READ, edition: 2019 })).toMatchObject({ ok: false, reason: 'bad_header_time' });
    const early = frame809(0x1005, Buffer.alloc(0), { sn: 1, accessCode: 9, edition: 2019, timeS: 1_000 });
    expect(parseFrame(early, { ...READ, edition: 2019 })).toMatchObject({ ok: false, reason: 'bad_header_time' });
    const keepAlive2011 = frame809(0x1005, Buffer.alloc(0), { sn: 1, accessCode: 9 });
    expect(parseFrame(keepAlive2011, { ...READ, edition: 2019 })).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
    });
  });

  it('recognizes the edition of a login by its layout, whatever its version bytes say, and refuses any other', () => {
    const read = (raw: Buffer, linkEdition?: Jt809Edition) =>
      parseFrame(raw, { ...READ, edition: editionChooser(linkEdition) });
    const login2011 = frame809(0x1001, loginBody(8001, 'Jt8#09qZ'), {
      sn: 1,
      accessCode: 41_000_001,
      version: [2, 0, 0],
    });
    const login2019 = frame809(0x1001, loginBody2019(8001, 'Jt8#09qZ', 41_000_001, '10.0.0.5', 9000), {
      sn: 1,
      accessCode: 41_000_001,
      edition: 2019,
    });
    const r2011 = read(login2011, 2019);
    const r2019 = read(login2019);
    expect(r2011.ok && r2011.value.header.edition).toBe(2011);
    expect(r2019.ok && r2019.value.header.edition).toBe(2019);
    if (!r2019.ok) return;
    expect(decodeLogin(r2019.value.body, 2019)).toEqual({
      ok: true,
      value: { userId: 8001, password: 'Jt8#09qZ', accessCode: 41_000_001, downLinkIp: '10.0.0.5', downLinkPort: 9000 },
    });
    const odd = frame809(0x1001, Buffer.alloc(48), { sn: 1, accessCode: 41_000_001 });
    expect(read(odd)).toMatchObject({ ok: false, reason: 'unknown_edition' });
    expect(editionOfLogin({ msgId: 0x1001, accessCode: 1, version: [1, 0, 0], frameBytes: 80 })).toMatchObject({
      ok: false,
      reason: 'unknown_edition',
    });
    // Other frames follow the link: 2011 until a login fixed another edition.
    const keepAlive = frame809(0x1005, Buffer.alloc(0), { sn: 2, accessCode: 1, edition: 2019 });
    const onFixed = read(keepAlive, 2019);
    expect(onFixed.ok && onFixed.value.header.edition).toBe(2019);
  });

  it('writes the 2019 login with the access code after the password', () => {
    const body = encodeLoginRequest(
      { userId: 4101, password: 'hn809pw', accessCode: 41_000_001, downLinkIp: '0.0.0.0', downLinkPort: 0 },
      2019,
    );
    expect(body.toString('hex')).toBe(loginBody2019(4101, 'hn809pw', 41_000_001, '0.0.0.0', 0).toString('hex'));
  });
});

describe('JT/T 809-2019 vehicle location', () => {
  const time = Date.UTC(2026, 11, 5, 23, 30, 15);
  const fix = { time, lat: 34.757, lon: 113.64, speedKmh: 72.5, directionDeg: 90, altitudeM: 110, mileageKm: 12_345.6 };

  it('reads the location a platform wrote from the standard', () => {
    const data = handWrittenLocation(fix, [{ id: '41000000001', alarm: 0b101 }]);
    expect(decodeLocation2019(data)).toEqual({
      ok: true,
      value: {
        bytes: data.length,
        gnss: {
          coordinatesEncrypted: false,
          time,
          lat: 34.757,
          lon: 113.64,
          speedKmh: 72.5,
          tachographSpeedKmh: 0,
          mileageKm: 12_345.6,
          directionDeg: 90,
          altitudeM: 110,
          statusBits: 0b11,
          alarmBits: 0,
          platformAlarms: [
            { platformId: '41000000001', alarmBits: 0b101 },
            { platformId: '', alarmBits: 0 },
            { platformId: '', alarmBits: 0 },
          ],
        },
      },
    });
  });

  it('writes what it reads, south-west coordinates included', () => {
    const g = { ...fix, lat: -34.5, lon: -113.25, tachographSpeedKmh: 70, statusBits: 0b11, alarmBits: 0b10 };
    const decoded = decodeLocation2019(encodeLocation2019(g));
    expect(decoded.ok && decoded.value.gnss).toMatchObject({ ...g, statusBits: 0b1111 });
  });

  it('names what is wrong: truncation, a bad time; in 0x1203 the items after a bad one count as bad', () => {
    const good = handWrittenLocation(fix);
    expect(decodeLocation2019(good.subarray(0, good.length - 1))).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
    });
    const badTime = Buffer.from(good);
    badTime[5 + 22 + 1] = 0x13; // month 13
    expect(decodeLocation2019(badTime)).toMatchObject({ ok: false, reason: 'bad_time' });
    const second = handWrittenLocation({ ...fix, time: time + 30_000, speedKmh: 60 });
    const history = decodeHistory2019(Buffer.concat([Buffer.from([3]), good, second, badTime.subarray(0, 20)]));
    expect(history.items.map((g) => [g.time, g.speedKmh])).toEqual([
      [time, 72.5],
      [time + 30_000, 60],
    ]);
    expect(history.errors.map((e) => [e.index, e.reason])).toEqual([[2, 'frame_truncated']]);
    const broken = decodeHistory2019(Buffer.concat([Buffer.from([3]), good, badTime, second]));
    expect(broken.items).toHaveLength(1);
    expect(broken.errors.map((e) => [e.index, e.reason])).toEqual([
      [1, 'bad_time'],
      [2, 'bad_time'],
    ]);
  });
});

function countEscapes(raw: Buffer): number {
  let n = 0;
  for (let i = 1; i < raw.length - 1; i++) if (raw[i] === 0x5a || raw[i] === 0x5e) n++;
  return n;
}
