/**
 * Expressway toll transactions → a `toll_transactions` row and the two sightings it implies (the vehicle was at
 * the entry station at the entry time and at the exit station at the exit time), which go to `camera_events`
 * with kind `toll` so that the rules reading sightings judge them: `overload` on the sighting whose lane
 * weighed the vehicle, `cloned_plate` on both. Field names follow docs/sources/toll.md.
 */
import {
  CAMERA_EVENTS,
  countyAt,
  TOLL_TRANSACTIONS,
  type CameraEvent,
  type TollTransactionRow,
} from '../../schema/index.js';
import {
  asRecord,
  coordinatesOf,
  normalizeWith,
  optionalNumber,
  optionalText,
  orgCodeOf,
  parseTime,
  plateColor,
  RecordProblem,
  refuseUnstorable,
  requiredPlate,
  requiredText,
  weightsOf,
  wholeNumber,
  type Outcome,
  type SourceRecord,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';

export interface TollRecord {
  transaction: TollTransactionRow;
  /** The entry and the exit as sightings, in that order. */
  sightings: [CameraEvent, CameraEvent];
}

/**
 * JT/T 489-2019 toll classes as the national ETC network codes them, with the names the standard gives them:
 * 客1-客4 passenger vehicles, 货1-货6 trucks, 专1-专6 special-purpose vehicles.
 */
const TOLL_CLASS_NAMES: Record<string, number> = Object.fromEntries([
  ...[1, 2, 3, 4].map((n) => [`客${n}`, n]),
  ...[1, 2, 3, 4, 5, 6].map((n) => [`货${n}`, 10 + n]),
  ...[1, 2, 3, 4, 5, 6].map((n) => [`专${n}`, 20 + n]),
]);
const TOLL_CLASS_CODES = new Set(Object.values(TOLL_CLASS_NAMES));

/** A transaction's trip is bounded, so that a wrong entry time (a card from last month) is refused, not stored. */
export const TOLL_TRIP_HOURS_MAX = 72;

function tollClass(record: SourceRecord): number {
  const value = record.toll_class ?? record.vehicle_class;
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'string' && TOLL_CLASS_NAMES[value.trim()] !== undefined) return TOLL_CLASS_NAMES[value.trim()];
  const code = typeof value === 'string' ? Number(value) : value;
  if (typeof code !== 'number' || !TOLL_CLASS_CODES.has(code))
    throw new RecordProblem(
      'bad_toll_class',
      `toll_class ${JSON.stringify(value)} is not a JT/T 489 class: 1-4, 11-16, 21-26 or 客1-客4, 货1-货6, 专1-专6`,
    );
  return code;
}

type Weighing = Pick<TollTransactionRow, 'weighed_at' | 'gross_kg' | 'axle_weights_kg'>;

/** The weight the lane measured, if it did, and at which of the two stations. */
function weighing(record: SourceRecord, axles: number): Weighing {
  const grossKg = optionalNumber(record, ['gross_kg', 'weight_kg'], 0, 1, 500_000, 'bad_weight');
  if (grossKg === 0) {
    if (record.axle_weights_kg !== undefined && record.axle_weights_kg !== null)
      throw new RecordProblem('missing_gross_kg', 'axle_weights_kg is given without gross_kg');
    return { weighed_at: '', gross_kg: 0, axle_weights_kg: [] };
  }
  // A weight means nothing to the overload limits without the axle count it was measured on.
  if (axles === 0) throw new RecordProblem('missing_axles', 'axles is required when gross_kg is given');
  const weighedAt = optionalText(record, ['weighed_at'], 8) || 'entry';
  if (weighedAt !== 'entry' && weighedAt !== 'exit')
    throw new RecordProblem('bad_weighed_at', `weighed_at ${JSON.stringify(weighedAt)} is not entry or exit`);
  return { weighed_at: weighedAt, gross_kg: Math.round(grossKg), axle_weights_kg: weightsOf(record, axles) };
}

function transactionOf(record: SourceRecord, ctx: NormalizeContext): TollTransactionRow {
  const eventId = requiredText(record, ['event_id', 'transaction_id', 'id'], 'missing_event_id', 120);
  const plate = requiredPlate(record);
  const entryStation = requiredText(record, ['entry_station_id'], 'missing_entry_station_id', 64);
  const exitStation = requiredText(record, ['exit_station_id'], 'missing_exit_station_id', 64);
  const entryTime = parseTime(record.entry_time, 'entry_time', ctx.receivedAt, ctx.futureSkewMsMax);
  const exitTime = parseTime(record.exit_time, 'exit_time', ctx.receivedAt, ctx.futureSkewMsMax);
  if (exitTime < entryTime)
    throw new RecordProblem(
      'exit_before_entry',
      `exit_time ${new Date(exitTime).toISOString()} is before entry_time ${new Date(entryTime).toISOString()}`,
    );
  if (exitTime - entryTime > TOLL_TRIP_HOURS_MAX * 3_600_000)
    throw new RecordProblem(
      'trip_too_long',
      `${Math.round((exitTime - entryTime) / 3_600_000)} h between entry_time and exit_time exceeds ${TOLL_TRIP_HOURS_MAX} h`,
    );
  const entry = coordinatesOf(record, 'entry_');
  const exit = coordinatesOf(record, 'exit_');
  const axles = wholeNumber(record, ['axles', 'axle_count'], 0, 2, 20, 'bad_axles');
  return {
    event_id: eventId,
    plate,
    plate_color: plateColor(record, false),
    toll_class: tollClass(record),
    axles,
    entry_station_id: entryStation,
    entry_station_name: optionalText(record, ['entry_station_name'], 64),
    entry_time: entryTime,
    entry_lat: entry.lat,
    entry_lon: entry.lon,
    // The entry may be anywhere on the national network, so its county is looked up, never checked against the key.
    entry_org_code: entry.lat !== 0 || entry.lon !== 0 ? (countyAt(entry.lon, entry.lat)?.code ?? '') : '',
    exit_station_id: exitStation,
    exit_station_name: optionalText(record, ['exit_station_name'], 64),
    exit_time: exitTime,
    exit_lat: exit.lat,
    exit_lon: exit.lon,
    ...weighing(record, axles),
    fee_yuan: optionalNumber(record, ['fee_yuan'], 0, 0, 1_000_000, 'bad_fee'),
    obu_id: optionalText(record, ['obu_id'], 64),
    org_code: orgCodeOf(record, ctx.keyOrgCode, exit.lon, exit.lat),
    received_at: ctx.receivedAt,
    source: ctx.source,
  };
}

function sighting(t: TollTransactionRow, at: 'entry' | 'exit', ctx: NormalizeContext): CameraEvent {
  const weighed = t.weighed_at === at;
  return {
    event_id: `${t.event_id}:${at}`,
    kind: 'toll',
    device_id: at === 'entry' ? t.entry_station_id : t.exit_station_id,
    plate: t.plate,
    plate_color: t.plate_color,
    ts: at === 'entry' ? t.entry_time : t.exit_time,
    received_at: ctx.receivedAt,
    lat: at === 'entry' ? t.entry_lat : t.exit_lat,
    lon: at === 'entry' ? t.entry_lon : t.exit_lon,
    // An entry outside the province (or without a position) is filed with the exit's unit, which reported it.
    org_code: at === 'entry' ? t.entry_org_code || t.org_code : t.org_code,
    lane: 0,
    direction: at,
    confidence: 0,
    image_ref: '',
    axles: t.axles,
    gross_kg: weighed ? t.gross_kg : 0,
    axle_weights_kg: weighed ? t.axle_weights_kg : [],
    speed_kmh: 0,
    obu_id: t.obu_id,
    source: ctx.source,
  };
}

export function normalizeToll(value: unknown, ctx: NormalizeContext): Outcome<TollRecord> {
  return normalizeWith(() => {
    const transaction = transactionOf(asRecord(value), ctx);
    const sightings: [CameraEvent, CameraEvent] = [
      sighting(transaction, 'entry', ctx),
      sighting(transaction, 'exit', ctx),
    ];
    // Both tables' own bounds are the last word, so nothing either sink would refuse reaches the log. The entry
    // sighting is checked against camera_events' retention too: a trip that began before it is refused whole.
    refuseUnstorable(TOLL_TRANSACTIONS, transaction, ctx.receivedAt);
    for (const s of sightings) refuseUnstorable(CAMERA_EVENTS, s, ctx.receivedAt);
    return { transaction, sightings };
  });
}
