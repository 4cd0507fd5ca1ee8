import { describe, expect, it } from 'vitest';
import { parseTime, RecordProblem } from './fields.js';
import { normalizeCameraEvent } from './normalize-camera.js';
import { normalizeDeviceStatus } from './normalize-device.js';
import { normalizeRegistryRecord } from './normalize-registry.js';
import { JSON_DEPTH_MAX } from '../../schema/index.js';
import { arrayElementTexts, parseBody } from './parse-body.js';
import { RecentIds } from './recent-ids.js';
import { TokenBucket } from './token-bucket.js';

const NOW = Date.UTC(2026, 10, 28, 2, 0, 0);
const ctx = { source: 'key:7', keyOrgCode: '410100', receivedAt: NOW, futureSkewMsMax: 600_000 };

function reasonOf(build: () => unknown): string | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    return error instanceof RecordProblem ? error.reason : String(error);
  }
}

describe('source record fields', () => {
  it('reads the time formats sources send, China Standard Time when no offset is given', () => {
    const expected = Date.UTC(2026, 10, 28, 1, 30, 5);
    expect(parseTime('2026-11-28 09:30:05', 'time', NOW, 0)).toBe(expected);
    expect(parseTime('2026-11-28T09:30:05', 'time', NOW, 0)).toBe(expected);
    expect(parseTime('2026-11-28T01:30:05Z', 'time', NOW, 0)).toBe(expected);
    expect(parseTime('2026-11-28T09:30:05+08:00', 'time', NOW, 0)).toBe(expected);
    expect(parseTime(expected, 'time', NOW, 0)).toBe(expected);
    expect(parseTime(expected / 1000, 'time', NOW, 0)).toBe(expected);
    expect(parseTime(String(expected), 'time', NOW, 0)).toBe(expected);
    expect(reasonOf(() => parseTime('next tuesday', 'time', NOW, 0))).toBe('bad_time');
    expect(reasonOf(() => parseTime('1999-12-31 23:59:59', 'time', NOW, 0))).toBe('bad_time');
    expect(reasonOf(() => parseTime(undefined, 'time', NOW, 0))).toBe('bad_time');
    expect(reasonOf(() => parseTime('2026-02-30 08:00:00', 'time', NOW, 0))).toBe('bad_time');
    expect(reasonOf(() => parseTime('2026-13-01 08:00:00', 'time', NOW, 0))).toBe('bad_time');
    expect(reasonOf(() => parseTime('2026-11-28 24:00:00', 'time', NOW, 0))).toBe('bad_time');
    expect(parseTime('2024-02-29 23:59:59', 'time', NOW, 0)).toBe(Date.parse('2024-02-29T23:59:59+08:00'));
    expect(reasonOf(() => parseTime(NOW + 601_000, 'time', NOW, 600_000))).toBe('time_in_future');
  });

  it('normalizes an ANPR read: plate separators, colour names, county from coordinates', () => {
    const out = normalizeCameraEvent(
      'anpr',
      {
        event_id: 1,
        camera_id: 'C1',
        plate: '豫a·d 1234',
        plate_color: '黄',
        time: NOW - 1000,
        lat: 34.75,
        lon: 113.62,
        confidence: 0.5,
      },
      ctx,
    );
    expect(out).toMatchObject({
      ok: true,
      value: {
        event_id: '1',
        plate: '豫AD1234',
        plate_color: 2,
        org_code: '410102',
        source: 'key:7',
        kind: 'anpr',
        confidence: 0.5,
      },
    });
  });

  it('names the first problem of a bad record', () => {
    const base = { event_id: 'e', camera_id: 'C1', plate: '豫A12345', time: NOW - 1000 };
    const reason = (record: unknown): string | undefined => {
      const out = normalizeCameraEvent('anpr', record, ctx);
      return out.ok ? undefined : out.reason;
    };
    expect(reason(base)).toBeUndefined();
    expect(reason({ ...base, event_id: undefined })).toBe('missing_event_id');
    expect(reason({ ...base, camera_id: '' })).toBe('missing_camera_id');
    expect(reason({ ...base, plate: undefined })).toBe('missing_plate');
    expect(reason({ ...base, plate_color: 'purple' })).toBe('bad_plate_color');
    expect(reason({ ...base, lon: 200 })).toBe('lon_out_of_range');
    expect(reason({ ...base, confidence: 97 })).toBe('bad_confidence');
    expect(reason({ ...base, org_code: '410300' })).toBe('org_out_of_scope');
    expect(reason({ ...base, org_code: '4101' })).toBe('bad_org_code');
    expect(reason([base])).toBe('not_an_object');
    const wim = normalizeCameraEvent('wim', { ...base, site_id: 'W1', axles: 2.5, gross_kg: 1000 }, ctx);
    expect(wim.ok ? undefined : wim.reason).toBe('bad_axles');
  });

  it('names device-status and registry problems', () => {
    const device = normalizeDeviceStatus({ device_id: 'D', device_kind: 'radar', status: 'online', time: NOW }, ctx);
    expect(device.ok ? undefined : device.reason).toBe('bad_device_kind');
    const vehicle = normalizeRegistryRecord(
      { type: 'vehicle', plate: '豫A1', plate_color: 2, vehicle_class: 'coach', terminal_id: 'abc' },
      ctx,
    );
    expect(vehicle.ok ? undefined : vehicle.reason).toBe('bad_terminal_id');
    const enterprise = normalizeRegistryRecord({ type: 'enterprise', id: 'E1', name: 'x' }, ctx);
    expect(enterprise).toMatchObject({ ok: true, value: { org_code: '410100' } });
  });
});

describe('wire faults in source records', () => {
  const DAY_MS = 86_400_000;
  const anpr = (extra: Record<string, unknown>) =>
    normalizeCameraEvent(
      'anpr',
      { event_id: 'e', camera_id: 'C1', plate: '豫A12345', time: NOW - 1000, ...extra },
      ctx,
    );

  it('refuses a plate with an invisible or control character as bad_plate, on every path a plate comes in', () => {
    for (const plate of ['豫A\u200b12345', '\ufeff豫A12345', '豫A12345\u202e', '豫A\t12345', '豫A1234\u0085']) {
      expect(anpr({ plate }), JSON.stringify(plate)).toMatchObject({ ok: false, reason: 'bad_plate' });
      expect(
        normalizeCameraEvent('wim', { event_id: 'w', site_id: 'S', plate, time: NOW, axles: 2, gross_kg: 9000 }, ctx),
      ).toMatchObject({ ok: false, reason: 'bad_plate' });
      expect(
        normalizeCameraEvent('gantry', { event_id: 'g', gantry_id: 'G', plate_no: plate, time: NOW }, ctx),
      ).toMatchObject({ ok: false, reason: 'bad_plate' });
      expect(
        normalizeRegistryRecord({ type: 'vehicle', plate, plate_color: 2, vehicle_class: 'heavy_truck' }, ctx),
      ).toMatchObject({ ok: false, reason: 'bad_plate' });
      expect(normalizeRegistryRecord({ type: 'driver', id: 'd', name: 'n', plate }, ctx)).toMatchObject({
        ok: false,
        reason: 'bad_plate',
      });
    }
    // Ordinary separators are still normalized away.
    expect(anpr({ plate: ' 豫A·123 45 ' })).toMatchObject({ ok: true, value: { plate: '豫A12345' } });
  });

  it('refuses a record older than its table keeps as too_old_for_retention, and keeps one just inside', () => {
    const tooOld = NOW - 400 * DAY_MS;
    expect(anpr({ time: tooOld })).toMatchObject({ ok: false, reason: 'too_old_for_retention' });
    expect(anpr({ time: tooOld + 1000 })).toMatchObject({ ok: true });
    expect(normalizeDeviceStatus({ device_id: 'C1', status: 'online', time: tooOld }, ctx)).toMatchObject({
      ok: false,
      reason: 'too_old_for_retention',
    });
    expect(normalizeDeviceStatus({ device_id: 'C1', status: 'online', time: tooOld + 1000 }, ctx)).toMatchObject({
      ok: true,
    });
  });
});

describe('bodies and bounds', () => {
  it('parses NDJSON line by line, a bad line being one bad item', () => {
    const items = parseBody('{"a":1}\n\nnot json\n{"a":2}\n', 'application/x-ndjson; charset=utf-8', 10);
    expect(items.map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['ok', 'bad_json', 'ok']);
    expect(() => parseBody('{"a":1}\n{"a":2}', 'application/x-ndjson', 1)).toThrow(/more than 1/);
    expect(parseBody('{"a":1}', 'application/json', 10)).toHaveLength(1);
    expect(() => parseBody('[1,', 'application/json', 10)).toThrow(/not JSON/);
  });

  it('refuses a record nested deeper than JSON_DEPTH_MAX on its own, keeping its text, and passes its neighbours', () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const limit = `${'['.repeat(JSON_DEPTH_MAX)}${']'.repeat(JSON_DEPTH_MAX)}`;
    const over = `${'['.repeat(JSON_DEPTH_MAX + 1)}${']'.repeat(JSON_DEPTH_MAX + 1)}`;
    const text = `[ {"id":"a,\\"]}"} , ${deep}, ${limit},${over} ,{"id":"b"}]`;
    const items = parseBody(text, 'application/json', 10);
    expect(items.map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['ok', 'too_deep', 'ok', 'too_deep', 'ok']);
    expect(items[1]).toMatchObject({ detail: `the record: objects and arrays nest deeper than ${JSON_DEPTH_MAX}` });
    expect(items[1].raw).toBe(deep);
    expect(items[3].raw).toBe(over);
    expect(items[4]).toMatchObject({ ok: true, value: { id: 'b' } });
    const lines = parseBody(`{"id":"a"}\n${deep}\n{"id":"b"}`, 'application/x-ndjson', 10);
    expect(lines.map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['ok', 'too_deep', 'ok']);
    expect(lines[1].raw).toBe(deep);
    expect(parseBody(deep, 'application/json', 10)).toMatchObject([{ ok: false, reason: 'too_deep', raw: deep }]);
  });

  it('refuses a record holding U+0000 on its own as nul_character', () => {
    const items = parseBody('[{"id":"a"},{"id":"b\\u0000"},{"k\\u0000":1},{"id":"\\\\u0000"}]', 'application/json', 10);
    expect(items.map((i) => (i.ok ? 'ok' : i.reason))).toEqual(['ok', 'nul_character', 'nul_character', 'ok']);
    expect(items[1].raw).toBe('{"id":"b\\u0000"}');
  });

  it('cuts a JSON array into the text of its elements, strings and escapes respected', () => {
    expect(arrayElementTexts('[]')).toEqual([]);
    expect(arrayElementTexts(' [ 1 , "a,]" , {"b":[2,3]}, "\\\\" ] ')).toEqual(['1', '"a,]"', '{"b":[2,3]}', '"\\\\"']);
  });

  it('refills the token bucket at its rate and says how long to wait', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 500, () => now);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(250)).toBe(3);
    expect(bucket.secondsUntil(1)).toBe(1);
    now += 2_500;
    expect(bucket.take(250)).toBe(0);
  });

  it('forgets the oldest ids beyond its bound', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('c');
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.size]).toEqual([false, true, true, 2]);
  });
});
