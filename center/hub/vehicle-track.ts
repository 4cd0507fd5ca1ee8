/**
 * `GET /api/vehicles/:terminal_id/track?from=&to=` for the duty console's vehicle page: the vehicle's fixes from
 * ClickHouse in a time window, and its recent alarms. Scoped like the feed: for staff a fix is returned only when
 * the county it lies in is within the caller's org unit, an alarm only when its org_code is; an enterprise
 * account reads only its own enterprise's vehicles (wherever they drive) and gets 404 for any other.
 *
 *   → {terminal_id, plate, from, to, truncated, points: [[ts_ms, lon, lat, speed_kmh]], alarms: [FeedAlarm-like]}
 */
import type { Analytics } from '../../store/index.js';
import { bearerToken, type Accounts } from '../auth/accounts.js';
import { EPOCH_MS, queryParam } from '../api/api-spec.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';

/** Longest window one request may ask for, and the default when none is given. */
export const TRACK_WINDOW_MS_MAX = 24 * 3_600_000;
export const TRACK_WINDOW_MS_DEFAULT = 2 * 3_600_000;
/** Fixes returned at most; a longer track is cut at the end and flagged `truncated`. */
export const TRACK_POINTS_MAX = 20_000;
export const TRACK_ALARMS_MAX = 50;
const TERMINAL_ID_PATTERN = /^\d{1,20}$/;

export interface VehicleTrackDeps {
  accounts: Accounts;
  analytics: Analytics;
  covers(scopeOrgCode: string, orgCode: string): boolean;
  /** The county holding a point (for scoping each fix). */
  orgCodeAt(lon: number, lat: number): string;
  /** The enterprise a terminal's vehicle belongs to (bound by the centres, else the registry's), or null. */
  vehicleEnterprise(terminalId: string): Promise<string | null>;
}

/** `from` and `to` as epoch ms, each bounded so that it is a time every store holds. */
function epochParam(ctx: RequestContext, name: string, fallback: number): number {
  return (queryParam(ctx, name, { ...EPOCH_MS, description: name }) as number | undefined) ?? fallback;
}

export function registerVehicleTrackRoutes(router: Router, deps: VehicleTrackDeps): void {
  router.add('GET', '/api/vehicles/:terminal_id/track', async (ctx) => {
    const principal = await deps.accounts.authenticate(bearerToken(ctx.req.headers.authorization));
    const terminalId = ctx.params.terminal_id;
    if (!TERMINAL_ID_PATTERN.test(terminalId))
      throw new HttpError(400, 'bad_terminal_id', 'terminal_id is 1-20 decimal digits');
    const enterprise = principal.role === 'enterprise';
    if (
      enterprise &&
      (principal.enterpriseId === null || (await deps.vehicleEnterprise(terminalId)) !== principal.enterpriseId)
    )
      throw new HttpError(404, 'not_found', `vehicle ${terminalId} not found`);
    const inScope = (orgCode: string): boolean => enterprise || deps.covers(principal.orgCode, orgCode);
    const to = epochParam(ctx, 'to', Date.now());
    const from = epochParam(ctx, 'from', Math.max(0, to - TRACK_WINDOW_MS_DEFAULT));
    if (from > to) throw new HttpError(400, 'bad_request', 'from must not be after to');
    if (to - from > TRACK_WINDOW_MS_MAX)
      throw new HttpError(400, 'window_too_long', `at most ${TRACK_WINDOW_MS_MAX} ms per request, asked ${to - from}`);
    const fixes = await deps.analytics.queryReadOnly(
      `SELECT toUnixTimestamp64Milli(ts), lon, lat, speed_kmh, plate FROM telemetry FINAL
       WHERE terminal_id = '${terminalId}' AND ts >= fromUnixTimestamp64Milli(toInt64(${from})) AND ts <= fromUnixTimestamp64Milli(toInt64(${to}))
       ORDER BY ts LIMIT ${TRACK_POINTS_MAX + 1}`,
      { rowsMax: TRACK_POINTS_MAX + 1 },
    );
    const truncated = fixes.rows.length > TRACK_POINTS_MAX;
    let plate = '';
    const points: [number, number, number, number][] = [];
    for (const row of fixes.rows.slice(0, TRACK_POINTS_MAX)) {
      const [ts, lon, lat, speed] = [Number(row[0]), Number(row[1]), Number(row[2]), Number(row[3])];
      if (!inScope(deps.orgCodeAt(lon, lat))) continue;
      plate = String(row[4]);
      points.push([ts, lon, lat, Math.round(speed * 10) / 10]);
    }
    const alarmRows = await deps.analytics.queryReadOnly(
      `SELECT alarm_id, rule, severity, org_code, toUnixTimestamp64Milli(started_at), if(isNull(ended_at), NULL, toUnixTimestamp64Milli(ended_at)), lat, lon, plate
       FROM alarms_current WHERE terminal_id = '${terminalId}' ORDER BY started_at DESC LIMIT ${TRACK_ALARMS_MAX * 4}`,
      { rowsMax: TRACK_ALARMS_MAX * 4 },
    );
    const alarms = alarmRows.rows
      .filter((r) => inScope(String(r[3])))
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
    return { body: { terminal_id: terminalId, plate, from, to, truncated, points, alarms } };
  });
}
