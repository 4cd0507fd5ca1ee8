/**
 * Video of a vehicle's cameras (JT/T 1078), for the duty console:
 *
 *   POST /api/vehicles/:terminal_id/video/live                     open or join a channel's live stream (0x9101)
 *   POST /api/vehicles/:terminal_id/video/playback                 play a recording back (0x9201, answered 0x1205)
 *   POST /api/vehicles/:terminal_id/video/playback/:stream_id/control   pause, resume, fast forward, seek, end (0x9202)
 *   GET  /api/vehicles/:terminal_id/video/resources                the recordings the terminal holds (0x9205/0x1205)
 *   GET  /api/vehicles/:terminal_id/video                          the terminal's open streams
 *
 * Opening a stream answers with a single-use ticket for `/ws/video?ticket=…` (video-sockets.ts). Who may watch:
 * admin, leader, dispatcher, duty officer, and an enterprise for its own vehicles; staff watch a vehicle they see
 * whole (vehicle-scope.ts) or one whose latest position lies in their area, so a county's officers can look at a
 * vehicle in trouble on their roads. Every request that reaches a terminal is audited with its outcome.
 */
import type { Analytics, Sql } from '../../store/index.js';
import {
  DownlinkError,
  MediaError,
  type Jt1078MediaServer,
  type VideoResource,
  type VideoStream,
} from '../../ingest/index.js';
import { bearerToken, type Accounts, type Principal, type Role } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { Body, checkBody, checkQuery, EpochMs, Int, OneOf, Opt, type Static } from '../api/api-spec.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';
import { vehicleOfTerminal, vehicleVisible, type Covers } from '../vehicles/vehicle-scope.js';
import type { VideoTickets } from './video-tickets.js';

export const VIDEO_ROLES: readonly Role[] = ['admin', 'leader', 'dispatcher', 'duty_officer', 'enterprise'];

export function mayWatchVideo(principal: Principal): boolean {
  return VIDEO_ROLES.includes(principal.role);
}

/** What the routes need of the media server. */
export type VideoMedia = Pick<
  Jt1078MediaServer,
  'openLive' | 'openPlayback' | 'controlPlayback' | 'queryResources' | 'stream' | 'streamsOf' | 'summary'
>;

export interface VideoRouteDeps {
  accounts: Pick<Accounts, 'authenticate'>;
  sql: Pick<Sql, 'query'>;
  analytics: Pick<Analytics, 'queryInternal'>;
  covers: Covers;
  orgCodeAt(lon: number, lat: number): string;
  /** The live session's phone number of a terminal number (the gateway's `livePhone`). */
  livePhone(terminalNumber: string): string | undefined;
  media: VideoMedia;
  tickets: VideoTickets;
}

/** Logical channels of JT/T 1078 table 2: 1-37 are cameras and microphones, 63-65 reserved. */
export const VIDEO_CHANNEL_MAX = 37;
/** Longest recording window one playback or resource query asks for. */
export const PLAYBACK_WINDOW_MS_MAX = 24 * 3_600_000;
/** BCD[6] times run from 2000 to 2099 in GMT+8. */
const BCD_TIME_MIN_MS = Date.UTC(2000, 0, 1) - 8 * 3_600_000;
const BCD_TIME_MAX_MS = Date.UTC(2100, 0, 1) - 8 * 3_600_000 - 1_000;
const TERMINAL_ID_PATTERN = /^\d{1,20}$/;
/** How far back the latest position is looked for when the caller sees a vehicle only in their area. */
const LATEST_POSITION_WINDOW_MS = 24 * 3_600_000;

const PLAYBACK_CONTROLS = { resume: 0, pause: 1, end: 2, fast_forward: 3, rewind: 4, seek: 5, key_frames: 6 } as const;
const SPEEDS: Record<number, number> = { 1: 1, 2: 2, 4: 3, 8: 4, 16: 5 };

const VIDEO_CHANNEL = Int(`logical channel (JT/T 1078 table 2: 1-${VIDEO_CHANNEL_MAX}), default 1`, {
  min: 1,
  max: VIDEO_CHANNEL_MAX,
});
/** An epoch ms for a terminal, whose BCD[6] times hold 2000-2099 in GMT+8 (`bcdTime` checks that). */
function BcdEpochMs(description: string) {
  return EpochMs(`${description}; within 2000-2099 (the terminal keeps BCD times)`);
}

/** The bodies and the query of the video routes, checked here and documented from the same schemas (api-docs). */
export const VIDEO_LIVE_BODY = Body({
  channel: Opt(VIDEO_CHANNEL),
  stream: Opt(OneOf(['main', 'sub'], 'main or sub stream (default sub: less bandwidth)')),
});
export const VIDEO_PLAYBACK_BODY = Body({
  channel: Opt(VIDEO_CHANNEL),
  from: BcdEpochMs('start of the recording to play, epoch ms'),
  to: BcdEpochMs(`end, epoch ms (at most ${PLAYBACK_WINDOW_MS_MAX / 3_600_000} h after from)`),
  stream: Opt(OneOf(['any', 'main', 'sub'], 'any (default), main or sub')),
});
export const VIDEO_CONTROL_BODY = Body({
  action: OneOf(
    [
      'resume',
      'pause',
      'end',
      'fast_forward',
      'rewind',
      'seek',
      'key_frames',
    ] satisfies (keyof typeof PLAYBACK_CONTROLS)[],
    'what to do',
  ),
  speed: Opt(Int('fast_forward, rewind: 1, 2, 4, 8 or 16', { min: 1, max: 16 })),
  position: Opt(BcdEpochMs('seek: where to, epoch ms')),
});
export const VIDEO_RESOURCES_QUERY = Body({
  channel: Opt(Int('channel, 0 = all (default)', { min: 0, max: VIDEO_CHANNEL_MAX })),
  from: Opt(EpochMs('window start, epoch ms (default: to − 24 h)')),
  to: Opt(EpochMs('window end, epoch ms (default: now); at most 24 h')),
});

export function registerVideoRoutes(router: Router, deps: VideoRouteDeps): void {
  router.add('POST', '/api/vehicles/:terminal_id/video/live', async (ctx) => {
    const { principal, phone } = await access(ctx, deps);
    const body = checkBody(VIDEO_LIVE_BODY, await ctx.json());
    const channel = body.channel ?? 1;
    const stream = body.stream ?? 'sub';
    const audit = auditor(ctx, deps, principal, 'video.live', phone, { channel, stream });
    const opened = await withTerminal(audit, () => deps.media.openLive(phone, channel, stream === 'main' ? 0 : 1));
    await audit({ stream_id: opened.id });
    return { body: { ...deps.media.summary(opened), ...ticketFor(deps, opened, principal) } };
  });

  router.add('POST', '/api/vehicles/:terminal_id/video/playback', async (ctx) => {
    const { principal, phone } = await access(ctx, deps);
    const body = checkBody(VIDEO_PLAYBACK_BODY, await ctx.json());
    const channel = body.channel ?? 1;
    const { from, to } = window({ from: bcdTime(body.from, 'from'), to: bcdTime(body.to, 'to') });
    const stream = body.stream ?? 'any';
    const audit = auditor(ctx, deps, principal, 'video.playback', phone, { channel, from, to, stream });
    const opened = await withTerminal(audit, () =>
      deps.media.openPlayback(phone, {
        channel,
        start: from,
        end: to,
        streamType: stream === 'main' ? 1 : stream === 'sub' ? 2 : 0,
      }),
    );
    await audit({ stream_id: opened.stream.id, recordings: opened.resources.length });
    return {
      body: {
        ...deps.media.summary(opened.stream),
        ...ticketFor(deps, opened.stream, principal),
        resources: opened.resources.map(resourceView),
      },
    };
  });

  router.add('POST', '/api/vehicles/:terminal_id/video/playback/:stream_id/control', async (ctx) => {
    const { principal, phone } = await access(ctx, deps);
    const stream = deps.media.stream(ctx.params.stream_id);
    if (!stream || stream.kind !== 'playback' || stream.phone !== phone)
      throw new HttpError(404, 'not_found', `no playback ${ctx.params.stream_id} of terminal ${phone}`);
    const { action, speed = 1, position: at } = checkBody(VIDEO_CONTROL_BODY, await ctx.json());
    const position = at === undefined ? null : bcdTime(at, 'position');
    if (SPEEDS[speed] === undefined) throw bad('speed', `value ${speed} is not one of 1, 2, 4, 8, 16`);
    if (action === 'seek' && position === null) throw bad('position', 'is required to seek');
    const audit = auditor(ctx, deps, principal, 'video.playback_control', phone, { stream_id: stream.id, action });
    const fast = action === 'fast_forward' || action === 'rewind';
    const result = await withTerminal(audit, () =>
      deps.media.controlPlayback(stream.id, PLAYBACK_CONTROLS[action], fast ? SPEEDS[speed] : 0, position),
    );
    await audit({ result });
    return { body: { stream_id: stream.id, action, result } };
  });

  router.add('GET', '/api/vehicles/:terminal_id/video/resources', async (ctx) => {
    const { principal, phone } = await access(ctx, deps);
    const query = checkQuery(ctx, VIDEO_RESOURCES_QUERY);
    const channel = query.channel ?? 0;
    const to = query.to ?? Date.now();
    const from = query.from ?? to - PLAYBACK_WINDOW_MS_MAX;
    window({ from: bcdTime(from, 'from'), to: bcdTime(to, 'to') });
    const audit = auditor(ctx, deps, principal, 'video.resources', phone, { channel, from, to });
    const resources = await withTerminal(audit, () =>
      deps.media.queryResources(phone, { channel, start: from, end: to }),
    );
    await audit({ recordings: resources.length });
    return { body: { terminal_id: phone, resources: resources.map(resourceView) } };
  });

  router.add('GET', '/api/vehicles/:terminal_id/video', async (ctx) => {
    const { phone } = await access(ctx, deps);
    return { body: { streams: deps.media.streamsOf(phone).map((s) => deps.media.summary(s)) } };
  });
}

/** The caller may watch this vehicle, and its terminal is online (the phone number of its live session). */
async function access(ctx: RequestContext, deps: VideoRouteDeps): Promise<{ principal: Principal; phone: string }> {
  const principal = await deps.accounts.authenticate(bearerToken(ctx.req.headers.authorization));
  if (!mayWatchVideo(principal)) throw new HttpError(403, 'forbidden', `role ${principal.role} may not watch video`);
  const terminalId = ctx.params.terminal_id;
  if (!TERMINAL_ID_PATTERN.test(terminalId)) throw bad('terminal_id', 'is 1-20 decimal digits');
  const vehicle = await vehicleOfTerminal(deps.sql, terminalId);
  const whole = vehicle !== null && vehicleVisible(principal, vehicle, deps.covers);
  // A vehicle out of scope answers exactly like one that does not exist.
  if (!whole && (principal.role === 'enterprise' || !(await inAreaNow(deps, principal, terminalId))))
    throw new HttpError(404, 'not_found', `vehicle ${terminalId} not found`);
  const phone = deps.livePhone(terminalId);
  if (phone === undefined) throw new HttpError(404, 'terminal_offline', `terminal ${terminalId} has no live session`);
  return { principal, phone };
}

/** Whether the vehicle's latest position (in the last day) lies in the caller's area. */
async function inAreaNow(deps: VideoRouteDeps, principal: Principal, terminalId: string): Promise<boolean> {
  const since = Date.now() - LATEST_POSITION_WINDOW_MS;
  const result = await deps.analytics.queryInternal(
    `SELECT argMax(lon, ts), argMax(lat, ts), count() FROM telemetry
      WHERE terminal_id = '${terminalId}' AND ts >= fromUnixTimestamp64Milli(toInt64(${since}))`,
    { rowsMax: 1 },
  );
  const row = result.rows[0];
  if (!row || Number(row[2]) === 0) return false;
  return deps.covers(principal.orgCode, deps.orgCodeAt(Number(row[0]), Number(row[1])));
}

function ticketFor(
  deps: VideoRouteDeps,
  stream: VideoStream,
  principal: Principal,
): { ticket: string; ws_path: string } {
  const ticket = deps.tickets.issue(stream.id, principal);
  return { ticket, ws_path: `/ws/video?ticket=${ticket}` };
}

type Audit = (outcome: Record<string, unknown>) => Promise<void>;

function auditor(
  ctx: RequestContext,
  deps: VideoRouteDeps,
  principal: Principal,
  action: string,
  target: string,
  request: Record<string, unknown>,
): Audit {
  return (outcome) =>
    appendAudit(deps.sql as Sql, {
      actorId: principal.userId,
      actor: principal.username,
      action,
      target,
      detail: { ...request, ...outcome },
      peer: ctx.peer,
    });
}

/** Runs a request that reaches the terminal; its failures are audited and answered with a named reason. */
async function withTerminal<T>(audit: Audit, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const failure = httpErrorOf(error);
    if (!failure) throw error;
    await audit({ error: failure.reason });
    throw failure;
  }
}

function httpErrorOf(error: unknown): HttpError | undefined {
  if (error instanceof DownlinkError) {
    switch (error.reason) {
      case 'terminal_offline':
        return new HttpError(404, 'terminal_offline', error.message);
      case 'terminal_timeout':
      case 'terminal_disconnected':
        return new HttpError(504, error.reason, error.message);
      case 'downlink_busy':
        return new HttpError(429, 'downlink_busy', error.message);
    }
  }
  if (error instanceof MediaError) {
    switch (error.reason) {
      case 'stream_not_found':
        return new HttpError(404, 'not_found', error.message);
      case 'channel_busy':
        return new HttpError(409, 'channel_busy', error.message);
      case 'terminal_refused':
        return new HttpError(502, 'terminal_refused', error.message);
      default:
        return new HttpError(503, error.reason, error.message, {}, { 'retry-after': '10' });
    }
  }
  return undefined;
}

function resourceView(r: VideoResource): Record<string, unknown> {
  return {
    channel: r.channel,
    start: r.start,
    end: r.end,
    media_type: ['audio_video', 'audio', 'video'][r.mediaType] ?? String(r.mediaType),
    stream: r.streamType === 1 ? 'main' : r.streamType === 2 ? 'sub' : String(r.streamType),
    storage: r.storage === 1 ? 'main' : r.storage === 2 ? 'backup' : String(r.storage),
    bytes: r.fileBytes,
    alarm_bits: r.alarmBits,
    video_alarm_bits: r.videoAlarmBits,
  };
}

/** A time (any epoch ms in a store) that a terminal's BCD time must also hold. */
function bcdTime(value: number, field: string): number {
  if (value < BCD_TIME_MIN_MS || value > BCD_TIME_MAX_MS)
    throw bad(field, `value ${value} is outside 2000-2099 (what a terminal's BCD time holds)`);
  return value;
}

function window({ from, to }: Pick<Static<typeof VIDEO_PLAYBACK_BODY>, 'from' | 'to'>): { from: number; to: number } {
  if (from >= to) throw bad('from', 'must be before to');
  if (to - from > PLAYBACK_WINDOW_MS_MAX)
    throw new HttpError(
      400,
      'window_too_long',
      `the window of ${to - from} ms is longer than max allowed ${PLAYBACK_WINDOW_MS_MAX}`,
      {
        window_ms_max: PLAYBACK_WINDOW_MS_MAX,
      },
    );
  return { from, to };
}

function bad(field: string, detail: string): HttpError {
  return new HttpError(400, 'bad_field', `${field}: ${detail}`, { field });
}
