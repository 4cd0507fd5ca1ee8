/**
 * ANPR plate reads, weigh-in-motion readings and ETC gantry passes → `CameraEvent`, the normalized sighting
 * all three share. Field names follow docs/sources/<kind>.md.
 */
import {
  CAMERA_EVENTS,
  checkRecord,
  retentionProblem,
  type CameraEvent,
  type CameraEventKind,
} from '../../schema/index.js';
import {
  asRecord,
  coordinates,
  eventTime,
  normalizeWith,
  optionalNumber,
  optionalPlate,
  optionalText,
  orgCodeOf,
  plateColor,
  RecordProblem,
  requiredNumber,
  requiredPlate,
  requiredText,
  type Outcome,
  weightsOf,
  type SourceRecord,
} from './fields.js';

export interface NormalizeContext {
  source: string;
  keyOrgCode: string;
  receivedAt: number;
  futureSkewMsMax: number;
}

/** The sightings posted as such; `toll` sightings are derived from toll transactions (normalize-toll.ts). */
export type PostedCameraKind = Exclude<CameraEventKind, 'toll'>;

const DEVICE_FIELDS: Record<PostedCameraKind, { names: string[]; reason: string }> = {
  anpr: { names: ['camera_id', 'device_id'], reason: 'missing_camera_id' },
  wim: { names: ['site_id', 'device_id'], reason: 'missing_site_id' },
  gantry: { names: ['gantry_id', 'device_id'], reason: 'missing_gantry_id' },
};

/** The parts every kind shares, with the kind-specific columns at their "not applicable" values. */
function common(
  kind: PostedCameraKind,
  record: SourceRecord,
  ctx: NormalizeContext,
  plate: string,
  plateColorCode: number,
): CameraEvent {
  const eventId = requiredText(record, ['event_id', 'id'], 'missing_event_id');
  const device = DEVICE_FIELDS[kind];
  const deviceId = requiredText(record, device.names, device.reason, 64);
  const ts = eventTime(record, ctx.receivedAt, ctx.futureSkewMsMax);
  const { lat, lon } = coordinates(record);
  return {
    event_id: eventId,
    kind,
    device_id: deviceId,
    plate,
    plate_color: plateColorCode,
    ts,
    received_at: ctx.receivedAt,
    lat,
    lon,
    org_code: orgCodeOf(record, ctx.keyOrgCode, lon, lat),
    lane: optionalNumber(record, ['lane'], 0, 0, 99),
    direction: '',
    confidence: 0,
    image_ref: '',
    axles: 0,
    gross_kg: 0,
    axle_weights_kg: [],
    speed_kmh: 0,
    obu_id: '',
    source: ctx.source,
  };
}

function anpr(record: SourceRecord, ctx: NormalizeContext): CameraEvent {
  const event = common('anpr', record, ctx, requiredPlate(record), plateColor(record, false));
  event.direction = optionalText(record, ['direction'], 32);
  event.confidence = optionalNumber(record, ['confidence'], 0, 0, 1, 'bad_confidence');
  event.image_ref = optionalText(record, ['image_ref', 'image_url'], 1024);
  return event;
}

function wim(record: SourceRecord, ctx: NormalizeContext): CameraEvent {
  const event = common('wim', record, ctx, requiredPlate(record), plateColor(record, false));
  event.axles = requiredNumber(record, ['axles', 'axle_count'], 2, 20, 'missing_axles', 'bad_axles');
  if (!Number.isInteger(event.axles)) throw new RecordProblem('bad_axles', `axles ${event.axles} is not an integer`);
  event.gross_kg = Math.round(requiredNumber(record, ['gross_kg'], 1, 500_000, 'missing_gross_kg', 'bad_weight'));
  event.axle_weights_kg = weightsOf(record, event.axles);
  event.speed_kmh = optionalNumber(record, ['speed_kmh'], 0, 0, 300, 'speed_out_of_range');
  return event;
}

function gantry(record: SourceRecord, ctx: NormalizeContext): CameraEvent {
  const plate = optionalPlate(record);
  const obuId = optionalText(record, ['obu_id'], 64);
  if (plate === '' && obuId === '')
    throw new RecordProblem('missing_plate_or_obu', 'a gantry pass needs plate or obu_id');
  const event = common('gantry', record, ctx, plate, plateColor(record, false));
  event.obu_id = obuId;
  return event;
}

const BUILDERS: Record<PostedCameraKind, (record: SourceRecord, ctx: NormalizeContext) => CameraEvent> = {
  anpr,
  wim,
  gantry,
};

export function normalizeCameraEvent(
  kind: PostedCameraKind,
  value: unknown,
  ctx: NormalizeContext,
): Outcome<CameraEvent> {
  return normalizeWith(() => {
    const event = BUILDERS[kind](asRecord(value), ctx);
    // The table's own bounds are the last word, so nothing the sink would refuse reaches the log.
    const row = event as unknown as Record<string, unknown>;
    const problem = checkRecord(CAMERA_EVENTS.columns, row) ?? retentionProblem(CAMERA_EVENTS, row, ctx.receivedAt);
    if (problem) throw new RecordProblem(problem.reason, problem.detail);
    return event;
  });
}
