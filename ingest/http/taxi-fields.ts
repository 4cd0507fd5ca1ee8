/**
 * What the taxi and ride-hailing records share: the names of the ministry's data-exchange format (网络预约出租汽车
 * 监管信息交互平台, its interfaces' PascalCase fields such as `VehicleNo`, `LicenseId`, `PositionTime`, `Longitude`
 * in 10^-6 degrees, times as `YYYYMMDDhhmmss`, `Encrypt` naming the coordinate system) read as Vigil's own snake-case
 * fields, and positions brought to WGS-84 from the GCJ-02 and BD-09 systems Chinese platforms commonly send.
 * docs/sources/taxi.md lists every accepted name.
 */
import { RecordProblem, type SourceRecord } from './fields.js';

/** Ministry field → Vigil field; several ministry names may meet in one (each interface names its time its own way). */
const MINISTRY_NAMES: Readonly<Record<string, string>> = {
  CompanyId: 'company_id',
  VehicleNo: 'plate',
  PlateColor: 'plate_color',
  LicenseId: 'driver_id',
  OrderId: 'order_id',
  Address: 'org_code',
  Speed: 'speed_kmh',
  Direction: 'heading_deg',
  BizStatus: 'biz_status',
  Encrypt: 'encrypt',
  PositionTime: 'time',
  OrderTime: 'time',
  DistributeTime: 'time',
  DepTime: 'time',
  DestTime: 'time',
  CancelTime: 'time',
  FactPrice: 'fare_yuan',
  DriveMile: 'distance_km',
  Certificate: 'permit_no',
  CertificateNo: 'permit_no',
  DriverName: 'name',
  TransDateStart: 'valid_from',
  TransDateStop: 'valid_until',
  NetworkCarProofOn: 'valid_from',
  NetworkCarProofOff: 'valid_until',
};

/** Coordinates in the ministry's records are whole 10^-6 degrees; several interfaces prefix them. */
const MINISTRY_COORDINATES: readonly [string, string][] = [
  ['Longitude', 'Latitude'],
  ['DepLongitude', 'DepLatitude'],
  ['DestLongitude', 'DestLatitude'],
];

/**
 * The record with the ministry's names as Vigil's (a Vigil name the record also gives wins) and its coordinates in
 * degrees. `coordinatesFor` chooses which of an order's places is the record's own (departure, destination).
 */
export function canonicalTaxiRecord(record: SourceRecord, coordinatesFor?: string): SourceRecord {
  const out: SourceRecord = { ...record };
  for (const [ministry, vigil] of Object.entries(MINISTRY_NAMES))
    if (record[ministry] !== undefined && record[ministry] !== null && out[vigil] === undefined)
      out[vigil] = record[ministry];
  const pairs = coordinatesFor
    ? MINISTRY_COORDINATES.filter(([lon]) => lon === coordinatesFor)
    : MINISTRY_COORDINATES.slice(0, 1);
  for (const [lonName, latName] of [...pairs, ...MINISTRY_COORDINATES]) {
    if (out.lon !== undefined || out.lat !== undefined) break;
    if (record[lonName] === undefined || record[latName] === undefined) continue;
    out.lon = microDegrees(record[lonName], lonName);
    out.lat = microDegrees(record[latName], latName);
  }
  return out;
}

function microDegrees(value: unknown, field: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw new RecordProblem(
      field.endsWith('Longitude') ? 'lon_out_of_range' : 'lat_out_of_range',
      `${field} must be a whole number of 10^-6 degrees, got ${JSON.stringify(value)}`,
    );
  return n / 1e6;
}

const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * The ministry's `YYYYMMDDhhmmss` (and `YYYYMMDD`, a date) as `YYYY-MM-DD HH:mm:ss` China time, which
 * `parseTime` reads; a number of that shape would otherwise be taken for epoch milliseconds.
 */
export function expandCompactTime(value: unknown): unknown {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return value;
  const time = COMPACT_TIME.exec(text);
  if (time) return `${time[1]}-${time[2]}-${time[3]} ${time[4]}:${time[5]}:${time[6]}`;
  const date = COMPACT_DATE.exec(text);
  if (date) return `${date[1]}-${date[2]}-${date[3]} 00:00:00`;
  return value;
}

/** The ministry's `Encrypt` codes (and names): 1 GCJ-02, 2 WGS-84, 3 BD-09, 4 CGCS2000, 0 other. */
const SYSTEMS: Readonly<Record<string, 'gcj02' | 'wgs84' | 'bd09' | 'other'>> = {
  '0': 'other',
  '1': 'gcj02',
  '2': 'wgs84',
  '3': 'bd09',
  // CGCS2000 and WGS-84 differ by centimetres: no conversion a map could show.
  '4': 'wgs84',
  gcj02: 'gcj02',
  wgs84: 'wgs84',
  bd09: 'bd09',
  cgcs2000: 'wgs84',
};

/**
 * A position in WGS-84, from the system the record names (`encrypt`, default WGS-84). `0` (other) cannot be placed
 * and is refused by name rather than drawn kilometres off.
 */
export function toWgs84(record: SourceRecord, lat: number, lon: number): { lat: number; lon: number } {
  const named = record.encrypt ?? record.coordinate_system;
  const system =
    named === undefined || named === null || named === ''
      ? 'wgs84'
      : SYSTEMS[String(named).trim().toLowerCase().replace(/[-_]/g, '')];
  if (system === undefined || system === 'other')
    throw new RecordProblem(
      'unknown_coordinate_system',
      `encrypt ${JSON.stringify(named)} is not 1 (GCJ-02), 2 (WGS-84), 3 (BD-09) or 4 (CGCS2000)`,
    );
  if ((lat === 0 && lon === 0) || system === 'wgs84') return { lat, lon };
  const gcj = system === 'bd09' ? bd09ToGcj02(lat, lon) : { lat, lon };
  return gcj02ToWgs84(gcj.lat, gcj.lon);
}

// GCJ-02 is WGS-84 displaced by a published closed-form offset; its inverse has no closed form, so the offset is
// applied to the estimate and removed until the estimate maps onto the given point (a few iterations to 1e-7°).
const A = 6378245.0;
const EE = 0.006693421622965943;

function offset(lat: number, lon: number): { dLat: number; dLon: number } {
  const x = lon - 105;
  const y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
  const sqrtMagic = Math.sqrt(magic);
  return {
    dLat: (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI),
    dLon: (dLon * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI),
  };
}

/** WGS-84 → GCJ-02 (the forward offset); exported for the tests that make GCJ-02 records. */
export function wgs84ToGcj02(lat: number, lon: number): { lat: number; lon: number } {
  const { dLat, dLon } = offset(lat, lon);
  return { lat: lat + dLat, lon: lon + dLon };
}

function gcj02ToWgs84(lat: number, lon: number): { lat: number; lon: number } {
  let wLat = lat;
  let wLon = lon;
  for (let i = 0; i < 10; i++) {
    const there = wgs84ToGcj02(wLat, wLon);
    const eLat = there.lat - lat;
    const eLon = there.lon - lon;
    wLat -= eLat;
    wLon -= eLon;
    if (Math.abs(eLat) < 1e-9 && Math.abs(eLon) < 1e-9) break;
  }
  return { lat: round7(wLat), lon: round7(wLon) };
}

/** BD-09 (Baidu) → GCJ-02: Baidu's published rotation and shift of GCJ-02. */
function bd09ToGcj02(lat: number, lon: number): { lat: number; lon: number } {
  const xPi = (Math.PI * 3000) / 180;
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * xPi);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * xPi);
  return { lat: z * Math.sin(theta), lon: z * Math.cos(theta) };
}

function round7(n: number): number {
  return Math.round(n * 1e7) / 1e7;
}
