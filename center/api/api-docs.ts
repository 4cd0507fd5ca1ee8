/**
 * `/api/docs`: the OpenAPI document of the HTTP API, generated from the endpoint declarations (and the
 * foundation's routes documented beside them), so it cannot drift from what the server accepts.
 */
import { INGEST_KINDS } from '../../ingest/index.js';
import type { Router } from '../http/router.js';
import {
  Body,
  EpochMs,
  Int,
  JsonObject,
  OneOf,
  Opt,
  openApiDocument,
  Type,
  type Api,
  type Endpoint,
} from './api-spec.js';
import {
  VIDEO_CONTROL_BODY,
  VIDEO_LIVE_BODY,
  VIDEO_PLAYBACK_BODY,
  VIDEO_RESOURCES_QUERY,
} from '../video/video-routes.js';
import { VEHICLE_WINDOW_QUERY } from '../vehicles/vehicle-routes.js';
import {
  AREA_IDS_PER_COMMAND_MAX,
  AREAS_PER_COMMAND_MAX,
  COMMAND_SET_TYPES,
  PARAMETERS_PER_COMMAND_MAX,
} from './terminal-command-set.js';

export function documentFoundationRoutes(api: Api): void {
  api.document({
    method: 'GET',
    path: '/api/health',
    tag: 'system',
    summary: 'Readiness, with the body of older clients (see /api/health/ready)',
    roles: 'public',
    returns:
      '{status: "ok"} when ready; 503 {status: "not_ready", failing: [{part, reason, since}]} when not; a process of a cluster (--role) adds node (its --node-id) and, on a centre, cluster_jobs: {node, held, holder} (the centre node running the periodic jobs)',
  });
  api.document({
    method: 'GET',
    path: '/api/health/live',
    tag: 'system',
    summary: 'Liveness: the process answers',
    roles: 'public',
    returns: '{status: "alive"}',
  });
  api.document({
    method: 'GET',
    path: '/api/health/ready',
    tag: 'system',
    summary: 'Readiness: starting or stopping, sinks failing, operational store silent, disk low, log queues full',
    roles: 'public',
    returns: '{status: "ready"}; 503 {status: "not_ready", failing: [{part, reason, since}]} when a part fails',
  });
  api.document({
    method: 'POST',
    path: '/api/auth/login',
    tag: 'accounts',
    summary:
      'Log in (a new token every time). Any failure is 401 invalid_credentials; repeated failures per account or per address are answered 429 login_throttled with Retry-After',
    roles: 'public',
    body: Body({
      username: Type.String({ description: 'login name' }),
      password: Type.String({ description: 'password' }),
    }),
    returns: '{token, expires_at, user}',
  });
  api.document({
    method: 'POST',
    path: '/api/auth/logout',
    tag: 'accounts',
    summary:
      "Revoke the caller's token (a wall kiosk cannot: its token is shared by the centre's walls; an admin revokes it)",
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'],
    returns: '{status: "logged_out"}',
  });
  api.document({
    method: 'GET',
    path: '/api/me',
    tag: 'accounts',
    summary: 'The caller',
    roles: 'any',
    returns: '{id, username, display_name (the username when none is set), role, org_code, enterprise_id}',
  });
  api.document({
    method: 'POST',
    path: '/api/sql',
    tag: 'analytics',
    summary: "Analysts' SQL on ClickHouse, sandboxed (tables telemetry, alarms, alarm_actions, work_order_events, ...)",
    roles: ['admin', 'analyst', 'leader'],
    body: Body({
      sql: Type.String({
        description:
          'one SELECT (with WITH, UNION, INTERSECT, EXCEPT), EXPLAIN, DESCRIBE, SHOW TABLES or SHOW CREATE TABLE',
      }),
    }),
    returns: '{columns: [{name, type}], rows: [[...]], truncated}: truncated when the row or byte bound cut the result',
    description:
      "Every table is filtered on the server to the rows of the caller's org subtree (province level: all rows; ingest_rejects and media_events: province level only). The server sets the limits (time, rows, bytes, memory, threads, rows read) and the time zone Asia/Shanghai; a SETTINGS clause, SET and every other statement are refused. See docs/analysts.md.",
    responses: {
      '400':
        "refused before running: query_refused, function_not_allowed, table_not_allowed, multiple_statements, settings_not_allowed, syntax_error, query_too_long; stopped by ClickHouse: memory_limit_exceeded, time_limit_exceeded, read_limit_exceeded, query_failed (with ClickHouse's message)",
      '429': 'too_many_queries: the caller has as many queries running and waiting as one analyst may (Retry-After)',
      '503':
        "analysts_busy: every analysts' session is taken and the waiting room full, or the wait ran out (Retry-After)",
    },
  });
  const clickhouseDescription =
    "The ClickHouse HTTP interface for analysts' tools (DBeaver, Grafana, Superset, @clickhouse/client, curl): the statements, row scope and bounds of POST /api/sql, answered in the statement's FORMAT, else default_format, else TabSeparated. Credentials: a Vigil username and password as HTTP Basic, X-ClickHouse-User/X-ClickHouse-Key or user/password parameters, or a session token as Bearer. Errors are ClickHouse's text with X-ClickHouse-Exception-Code. See docs/analysts.md.";
  for (const method of ['GET', 'POST'] as const)
    api.document({
      method,
      path: '/clickhouse',
      tag: 'analytics',
      summary:
        method === 'GET'
          ? 'ClickHouse-compatible SQL: the query in ?query=; without one, Ok. (a connection check)'
          : 'ClickHouse-compatible SQL: the query in the body (after ?query= when both are sent)',
      roles: ['admin', 'analyst', 'leader'],
      returns: 'the result in the ClickHouse output format asked for (X-ClickHouse-Format names it)',
      description: clickhouseDescription,
      responses: {
        '400': "Code: 62 SYNTAX_ERROR, 73 UNKNOWN_FORMAT, 393 QUERY_IS_TOO_LARGE, or ClickHouse's own error",
        '401': 'Code: 516 AUTHENTICATION_FAILED',
        '403': 'Code: 497 ACCESS_DENIED (role, table, function, statement), 164 READONLY (settings)',
        '404': 'Code: 81 UNKNOWN_DATABASE',
        '429': 'Code: 202 TOO_MANY_SIMULTANEOUS_QUERIES (Retry-After)',
      },
    });
  api.document({
    method: 'GET',
    path: '/clickhouse/ping',
    tag: 'analytics',
    summary: 'Ok. — the ClickHouse HTTP interface is here (no credentials needed)',
    roles: 'public',
    returns: 'text/plain Ok.',
  });
  api.document({
    method: 'GET',
    path: '/api/geo/province',
    tag: 'system',
    summary:
      "GeoJSON of the supervised province's divisions (province, cities, counties) for the wall's map; each city's " +
      'feature also carries its plate_prefix (e.g. 豫A)',
    roles: 'any',
    returns: 'GeoJSON FeatureCollection',
  });
  api.document({
    method: 'GET',
    path: '/api/geo/henan',
    tag: 'system',
    summary: 'The same as /api/geo/province (the path walls used before other provinces could be supervised)',
    roles: 'any',
    returns: 'GeoJSON FeatureCollection',
  });
  api.document({
    method: 'GET',
    path: '/metrics',
    tag: 'system',
    summary: 'Prometheus metrics',
    roles: 'public',
    returns: 'text/plain; version=0.0.4',
  });
  api.document({
    method: 'GET',
    path: '/api/docs',
    tag: 'system',
    summary: 'This document',
    roles: 'public',
    returns: 'OpenAPI 3.1 JSON',
  });
}

/**
 * What `POST /api/terminals/:id/commands` accepts, every command's fields together. `parseCommand` reads the
 * fields of the command named by `type` and answers 400 `bad_command` (its own contract, which the console
 * shows) for what this document allows but the command does not.
 */
const TERMINAL_COMMAND_BODY = Body({
  type: OneOf(
    ['text', 'location_query', 'temporary_tracking', 'alarm_confirm', 'photo', ...COMMAND_SET_TYPES],
    'the command',
  ),
  text: Opt(Type.String({ description: 'text: the message (TTS and display)', minLength: 1, maxLength: 500 })),
  flags: Opt(Int('text: 0x8300 flag bits', { min: 0, max: 0xff })),
  interval_s: Opt(Int('temporary_tracking: report interval', { min: 0, max: 0xffff })),
  validity_s: Opt(Int('temporary_tracking: validity', { min: 0, max: 0xffffffff })),
  serial: Opt(Int('alarm_confirm: serial of the alarm message', { min: 0, max: 0xffff })),
  alarm_type: Opt(Int('alarm_confirm: alarm bits confirmed', { min: 0, max: 0xffffffff })),
  channel: Opt(Int('photo: camera channel (1-255); media_search/media_upload: channel, 0 all', { min: 0, max: 255 })),
  ids: Opt(
    Type.Array(Int('id', { min: 0, max: 0xffffffff }), {
      description: 'parameters_query: parameter ids (none: all, 0x8104); areas_delete: area or route ids (none: all)',
      maxItems: AREA_IDS_PER_COMMAND_MAX,
    }),
  ),
  parameters: Opt(
    Type.Array(JsonObject('one parameter'), {
      description: 'parameters_set: [{id, kind: dword|word|byte|string, value}]',
      maxItems: PARAMETERS_PER_COMMAND_MAX,
    }),
  ),
  command: Opt(
    Int(
      'terminal_control: 1 upgrade, 2 connect to a server, 3 power off, 4 reset, 5 factory reset, 6 close data, 7 close wireless',
      { min: 1, max: 7 },
    ),
  ),
  params: Opt(Type.String({ description: "terminal_control 1 and 2: ';'-separated parameters", maxLength: 200 })),
  phone: Opt(Type.String({ description: 'callback: the number the terminal calls', minLength: 3, maxLength: 20 })),
  monitor: Opt(Type.Boolean({ description: 'callback: true to listen silently (监听)' })),
  doors: Opt(OneOf(['lock', 'unlock'], 'vehicle_control: the doors')),
  setting: Opt(
    OneOf(['replace', 'append', 'modify'], 'area_circle_set: replace all, append or modify (default append)'),
  ),
  areas: Opt(
    Type.Array(JsonObject('one circular area'), {
      description: 'area_circle_set: [{id, lat, lon, radius_m, speed_max_kmh?, overspeed_s?, name?}]',
      maxItems: AREAS_PER_COMMAND_MAX,
    }),
  ),
  kind: Opt(OneOf(['circle', 'rectangle', 'polygon', 'route'], 'areas_delete')),
  media_type: Opt(OneOf(['image', 'audio', 'video'], 'media_search/media_upload')),
  event: Opt(Int('media_search/media_upload: event code, 0 platform command', { min: 0, max: 255 })),
  from: Opt(EpochMs('media_search/media_upload: start, epoch ms')),
  to: Opt(EpochMs('media_search/media_upload: end, epoch ms')),
  delete_after: Opt(Type.Boolean({ description: 'media_upload: delete on the terminal once uploaded' })),
});
const ACCESS_CODE = 'JT/T 809 access code (接入码) of the lower platform, a 32-bit unsigned integer';
const JT809_ADMINS = ['admin'] as const;
const JT809_STAFF = ['admin', 'leader', 'dispatcher', 'duty_officer'] as const;
/** Who reads a platform's inspections and supervisions: its staff and analysts. */
const JT809_READERS = [...JT809_STAFF, 'analyst'] as const;

/**
 * The routes registered with `router.add` outside the command centre's `Api.define` (ingestion, source keys,
 * JT/T 809 platforms and requests, rules, terminal commands, vehicle tracks), documented so that `/api/docs`
 * names every route of the node (`routeDocumentMismatch` is checked at start-up). Their handlers check their bodies
 * themselves; what is written here is what they accept.
 */
export function documentRouterRoutes(api: Api): void {
  api.document({
    method: 'POST',
    path: '/api/ingest/:kind',
    tag: 'ingestion',
    summary: `Records of a source (kind ${INGEST_KINDS.join(', ')}): a JSON array, one object, NDJSON, or CSV with a header row; gtfs_rt also a GTFS-Realtime FeedMessage as application/x-protobuf, gtfs_static also a GTFS zip as application/zip; each record (a feed's entity, a zip's row) gets its own verdict`,
    roles: 'public',
    returns: '{accepted, duplicates, rejected: [{index, reason, detail}]}; authenticated by the source key (Bearer)',
  });
  api.document({
    method: 'POST',
    path: '/api/sources/keys',
    tag: 'ingestion',
    summary: 'Issue a source key, shown once (province admin)',
    roles: ['admin'],
    body: Body({
      kind: OneOf(INGEST_KINDS, 'what the key may post'),
      org_code: Type.String({ description: 'org unit of the source', pattern: '^\\d{6}$' }),
      name: Type.String({ description: 'name of the source', minLength: 1, maxLength: 200 }),
    }),
    returns: '201 {id, key, kind, org_code, name, note}',
  });
  api.document({
    method: 'GET',
    path: '/api/sources/keys',
    tag: 'ingestion',
    summary: 'Source keys with usage and last use (province admin)',
    roles: ['admin'],
    returns: '{keys: [SourceKeyView]}',
  });
  api.document({
    method: 'DELETE',
    path: '/api/sources/keys/:id',
    tag: 'ingestion',
    summary: 'Revoke a source key (province admin)',
    roles: ['admin'],
    returns: '{id, status: "revoked"}',
  });
  api.document({
    method: 'POST',
    path: '/api/jt809/platforms',
    tag: 'jt809',
    summary: 'Create (or re-enable) a lower platform account (province admin)',
    roles: JT809_ADMINS,
    body: Body({
      access_code: Int(ACCESS_CODE, { min: 0, max: 0xffffffff }),
      user_id: Int('user id of its login', { min: 0, max: 0xffffffff }),
      password: Type.String({ description: 'password of its login, 8 bytes at most' }),
      name: Type.String({ description: 'name of the platform', minLength: 1 }),
      org_code: Type.String({ description: 'supervising org unit', pattern: '^\\d{6}$' }),
      m1: Opt(Int('cipher key M1 (0: not encrypted)', { min: 0, max: 0xffffffff })),
      ia1: Opt(Int('cipher key IA1', { min: 0, max: 0xffffffff })),
      ic1: Opt(Int('cipher key IC1', { min: 0, max: 0xffffffff })),
    }),
    returns: '201 PlatformView',
  });
  api.document({
    method: 'GET',
    path: '/api/jt809/platforms',
    tag: 'jt809',
    summary:
      'Lower platforms with their link states and editions: all of them for the province admin, the enabled ones their unit supervises for staff',
    roles: JT809_READERS,
    returns: '{platforms: [PlatformView]}',
  });
  api.document({
    method: 'GET',
    path: '/api/jt809/platforms/schedule',
    tag: 'jt809',
    summary:
      "Each enabled lower platform's credit grade (from its 考核 figures) and scheduled 查岗 by grade: interval, current slot, when due, next, last sent",
    roles: JT809_READERS,
    returns: '{platforms: [PlatformInspectionSchedule]}',
  });
  api.document({
    method: 'DELETE',
    path: '/api/jt809/platforms/:access_code',
    tag: 'jt809',
    summary: 'Disable a lower platform account (province admin)',
    roles: JT809_ADMINS,
    returns: '{access_code, status: "disabled"}',
  });
  api.document({
    method: 'GET',
    path: '/api/jt809/upper/requests',
    tag: 'jt809',
    summary:
      "The upper platform's 查岗, 督办 and alarm notices (报警预警) to this province (Vigil as a lower platform, --jt809-upward), newest first, with their answers, and the state of the link (main and down link; null without an upper platform); province staff only",
    roles: JT809_READERS,
    returns: '{requests: [UpperRequestView], link: {target, state, down_link} | null}',
  });
  api.document({
    method: 'POST',
    path: '/api/jt809/upper/requests/:id/answer',
    tag: 'jt809',
    summary:
      'Answer a 查岗 (answer text, sent as 0x1301) or a 督办 (result 0 handled, 1 handling, 2 not handled, 3 will handle; sent as 0x1401) of the upper platform, or mark an alarm notice read (empty body; nothing is sent); once',
    roles: JT809_STAFF,
    body: Body({
      answer: Opt(Type.String({ description: 'the answer to a 查岗', minLength: 1, maxLength: 1000 })),
      result: Opt(Int('the result of a 督办', { min: 0, max: 3 })),
    }),
    returns: 'UpperRequestView; 409 already_answered, upper_link_down or upper_link_none',
  });
  api.document({
    method: 'POST',
    path: '/api/jt809/platforms/:access_code/inspections',
    tag: 'jt809',
    summary: 'Send an inspection (查岗) to a logged-in lower platform, in the JT/T 809 edition it speaks',
    roles: JT809_STAFF,
    body: Body({
      question: Type.String({ description: 'the question, sent in GBK', minLength: 1 }),
      deadline_minutes: Opt(Int('time the platform has to answer', { min: 1 })),
    }),
    returns: '201 InspectionView',
  });
  api.document({
    method: 'GET',
    path: '/api/jt809/platforms/:access_code/inspections',
    tag: 'jt809',
    summary: 'Inspections sent to a lower platform, with their answers',
    roles: JT809_READERS,
    returns: '{inspections: [InspectionView]}',
  });
  api.document({
    method: 'POST',
    path: '/api/jt809/platforms/:access_code/supervisions',
    tag: 'jt809',
    summary:
      'Send an alarm supervision (督办) to a logged-in lower platform: for an alarm, or a plate and warning type; 409 platform_edition_unsupported when it speaks JT/T 809-2019 and the alarm is not one it reported in 2019',
    roles: JT809_STAFF,
    body: Body({
      alarm_id: Opt(Type.String({ description: 'the alarm supervised (instead of plate, plate_color, warn_type)' })),
      plate: Opt(Type.String({ description: 'plate of the vehicle', maxLength: 21 })),
      plate_color: Opt(Int('JT/T 809 plate colour code', { min: 0, max: 255 })),
      warn_type: Opt(Int('JT/T 809 warning type', { min: 0, max: 0xffff })),
      warn_src: Opt(Int('JT/T 809 warning source', { min: 0, max: 255 })),
      warn_time: Opt(Type.String({ description: 'time of the warning, ISO 8601' })),
      deadline: Opt(Type.String({ description: 'deadline, ISO 8601 (or deadline_minutes)' })),
      deadline_minutes: Opt(Int('deadline in minutes from now', { min: 1 })),
      level: Opt(OneOf(['urgent', 'ordinary'], 'urgency')),
      supervisor: Opt(Type.String({ description: 'name of the supervisor (default: the caller)' })),
      supervisor_tel: Opt(Type.String({ description: "supervisor's telephone" })),
      supervisor_email: Opt(Type.String({ description: "supervisor's e-mail" })),
    }),
    returns: '201 SupervisionView',
  });
  api.document({
    method: 'GET',
    path: '/api/jt809/platforms/:access_code/supervisions',
    tag: 'jt809',
    summary: 'Supervisions sent to a lower platform, with their answers',
    roles: JT809_READERS,
    returns: '{supervisions: [SupervisionView]}',
  });
  api.document({
    method: 'GET',
    path: '/api/rules',
    tag: 'rules',
    summary: 'The rules configuration in force, with each rule described (every role but walls)',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'],
    returns: '{version, saved_at, saved_by, comment, config, rules: [{id, description, input, fields}], actions}',
  });
  api.document({
    method: 'GET',
    path: '/api/rules/versions',
    tag: 'rules',
    summary: 'The stored rules configuration versions, newest first: who saved each, when, why, how many zones',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise'],
    query: Body({ limit: Opt(Int('versions to list (default 20)', { min: 1, max: 100 })) }),
    returns: '{versions: [{version, saved_at, saved_by, comment, zones}]}',
  });
  api.document({
    method: 'PUT',
    path: '/api/rules',
    tag: 'rules',
    summary: 'A new rules configuration version, applied live (province admin); 400 config_invalid lists every problem',
    roles: ['admin'],
    body: Body({
      config: JsonObject('the whole configuration (see GET /api/rules)'),
      comment: Opt(Type.String({ description: 'why it changed', maxLength: 500 })),
    }),
    returns: '{version}',
  });
  api.document({
    method: 'POST',
    path: '/api/terminals/:id/commands',
    tag: 'terminals',
    summary:
      'Send a command to a JT/T 808 terminal (by terminal number or plate) and answer with its reply; parameters_set, terminal_control, callback and vehicle_control are for admin and leader only',
    roles: ['admin', 'leader', 'dispatcher', 'duty_officer'],
    body: TERMINAL_COMMAND_BODY,
    returns:
      '{terminal_id, plate, type, msg_id, result, result_name, location?, media_ids?, parameters?, media?, driver?}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles',
    tag: 'vehicles',
    summary: 'Vehicles by plate or terminal number (an enterprise: its own only)',
    roles: 'any',
    query: Body({
      q: Opt(Type.String({ description: 'part of a plate or terminal number', minLength: 2, maxLength: 20 })),
    }),
    returns: '{vehicles: [VehicleSearchRow]}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/track',
    tag: 'vehicles',
    summary:
      "A vehicle's track over a window of up to 31 days, reduced on the server, with mileage, stops, trips and its alarms, within the caller's scope",
    roles: 'any',
    query: VEHICLE_WINDOW_QUERY,
    returns: 'TrackAnswer {terminal_id, plate, from, to, points, mileage_km, stops, trips, alarms, driver, ...}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/media',
    tag: 'vehicles',
    summary: "The photos and recordings the terminal sent in a window, within the caller's scope",
    roles: 'any',
    query: VEHICLE_WINDOW_QUERY,
    returns: '{media: [VehicleMedia]}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/media/:media_id',
    tag: 'vehicles',
    summary: 'One stored photo or recording of the terminal, as its file',
    roles: 'any',
    returns: 'the file (image/jpeg, audio/…, video/…)',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/attachments/:alarm_number',
    tag: 'vehicles',
    summary:
      "The files the terminal uploaded for an active-safety alarm (T/JSATL 12 attachments), by the alarm's details.attachment_number; to whoever sees the vehicle whole or the alarm",
    roles: 'any',
    returns: '{alarm_number, files: [AlarmAttachment {name, file_type, bytes, received_at, url}]}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/attachments/:alarm_number/:name',
    tag: 'vehicles',
    summary: 'One attachment of an active-safety alarm, as its file',
    roles: 'any',
    returns: 'the file (image/jpeg, video/mp4, …)',
  });
  documentVideoRoutes(api);
}

/** Who may watch video: staff who handle alarms and the admin, and an enterprise for its own vehicles. */
const VIDEO_WATCHERS = ['admin', 'leader', 'dispatcher', 'duty_officer', 'enterprise'] as const;

/** The video routes (center/video/video-routes.ts): JT/T 1078 live video, playback and recordings. */
export function documentVideoRoutes(api: Api): void {
  api.document({
    method: 'POST',
    path: '/api/vehicles/:terminal_id/video/live',
    tag: 'video',
    summary:
      "Open (or join) a channel's live video (0x9101); answers a single-use ticket for the WebSocket /ws/video?ticket= that carries it as fMP4. A vehicle out of the caller's scope is 404",
    roles: [...VIDEO_WATCHERS],
    body: VIDEO_LIVE_BODY,
    returns: 'StreamSummary + {ticket, ws_path}; 503 video_streams_full / video_bandwidth_full; 502 terminal_refused',
  });
  api.document({
    method: 'POST',
    path: '/api/vehicles/:terminal_id/video/playback',
    tag: 'video',
    summary: "Play a channel's recording back (0x9201, answered 0x1205); a ticket for /ws/video like live video",
    roles: [...VIDEO_WATCHERS],
    body: VIDEO_PLAYBACK_BODY,
    returns: 'StreamSummary + {ticket, ws_path, resources}; 409 channel_busy when the channel already plays back',
  });
  api.document({
    method: 'POST',
    path: '/api/vehicles/:terminal_id/video/playback/:stream_id/control',
    tag: 'video',
    summary: 'Control a playback (0x9202): pause, resume, fast_forward, rewind, seek, key_frames, end',
    roles: [...VIDEO_WATCHERS],
    body: VIDEO_CONTROL_BODY,
    returns: '{stream_id, action, result}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/video/resources',
    tag: 'video',
    summary: 'The recordings the terminal holds in a window (0x9205, answered 0x1205)',
    roles: [...VIDEO_WATCHERS],
    query: VIDEO_RESOURCES_QUERY,
    returns:
      '{terminal_id, resources: [{channel, start, end, media_type, stream, storage, bytes, alarm_bits, video_alarm_bits}]}',
  });
  api.document({
    method: 'GET',
    path: '/api/vehicles/:terminal_id/video',
    tag: 'video',
    summary: "The terminal's open video streams (live and playback)",
    roles: [...VIDEO_WATCHERS],
    returns: '{streams: [StreamSummary]}',
  });
}

/**
 * How the router and the OpenAPI document disagree, as `METHOD /path` lists: routes the document does not name,
 * and documented endpoints no route serves. Both empty on a node whose `/api/docs` tells the whole truth.
 */
export function routeDocumentMismatch(
  routes: readonly { method: string; pattern: string }[],
  endpoints: readonly Pick<Endpoint, 'method' | 'path'>[],
): { undocumented: string[]; unrouted: string[] } {
  const routed = new Set(routes.map((r) => `${r.method} ${r.pattern}`));
  const documented = new Set(endpoints.map((e) => `${e.method} ${e.path}`));
  return {
    undocumented: [...routed].filter((route) => !documented.has(route)),
    unrouted: [...documented].filter((endpoint) => !routed.has(endpoint)),
  };
}

export function registerApiDocs(router: Router, api: Api): void {
  router.add('GET', '/api/docs', () => ({
    body: openApiDocument(api.endpoints, {
      title: 'Vigil command-centre API',
      version: '1',
      description:
        'Accounts, org units, alarm handling and work orders of the province/city/county command centres. Authenticate with a bearer token from POST /api/auth/login. Errors are {error, detail} with a named reason.',
    }),
  }));
}
