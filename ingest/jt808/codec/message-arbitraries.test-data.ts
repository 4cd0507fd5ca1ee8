/**
 * fast-check arbitraries of every JT/T 808 message in every version (2011, 2013, 2019), with serials, ids and
 * bodies biased towards 0x7E/0x7D so that escaping is exercised. Shared by the round-trip property tests and the
 * fuzz test, which seeds itself with frames the encoder makes from them.
 */
import fc from 'fast-check';
import type {
  AdasAlarm,
  AlarmIdentification,
  BlindSpotAlarm,
  DsmAlarm,
  Jt808Message,
  Jt808Version,
  LocationBasic,
  LocationBody,
  LocationExtras,
  TpmsAlarm,
} from './index.js';
import { AREA_BY_TIME, AREA_SPEED_LIMIT, deriveLocation } from './index.js';

/** Values biased towards bytes that must be escaped. */
const u8 = fc.oneof(fc.constantFrom(0x7e, 0x7d, 0x00, 0xff), fc.integer({ min: 0, max: 0xff }));
export const u16 = fc.oneof(
  fc.constantFrom(0x7e7e, 0x7d7d, 0x7e7d, 0x007e, 0xffff),
  fc.integer({ min: 0, max: 0xffff }),
);
const u32 = fc.oneof(fc.constantFrom(0x7e7e7e7e, 0x7d7d7d7d, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
export const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));
const ascii = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789abcxyz-~}'), maxLength });
const CHINESE = [...'豫粤京沪甘这是鉴权码中文测试郑州洛阳'];
const gbkText = (maxLength: number) => fc.string({ unit: fc.constantFrom(...CHINESE, ...'AZaz09 ~}.-'), maxLength });
/** Whole seconds from 2000 to 2099 in GMT+8 (what BCD[6] can carry). */
const timeMs = fc.integer({ min: 946_684_800, max: 4_102_329_600 }).map((s) => s * 1000);
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });

const ident: fc.Arbitrary<AlarmIdentification> = fc.record({
  terminalId: ascii(7).filter((s) => s.length <= 7),
  time: fc.option(timeMs, { nil: null }),
  serial: u8,
  attachmentCount: u8,
  reserved: u8,
});

const positionPart = {
  speedKmh: u8,
  altitudeM: u16,
  latRaw: u32,
  lonRaw: u32,
  time: fc.option(timeMs, { nil: null }),
  vehicleStatusBits: u16,
  alarmIdentification: ident,
};

/** Drops a suffix of fields (in layout order) past the required ones: "as far as present". */
function prefixOf<T extends object>(value: T, order: string[], requiredCount: number): fc.Arbitrary<T> {
  return fc.integer({ min: requiredCount, max: order.length }).map((keep) => {
    const out: Record<string, unknown> = {};
    for (const key of order.slice(0, keep)) out[key] = (value as Record<string, unknown>)[key];
    return out as T;
  });
}

const POSITION_ORDER = [
  'speedKmh',
  'altitudeM',
  'latRaw',
  'lonRaw',
  'time',
  'vehicleStatusBits',
  'alarmIdentification',
];
const adas: fc.Arbitrary<AdasAlarm> = fc
  .record({
    alarmId: u32,
    flag: u8,
    type: u8,
    level: u8,
    frontVehicleSpeedKmh: u8,
    frontDistance100ms: u8,
    deviationType: u8,
    roadSignType: u8,
    roadSignValue: u8,
    ...positionPart,
  })
  .chain((a) =>
    prefixOf(
      a,
      [
        'alarmId',
        'flag',
        'type',
        'level',
        'frontVehicleSpeedKmh',
        'frontDistance100ms',
        'deviationType',
        'roadSignType',
        'roadSignValue',
        ...POSITION_ORDER,
      ],
      4,
    ),
  );
const dsm: fc.Arbitrary<DsmAlarm> = fc
  .record({ alarmId: u32, flag: u8, type: u8, level: u8, fatigueLevel: u8, reserved: u32, ...positionPart })
  .chain((a) => prefixOf(a, ['alarmId', 'flag', 'type', 'level', 'fatigueLevel', 'reserved', ...POSITION_ORDER], 4));
const blindSpot: fc.Arbitrary<BlindSpotAlarm> = fc
  .record({ alarmId: u32, flag: u8, type: u8, ...positionPart })
  .chain((a) => prefixOf(a, ['alarmId', 'flag', 'type', ...POSITION_ORDER], 3));
const tpms: fc.Arbitrary<TpmsAlarm> = fc.oneof(
  fc.record({ alarmId: u32, flag: u8 }),
  fc.record({
    alarmId: u32,
    flag: u8,
    ...positionPart,
    tyres: fc.array(
      fc.record({ position: u8, alarmBits: u16, pressureKpa: u16, temperatureC: u16, batteryPercent: u16 }),
      { maxLength: 4 },
    ),
  }),
);

const KNOWN_EXTRA_IDS = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x25, 0x2a, 0x2b, 0x30, 0x31,
  0x64, 0x65, 0x66, 0x67,
]);
const other = fc.record({
  id: fc.integer({ min: 0, max: 255 }).filter((id) => !KNOWN_EXTRA_IDS.has(id)),
  hex: bytes(12).map((b) => b.toString('hex')),
});

function extrasArb(light: boolean): fc.Arbitrary<LocationExtras> {
  const typed = fc.record(
    {
      mileageKm: u32.map((v) => v / 10),
      fuelL: u16.map((v) => v / 10),
      tachographSpeedKmh: u16.map((v) => v / 10),
      alarmEventId: u16,
      tyrePressures: fc.array(fc.option(fc.integer({ min: 0, max: 254 }), { nil: null }), {
        minLength: 30,
        maxLength: 30,
      }),
      cabinTemperatureC: fc.integer({ min: -32767, max: 32767 }),
      overspeed: fc.oneof(
        fc.constant({ positionType: 0 }),
        fc.record({ positionType: fc.integer({ min: 1, max: 255 }), areaId: u32 }),
      ),
      areaRouteInOut: fc.record({ positionType: u8, areaId: u32, direction: u8 }),
      roadSectionTime: fc.record({ sectionId: u32, durationS: u16, result: u8 }),
      videoAlarmBits: u32,
      videoLossChannelBits: u32,
      videoOcclusionChannelBits: u32,
      storageFaultBits: u16,
      abnormalDriving: fc.record({ behaviourBits: u16, fatigueLevel: u8 }),
      extendedSignalBits: u32,
      ioStatusBits: u16,
      analogRaw: u32,
      signalStrength: u8,
      gnssSatellites: u8,
      ...(light ? {} : { adas, dsm, tpms, blindSpot }),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(typed, fc.array(other, { maxLength: light ? 1 : 4 }))
    .map(([t, others]) => ({ ...t, others }) as LocationExtras);
}

function basicArb(version: Jt808Version): fc.Arbitrary<LocationBasic> {
  return fc
    .record({
      alarmBits: u32,
      statusBits: u32,
      latRaw: fc.integer({ min: 0, max: 90_000_000 }),
      lonRaw: fc.integer({ min: 0, max: 180_000_000 }),
      altitudeM: u16,
      speedKmh: u16.map((v) => v / 10),
      directionDeg: fc.integer({ min: 0, max: 359 }),
      time: timeMs,
    })
    .map((raw) => ({ ...raw, ...deriveLocation(raw, version) }));
}

function locationArb(version: Jt808Version, light = false): fc.Arbitrary<LocationBody> {
  return fc.tuple(basicArb(version), extrasArb(light)).map(([basic, extras]) => ({ ...basic, extras }));
}

export function messageArb(version: Jt808Version): fc.Arbitrary<Jt808Message> {
  const is2019 = version === 2019;
  const reply = fc.record({ replySerial: u16, replyMsgId: u16, result: u8 });
  const layout = version;
  const widths = { 2011: [5, 8, 7], 2013: [5, 20, 7], 2019: [11, 30, 30] }[layout];
  return fc.oneof(
    reply.map((body) => ({ msgId: 0x0001 as const, body })),
    fc.constant({ msgId: 0x0002 as const, body: {} }),
    fc.constant({ msgId: 0x0003 as const, body: {} }),
    fc.constant({ msgId: 0x0004 as const, body: {} }),
    fc
      .record({
        provinceId: u16,
        cityId: u16,
        maker: ascii(widths[0]),
        model: ascii(widths[1]),
        terminalId: ascii(widths[2]),
        plateColor: is2019 ? u8 : fc.integer({ min: 0, max: 9 }),
        plate: fc.tuple(fc.constantFrom(...CHINESE), ascii(8)).map(([c, rest]) => c + rest.replace(/^$/, 'A')),
      })
      .map((r) => ({ msgId: 0x0100 as const, body: { ...r, layout } })),
    is2019
      ? fc
          .record({ authCode: gbkText(40), imei: digits(15), softwareVersion: ascii(20) })
          .map((body) => ({ msgId: 0x0102 as const, body }))
      : gbkText(60).map((authCode) => ({ msgId: 0x0102 as const, body: { authCode } })),
    locationArb(version).map((body) => ({ msgId: 0x0200 as const, body })),
    fc.record({ replySerial: u16, location: locationArb(version) }).map((body) => ({ msgId: 0x0201 as const, body })),
    fc
      .record({ type: fc.integer({ min: 0, max: 1 }), items: fc.array(locationArb(version, true), { maxLength: 4 }) })
      .map((b) => ({
        msgId: 0x0704 as const,
        body: { type: b.type, count: b.items.length, items: b.items, errors: [] },
      })),
    fc
      .record({ mediaId: u32, mediaType: u8, mediaFormat: u8, eventCode: u8, channelId: u8 })
      .map((body) => ({ msgId: 0x0800 as const, body })),
    fc
      .record({
        mediaId: u32,
        mediaType: u8,
        mediaFormat: u8,
        eventCode: u8,
        channelId: u8,
        data: bytes(600),
        ...(version === 2011 ? {} : { location: basicArb(version) }),
      })
      .map((body) => ({ msgId: 0x0801 as const, body })),
    fc
      .oneof(
        fc.record({ replySerial: u16, result: fc.constant(0), mediaIds: fc.array(u32, { maxLength: 100 }) }),
        fc.record({ replySerial: u16, result: fc.integer({ min: 1, max: 255 }), mediaIds: fc.constant<number[]>([]) }),
      )
      .map((body) => ({ msgId: 0x0805 as const, body })),
    fc.record({ type: u8, data: bytes(900) }).map((body) => ({ msgId: 0x0900 as const, body })),
    reply.map((body) => ({ msgId: 0x8001 as const, body })),
    fc
      .record({ originalSerial: u16, packetIds: fc.array(u16, { maxLength: 60 }) })
      .map((body) => ({ msgId: 0x8003 as const, body })),
    fc
      .integer({ min: 946_684_800, max: 4_102_358_399 })
      .map((s) => ({ msgId: 0x8004 as const, body: { time: s * 1000 } })),
    fc
      .oneof(
        fc.record({ replySerial: u16, authCode: gbkText(40) }).map((b) => ({ ...b, result: 0 })),
        fc.record({ replySerial: u16, result: fc.integer({ min: 1, max: 255 }) }),
      )
      .map((body) => ({ msgId: 0x8100 as const, body })),
    fc.constant({ msgId: 0x8201 as const, body: {} }),
    fc
      .oneof(fc.constant({ intervalS: 0 }), fc.record({ intervalS: u16, validityS: u32 }))
      .map((body) => ({ msgId: 0x8202 as const, body })),
    fc.record({ alarmSerial: u16, alarmTypeBits: u32 }).map((body) => ({ msgId: 0x8203 as const, body })),
    (is2019
      ? fc.record({ flags: u8, textType: u8, text: gbkText(200) })
      : fc.record({ flags: u8, text: gbkText(200) })
    ).map((body) => ({ msgId: 0x8300 as const, body })),
    fc
      .record({ mediaId: u32, packetIds: fc.array(u16, { maxLength: 255 }) })
      .map((body) => ({ msgId: 0x8800 as const, body })),
    fc
      .record({
        channel: u8,
        command: u16,
        intervalS: u16,
        save: u8,
        resolution: u8,
        quality: u8,
        brightness: u8,
        contrast: u8,
        saturation: u8,
        chroma: u8,
      })
      .map((body) => ({ msgId: 0x8801 as const, body })),
    ...videoMessageArbs(),
    ...commandMessageArbs(version),
  );
}

/** The command set a supervision platform sends (parameters, control, areas and routes, stored media, driver) and its answers. */
function commandMessageArbs(version: Jt808Version): fc.Arbitrary<Jt808Message>[] {
  const is2019 = version === 2019;
  const optionalTime = fc.option(timeMs, { nil: null });
  const params = fc.array(fc.record({ id: u32, value: bytes(24) }), { maxLength: 8 });
  const ids = fc.array(u32, { maxLength: 12 });
  const name: { name?: fc.Arbitrary<string> } = is2019 ? { name: gbkText(12) } : {};
  /** An area's attributes and the optional parts its bits 0 (time window) and 1 (speed limit) announce. */
  const limits = fc
    .record({
      attributes: u16,
      start: optionalTime,
      end: optionalTime,
      speedMaxKmh: u16,
      overspeedS: u8,
      nightSpeedMaxKmh: u16,
    })
    .map(({ attributes, start, end, speedMaxKmh, overspeedS, nightSpeedMaxKmh }) => ({
      attributes,
      ...(attributes & AREA_BY_TIME ? { start, end } : {}),
      ...(attributes & AREA_SPEED_LIMIT ? { speedMaxKmh, overspeedS, ...(is2019 ? { nightSpeedMaxKmh } : {}) } : {}),
    }));
  const routePoint = fc
    .record({
      pointId: u32,
      segmentId: u32,
      latRaw: u32,
      lonRaw: u32,
      widthM: u8,
      segmentAttributes: u8,
      tooLongS: u16,
      tooShortS: u16,
      speedMaxKmh: u16,
      overspeedS: u8,
      nightSpeedMaxKmh: u16,
    })
    .map(({ tooLongS, tooShortS, speedMaxKmh, overspeedS, nightSpeedMaxKmh, ...p }) => ({
      ...p,
      ...(p.segmentAttributes & 0x01 ? { tooLongS, tooShortS } : {}),
      ...(p.segmentAttributes & 0x02 ? { speedMaxKmh, overspeedS, ...(is2019 ? { nightSpeedMaxKmh } : {}) } : {}),
    }));
  const expiry = fc
    .record({
      y: fc.integer({ min: 2000, max: 2099 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
    })
    .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  const driver =
    version === 2011
      ? fc
          .record({ name: gbkText(20), idCard: ascii(20), certificate: gbkText(20), authority: gbkText(30) })
          .map((d) => ({ status: 1, ...d }))
      : fc.oneof(
          fc.record({ status: fc.constantFrom(0, 2, 3), time: optionalTime }),
          fc.record({ status: fc.constant(1), time: optionalTime, readResult: fc.integer({ min: 1, max: 255 }) }),
          fc.record({
            status: fc.constant(1),
            time: optionalTime,
            readResult: fc.constant(0),
            name: gbkText(20),
            certificate: ascii(20),
            authority: gbkText(30),
            expiry: fc.option(expiry, { nil: null }),
            ...(is2019 ? { idCard: ascii(20) } : {}),
          }),
        );
  const search = { mediaType: u8, channel: u8, eventCode: u8, start: optionalTime, end: optionalTime };
  return [
    fc.record({ replySerial: u16, params }).map((body) => ({ msgId: 0x0104 as const, body })),
    fc
      .record({ replySerial: u16, location: locationArb(version, true) })
      .map((body) => ({ msgId: 0x0500 as const, body })),
    driver.map((body) => ({ msgId: 0x0702 as const, body })),
    fc
      .record({
        replySerial: u16,
        items: fc.array(
          fc.record({ mediaId: u32, mediaType: u8, channel: u8, eventCode: u8, location: basicArb(version) }),
          {
            maxLength: 8,
          },
        ),
      })
      .map((body) => ({ msgId: 0x0802 as const, body })),
    fc.record({ params }).map((body) => ({ msgId: 0x8103 as const, body })),
    fc.constant({ msgId: 0x8104 as const, body: {} }),
    fc.record({ command: u8, params: gbkText(60) }).map((body) => ({ msgId: 0x8105 as const, body })),
    fc.record({ ids: fc.array(u32, { maxLength: 40 }) }).map((body) => ({ msgId: 0x8106 as const, body })),
    fc.record({ flag: u8, phone: digits(11) }).map((body) => ({ msgId: 0x8400 as const, body })),
    (is2019
      ? fc.record({ controls: fc.array(fc.record({ typeId: fc.constant(1), value: u8 }), { maxLength: 3 }) })
      : fc.record({ flags: u8 })
    ).map((body) => ({ msgId: 0x8500 as const, body })),
    fc
      .record({
        setting: u8,
        areas: fc.array(
          fc
            .tuple(limits, fc.record({ id: u32, latRaw: u32, lonRaw: u32, radiusM: u32, ...name }))
            .map(([l, a]) => ({ ...a, ...l })),
          { maxLength: 4 },
        ),
      })
      .map((body) => ({ msgId: 0x8600 as const, body })),
    fc
      .record({
        setting: u8,
        areas: fc.array(
          fc
            .tuple(
              limits,
              fc.record({ id: u32, topLatRaw: u32, leftLonRaw: u32, bottomLatRaw: u32, rightLonRaw: u32, ...name }),
            )
            .map(([l, a]) => ({ ...a, ...l })),
          { maxLength: 4 },
        ),
      })
      .map((body) => ({ msgId: 0x8602 as const, body })),
    fc
      .tuple(
        limits,
        fc.record({ id: u32, vertices: fc.array(fc.record({ latRaw: u32, lonRaw: u32 }), { maxLength: 12 }), ...name }),
      )
      .map(([l, a]) => ({ msgId: 0x8604 as const, body: { ...a, ...l } })),
    fc
      .record({
        id: u32,
        attributes: u16,
        start: optionalTime,
        end: optionalTime,
        points: fc.array(routePoint, { maxLength: 6 }),
        ...name,
      })
      .map(({ start, end, ...r }) => ({
        msgId: 0x8606 as const,
        body: { ...r, ...(r.attributes & AREA_BY_TIME ? { start, end } : {}) },
      })),
    ...([0x8601, 0x8603, 0x8605, 0x8607] as const).map((msgId) =>
      fc.record({ ids }).map((body) => ({ msgId, body }) as Jt808Message),
    ),
    fc.constant({ msgId: 0x8702 as const, body: {} }),
    fc.record(search).map((body) => ({ msgId: 0x8802 as const, body })),
    fc.record({ ...search, deleteAfter: u8 }).map((body) => ({ msgId: 0x8803 as const, body })),
  ];
}

/** The JT/T 1078 messages carried over JT/T 808 (live video, playback, resource lists). */
function videoMessageArbs(): fc.Arbitrary<Jt808Message>[] {
  const server = fc.record({ host: ascii(40), tcpPort: u16, udpPort: u16 });
  const optionalTime = fc.option(timeMs, { nil: null });
  const flags = { alarmBits: u32, videoAlarmBits: u32 };
  return [
    fc.record({ server, channel: u8, dataType: u8, streamType: u8 }).map((body) => ({ msgId: 0x9101 as const, body })),
    fc
      .record({ channel: u8, command: u8, closeType: u8, streamType: u8 })
      .map((body) => ({ msgId: 0x9102 as const, body })),
    fc
      .record({
        server,
        channel: u8,
        mediaType: u8,
        streamType: u8,
        storage: u8,
        mode: u8,
        speed: u8,
        start: optionalTime,
        end: optionalTime,
      })
      .map((body) => ({ msgId: 0x9201 as const, body })),
    fc
      .record({ channel: u8, control: u8, speed: u8, position: optionalTime })
      .map((body) => ({ msgId: 0x9202 as const, body })),
    fc
      .record({
        channel: u8,
        start: optionalTime,
        end: optionalTime,
        ...flags,
        mediaType: u8,
        streamType: u8,
        storage: u8,
      })
      .map((body) => ({ msgId: 0x9205 as const, body })),
    fc
      .record({
        replySerial: u16,
        resources: fc.array(
          fc.record({
            channel: u8,
            start: optionalTime,
            end: optionalTime,
            ...flags,
            mediaType: u8,
            streamType: u8,
            storage: u8,
            fileBytes: u32,
          }),
          { maxLength: 10 },
        ),
      })
      .map((body) => ({ msgId: 0x1205 as const, body })),
    fc
      .record({ host: ascii(40), tcpPort: u16, udpPort: u16, alarmIdentification: ident, alarmNumber: ascii(32) })
      .map((body) => ({ msgId: 0x9208 as const, body })),
    fc
      .record({
        terminalId: ascii(7),
        alarmIdentification: ident,
        alarmNumber: ascii(32),
        infoType: u8,
        files: fc.array(fc.record({ name: ascii(60), size: u32 }), { maxLength: 8 }),
      })
      .map((body) => ({ msgId: 0x1210 as const, body })),
    fileInfo.map((body) => ({ msgId: 0x1211 as const, body })),
    fileInfo.map((body) => ({ msgId: 0x1212 as const, body })),
    fc
      .record({
        name: ascii(60),
        fileType: u8,
        result: u8,
        missing: fc.array(fc.record({ offset: u32, length: u32 }), { maxLength: 10 }),
      })
      .map((body) => ({ msgId: 0x9212 as const, body })),
  ];
}

const fileInfo = fc.record({ name: ascii(60), fileType: u8, size: u32 });

export function headerArb(version: Jt808Version) {
  return fc.record({
    version: fc.constant(version),
    protocolVersion: version === 2019 ? u8 : fc.constant(0),
    phone: digits(version === 2019 ? 20 : 12),
    serial: u16,
  });
}
