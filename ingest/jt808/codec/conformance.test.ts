/**
 * Conformance: every frame of ../shared/data/jt808/vectors.json (40 frames from public implementations).
 * Frames with a valid check decode to the values the source asserted (and to the independently derived
 * values); frames whose only fault is the check are rejected in strict mode and decode leniently with
 * `checksum: 'ignore'`; malformed frames are rejected with a named reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Jt808Frame, Jt808Message, LocationBody, LocationExtras } from './index.js';
import { JT808_REJECT_REASONS, Reassembler, decodeMessage, parseFrame } from './index.js';
import { encodeExtras } from './messages/location-extras.js';

interface Vector {
  id: string;
  hex: string;
  msgId: string;
  version: string;
  phone: string;
  serial: number;
  subpackage: { total: number; index: number } | null;
  expect: { ok: boolean; lenient?: string };
  asserted: { header?: Record<string, unknown>; body?: Record<string, unknown> } | null;
  derived: { header: Record<string, unknown>; body: Record<string, unknown> | null; bodyFirstBytes?: string };
  verification: { checksumOk: boolean; bodyLengthOk: boolean };
}

/**
 * The vectors come from public repositories, so they stay outside Vigil, in ../shared/ beside the repository
 * (where CI lays it; VIGIL_SHARED_DIR names another place). A clone without it skips this suite, naming the file.
 */
const VECTORS_FILE = process.env.VIGIL_SHARED_DIR
  ? join(process.env.VIGIL_SHARED_DIR, 'data/jt808/vectors.json')
  : fileURLToPath(new URL('../../../../shared/data/jt808/vectors.json', import.meta.url));
const vectorsPresent = existsSync(VECTORS_FILE);
const SKIPPED = vectorsPresent ? '' : ` (skipped: ${VECTORS_FILE} is missing)`;
// Said where every reporter shows it: a skipped suite's name alone is printed only by the verbose one.
// eslint-disable-next-line no-console
if (!vectorsPresent) console.warn(`JT/T 808 conformance vectors skipped: ${VECTORS_FILE} is missing`);

const vectors: Vector[] = vectorsPresent ? (JSON.parse(readFileSync(VECTORS_FILE, 'utf8')) as Vector[]) : [];
const byId = new Map(vectors.map((v) => [v.id, v]));
const frameOf = (v: Vector): Buffer => Buffer.from(v.hex, 'hex');

/** "2018-07-15 10:10:10" in GMT+8 → epoch ms. */
function gmt8(text: string): number {
  return Date.parse(text.replace(' ', 'T') + '+08:00');
}

/** Asserted extras keyed by wire id → our typed field, in wire units. */
const EXTRA_FIELDS: Record<string, (x: LocationExtras) => number | undefined> = {
  '0x01': (x) => (x.mileageKm === undefined ? undefined : Math.round(x.mileageKm * 10)),
  '0x02': (x) => (x.fuelL === undefined ? undefined : Math.round(x.fuelL * 10)),
  '0x03': (x) => (x.tachographSpeedKmh === undefined ? undefined : Math.round(x.tachographSpeedKmh * 10)),
  '0x04': (x) => x.alarmEventId,
  '0x25': (x) => x.extendedSignalBits,
  '0x2a': (x) => x.ioStatusBits,
  '0x2b': (x) => x.analogRaw,
  '0x30': (x) => x.signalStrength,
  '0x31': (x) => x.gnssSatellites,
};

function expectLocation(loc: LocationBody, want: Record<string, unknown>): void {
  const map: Record<string, (l: LocationBody) => unknown> = {
    alarm: (l) => l.alarmBits,
    status: (l) => l.statusBits,
    latRaw: (l) => l.latRaw,
    lonRaw: (l) => l.lonRaw,
    altitude: (l) => l.altitudeM,
    speedRaw: (l) => Math.round(l.speedKmh * 10),
    direction: (l) => l.directionDeg,
    time: (l) => l.time,
  };
  for (const [key, value] of Object.entries(want)) {
    if (key === 'extras') {
      for (const [id, v] of Object.entries(value as Record<string, number>)) {
        expect(EXTRA_FIELDS[id.toLowerCase()](loc.extras), `extra ${id}`).toBe(v);
      }
    } else if (key === 'time') {
      expect(loc.time, 'time').toBe(gmt8(value as string));
    } else {
      expect(map[key](loc), key).toBe(value);
    }
  }
  expect(loc.lat).toBeCloseTo(((loc.statusBits & 4 ? -1 : 1) * loc.latRaw) / 1e6, 9);
}

/** Every derived TLV is kept: typed or raw, re-encoding gives back the same (id, bytes) multiset. */
function expectExtrasComplete(loc: LocationBody, derived: { id: string; hex: string }[]): void {
  const encoded = encodeExtras(loc.extras);
  const got: string[] = [];
  for (let at = 0; at < encoded.length; at += 2 + encoded[at + 1]) {
    got.push(`${encoded[at]}:${encoded.toString('hex', at + 2, at + 2 + encoded[at + 1])}`);
  }
  const want = derived.map((d) => `${parseInt(d.id, 16)}:${d.hex.toLowerCase()}`);
  expect(got.sort()).toEqual(want.sort());
}

function decodeOk(frame: Jt808Frame, opts?: Parameters<typeof decodeMessage>[1]): Jt808Message {
  const msg = decodeMessage(frame, opts);
  if (!msg.ok) throw new Error(`decode failed: ${msg.reason} ${msg.detail}`);
  return msg.value;
}

function parseOk(v: Vector, opts?: Parameters<typeof parseFrame>[1]): Jt808Frame {
  const parsed = parseFrame(frameOf(v), opts);
  if (!parsed.ok) throw new Error(`${v.id}: parse failed: ${parsed.reason} ${parsed.detail}`);
  return parsed.value;
}

/** Vectors whose coordinates are out of range: yzh's builder swapped latitude and longitude. */
const SWAPPED_COORDINATES = new Set(['yzh-0200-2013', 'yzh-0200-2019', 'yzh-0704-2013-type1', 'yzh-0704-2019-type1']);

function expectBody(v: Vector, msg: Jt808Message): void {
  const want = v.asserted?.body ?? {};
  const derived = v.derived.body ?? {};
  switch (msg.msgId) {
    case 0x0200:
      expectLocation(msg.body, want);
      expectLocation(msg.body, Object.fromEntries(Object.entries(derived).filter(([k]) => k !== 'extras')));
      expectExtrasComplete(msg.body, derived.extras as { id: string; hex: string }[]);
      break;
    case 0x0704: {
      if (want.count !== undefined) expect(msg.body.count).toBe(want.count);
      if (want.type !== undefined) expect(msg.body.type).toBe(want.type);
      const items = (want.items ?? derived.items) as Record<string, unknown>[];
      expect(msg.body.items.length).toBe(items.length);
      items.forEach((item, i) => expectLocation(msg.body.items[i], item));
      break;
    }
    case 0x0100: {
      const b = msg.body;
      const got = {
        province: b.provinceId,
        city: b.cityId,
        maker: b.maker,
        model: b.model,
        terminalId: b.terminalId,
        plateColor: b.plateColor,
        plate: b.plate,
      };
      const expected = { ...derived, ...want } as Record<string, unknown>;
      delete expected.layout;
      if (v.id !== 'smallchi-0100-2019-zero-char-padded') expect(got).toEqual(expected);
      if (derived.layout !== undefined) expect(String(b.layout)).toBe(derived.layout);
      break;
    }
    case 0x0102:
      expect(msg.body.authCode).toBe(want.auth);
      if (want.imei !== undefined) expect(msg.body.imei).toBe(want.imei);
      if (want.softwareVersion !== undefined) expect(msg.body.softwareVersion).toBe(want.softwareVersion);
      break;
    case 0x8001:
      expect(msg.body).toEqual({
        replySerial: want.ackSerial,
        replyMsgId: parseInt(want.ackMsgId as string, 16),
        result: want.result,
      });
      break;
    case 0x8100:
      expect(msg.body.replySerial).toBe(want.ackSerial);
      expect(msg.body.result).toBe(want.result);
      expect(msg.body.authCode).toBe(want.auth ?? undefined);
      break;
    case 0x0002:
      expect(msg.body).toEqual({});
      break;
    default:
      throw new Error(`no expectations written for ${msg.msgId}`);
  }
}

describe.skipIf(!vectorsPresent)(`JT/T 808 conformance vectors${SKIPPED}`, () => {
  it('has all 40 vectors', () => {
    expect(vectors).toHaveLength(40);
  });

  for (const v of vectors) {
    it(v.id, () => {
      const strict = parseFrame(frameOf(v));
      if (!v.expect.ok) {
        expect(strict.ok).toBe(false);
        if (!strict.ok) {
          expect(JT808_REJECT_REASONS).toContain(strict.reason);
          expect(strict.reason).toBe('check_mismatch');
        }
        return;
      }
      if (!v.verification.checksumOk) {
        expect(strict.ok).toBe(false);
        if (!strict.ok) expect(strict.reason).toBe('check_mismatch');
        return; // the lenient decode is covered below, vector by vector
      }
      const frame = parseOk(v);
      const h = frame.header;
      expect(h.msgId).toBe(parseInt(v.msgId, 16));
      expect(h.phone).toBe(v.phone);
      expect(h.serial).toBe(v.serial);
      expect(h.version).toBe(v.version === '2019' ? 2019 : 2013);
      expect(h.bodyLength).toBe(v.derived.header.bodyLength);
      expect(h.encryption).toBe(0);
      expect(h.packet).toEqual(v.subpackage ?? undefined);
      if (v.derived.header.protocolVersion !== undefined)
        expect(h.protocolVersion).toBe(v.derived.header.protocolVersion);
      const assertedHeader = v.asserted?.header ?? {};
      if (typeof assertedHeader.phone === 'string')
        expect(h.phone.replace(/^0+/, '')).toBe(assertedHeader.phone.replace(/^0+/, ''));
      if (assertedHeader.protocolVersion !== undefined) expect(h.protocolVersion).toBe(assertedHeader.protocolVersion);
      if (v.subpackage) return; // reassembled below
      if (SWAPPED_COORDINATES.has(v.id)) {
        const rejected = decodeMessage(frame);
        if (v.msgId === '0x0200') expect(rejected).toMatchObject({ ok: false, reason: 'lat_out_of_range' });
        else {
          if (!rejected.ok || rejected.value.msgId !== 0x0704) throw new Error('0x0704 must decode with item errors');
          expect(rejected.value.body.items).toEqual([]);
          expect(rejected.value.body.errors.map((e) => e.reason)).toEqual([
            'lat_out_of_range',
            'lat_out_of_range',
            'lat_out_of_range',
          ]);
        }
        expectBody(v, decodeOk(frame, { coordinates: 'accept' }));
        return;
      }
      expectBody(v, decodeOk(frame));
    });
  }
});

describe.skipIf(!vectorsPresent)(`vendor quirks of the conformance vectors${SKIPPED}`, () => {
  it('0x0200 whose last TLV overruns the body keeps the items before it (checksum ignored)', () => {
    const v = byId.get('smallchi-0200-2013-bad-extra-tlv')!;
    const msg = decodeOk(parseOk(v, { checksum: 'ignore' }));
    if (msg.msgId !== 0x0200) throw new Error('wrong message');
    expect(msg.body.extrasError).toBe('item 0xf6 declares 4 bytes, only 2 left');
    expectLocation(
      msg.body,
      Object.fromEntries(Object.entries(v.derived.body!).filter(([k]) => k !== 'extras' && k !== 'extrasError')),
    );
    expectExtrasComplete(msg.body, v.derived.body!.extras as { id: string; hex: string }[]);
  });

  it('0x0200 with duplicate unknown TLVs keeps every item raw (checksum ignored)', () => {
    const v = byId.get('smallchi-0200-2013-duplicate-unknown-tlv')!;
    const msg = decodeOk(parseOk(v, { checksum: 'ignore' }));
    if (msg.msgId !== 0x0200) throw new Error('wrong message');
    expect(msg.body.extrasError).toBeUndefined();
    expect(msg.body.extras.others.filter((o) => o.id === 0x00)).toHaveLength(2);
    expectBody(v, msg);
  });

  it('0x0704 whose last item is truncated keeps the good item and reports the error', () => {
    const v = byId.get('smallchi-0704-2013-truncated-item')!;
    // The frame is 4 bytes shorter than declared and its check is wrong: both must be waived.
    expect(parseFrame(frameOf(v), { checksum: 'ignore' })).toMatchObject({ ok: false, reason: 'body_length_mismatch' });
    const msg = decodeOk(parseOk(v, { checksum: 'ignore', bodyLength: 'lenient' }));
    if (msg.msgId !== 0x0704) throw new Error('wrong message');
    expect(msg.body.count).toBe(2);
    expect(msg.body.type).toBe(1);
    expect(msg.body.items).toHaveLength(1);
    expect(msg.body.errors).toEqual([
      { index: 1, reason: 'body_truncated', detail: expect.stringContaining('declares 233 bytes, only 229 left') },
    ]);
    const item = (v.derived.body!.items as Record<string, unknown>[])[0];
    expectLocation(msg.body.items[0], Object.fromEntries(Object.entries(item).filter(([k]) => k !== 'extras')));
    expectExtrasComplete(msg.body.items[0], item.extras as { id: string; hex: string }[]);
  });

  it('2019 registration left-padded with ASCII "0": kept by default, trimmed on request', () => {
    const v = byId.get('smallchi-0100-2019-zero-char-padded')!;
    const frame = parseOk(v);
    expect(decodeOk(frame)).toMatchObject({ body: { maker: '000Koike002', model: '0000000000000000000000Koike002' } });
    expect(decodeOk(frame, { zeroPadding: 'trim-leading' })).toMatchObject({
      body: {
        maker: 'Koike002',
        model: 'Koike002',
        terminalId: 'Koike002',
        plate: '粤A12346',
        plateColor: 2,
        layout: 2019,
      },
    });
  });

  it('0x0200 many-extras decodes the Jiangsu ADAS item field by field', () => {
    const msg = decodeOk(parseOk(byId.get('xtream-0200-2019-many-extras')!));
    if (msg.msgId !== 0x0200) throw new Error('wrong message');
    expect(msg.body.extras.adas).toEqual({
      alarmId: 222,
      flag: 0xdf,
      type: 0x6f,
      level: 3,
      frontVehicleSpeedKmh: 0x42,
      frontDistance100ms: 0x0b,
      deviationType: 0x0c,
      roadSignType: 0x0d,
      roadSignValue: 0x0e,
      speedKmh: 0x0f,
      altitudeM: 1234,
      latRaw: 31000562,
      lonRaw: 121451372,
      time: gmt8('2014-10-21 19:51:09'),
      vehicleStatusBits: 1,
      alarmIdentification: {
        terminalId: '1234567',
        time: gmt8('2014-10-21 19:51:09'),
        serial: 1,
        attachmentCount: 1,
        reserved: 0,
      },
    });
    expect(msg.body.extras.areaRouteInOut).toEqual({ positionType: 1, areaId: 0, direction: 1 });
    expect(msg.body.extras.roadSectionTime).toEqual({ sectionId: 1, durationS: 0, result: 0 });
  });

  it('0x0200 2019 decodes the JT/T 1078 items 0x14-0x18', () => {
    const msg = decodeOk(parseOk(byId.get('smallchi-0200-2019-storage-fault-0x17')!));
    if (msg.msgId !== 0x0200) throw new Error('wrong message');
    expect(msg.body.extras).toMatchObject({
      videoAlarmBits: 4,
      videoLossChannelBits: 0,
      videoOcclusionChannelBits: 0,
      storageFaultBits: 2,
      abnormalDriving: { behaviourBits: 0, fatigueLevel: 0 },
    });
    expect(msg.body.status).toMatchObject({ acc_on: true, positioned: true, gps_used: true, beidou_used: true });
  });

  it('0x0200 decodes alarm names and signed coordinates', () => {
    const msg = decodeOk(parseOk(byId.get('smallchi-0200-2013-all-basic-extras')!));
    if (msg.msgId !== 0x0200) throw new Error('wrong message');
    expect(msg.body.alarms).toEqual(['emergency']);
    expect(msg.body.status.positioned).toBe(true);
    expect(msg.body.lat).toBeCloseTo(12.222222, 6);
    expect(msg.body.lon).toBeCloseTo(132.444444, 6);
    expect(msg.body.extras.overspeed).toEqual({ positionType: 1, areaId: 1 });
  });

  it('reassembles the two halves of the 0x1205 subpackage', () => {
    const first = parseOk(byId.get('smallchi-1205-2013-subpackage-1of2')!);
    const second = parseOk(byId.get('smallchi-1205-2013-subpackage-2of2')!);
    expect(decodeMessage(first)).toMatchObject({ ok: false, reason: 'packet_not_reassembled' });
    const r = new Reassembler({
      packetsPerMessageMax: 64,
      bytesPerMessageMax: 64 * 1024,
      pendingMessagesMax: 4,
      timeoutMs: 30_000,
      now: () => 0,
    });
    // Out of order on purpose: the second half arrives first.
    expect(r.push(second)).toEqual({ status: 'pending' });
    const done = r.push(first);
    if (done.status !== 'complete') throw new Error(`not complete: ${done.status}`);
    expect(done.frame.header).toMatchObject({
      msgId: 0x1205,
      serial: 235,
      bodyLength: 930 + 56,
      phone: '040666575062',
    });
    expect(done.frame.header.packet).toBeUndefined();
    expect(done.frame.body.equals(Buffer.concat([first.body, second.body]))).toBe(true);
    expect(done.frame.body.toString('hex', 0, 16)).toBe(
      byId.get('smallchi-1205-2013-subpackage-1of2')!.derived.bodyFirstBytes,
    );
    expect(r.pendingMessages).toBe(0);
    // The JT/T 1078 resource list: 35 recordings of 28 bytes after the flow number and the count.
    const list = decodeMessage(done.frame);
    if (!list.ok || list.value.msgId !== 0x1205) throw new Error(`not a resource list: ${JSON.stringify(list)}`);
    expect(list.value.body.replySerial).toBe(0x015a);
    expect(list.value.body.resources).toHaveLength(0x23);
    const item = { alarmBits: 0, videoAlarmBits: 0, mediaType: 0, streamType: 1, storage: 1 };
    expect(list.value.body.resources[0]).toEqual({
      channel: 1,
      start: gmt8('2020-12-19 10:42:05'),
      end: gmt8('2020-12-19 10:50:19'),
      ...item,
      fileBytes: 0x064446d1,
    });
    // The last one lies in the second packet.
    expect(list.value.body.resources[34]).toEqual({
      channel: 1,
      start: gmt8('2020-12-19 00:00:22'),
      end: gmt8('2020-12-19 00:16:33'),
      ...item,
      fileBytes: 0x0c6f9e7b,
    });
  });
});
