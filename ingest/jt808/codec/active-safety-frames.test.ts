/**
 * The tyre-pressure (0x66) and blind-spot (0x67) items of the Jiangsu active-safety extension (T/JSATL 12-2017,
 * tables of the TPMS and BSD additional information) in a location report written by hand, one field per line
 * with what the standard says it holds. The codec must decode the values the comments state (written from the
 * comments, not from the codec's output), make exactly the same bytes from them, and keep an item whose tyre
 * list does not fit raw rather than guess.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, parseFrame } from './index.js';

const hex = (fields: readonly string[]): Buffer => Buffer.from(fields.join('').replace(/\s+/g, ''), 'hex');
/** A device time written as GMT+8 on the wire, in UTC epoch ms. */
const gmt8 = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  Date.UTC(y, mo - 1, d, h - 8, mi, s);

/** The position block both items repeat after their own fields. */
const ITEM_POSITION = [
  '00 64', // altitude 100 m
  '02 12 59 88', // latitude 34.757000 degrees (1e-6 degree)
  '06 C6 63 E8', // longitude 113.665000 degrees
  '26 05 01 08 30 00', // time 2026-05-01 08:30:00 GMT+8, BCD[6]
  '00 01', // vehicle status: bit 0 ACC on
];

const FRAME = [
  '7E', // flag
  '02 00', // message id 0x0200
  '00 84', // body attributes: body 132 bytes, 2011/2013 header, not encrypted
  '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
  '00 0A', // flow number 10
  '00 00 00 00', // alarm flags: none
  '00 00 00 03', // status: ACC on, positioned
  '02 12 59 88', // latitude 34.757000 degrees
  '06 C6 63 E8', // longitude 113.665000 degrees
  '00 64', // altitude 100 m
  '02 58', // speed 60.0 km/h (0.1 km/h)
  '00 5A', // direction 90 degrees
  '26 05 01 08 30 00', // time 2026-05-01 08:30:00 GMT+8, BCD[6]
  '66 3B', // item 0x66 tyre pressure (TPMS), 59 bytes
  '00 00 00 2A', // alarm id 42
  '01', // flag 1: the alarm starts
  '3C', // vehicle speed 60 km/h
  ...ITEM_POSITION,
  '31 32 33 34 35 36 37', // alarm identification: terminal id "1234567", BYTE[7]
  '26 05 01 08 30 00', // … its time, BCD[6]
  '00', // … serial 0
  '02', // … 2 attachments
  '00', // … reserved
  '02', // 2 tyres in alarm follow
  '00', // tyre position 0 (front left)
  '00 04', // alarm bits: bit 2 pressure too low
  '00 FA', // pressure 250 kPa
  '00 2D', // temperature 45 °C
  '00 50', // sensor battery 80 %
  '05', // tyre position 5
  '00 08', // alarm bits: bit 3 temperature too high
  '02 58', // pressure 600 kPa
  '00 6E', // temperature 110 °C
  '00 5A', // sensor battery 90 %
  '67 29', // item 0x67 blind spot (BSD), 41 bytes
  '00 00 00 2B', // alarm id 43
  '00', // flag 0: not a start or end (a one-off)
  '03', // type 3: vehicle approaching on the right rear
  '28', // vehicle speed 40 km/h
  ...ITEM_POSITION,
  '31 32 33 34 35 36 37', // alarm identification: terminal id "1234567"
  '26 05 01 08 30 00', // … its time
  '01', // … serial 1
  '01', // … 1 attachment
  '00', // … reserved
  '83', // check: XOR of the header and body bytes
  '7E', // flag
];

const TIME = gmt8(2026, 5, 1, 8, 30, 0);
const position = {
  altitudeM: 100,
  latRaw: 34_757_000,
  lonRaw: 113_665_000,
  time: TIME,
  vehicleStatusBits: 1,
};
const ident = (serial: number, attachmentCount: number) => ({
  terminalId: '1234567',
  time: TIME,
  serial,
  attachmentCount,
  reserved: 0,
});

describe('0x66 tyre pressure and 0x67 blind spot written by hand from the standard', () => {
  it('decode to the values the standard gives and encode back to the same bytes', () => {
    const bytes = hex(FRAME);
    const parsed = parseFrame(bytes);
    if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.detail}`);
    const decoded = decodeMessage(parsed.value);
    if (!decoded.ok) throw new Error(`${decoded.reason}: ${decoded.detail}`);
    if (decoded.value.msgId !== 0x0200) throw new Error(`decoded as 0x${decoded.value.msgId.toString(16)}`);
    const extras = decoded.value.body.extras;
    expect(extras.tpms).toEqual({
      alarmId: 42,
      flag: 1,
      speedKmh: 60,
      ...position,
      alarmIdentification: ident(0, 2),
      tyres: [
        { position: 0, alarmBits: 4, pressureKpa: 250, temperatureC: 45, batteryPercent: 80 },
        { position: 5, alarmBits: 8, pressureKpa: 600, temperatureC: 110, batteryPercent: 90 },
      ],
    });
    expect(extras.blindSpot).toEqual({
      alarmId: 43,
      flag: 0,
      type: 3,
      speedKmh: 40,
      ...position,
      alarmIdentification: ident(1, 1),
    });
    expect(extras.others).toEqual([]);
    const { header } = parsed.value;
    const encoded = encodeMessage(decoded.value, {
      version: header.version,
      protocolVersion: header.protocolVersion,
      phone: header.phone,
      serial: header.serial,
    });
    expect(encoded.toString('hex')).toBe(bytes.toString('hex'));
  });

  it('keeps a tyre item whose list runs past its length raw, and the position with it', () => {
    // The same report with the TPMS item's tyre count raised to 3: the list no longer fits the 59 bytes.
    const fields = [...FRAME];
    // After the item header: alarm id, flag, speed, the position block and the identification's five fields.
    const count = fields.indexOf('66 3B') + 3 + ITEM_POSITION.length + 5 + 1;
    expect(fields[count]).toBe('02');
    fields[count] = '03';
    fields[fields.length - 2] = '82'; // check byte follows the changed count
    const parsed = parseFrame(hex(fields));
    if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.detail}`);
    const decoded = decodeMessage(parsed.value);
    if (!decoded.ok || decoded.value.msgId !== 0x0200) throw new Error('not decoded as a location');
    const extras = decoded.value.body.extras;
    expect(extras.tpms).toBeUndefined();
    expect(extras.others.map((o) => o.id)).toEqual([0x66]);
    expect(extras.blindSpot).toMatchObject({ alarmId: 43, type: 3 });
    expect(decoded.value.body.speedKmh).toBe(60);
  });
});
