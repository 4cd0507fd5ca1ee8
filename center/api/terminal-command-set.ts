/**
 * The JT/T 808 command set a supervision platform uses beyond messages and positions: terminal parameters
 * (0x8104/0x8106 answered 0x0104, 0x8103), terminal control (0x8105), callback (0x8400), vehicle control
 * (0x8500 answered 0x0500), circular areas and deleting areas or routes (0x8600, 0x8601/0x8603/0x8605/0x8607),
 * stored media search and upload (0x8802 answered 0x0802, 0x8803) and the driver's identity (0x8702 answered
 * 0x0702). Parsed from the API body, turned into the message, and the terminal's answer into the response.
 * The commands that act on the vehicle or listen in the cab are for admins and leaders only (SENSITIVE_TYPES).
 */
import iconv from 'iconv-lite';
import type { CommandAnswer, Jt808Message } from '../../ingest/index.js';
import { HttpError } from '../http/router.js';

export type CommandSetCommand =
  | { type: 'parameters_query'; ids?: number[] }
  | { type: 'parameters_set'; parameters: ParameterValue[] }
  | { type: 'terminal_control'; command: number; params?: string }
  | { type: 'callback'; phone: string; monitor: boolean }
  | { type: 'vehicle_control'; doors: 'lock' | 'unlock' }
  | { type: 'area_circle_set'; setting: AreaSetting; areas: CircleAreaInput[] }
  | { type: 'areas_delete'; kind: AreaKind; ids: number[] }
  | { type: 'media_search'; media_type: MediaType; channel: number; event: number; from?: number; to?: number }
  | {
      type: 'media_upload';
      media_type: MediaType;
      channel: number;
      event: number;
      from?: number;
      to?: number;
      delete_after: boolean;
    }
  | { type: 'driver_info' };

export interface ParameterValue {
  id: number;
  /** How the value is written: DWORD, WORD, BYTE or GBK text (JT/T 808-2019 table 14 says which for each id). */
  kind: 'dword' | 'word' | 'byte' | 'string';
  value: number | string;
}

export interface CircleAreaInput {
  id: number;
  lat: number;
  lon: number;
  radius_m: number;
  speed_max_kmh?: number;
  overspeed_s?: number;
  name?: string;
}

type AreaSetting = 'replace' | 'append' | 'modify';
type AreaKind = 'circle' | 'rectangle' | 'polygon' | 'route';
type MediaType = 'image' | 'audio' | 'video';

export const COMMAND_SET_TYPES: readonly CommandSetCommand['type'][] = [
  'parameters_query',
  'parameters_set',
  'terminal_control',
  'callback',
  'vehicle_control',
  'area_circle_set',
  'areas_delete',
  'media_search',
  'media_upload',
  'driver_info',
];
/** Commands that change how the terminal or the vehicle behaves, or listen in the cab: admin and leader only. */
export const SENSITIVE_TYPES: ReadonlySet<string> = new Set([
  'parameters_set',
  'terminal_control',
  'callback',
  'vehicle_control',
]);

/** Parameters one 0x8106 asks for or one 0x8103 sets (the count is a BYTE; the body must stay under 1023 bytes). */
export const PARAMETERS_PER_COMMAND_MAX = 50;
/** Characters of a string parameter (its length is a BYTE; GBK characters take two). */
const PARAMETER_TEXT_CHARS_MAX = 100;
/** Areas one 0x8600 sets, ids one delete names: what fits a 1023-byte body with room to spare. */
export const AREAS_PER_COMMAND_MAX = 20;
export const AREA_IDS_PER_COMMAND_MAX = 125;
const AREA_NAME_CHARS_MAX = 20;
const CALLBACK_PHONE = /^\d{3,20}$/;
/** 0x8105 commands: 1 wireless upgrade, 2 connect to a given server (both with ';'-separated parameters), 3-7 bare. */
const CONTROL_PARAMS_CHARS_MAX = 200;
const AREA_SETTINGS: Record<AreaSetting, number> = { replace: 0, append: 1, modify: 2 };
const DELETE_MSG_IDS = { circle: 0x8601, rectangle: 0x8603, polygon: 0x8605, route: 0x8607 } as const;
const MEDIA_TYPES: Record<MediaType, number> = { image: 0, audio: 1, video: 2 };
const MEDIA_TYPE_NAMES = ['image', 'audio', 'video'];
const BCD_TIME_MIN_MS = Date.UTC(2000, 0, 1) - 8 * 3_600_000;
const BCD_TIME_MAX_MS = Date.UTC(2100, 0, 1) - 8 * 3_600_000 - 1_000;
const AREA_SPEED_LIMIT = 0x0002;

export function isCommandSetType(type: unknown): type is CommandSetCommand['type'] {
  return COMMAND_SET_TYPES.includes(type as CommandSetCommand['type']);
}

export function parseCommandSet(c: Record<string, unknown>): CommandSetCommand {
  switch (c.type) {
    case 'parameters_query': {
      if (c.ids === undefined) return { type: 'parameters_query' };
      const ids = list(c, 'ids', 1, PARAMETERS_PER_COMMAND_MAX).map((v, i) => int(v, `ids[${i}]`, 0, 0xffffffff));
      return { type: 'parameters_query', ids };
    }
    case 'parameters_set':
      return {
        type: 'parameters_set',
        parameters: list(c, 'parameters', 1, PARAMETERS_PER_COMMAND_MAX).map((v, i) => parameter(v, i)),
      };
    case 'terminal_control': {
      const command = int(c.command, 'command', 1, 7);
      if (c.params === undefined) return { type: 'terminal_control', command };
      if (command > 2) throw bad(`params are for commands 1 and 2 only, not ${command}`);
      return { type: 'terminal_control', command, params: text(c.params, 'params', CONTROL_PARAMS_CHARS_MAX) };
    }
    case 'callback': {
      if (typeof c.phone !== 'string' || !CALLBACK_PHONE.test(c.phone)) throw bad('phone must be 3 to 20 digits');
      if (c.monitor !== undefined && typeof c.monitor !== 'boolean') throw bad('monitor must be true or false');
      return { type: 'callback', phone: c.phone, monitor: c.monitor === true };
    }
    case 'vehicle_control':
      if (c.doors !== 'lock' && c.doors !== 'unlock') throw bad('doors must be "lock" or "unlock"');
      return { type: 'vehicle_control', doors: c.doors };
    case 'area_circle_set': {
      const setting = c.setting ?? 'append';
      if (typeof setting !== 'string' || !(setting in AREA_SETTINGS))
        throw bad('setting must be one of replace, append, modify');
      const areas = list(c, 'areas', 1, AREAS_PER_COMMAND_MAX).map((v, i) => circle(v, i));
      return { type: 'area_circle_set', setting: setting as AreaSetting, areas };
    }
    case 'areas_delete': {
      if (typeof c.kind !== 'string' || !(c.kind in DELETE_MSG_IDS))
        throw bad('kind must be one of circle, rectangle, polygon, route');
      const ids = list(c, 'ids', 0, AREA_IDS_PER_COMMAND_MAX).map((v, i) => int(v, `ids[${i}]`, 0, 0xffffffff));
      return { type: 'areas_delete', kind: c.kind as AreaKind, ids };
    }
    case 'media_search':
      return { type: 'media_search', ...mediaFilter(c) };
    case 'media_upload': {
      if (c.delete_after !== undefined && typeof c.delete_after !== 'boolean')
        throw bad('delete_after must be true or false');
      return { type: 'media_upload', ...mediaFilter(c), delete_after: c.delete_after === true };
    }
    case 'driver_info':
      return { type: 'driver_info' };
    default:
      throw bad(`type ${JSON.stringify(c.type)} is not a command`);
  }
}

export function commandSetMessage(command: CommandSetCommand): Jt808Message {
  switch (command.type) {
    case 'parameters_query':
      return command.ids ? { msgId: 0x8106, body: { ids: command.ids } } : { msgId: 0x8104, body: {} };
    case 'parameters_set':
      return { msgId: 0x8103, body: { params: command.parameters.map(parameterBytes) } };
    case 'terminal_control':
      return { msgId: 0x8105, body: { command: command.command, params: command.params ?? '' } };
    case 'callback':
      return { msgId: 0x8400, body: { flag: command.monitor ? 1 : 0, phone: command.phone } };
    case 'vehicle_control': {
      // The encoder writes the edition the terminal speaks: the flag byte (2011/2013) or the control list (2019).
      const lock = command.doors === 'lock' ? 1 : 0;
      return { msgId: 0x8500, body: { flags: lock, controls: [{ typeId: 0x0001, value: lock }] } };
    }
    case 'area_circle_set':
      return {
        msgId: 0x8600,
        body: {
          setting: AREA_SETTINGS[command.setting],
          areas: command.areas.map((a) => ({
            id: a.id,
            attributes: a.speed_max_kmh === undefined ? 0 : AREA_SPEED_LIMIT,
            latRaw: Math.round(Math.abs(a.lat) * 1e6),
            lonRaw: Math.round(Math.abs(a.lon) * 1e6),
            radiusM: a.radius_m,
            ...(a.speed_max_kmh === undefined
              ? {}
              : { speedMaxKmh: a.speed_max_kmh, overspeedS: a.overspeed_s ?? 0, nightSpeedMaxKmh: a.speed_max_kmh }),
            name: a.name ?? '',
          })),
        },
      };
    case 'areas_delete':
      return { msgId: DELETE_MSG_IDS[command.kind], body: { ids: command.ids } };
    case 'media_search':
    case 'media_upload': {
      const search = {
        mediaType: MEDIA_TYPES[command.media_type],
        channel: command.channel,
        eventCode: command.event,
        start: command.from ?? null,
        end: command.to ?? null,
      };
      return command.type === 'media_search'
        ? { msgId: 0x8802, body: search }
        : { msgId: 0x8803, body: { ...search, deleteAfter: command.delete_after ? 1 : 0 } };
    }
    case 'driver_info':
      return { msgId: 0x8702, body: {} };
  }
}

/** The response fields of an answer carrying more than a result (0x0104, 0x0802, 0x0702). */
export function commandSetAnswer(answer: CommandAnswer): Record<string, unknown> {
  const m = answer.message;
  if (!m) return {};
  switch (m.msgId) {
    case 0x0104:
      return {
        parameters: m.body.params.map((p) => ({
          id: p.id,
          hex: p.value.toString('hex'),
          ...(p.value.length === 4 ? { dword: p.value.readUInt32BE(0) } : {}),
        })),
      };
    case 0x0802:
      return {
        media: m.body.items.map((item) => ({
          media_id: item.mediaId,
          media_type: MEDIA_TYPE_NAMES[item.mediaType] ?? item.mediaType,
          channel: item.channel,
          event: item.eventCode,
          ts: new Date(item.location.time).toISOString(),
          lat: item.location.lat,
          lon: item.location.lon,
        })),
      };
    case 0x0702: {
      const d = m.body;
      return {
        driver: {
          card: d.status === 1 ? 'inserted' : d.status === 2 ? 'removed' : d.status,
          ts: typeof d.time === 'number' ? new Date(d.time).toISOString() : null,
          read_result: d.readResult ?? null,
          name: d.name ?? null,
          certificate: d.certificate ?? null,
          authority: d.authority ?? null,
          expiry: d.expiry ?? null,
          id_card: d.idCard ?? null,
        },
      };
    }
    default:
      return {};
  }
}

function parameter(v: unknown, i: number): ParameterValue {
  const at = `parameters[${i}]`;
  if (typeof v !== 'object' || v === null) throw bad(`${at} must be an object {id, kind, value}`);
  const p = v as Record<string, unknown>;
  const id = int(p.id, `${at}.id`, 0, 0xffffffff);
  switch (p.kind) {
    case 'dword':
      return { id, kind: 'dword', value: int(p.value, `${at}.value`, 0, 0xffffffff) };
    case 'word':
      return { id, kind: 'word', value: int(p.value, `${at}.value`, 0, 0xffff) };
    case 'byte':
      return { id, kind: 'byte', value: int(p.value, `${at}.value`, 0, 0xff) };
    case 'string':
      return { id, kind: 'string', value: text(p.value, `${at}.value`, PARAMETER_TEXT_CHARS_MAX) };
    default:
      throw bad(`${at}.kind must be one of dword, word, byte, string`);
  }
}

function parameterBytes(p: ParameterValue): { id: number; value: Buffer } {
  if (p.kind === 'string') return { id: p.id, value: iconv.encode(p.value as string, 'gbk') };
  const bytes = { dword: 4, word: 2, byte: 1 }[p.kind];
  const value = Buffer.alloc(bytes);
  value.writeUIntBE(p.value as number, 0, bytes);
  return { id: p.id, value };
}

function circle(v: unknown, i: number): CircleAreaInput {
  const at = `areas[${i}]`;
  if (typeof v !== 'object' || v === null) throw bad(`${at} must be an object`);
  const a = v as Record<string, unknown>;
  const area: CircleAreaInput = {
    id: int(a.id, `${at}.id`, 0, 0xffffffff),
    lat: num(a.lat, `${at}.lat`, 0, 90),
    lon: num(a.lon, `${at}.lon`, 0, 180),
    radius_m: int(a.radius_m, `${at}.radius_m`, 1, 0xffffffff),
  };
  if (a.speed_max_kmh !== undefined) area.speed_max_kmh = int(a.speed_max_kmh, `${at}.speed_max_kmh`, 0, 0xffff);
  if (a.overspeed_s !== undefined) {
    if (area.speed_max_kmh === undefined) throw bad(`${at}.overspeed_s needs speed_max_kmh`);
    area.overspeed_s = int(a.overspeed_s, `${at}.overspeed_s`, 0, 0xff);
  }
  if (a.name !== undefined) area.name = text(a.name, `${at}.name`, AREA_NAME_CHARS_MAX);
  return area;
}

function mediaFilter(c: Record<string, unknown>): {
  media_type: MediaType;
  channel: number;
  event: number;
  from?: number;
  to?: number;
} {
  const mediaType = c.media_type ?? 'image';
  if (typeof mediaType !== 'string' || !(mediaType in MEDIA_TYPES))
    throw bad('media_type must be one of image, audio, video');
  const out: { media_type: MediaType; channel: number; event: number; from?: number; to?: number } = {
    media_type: mediaType as MediaType,
    channel: c.channel === undefined ? 0 : int(c.channel, 'channel', 0, 255),
    event: c.event === undefined ? 0 : int(c.event, 'event', 0, 255),
  };
  if (c.from !== undefined) out.from = int(c.from, 'from', BCD_TIME_MIN_MS, BCD_TIME_MAX_MS);
  if (c.to !== undefined) out.to = int(c.to, 'to', BCD_TIME_MIN_MS, BCD_TIME_MAX_MS);
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to) throw bad('from must be before to');
  return out;
}

function list(c: Record<string, unknown>, field: string, min: number, max: number): unknown[] {
  const value = c[field];
  if (!Array.isArray(value)) throw bad(`${field} must be an array`);
  if (value.length < min || value.length > max)
    throw bad(`${field} holds ${value.length} items, allowed ${min}..${max}`);
  return value;
}

function int(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(`${field} must be an integer`);
  if (value < min || value > max) throw bad(`${field} value ${value} is outside ${min}..${max}`);
  return value;
}

function num(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`${field} must be a number`);
  if (value < min || value > max) throw bad(`${field} value ${value} is outside ${min}..${max}`);
  return value;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw bad(`${field} must be a string`);
  if (value.length > max) throw bad(`${field} of ${value.length} characters exceeds ${max}`);
  // Control characters would reach the terminal's display or its parser as they are.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw bad(`${field} holds a control character`);
  return value;
}

function bad(detail: string): HttpError {
  return new HttpError(400, 'bad_command', detail);
}
