/**
 * The upload page's columns per kind (wall/src/console/upload-templates.ts) against the normalizers: every HTTP kind
 * has its columns, a row holding only the required ones (as text, as a template filled in would) is accepted, and
 * a row without any one of them is refused. So the page never lists a column the server does not read as required.
 */
import { describe, expect, it } from 'vitest';
import { encodePosition, UPLOAD_KINDS, toSentences } from '../ingest/index.js';
import { normalizeAis } from '../ingest/http/normalize-ais.js';
import { normalizeCameraEvent } from '../ingest/http/normalize-camera.js';
import { normalizeRailFlow, normalizeTrafficCount } from '../ingest/http/normalize-counts.js';
import { normalizeDeviceStatus } from '../ingest/http/normalize-device.js';
import { normalizeGtfsStatic } from '../ingest/http/normalize-gtfs.js';
import { normalizeRegistryRecord } from '../ingest/http/normalize-registry.js';
import { normalizeMarketRegistration } from '../ingest/http/normalize-market.js';
import { normalizeTaxiOrder, normalizeTaxiPermit, normalizeTaxiPosition } from '../ingest/http/normalize-taxi.js';
import { normalizeToll } from '../ingest/http/normalize-toll.js';
import { KIND_COLUMNS, templateCsv } from '../wall/src/console/upload-templates.js';

const NOW = Date.UTC(2026, 10, 28, 4, 0, 0);
const ctx = { source: 'upload:410100', keyOrgCode: '410100', receivedAt: NOW, futureSkewMsMax: 600_000 };
const NMEA = toSentences(
  encodePosition({
    type: 1,
    mmsi: 413_900_002,
    navStatus: 0,
    speedKnots: 5,
    lon: 113.62,
    lat: 34.75,
    courseDeg: 90,
    headingDeg: 90,
    utcSecond: 10,
  }),
).join('\n');

/** A value for each required column, as text. */
const SAMPLE: Record<string, string> = {
  event_id: 'T-1',
  camera_id: 'KK-1',
  site_id: 'ZC-1',
  gantry_id: 'G-1',
  device_id: 'D-1',
  plate: '豫A12345',
  time: '2026-11-28 11:00:00',
  axles: '4',
  gross_kg: '30000',
  entry_station_id: 'S-1',
  exit_station_id: 'S-2',
  entry_time: '2026-11-28 10:00:00',
  exit_time: '2026-11-28 11:00:00',
  status: 'online',
  station_id: 'ST-1',
  vehicle_class: '小客车',
  interval_start: '2026-11-28 10:00:00',
  interval_minutes: '15',
  volume: '120',
  arrivals: '300',
  departures: '280',
  nmea: NMEA,
  company_id: '91410100MA44XXXX0J',
  order_id: 'O-1',
  event: 'created',
  lat: '34.75',
  lon: '113.62',
  permit_type: 'vehicle',
  permit_no: '豫交运管郑字410100000001号',
  credit_code: '91410105MA9G7K3R4T',
  name: '郑州某出行科技有限公司',
  // registry: `type` alone is what every row needs; an enterprise row needs its id and name too.
  type: 'enterprise',
};
const REGISTRY_ENTERPRISE = { id: 'E-1', name: '郑州某运输公司' };
const GTFS_ROUTE = { route_id: '2', route_short_name: '2', route_type: '3' };

function normalize(kind: string, record: Record<string, string>): { ok: boolean; reason?: string } {
  switch (kind) {
    case 'anpr':
    case 'wim':
    case 'gantry':
      return normalizeCameraEvent(kind, record, ctx);
    case 'device_status':
      return normalizeDeviceStatus(record, ctx);
    case 'registry':
      return normalizeRegistryRecord({ ...REGISTRY_ENTERPRISE, ...record }, ctx);
    case 'toll':
      return normalizeToll(record, ctx);
    case 'traffic_count':
      return normalizeTrafficCount(record, ctx);
    case 'rail_flow':
      return normalizeRailFlow(record, ctx);
    case 'ais':
      return normalizeAis(record, ctx);
    case 'taxi_position':
      return normalizeTaxiPosition(record, ctx);
    case 'taxi_order':
      return normalizeTaxiOrder(record, ctx);
    case 'taxi_permit':
      // A vehicle permit names its plate too (a driver permit its driver_id); the template lists both as optional.
      return normalizeTaxiPermit({ plate: '豫AD12345', ...record }, ctx);
    case 'market_registration':
      // `status` is the register's word here, not an equipment state.
      return normalizeMarketRegistration(
        { ...record, ...(record.status === undefined ? {} : { status: '存续' }) },
        ctx,
      );
    case 'gtfs_static': {
      // `type` alone is what every row needs (here a route's, whose row needs its id, a name and its route_type).
      const { type, ...rest } = record;
      return normalizeGtfsStatic({ ...GTFS_ROUTE, ...rest, ...(type === undefined ? {} : { type: 'route' }) }, ctx);
    }
  }
  throw new Error(`no normalizer for ${kind}`);
}

describe('the upload page’s columns', () => {
  it('cover every kind a file can hold (all HTTP kinds but gtfs_rt, a protobuf feed without rows)', () => {
    expect(Object.keys(KIND_COLUMNS).sort()).toEqual([...UPLOAD_KINDS].sort());
  });

  it.each([...UPLOAD_KINDS])('%s: the required columns make a row, and each is needed', (kind) => {
    const required = KIND_COLUMNS[kind].required;
    const row = Object.fromEntries(required.map((c) => [c, SAMPLE[c]]));
    const whole = normalize(kind, row);
    expect(whole, JSON.stringify(whole)).toMatchObject({ ok: true });
    for (const column of required) {
      const { [column]: _left, ...without } = row;
      expect(normalize(kind, without).ok, `${kind} without ${column}`).toBe(false);
    }
    expect(templateCsv(kind)).toBe(`\uFEFF${[...required, ...KIND_COLUMNS[kind].optional].join(',')}\r\n`);
  });
});
