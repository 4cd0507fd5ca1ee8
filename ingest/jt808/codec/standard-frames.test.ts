/**
 * The codec against frames written by hand from the standard (standard-frames.test-data.ts): each parses with a
 * valid check, decodes to the values its field comments state, and the encoder makes exactly the same bytes
 * from those values. The expectations below are written from the comments, not from the codec's output.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, parseFrame, type Jt808Header } from './index.js';
import { STANDARD_FRAMES, wireBytes } from './standard-frames.test-data.js';

const PHONE_2013 = '013912340002';
const PHONE_2019 = '00000000013912340004';
/** A device time written as GMT+8 on the wire, in UTC epoch ms. */
const gmt8 = (y: number, mo: number, d: number, h: number, mi: number, s: number): number =>
  Date.UTC(y, mo - 1, d, h - 8, mi, s);

interface Expected {
  header: Partial<Jt808Header>;
  /** The decoded body, or the reason decodeMessage gives (a packet alone). */
  body: Record<string, unknown> | { rejected: string };
}

const H2013 = (serial: number, phone = PHONE_2013): Partial<Jt808Header> => ({ version: 2013, phone, serial });
const H2019 = (serial: number): Partial<Jt808Header> => ({
  version: 2019,
  protocolVersion: 1,
  phone: PHONE_2019,
  serial,
});
const position = (
  lat: number,
  lon: number,
  altitudeM: number,
  speedKmh: number,
  directionDeg: number,
  time: number,
) => ({
  alarmBits: 0,
  statusBits: 3,
  latRaw: Math.round(lat * 1e6),
  lonRaw: Math.round(lon * 1e6),
  lat,
  lon,
  altitudeM,
  speedKmh,
  directionDeg,
  time,
});

const EXPECTED: Record<string, Expected> = {
  '0x0002 heartbeat, 2013': { header: { msgId: 0x0002, ...H2013(1, '013912340001') }, body: {} },
  '0x0100 register, 2013 layout': {
    header: { msgId: 0x0100, ...H2013(2) },
    body: {
      provinceId: 41,
      cityId: 100,
      maker: 'VIGIL',
      model: 'VT-2013',
      terminalId: 'T000001',
      plateColor: 2,
      plate: '豫A12345',
      layout: 2013,
    },
  },
  '0x0100 register, 2011 layout': {
    header: { msgId: 0x0100, ...H2013(3, '013912340003') },
    body: {
      provinceId: 41,
      cityId: 102,
      maker: 'VIGIL',
      model: 'VT-2011',
      terminalId: 'T000002',
      plateColor: 1,
      plate: '豫B00001',
      layout: 2011,
    },
  },
  '0x0100 register, 2019 layout': {
    header: { msgId: 0x0100, ...H2019(4) },
    body: {
      provinceId: 41,
      cityId: 100,
      maker: 'VIGIL',
      model: 'VT-2019',
      terminalId: 'T2019000004',
      plateColor: 2,
      plate: '豫C20194',
      layout: 2019,
    },
  },
  '0x0102 authenticate, 2013': { header: { msgId: 0x0102, ...H2013(5) }, body: { authCode: 'VIGIL-AUTH-01' } },
  '0x0102 authenticate, 2019': {
    header: { msgId: 0x0102, ...H2019(6) },
    body: { authCode: 'a1b2c3d4', imei: '860000000000004', softwareVersion: 'V2.1.0' },
  },
  '0x0200 location with additional items, 2013': {
    header: { msgId: 0x0200, ...H2013(7) },
    body: {
      ...position(34.757, 113.665, 100, 60, 90, gmt8(2026, 5, 1, 8, 30, 0)),
      extras: { mileageKm: 12345.6, fuelL: 40, tachographSpeedKmh: 60, signalStrength: 31, gnssSatellites: 12 },
    },
  },
  '0x0200 location with the emergency alarm, 2019': {
    header: { msgId: 0x0200, ...H2019(8) },
    body: {
      ...position(32.99, 112.528, 150, 0, 0, gmt8(2026, 5, 1, 8, 30, 5)),
      alarmBits: 1,
      alarms: ['emergency'],
    },
  },
  '0x0200 location whose altitude and direction hold 0x7E and 0x7D (escaped), 2013': {
    header: { msgId: 0x0200, ...H2013(9) },
    body: position(34.7571, 113.6651, 126, 35, 125, gmt8(2026, 5, 1, 8, 30, 10)),
  },
  '0x0704 batch back-fill of two positions, 2013': {
    header: { msgId: 0x0704, ...H2013(10) },
    body: {
      count: 2,
      type: 1,
      items: [
        position(34.75, 113.65, 95, 42, 180, gmt8(2026, 5, 1, 7, 0, 0)),
        position(34.751, 113.651, 96, 43, 181, gmt8(2026, 5, 1, 7, 0, 30)),
      ],
      errors: [],
    },
  },
  '0x0001 terminal general answer, 2013': {
    header: { msgId: 0x0001, ...H2013(11) },
    body: { replySerial: 5, replyMsgId: 0x8300, result: 0 },
  },
  '0x0003 unregister, 2013': { header: { msgId: 0x0003, ...H2013(12) }, body: {} },
  '0x0800 multimedia event, 2013': {
    header: { msgId: 0x0800, ...H2013(13) },
    body: { mediaId: 1, mediaType: 0, mediaFormat: 0, eventCode: 1, channelId: 1 },
  },
  '0x0801 multimedia upload, packet 1 of 2, 2013': {
    header: { msgId: 0x0801, ...H2013(14), packet: { total: 2, index: 1 } },
    body: { rejected: 'packet_not_reassembled' },
  },
  '0x0900 pass-through, 2013': {
    header: { msgId: 0x0900, ...H2013(15) },
    body: { type: 0x41, data: Buffer.from('AT+OK') },
  },
  '0x0004 server time query, 2019': { header: { msgId: 0x0004, ...H2019(16) }, body: {} },
  '0x0201 location query answer, 2013': {
    header: { msgId: 0x0201, ...H2013(17) },
    body: { replySerial: 17, location: position(34.7572, 113.6652, 101, 0, 270, gmt8(2026, 5, 1, 8, 30, 30)) },
  },
  '0x9101 live video request (JT/T 1078), 2013': {
    header: { msgId: 0x9101, ...H2013(33, '013912340001') },
    body: { server: { host: '127.0.0.1', tcpPort: 6810, udpPort: 0 }, channel: 1, dataType: 1, streamType: 1 },
  },
  '0x9102 live video control (JT/T 1078), 2013': {
    header: { msgId: 0x9102, ...H2013(34, '013912340001') },
    body: { channel: 1, command: 0, closeType: 0, streamType: 0 },
  },
  '0x9201 playback request (JT/T 1078), 2013': {
    header: { msgId: 0x9201, ...H2013(35, '013912340001') },
    body: {
      server: { host: '127.0.0.1', tcpPort: 6811, udpPort: 0 },
      channel: 2,
      mediaType: 2,
      streamType: 1,
      storage: 1,
      mode: 0,
      speed: 0,
      start: gmt8(2026, 5, 1, 8, 30, 0),
      end: gmt8(2026, 5, 1, 8, 45, 0),
    },
  },
  '0x9202 playback control (JT/T 1078), 2013': {
    header: { msgId: 0x9202, ...H2013(36, '013912340001') },
    body: { channel: 2, control: 5, speed: 0, position: gmt8(2026, 5, 1, 8, 35, 0) },
  },
  '0x9205 resource list query (JT/T 1078), 2013': {
    header: { msgId: 0x9205, ...H2013(37, '013912340001') },
    body: {
      channel: 0,
      start: gmt8(2026, 5, 1, 0, 0, 0),
      end: gmt8(2026, 5, 1, 23, 59, 59),
      alarmBits: 1,
      videoAlarmBits: 0,
      mediaType: 0,
      streamType: 0,
      storage: 0,
    },
  },
  '0x1205 resource list (JT/T 1078), two recordings, 2013': {
    header: { msgId: 0x1205, ...H2013(38, '013912340001') },
    body: {
      replySerial: 37,
      resources: [
        {
          channel: 1,
          start: gmt8(2026, 5, 1, 8, 0, 0),
          end: gmt8(2026, 5, 1, 8, 10, 0),
          alarmBits: 0,
          videoAlarmBits: 0,
          mediaType: 0,
          streamType: 1,
          storage: 1,
          fileBytes: 10_485_760,
        },
        {
          channel: 2,
          start: gmt8(2026, 5, 1, 8, 10, 0),
          end: gmt8(2026, 5, 1, 8, 20, 0),
          alarmBits: 2,
          videoAlarmBits: 1,
          mediaType: 2,
          streamType: 2,
          storage: 2,
          fileBytes: 2_122_121_217,
        },
      ],
    },
  },

  '0x8103 set terminal parameters, 2013': {
    header: { msgId: 0x8103, ...H2013(48, '013912340001') },
    body: {
      params: [
        { id: 0x0001, value: Buffer.from([0, 0, 0, 30]) },
        { id: 0x0013, value: Buffer.from('vigil.example') },
      ],
    },
  },
  '0x8106 query some terminal parameters, 2013': {
    header: { msgId: 0x8106, ...H2013(49, '013912340001') },
    body: { ids: [0x0001, 0x0029] },
  },
  '0x0104 terminal parameters answer, 2013': {
    header: { msgId: 0x0104, ...H2013(50, '013912340001') },
    body: {
      replySerial: 49,
      params: [
        { id: 0x0001, value: Buffer.from([0, 0, 0, 30]) },
        { id: 0x0029, value: Buffer.from([0, 0, 0, 10]) },
      ],
    },
  },
  '0x8105 terminal control: reset, 2013': {
    header: { msgId: 0x8105, ...H2013(51, '013912340001') },
    body: { command: 4, params: '' },
  },
  '0x8400 callback for monitoring, 2013': {
    header: { msgId: 0x8400, ...H2013(52, '013912340001') },
    body: { flag: 1, phone: '13800000000' },
  },
  '0x8500 vehicle control: lock the doors, 2013': {
    header: { msgId: 0x8500, ...H2013(53, '013912340001') },
    body: { flags: 1 },
  },
  '0x8500 vehicle control: lock the doors, 2019': {
    header: { msgId: 0x8500, ...H2019(54) },
    body: { controls: [{ typeId: 1, value: 1 }] },
  },
  '0x0500 vehicle control answer, 2013': {
    header: { msgId: 0x0500, ...H2013(55, '013912340001') },
    body: { replySerial: 53, location: position(34.7572, 113.6652, 101, 0, 270, gmt8(2026, 5, 1, 8, 30, 30)) },
  },
  '0x8600 set a circular area with a speed limit, 2019': {
    header: { msgId: 0x8600, ...H2019(56) },
    body: {
      setting: 1,
      areas: [
        {
          id: 7,
          attributes: 2,
          latRaw: 34_757_200,
          lonRaw: 113_665_200,
          radiusM: 500,
          speedMaxKmh: 60,
          overspeedS: 10,
          nightSpeedMaxKmh: 50,
          name: '郑州',
        },
      ],
    },
  },
  '0x8602 set a rectangular area for a time window, 2013': {
    header: { msgId: 0x8602, ...H2013(57, '013912340001') },
    body: {
      setting: 0,
      areas: [
        {
          id: 8,
          attributes: 1,
          topLatRaw: 34_799_616,
          leftLonRaw: 113_639_424,
          bottomLatRaw: 34_734_080,
          rightLonRaw: 113_704_960,
          start: gmt8(2026, 5, 1, 8, 0, 0),
          end: gmt8(2026, 5, 1, 18, 0, 0),
        },
      ],
    },
  },
  '0x8604 set a polygonal area, 2013': {
    header: { msgId: 0x8604, ...H2013(58, '013912340001') },
    body: {
      id: 9,
      attributes: 0,
      vertices: [
        { latRaw: 34_734_080, lonRaw: 113_639_424 },
        { latRaw: 34_799_616, lonRaw: 113_639_424 },
        { latRaw: 34_799_616, lonRaw: 113_704_960 },
      ],
    },
  },
  '0x8601 delete two circular areas, 2013': {
    header: { msgId: 0x8601, ...H2013(59, '013912340001') },
    body: { ids: [7, 10] },
  },
  '0x8606 set a route of two points, 2013': {
    header: { msgId: 0x8606, ...H2013(60, '013912340001') },
    body: {
      id: 3,
      attributes: 0,
      points: [
        {
          pointId: 1,
          segmentId: 1,
          latRaw: 34_757_200,
          lonRaw: 113_665_200,
          widthM: 20,
          segmentAttributes: 3,
          tooLongS: 300,
          tooShortS: 60,
          speedMaxKmh: 80,
          overspeedS: 5,
        },
        { pointId: 2, segmentId: 1, latRaw: 34_799_616, lonRaw: 113_639_424, widthM: 20, segmentAttributes: 0 },
      ],
    },
  },
  '0x0702 driver identity, card read, 2013': {
    header: { msgId: 0x0702, ...H2013(61, '013912340001') },
    body: {
      status: 1,
      time: gmt8(2026, 5, 1, 8, 30, 0),
      readResult: 0,
      name: '张三',
      certificate: '4101002026000001',
      authority: '郑州市交通运输局',
      expiry: '2030-12-31',
    },
  },
  '0x8802 stored media search, 2013': {
    header: { msgId: 0x8802, ...H2013(62, '013912340001') },
    body: { mediaType: 0, channel: 1, eventCode: 0, start: gmt8(2026, 5, 1, 8, 0, 0), end: gmt8(2026, 5, 1, 9, 0, 0) },
  },
  '0x0802 stored media list, one image, 2013': {
    header: { msgId: 0x0802, ...H2013(63, '013912340001') },
    body: {
      replySerial: 62,
      items: [
        {
          mediaId: 42,
          mediaType: 0,
          channel: 1,
          eventCode: 0,
          location: position(34.7572, 113.6652, 101, 0, 270, gmt8(2026, 5, 1, 8, 30, 30)),
        },
      ],
    },
  },
  '0x8803 stored media upload, 2013': {
    header: { msgId: 0x8803, ...H2013(64, '013912340001') },
    body: {
      mediaType: 0,
      channel: 1,
      eventCode: 0,
      start: gmt8(2026, 5, 1, 8, 0, 0),
      end: gmt8(2026, 5, 1, 9, 0, 0),
      deleteAfter: 0,
    },
  },
  '0x9208 alarm attachment upload (T/JSATL 12), 2013': {
    header: { msgId: 0x9208, ...H2013(65, '013912340001') },
    body: {
      host: '10.0.0.8',
      tcpPort: 7612,
      udpPort: 0,
      alarmIdentification: {
        terminalId: 'T000001',
        time: gmt8(2026, 5, 1, 8, 30, 0),
        serial: 1,
        attachmentCount: 2,
        reserved: 0,
      },
      alarmNumber: '54303030303031260501083000010200',
    },
  },
  '0x1210 alarm attachment list (T/JSATL 12), 2013': {
    header: { msgId: 0x1210, ...H2013(7, '013912340001') },
    body: {
      terminalId: 'T000001',
      alarmIdentification: {
        terminalId: 'T000001',
        time: gmt8(2026, 5, 1, 8, 30, 0),
        serial: 1,
        attachmentCount: 2,
        reserved: 0,
      },
      alarmNumber: '54303030303031260501083000010200',
      infoType: 0,
      files: [
        { name: '00_65_6501_0_1.jpg', size: 40_000 },
        { name: '02_65_6501_0_1.mp4', size: 100_000 },
      ],
    },
  },
  '0x9212 attachment upload result (T/JSATL 12), two ranges to resend, 2013': {
    header: { msgId: 0x9212, ...H2013(66, '013912340001') },
    body: {
      name: '02_65_6501_0_1.mp4',
      fileType: 2,
      result: 1,
      missing: [
        { offset: 0, length: 4096 },
        { offset: 98_304, length: 1696 },
      ],
    },
  },
};

describe('frames written by hand from the standard', () => {
  it('has an expectation for every frame', () => {
    expect(STANDARD_FRAMES.map((f) => f.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const frame of STANDARD_FRAMES) {
    it(frame.name, () => {
      const want = EXPECTED[frame.name];
      const bytes = wireBytes(frame);
      // Escaped: no 0x7E between the flags.
      expect(bytes.indexOf(0x7e, 1)).toBe(bytes.length - 1);
      const parsed = parseFrame(bytes);
      if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.detail}`);
      expect(parsed.value.header).toMatchObject(want.header);
      const decoded = decodeMessage(parsed.value);
      if ('rejected' in want.body) {
        expect(decoded).toMatchObject({ ok: false, reason: want.body.rejected });
        return;
      }
      if (!decoded.ok) throw new Error(`${decoded.reason}: ${decoded.detail}`);
      expect(decoded.value.body).toMatchObject(want.body);
      // The encoder makes the same bytes from the decoded message.
      const { header } = parsed.value;
      const encoded = encodeMessage(decoded.value, {
        version: header.version,
        protocolVersion: header.protocolVersion,
        phone: header.phone,
        serial: header.serial,
      });
      expect(encoded.toString('hex')).toBe(bytes.toString('hex'));
    });
  }
});
