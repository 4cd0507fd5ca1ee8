/**
 * Taxis (巡游出租车) and ride-hailing (网约车, guideline G6): the vehicles' positions and the orders they serve, as
 * the companies' platforms report them to the province (docs/sources/taxi.md), and the permits and market
 * registrations the licensing and market-supervision systems hold, mirrored from PostgreSQL. Positions and order
 * events join the rest on the plate (`vehicles`, `camera_events`, `alarms`) and the division code; permits join
 * order events on the plate (vehicle permits) or the driver's licence number (driver permits); market
 * registrations join `enterprises` on the credit code.
 */
import { column, type RowOf } from './columns.js';
import { BAD_PLATE_REASON, PLATE_PATTERN } from './plates.js';
import { table } from './table-spec.js';

const ORG_CODE = { pattern: /^\d{6}$/, reason: 'bad_org_code' };
const ID = (reason: string) => ({ pattern: /^.{1,64}$/, reason });

// Low-cardinality columns take the normalizers' values (normalize-taxi.ts) and need no pattern of their own.
const SERVICE = column('lowcard', "'taxi' (巡游出租车) or 'ride_hailing' (网约车)");

const PLACE = {
  lat: column('float64', 'latitude, WGS-84 (converted from GCJ-02 or BD-09 when the source sent those)', {
    min: -90,
    max: 90,
    reason: 'lat_out_of_range',
  }),
  lon: column('float64', 'longitude, WGS-84', { min: -180, max: 180, reason: 'lon_out_of_range' }),
  org_code: column(
    'string',
    '6-digit division: the record’s own, else the county at the position, else the key unit',
    ORG_CODE,
  ),
};

const DELIVERY = {
  received_at: column('datetime_ms', 'time Vigil received the record; the latest copy wins'),
  source: column('lowcard', 'API key (key:<id>) or upload (upload:<org code>) that delivered it'),
};

/** One position of a taxi or ride-hailing vehicle (车辆定位), deduplicated on (plate, ts). */
export const TAXI_POSITIONS = table({
  name: 'taxi_positions',
  description:
    'Positions of taxis and ride-hailing vehicles as their platforms report them, deduplicated on (plate, ts).',
  columns: {
    service: SERVICE,
    company_id: column(
      'string',
      'the platform company (CompanyId), its credit code or licence number',
      ID('bad_company_id'),
    ),
    plate: column('string', 'plate, without separators', { pattern: PLATE_PATTERN, reason: BAD_PLATE_REASON }),
    plate_color: column('uint8', 'JT/T 415 plate colour code, 0 when unknown', { max: 9, reason: 'bad_plate_color' }),
    driver_id: column('string', "the driver's licence number (LicenseId), empty when not given", {
      defaultExpression: "''",
    }),
    ts: column('datetime_ms', 'time of the fix', { reason: 'bad_time' }),
    ...PLACE,
    speed_kmh: column('float32', 'speed, km/h', { min: 0, max: 300, reason: 'speed_out_of_range' }),
    heading_deg: column('uint16', 'heading, degrees clockwise from north', { max: 359, reason: 'bad_heading' }),
    biz_state: column(
      'lowcard',
      'operating state: hired (载客), dispatched (接单), vacant (空驶), off (停运), or empty',
    ),
    order_id: column('string', 'the order being served, empty when none', { defaultExpression: "''" }),
    ...DELIVERY,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(plate, ts)',
  shardingKey: 'cityHash64(plate)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type TaxiPositionRow = RowOf<typeof TAXI_POSITIONS.columns>;

export const ORDER_EVENTS = ['created', 'dispatched', 'picked_up', 'dropped_off', 'cancelled'] as const;
export type OrderEventName = (typeof ORDER_EVENTS)[number];

/**
 * One step of an order (订单发起, 订单成功/派单, 经营出发, 经营到达, 订单撤销), deduplicated on (company_id, order_id,
 * event): the same step reported again replaces the earlier copy.
 */
export const TAXI_ORDER_EVENTS = table({
  name: 'taxi_order_events',
  description:
    'Steps of taxi and ride-hailing orders (created, dispatched, picked_up, dropped_off, cancelled) with time, place and fare, deduplicated on (company_id, order_id, event).',
  columns: {
    service: SERVICE,
    company_id: column('string', 'the platform company (CompanyId)', ID('bad_company_id')),
    order_id: column('string', "the platform's order id (OrderId)", ID('bad_order_id')),
    event: column('lowcard', ORDER_EVENTS.join(' | ')),
    ts: column('datetime_ms', 'when the step happened', { reason: 'bad_time' }),
    plate: column('string', 'plate of the vehicle serving the order; empty before dispatch', {
      pattern: PLATE_PATTERN,
      reason: BAD_PLATE_REASON,
    }),
    plate_color: column('uint8', 'JT/T 415 plate colour code, 0 when unknown', { max: 9, reason: 'bad_plate_color' }),
    driver_id: column('string', "the driver's licence number (LicenseId); empty before dispatch", {
      defaultExpression: "''",
    }),
    ...PLACE,
    fare_yuan: column('float64', 'fare charged (FactPrice), yuan; 0 when not a drop-off or not given', {
      min: 0,
      max: 100_000,
      reason: 'bad_fare',
    }),
    distance_km: column('float32', 'distance driven with the passenger (DriveMile), km; 0 when not given', {
      min: 0,
      max: 5_000,
      reason: 'bad_distance',
    }),
    ...DELIVERY,
  },
  engine: 'ReplacingMergeTree(received_at)',
  orderBy: '(company_id, order_id, event)',
  partitionBy: 'toYYYYMM(ts)',
  retention: { column: 'ts', days: 400 },
  orgColumns: ['org_code'],
});
export type TaxiOrderEventRow = RowOf<typeof TAXI_ORDER_EVENTS.columns>;

const MIRRORED_AT = column('datetime_ms', 'when Vigil copied this version of the row; FINAL keeps the latest');

/** Vehicle transport permits (车辆运输证) and driver permits (驾驶员证) of taxis and ride-hailing, from PostgreSQL. */
export const TAXI_PERMITS = table({
  name: 'taxi_permits',
  description:
    'Vehicle transport permits (subject: plate) and driver permits (subject: licence number) of taxis and ride-hailing, mirrored from the operational store.',
  columns: {
    permit_type: column('lowcard', "'vehicle' (车辆运输证) or 'driver' (驾驶员证)"),
    subject: column('string', 'the plate (vehicle permit) or the driver licence number (driver permit)'),
    service: column('lowcard', "'taxi' or 'ride_hailing'"),
    permit_no: column('string', 'the permit number'),
    company_id: column('string', 'the company the permit names, empty when none'),
    name: column('string', "the driver's name (driver permits), empty otherwise"),
    valid_from: column('datetime_ms_nullable', 'start of validity, NULL when not given'),
    valid_until: column('datetime_ms_nullable', 'end of validity, NULL when open-ended'),
    status: column('lowcard', "'valid', 'suspended' or 'revoked' as the licensing system says"),
    org_code: column('string', 'division of the authority that issued it'),
    source: column('lowcard', 'where the record came from'),
    updated_at: column('datetime_ms', 'last change in the operational store'),
    mirrored_at: MIRRORED_AT,
  },
  engine: 'ReplacingMergeTree(mirrored_at)',
  orderBy: '(permit_type, subject)',
  orgColumns: ['org_code'],
});
export type TaxiPermitRow = RowOf<typeof TAXI_PERMITS.columns>;

/** Enterprise registrations of market supervision (市场监管 企业登记), from PostgreSQL. */
export const MARKET_REGISTRATIONS = table({
  name: 'market_registrations',
  description:
    'Enterprise registrations of market supervision (credit code, name, status 存续/吊销/注销, scope, dates), mirrored from the operational store; join enterprises on credit_code = enterprise_id.',
  columns: {
    credit_code: column('string', 'unified social credit code (统一社会信用代码), 18 characters'),
    name: column('string', 'registered name'),
    status: column('lowcard', 'active (存续/在业), revoked (吊销), cancelled (注销), moved_out (迁出), other'),
    status_text: column('string', 'the status as the register words it, e.g. 存续（在营、开业、在册）'),
    legal_representative: column('string', 'legal representative, empty when not given'),
    business_scope: column('string', 'business scope as registered'),
    licence_numbers: column('string', 'permit and licence numbers the register lists, separated by ;'),
    established_on: column('datetime_ms_nullable', 'date of establishment, NULL when not given'),
    status_changed_on: column('datetime_ms_nullable', 'date of revocation or cancellation, NULL when none'),
    authority: column('string', 'registration authority, empty when not given'),
    org_code: column('string', 'division of the registration authority'),
    source: column('lowcard', 'where the record came from'),
    updated_at: column('datetime_ms', 'last change in the operational store'),
    mirrored_at: MIRRORED_AT,
  },
  engine: 'ReplacingMergeTree(mirrored_at)',
  orderBy: '(credit_code)',
  orgColumns: ['org_code'],
});
export type MarketRegistrationRow = RowOf<typeof MARKET_REGISTRATIONS.columns>;
