/**
 * Taxi and ride-hailing records (docs/sources/taxi.md) → `taxi_positions` rows, `taxi_order_events` rows and
 * permits for PostgreSQL. Each accepts Vigil's snake-case fields or the ministry's data-exchange names
 * (taxi-fields.ts).
 */
import {
  ORDER_EVENTS,
  TAXI_ORDER_EVENTS,
  TAXI_POSITIONS,
  type LicenceRecord,
  type OrderEventName,
  type TaxiOrderEventRow,
  type TaxiPermitStatus,
  type TaxiPositionRow,
  type TaxiService,
} from '../../schema/index.js';
import {
  asRecord,
  coordinates,
  normalizeWith,
  optionalNumber,
  optionalPlate,
  optionalText,
  orgCodeOf,
  parseTime,
  plateColor,
  RecordProblem,
  refuseUnstorable,
  requiredPlate,
  requiredText,
  wholeNumber,
  type Outcome,
  type SourceRecord,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';
import { canonicalTaxiRecord, expandCompactTime, toWgs84 } from './taxi-fields.js';

const SERVICES: Readonly<Record<string, TaxiService>> = {
  taxi: 'taxi',
  巡游: 'taxi',
  巡游出租车: 'taxi',
  ride_hailing: 'ride_hailing',
  网约: 'ride_hailing',
  网约车: 'ride_hailing',
};

/** `service`, default ride-hailing: the ministry's format is the ride-hailing platforms' own. */
function serviceOf(record: SourceRecord): TaxiService {
  const text = optionalText(record, ['service'], 16);
  if (text === '') return 'ride_hailing';
  const service = SERVICES[text.toLowerCase()];
  if (!service) throw new RecordProblem('bad_service', `service ${JSON.stringify(text)} is not taxi or ride_hailing`);
  return service;
}

function timeOf(record: SourceRecord, ctx: NormalizeContext): number {
  const value = record.time ?? record.ts ?? record.event_time;
  return parseTime(expandCompactTime(value), 'time', ctx.receivedAt, ctx.futureSkewMsMax);
}

/** The record's place in WGS-84 and the division it files under. */
function placeOf(record: SourceRecord, ctx: NormalizeContext): { lat: number; lon: number; org_code: string } {
  const given = coordinates(record);
  const { lat, lon } = toWgs84(record, given.lat, given.lon);
  return { lat, lon, org_code: orgCodeOf(record, ctx.keyOrgCode, lon, lat) };
}

/** The ministry's BizStatus: 1 载客, 2 接单, 3 空驶, 4 停运. */
const BIZ_STATES: Readonly<Record<string, TaxiPositionRow['biz_state']>> = {
  '1': 'hired',
  '2': 'dispatched',
  '3': 'vacant',
  '4': 'off',
  hired: 'hired',
  dispatched: 'dispatched',
  vacant: 'vacant',
  off: 'off',
};

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

export function normalizeTaxiPosition(value: unknown, ctx: NormalizeContext): Outcome<TaxiPositionRow> {
  return normalizeWith(() => {
    const record = canonicalTaxiRecord(asRecord(value));
    // A position is the record's point: one without it (or at 0, 0, a fix never taken) is refused, not drawn.
    if (isAbsent(record.lat ?? record.latitude) || isAbsent(record.lon ?? record.lng ?? record.longitude))
      throw new RecordProblem('missing_position', 'lat and lon are required');
    const bizText = optionalText(record, ['biz_status', 'biz_state'], 16).toLowerCase();
    const bizState = bizText === '' ? '' : BIZ_STATES[bizText];
    if (bizState === undefined)
      throw new RecordProblem('bad_biz_status', `biz_status ${JSON.stringify(bizText)} is not 1-4 or a state name`);
    const row: TaxiPositionRow = {
      service: serviceOf(record),
      company_id: requiredText(record, ['company_id'], 'missing_company_id', 64),
      plate: requiredPlate(record),
      plate_color: plateColor(record, false),
      driver_id: optionalText(record, ['driver_id'], 64),
      ts: timeOf(record, ctx),
      ...placeOf(record, ctx),
      speed_kmh: optionalNumber(record, ['speed_kmh', 'speed'], 0, 0, 300, 'speed_out_of_range'),
      heading_deg: wholeNumber(record, ['heading_deg', 'heading'], 0, 0, 359, 'bad_heading'),
      biz_state: bizState,
      order_id: optionalText(record, ['order_id'], 64),
      received_at: ctx.receivedAt,
      source: ctx.source,
    };
    if (row.lat === 0 && row.lon === 0) throw new RecordProblem('missing_position', 'lat and lon are 0: no fix');
    refuseUnstorable(TAXI_POSITIONS, row, ctx.receivedAt);
    return row;
  });
}

/** The ministry's interfaces by name, as the order step each reports. */
const INTERFACE_EVENTS: Readonly<Record<string, OrderEventName>> = {
  ordercreate: 'created',
  ordermatch: 'dispatched',
  operatedepart: 'picked_up',
  operatearrive: 'dropped_off',
  operatepay: 'dropped_off',
  ordercancel: 'cancelled',
};

/** Where each step took place in the ministry's records: the departure for a booking and a pick-up. */
const EVENT_COORDINATES: Readonly<Record<OrderEventName, string>> = {
  created: 'DepLongitude',
  dispatched: 'Longitude',
  picked_up: 'DepLongitude',
  dropped_off: 'DestLongitude',
  cancelled: 'Longitude',
};

function eventOf(record: SourceRecord): OrderEventName {
  // `IPCType` is the format's own field naming a record's interface, beside `CompanyId` and `Source`: a platform
  // that forwards its records as it sends them names the step there (in the format's spelling, `orderMatch`).
  const text = requiredText(record, ['event', 'interface', 'IPCType'], 'missing_event', 32);
  const lower = text.toLowerCase();
  const event = (ORDER_EVENTS as readonly string[]).includes(lower)
    ? (lower as OrderEventName)
    : INTERFACE_EVENTS[lower.replace(/[_\s]/g, '')];
  if (!event)
    throw new RecordProblem(
      'bad_event',
      `event ${JSON.stringify(text)} is not one of ${ORDER_EVENTS.join(', ')} or an interface name (OrderCreate, OrderMatch, OperateDepart, OperateArrive, OperatePay, OrderCancel)`,
    );
  return event;
}

/** Steps at which a vehicle and a driver serve the order: they must be named (the permit rule checks them). */
const SERVED: ReadonlySet<OrderEventName> = new Set(['dispatched', 'picked_up', 'dropped_off']);

export function normalizeTaxiOrder(value: unknown, ctx: NormalizeContext): Outcome<TaxiOrderEventRow> {
  return normalizeWith(() => {
    const given = asRecord(value);
    const event = eventOf(given);
    const record = canonicalTaxiRecord(given, EVENT_COORDINATES[event]);
    const served = SERVED.has(event);
    const row: TaxiOrderEventRow = {
      service: serviceOf(record),
      company_id: requiredText(record, ['company_id'], 'missing_company_id', 64),
      order_id: requiredText(record, ['order_id'], 'missing_order_id', 64),
      event,
      ts: timeOf(record, ctx),
      plate: served ? requiredPlate(record) : optionalPlate(record),
      plate_color: plateColor(record, false),
      driver_id: served
        ? requiredText(record, ['driver_id'], 'missing_driver_id', 64)
        : optionalText(record, ['driver_id'], 64),
      ...placeOf(record, ctx),
      fare_yuan: optionalNumber(record, ['fare_yuan', 'fare'], 0, 0, 100_000, 'bad_fare'),
      distance_km: optionalNumber(record, ['distance_km'], 0, 0, 5_000, 'bad_distance'),
      received_at: ctx.receivedAt,
      source: ctx.source,
    };
    refuseUnstorable(TAXI_ORDER_EVENTS, row, ctx.receivedAt);
    return row;
  });
}

/** What makes a position or an order step a retry rather than a correction: everything but its delivery. */
export function taxiReportId(row: TaxiPositionRow | TaxiOrderEventRow): string {
  const { received_at: _at, source: _source, ...content } = row;
  return JSON.stringify(content);
}

const PERMIT_STATUSES: Readonly<Record<string, TaxiPermitStatus>> = {
  valid: 'valid',
  有效: 'valid',
  正常: 'valid',
  suspended: 'suspended',
  暂停: 'suspended',
  暂扣: 'suspended',
  revoked: 'revoked',
  吊销: 'revoked',
  注销: 'revoked',
  撤销: 'revoked',
};

const DAY_MS = 86_400_000;

/**
 * A validity date: a date alone (`2027-06-30`, `20270630`) is valid through that whole day in China time; a time
 * is taken as it is. Validity lies in the future by nature, so no future bound applies.
 */
function validityOf(record: SourceRecord, field: string, ctx: NormalizeContext, endOfDay: boolean): number | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') return null;
  const text = String(value).trim();
  const dateOnly = /^\d{4}-?\d{2}-?\d{2}$/.test(text);
  const expanded = dateOnly ? expandCompactTime(text.replace(/-/g, '')) : expandCompactTime(value);
  const ms = parseTime(expanded, field, ctx.receivedAt, Number.MAX_SAFE_INTEGER);
  return dateOnly && endOfDay ? ms + DAY_MS - 1 : ms;
}

export function normalizeTaxiPermit(value: unknown, ctx: NormalizeContext): Outcome<LicenceRecord> {
  return normalizeWith(() => {
    const record = canonicalTaxiRecord(asRecord(value));
    const type = requiredText(record, ['permit_type'], 'missing_permit_type', 16).toLowerCase();
    if (type !== 'vehicle' && type !== 'driver')
      throw new RecordProblem('bad_permit_type', `permit_type ${JSON.stringify(type)} is not vehicle or driver`);
    const subject =
      type === 'vehicle' ? requiredPlate(record) : requiredText(record, ['driver_id'], 'missing_driver_id', 64);
    const statusText = optionalText(record, ['status'], 16);
    const status = statusText === '' ? 'valid' : PERMIT_STATUSES[statusText.toLowerCase()];
    if (!status)
      throw new RecordProblem('bad_status', `status ${JSON.stringify(statusText)} is not valid, suspended or revoked`);
    const validFrom = validityOf(record, 'valid_from', ctx, false);
    const validUntil = validityOf(record, 'valid_until', ctx, true);
    if (validFrom !== null && validUntil !== null && validUntil < validFrom)
      throw new RecordProblem('bad_validity', 'valid_until is before valid_from');
    return {
      type: 'taxi_permit',
      permit_type: type,
      subject,
      service: serviceOf(record),
      permit_no: requiredText(record, ['permit_no'], 'missing_permit_no', 64),
      company_id: optionalText(record, ['company_id'], 64),
      name: type === 'driver' ? optionalText(record, ['name'], 64) : '',
      valid_from: validFrom,
      valid_until: validUntil,
      status,
      org_code: orgCodeOf(record, ctx.keyOrgCode, 0, 0),
    };
  });
}
