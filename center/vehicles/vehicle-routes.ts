/**
 * The vehicle page's routes:
 *
 *   GET /api/vehicles?q=                           vehicles by plate or terminal number (an enterprise: its own)
 *   GET /api/vehicles/:terminal_id/track?from=&to= a window of up to 31 days, reduced on the server (TrackAnswer)
 *   GET /api/vehicles/:terminal_id/media?from=&to= the photos and recordings the terminal sent (VehicleMedia)
 *   GET /api/vehicles/:terminal_id/media/:media_id the file itself
 *
 * Scoped on the server: an enterprise sees only its own vehicles, whole; staff see a vehicle whole when it is
 * theirs (vehicle-scope.ts) and otherwise only the fixes, alarms and photos that lie in their own area.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrackAlarm, TrackAnswer, VehicleMedia, VehicleSearchRow } from '../../schema/index.js';
import type { Analytics, Sql } from '../../store/index.js';
import { bearerToken, type Accounts, type Principal } from '../auth/accounts.js';
import { Body, checkQuery, EpochMs, Opt } from '../api/api-spec.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';
import { analyzeTrack, thinTrack, type TrackPoint } from './track-analysis.js';
import { findVehicles, vehicleOfTerminal, vehicleVisible, type Covers } from './vehicle-scope.js';

/** Longest window one track request may ask for, and the default when none is given. */
export const TRACK_WINDOW_MS_MAX = 31 * 24 * 3_600_000;
export const TRACK_WINDOW_MS_DEFAULT = 2 * 3_600_000;
/** Time buckets a window is read in at most: a month of fixes every 2 s becomes 50,000 rows, not 1.3 million. */
export const TRACK_BUCKETS_MAX = 50_000;
/** The finest bucket: fixes closer than this are one (terminals report at most once a second). */
const TRACK_BUCKET_MS_MIN = 1_000;
/** Points sent for drawing and replay at most; mileage, stops and trips are computed from every bucket. */
export const TRACK_POINTS_MAX = 5_000;
export const TRACK_ALARMS_MAX = 200;
export const MEDIA_ROWS_MAX = 200;
export const SEARCH_ROWS_MAX = 50;
const SEARCH_TEXT_CHARS_MIN = 2;
const SEARCH_TEXT_CHARS_MAX = 20;
const TERMINAL_ID_PATTERN = /^\d{1,20}$/;
const MEDIA_CONTENT_TYPES: Record<number, string> = {
  0: 'image/jpeg',
  1: 'image/tiff',
  2: 'audio/mpeg',
  3: 'audio/wav',
  4: 'video/x-ms-wmv',
};

export interface VehicleRouteDeps {
  accounts: Pick<Accounts, 'authenticate'>;
  analytics: Pick<Analytics, 'queryInternal'>;
  sql: Pick<Sql, 'query'>;
  covers: Covers;
  /** The county holding a point (for scoping each fix). */
  orgCodeAt(lon: number, lat: number): string;
  /** Where 0x0801 uploads are stored (`<data-dir>/media`); files are served only from under it. */
  mediaDir: string;
}

function bad(field: string, detail: string): HttpError {
  return new HttpError(400, 'bad_field', `${field}: ${detail}`, { field });
}

/**
 * The window of a vehicle's track and media lists: `from` and `to` as epoch ms, each bounded so that it is a
 * time every store holds (checked here, documented from the same schema in api-docs).
 */
export const VEHICLE_WINDOW_QUERY = Body({
  from: Opt(EpochMs('window start, epoch ms (default: to − 2 h)')),
  to: Opt(EpochMs('window end, epoch ms (default: now)')),
});

function windowOf(ctx: RequestContext, lengthMax: number): { from: number; to: number } {
  const query = checkQuery(ctx, VEHICLE_WINDOW_QUERY);
  const to = query.to ?? Date.now();
  const from = query.from ?? Math.max(0, to - TRACK_WINDOW_MS_DEFAULT);
  if (from > to) throw bad('from', 'must not be after to');
  if (to - from > lengthMax)
    throw new HttpError(
      400,
      'window_too_long',
      `the window of ${to - from} ms is longer than max allowed ${lengthMax}`,
      {
        window_ms_max: lengthMax,
      },
    );
  return { from, to };
}

export interface VehicleAccess {
  principal: Principal;
  terminalId: string;
  vehicle: VehicleSearchRow | null;
  /** The caller may see the vehicle whole; otherwise only what lies in their area. */
  whole: boolean;
}

export async function access(ctx: RequestContext, deps: VehicleRouteDeps): Promise<VehicleAccess> {
  const principal = await deps.accounts.authenticate(bearerToken(ctx.req.headers.authorization));
  const terminalId = ctx.params.terminal_id;
  if (!TERMINAL_ID_PATTERN.test(terminalId)) throw bad('terminal_id', 'is 1-20 decimal digits');
  const vehicle = await vehicleOfTerminal(deps.sql, terminalId);
  const whole = vehicle !== null && vehicleVisible(principal, vehicle, deps.covers);
  // An enterprise sees its own vehicles and nothing else; another's answers exactly like a vehicle that does not exist.
  if (principal.role === 'enterprise' && !whole)
    throw new HttpError(404, 'not_found', `vehicle ${terminalId} not found`);
  return { principal, terminalId, vehicle, whole };
}

export function registerVehicleRoutes(router: Router, deps: VehicleRouteDeps): void {
  router.add('GET', '/api/vehicles', async (ctx) => {
    const principal = await deps.accounts.authenticate(bearerToken(ctx.req.headers.authorization));
    const text = (ctx.url.searchParams.get('q') ?? '').trim();
    if (text.length > SEARCH_TEXT_CHARS_MAX)
      throw bad('q', `length ${text.length} is greater than max allowed ${SEARCH_TEXT_CHARS_MAX}`);
    let found: VehicleSearchRow[];
    if (text === '' && principal.role === 'enterprise' && principal.enterpriseId !== null)
      found = await findVehicles(deps.sql, { enterpriseId: principal.enterpriseId }, SEARCH_ROWS_MAX * 4);
    else if (text.length < SEARCH_TEXT_CHARS_MIN)
      throw bad('q', `length ${text.length} is less than min allowed ${SEARCH_TEXT_CHARS_MIN}`);
    else found = await findVehicles(deps.sql, { text }, SEARCH_ROWS_MAX * 4);
    const vehicles = found.filter((v) => vehicleVisible(principal, v, deps.covers)).slice(0, SEARCH_ROWS_MAX * 4);
    return { body: { vehicles: text === '' ? vehicles : vehicles.slice(0, SEARCH_ROWS_MAX) } };
  });

  router.add('GET', '/api/vehicles/:terminal_id/track', async (ctx) => {
    const { principal, terminalId, vehicle, whole } = await access(ctx, deps);
    const { from, to } = windowOf(ctx, TRACK_WINDOW_MS_MAX);
    const bucketMs = Math.max(TRACK_BUCKET_MS_MIN, Math.ceil((to - from + 1) / TRACK_BUCKETS_MAX));
    // One row per bucket: its first position, its top speed and how many fixes it held.
    const buckets = await deps.analytics.queryInternal(
      `SELECT min(toUnixTimestamp64Milli(ts)) AS t, argMin(lon, ts), argMin(lat, ts), max(speed_kmh), count(), any(plate)
         FROM telemetry FINAL
        WHERE terminal_id = '${terminalId}'
          AND ts >= fromUnixTimestamp64Milli(toInt64(${from})) AND ts <= fromUnixTimestamp64Milli(toInt64(${to}))
        GROUP BY intDiv(toUnixTimestamp64Milli(ts), ${bucketMs}) ORDER BY t LIMIT ${TRACK_BUCKETS_MAX + 1}`,
      { rowsMax: TRACK_BUCKETS_MAX + 1 },
    );
    let plate = vehicle?.plate ?? '';
    let rawPoints = 0;
    const points: TrackPoint[] = [];
    for (const row of buckets.rows) {
      const [ts, lon, lat, speed] = [Number(row[0]), Number(row[1]), Number(row[2]), Number(row[3])];
      if (!whole && !deps.covers(principal.orgCode, deps.orgCodeAt(lon, lat))) continue;
      if (plate === '') plate = String(row[5]);
      rawPoints += Number(row[4]);
      points.push([ts, lon, lat, Math.round(speed * 10) / 10]);
    }
    const analysis = analyzeTrack(points);
    const alarmRows = await deps.analytics.queryInternal(
      `SELECT alarm_id, rule, severity, org_code, toUnixTimestamp64Milli(started_at), if(isNull(ended_at), NULL, toUnixTimestamp64Milli(ended_at)), lat, lon, plate
         FROM alarms_current
        WHERE terminal_id = '${terminalId}' AND started_at <= fromUnixTimestamp64Milli(toInt64(${to}))
          AND (isNull(ended_at) OR ended_at >= fromUnixTimestamp64Milli(toInt64(${from})))
        ORDER BY started_at LIMIT ${TRACK_ALARMS_MAX * 4}`,
      { rowsMax: TRACK_ALARMS_MAX * 4 },
    );
    const alarms: TrackAlarm[] = alarmRows.rows
      .filter((r) => whole || deps.covers(principal.orgCode, String(r[3])))
      .slice(0, TRACK_ALARMS_MAX)
      .map((r) => ({
        alarm_id: String(r[0]),
        rule: String(r[1]),
        severity: String(r[2]),
        org_code: String(r[3]),
        started_at: Number(r[4]),
        ended_at: r[5] === null ? null : Number(r[5]),
        lat: Number(r[6]),
        lon: Number(r[7]),
        plate: String(r[8]),
      }));
    if (plate === '' && alarms.length > 0) plate = alarms[0].plate;
    // The last card report at or before the window's end says who was driving then.
    const cards = await deps.analytics.queryInternal(
      `SELECT toUnixTimestamp64Milli(ts), status, driver_name, certificate
         FROM driver_events FINAL
        WHERE terminal_id = '${terminalId}' AND ts <= fromUnixTimestamp64Milli(toInt64(${to}))
        ORDER BY ts DESC LIMIT 1`,
      { rowsMax: 1 },
    );
    const card = cards.rows[0];
    const driver =
      card !== undefined && Number(card[1]) === 1 && String(card[3]) !== ''
        ? { name: String(card[2]), certificate: String(card[3]), since: Number(card[0]) }
        : null;
    const answer: TrackAnswer = {
      terminal_id: terminalId,
      plate,
      from,
      to,
      raw_points: rawPoints,
      resolution_ms: bucketMs,
      points: thinTrack(points, analysis.stops, TRACK_POINTS_MAX),
      ...analysis,
      alarms,
      driver,
    };
    return { body: answer };
  });

  router.add('GET', '/api/vehicles/:terminal_id/media', async (ctx) => {
    const { principal, terminalId, whole } = await access(ctx, deps);
    const { from, to } = windowOf(ctx, TRACK_WINDOW_MS_MAX);
    const media = (await mediaRows(deps, terminalId, { from, to })).filter((m) => whole || inArea(principal, m, deps));
    return { body: { media: media.map(({ path: _path, ...item }) => item) } };
  });

  router.add('GET', '/api/vehicles/:terminal_id/media/:media_id', async (ctx) => {
    const { principal, terminalId, whole } = await access(ctx, deps);
    const mediaId = ctx.params.media_id;
    if (!/^\d{1,10}$/.test(mediaId)) throw new HttpError(404, 'not_found', `media ${mediaId} not found`);
    const [item] = (await mediaRows(deps, terminalId, { mediaId: Number(mediaId) })).filter(
      (m) => m.stored && (whole || inArea(principal, m, deps)),
    );
    if (!item) throw new HttpError(404, 'not_found', `media ${mediaId} of terminal ${terminalId} not found`);
    const root = path.resolve(deps.mediaDir);
    const file = path.resolve(root, '..', item.path);
    // Only files under the media directory, whatever a row says.
    if (!file.startsWith(root + path.sep)) throw new HttpError(404, 'not_found', `media ${mediaId} not found`);
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      throw new HttpError(404, 'not_found', `the file of media ${mediaId} is gone`);
    }
    return {
      raw: content,
      headers: {
        'content-type': MEDIA_CONTENT_TYPES[item.format] ?? 'application/octet-stream',
        'cache-control': 'private, max-age=3600',
      },
    };
  });
}

function inArea(principal: Principal, media: VehicleMedia, deps: VehicleRouteDeps): boolean {
  if (principal.role === 'enterprise') return false;
  return (media.lat !== 0 || media.lon !== 0) && deps.covers(principal.orgCode, deps.orgCodeAt(media.lon, media.lat));
}

async function mediaRows(
  deps: VehicleRouteDeps,
  terminalId: string,
  which: { from: number; to: number } | { mediaId: number },
): Promise<(VehicleMedia & { path: string })[]> {
  const where =
    'mediaId' in which
      ? `media_id = ${which.mediaId}`
      : `ts >= fromUnixTimestamp64Milli(toInt64(${which.from})) AND ts <= fromUnixTimestamp64Milli(toInt64(${which.to}))`;
  const result = await deps.analytics.queryInternal(
    `SELECT media_id, media_type, format, event_code, channel, toUnixTimestamp64Milli(ts), lat, lon, bytes, path
       FROM media_events FINAL
      WHERE terminal_id = '${terminalId}' AND ${where} AND NOT startsWith(path, 'attachments/')
      ORDER BY ts DESC, path DESC LIMIT ${MEDIA_ROWS_MAX * 2}`,
    { rowsMax: MEDIA_ROWS_MAX * 2 },
  );
  // An upload (with a file) and its announcement (without) share the media id: the upload wins.
  const byId = new Map<number, VehicleMedia & { path: string }>();
  for (const r of result.rows) {
    const item = {
      media_id: Number(r[0]),
      media_type: Number(r[1]),
      format: Number(r[2]),
      event_code: Number(r[3]),
      channel: Number(r[4]),
      ts: Number(r[5]),
      lat: Number(r[6]),
      lon: Number(r[7]),
      bytes: Number(r[8]),
      path: String(r[9]),
      stored: String(r[9]) !== '',
    };
    const known = byId.get(item.media_id);
    if (!known || (!known.stored && item.stored)) byId.set(item.media_id, item);
  }
  return [...byId.values()].sort((a, b) => b.ts - a.ts).slice(0, MEDIA_ROWS_MAX);
}
