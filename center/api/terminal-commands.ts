/**
 * Downlink commands to JT/T 808 terminals: `POST /api/terminals/:id/commands`, where `:id` is a terminal number
 * or a plate. The command goes to the connection holding the terminal's live session and the response is the
 * terminal's own answer (its 0x0001 result, for a location query the position of its 0x0201, for a photo (0x8801)
 * the media ids of its 0x0805; the photo itself then arrives as 0x0801 and shows on the vehicle's media list). Every attempt
 * is audited with its outcome. See docs/jt808.md.
 */
import { cityOfPlate, provinceCode } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { DownlinkError, type CommandAnswer, type Jt808Message } from '../../ingest/index.js';
import { bearerToken, type Accounts, type Principal, type Role } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';
import { orgCovers } from './scope.js';
import {
  COMMAND_SET_TYPES,
  commandSetAnswer,
  commandSetMessage,
  isCommandSetType,
  parseCommandSet,
  SENSITIVE_TYPES,
  type CommandSetCommand,
} from './terminal-command-set.js';

/** What the API needs of the gateway: implemented by `Jt808Gateway`. */
export interface TerminalLink {
  livePhone(terminalNumber: string): string | undefined;
  sendCommand(phone: string, message: Jt808Message): Promise<CommandAnswer>;
}

export interface TerminalCommandDeps {
  accounts: Pick<Accounts, 'authenticate'>;
  sql: Pick<Sql, 'query'>;
  link: TerminalLink;
}

export type TerminalCommand =
  | { type: 'text'; text: string; flags?: number }
  | { type: 'location_query' }
  | { type: 'temporary_tracking'; interval_s: number; validity_s: number }
  | { type: 'alarm_confirm'; serial: number; alarm_type: number }
  | { type: 'photo'; channel: number }
  | CommandSetCommand;

const COMMAND_ROLES: ReadonlySet<Role> = new Set(['admin', 'leader', 'dispatcher', 'duty_officer']);
/** Roles that may send the sensitive commands (terminal and vehicle control, parameters, monitoring callback). */
const SENSITIVE_ROLES: ReadonlySet<Role> = new Set(['admin', 'leader']);
const COMMAND_TYPES: readonly TerminalCommand['type'][] = [
  'text',
  'location_query',
  'temporary_tracking',
  'alarm_confirm',
  'photo',
  ...COMMAND_SET_TYPES,
];
/** 0x8801 settings of a photo taken on command: one photo, uploaded at once, 640×480, good quality. */
const PHOTO = { resolution: 0x02, quality: 3, brightness: 128, contrast: 64, saturation: 64, chroma: 128 } as const;

/** The commands a principal's role may send (to vehicles in scope); the console offers these. */
export function commandTypesFor(principal: Principal): TerminalCommand['type'][] {
  if (!COMMAND_ROLES.has(principal.role)) return [];
  return COMMAND_TYPES.filter((type) => SENSITIVE_ROLES.has(principal.role) || !SENSITIVE_TYPES.has(type));
}

/** Characters of a text message at most: a GBK character takes two bytes of the 1023-byte body. */
export const TEXT_CHARS_MAX = 500;
/** 0x8300 flag bits: 2 terminal display, 3 TTS read-out; the default when the caller gives none. */
const TEXT_FLAGS_DEFAULT = 0x0c;
const RESULT_NAMES = ['ok', 'fail', 'bad_message', 'unsupported', 'alarm_confirmed'];
const TERMINAL_NUMBER = /^\d{1,20}$/;

export function registerTerminalCommandRoutes(router: Router, deps: TerminalCommandDeps): void {
  router.add('POST', '/api/terminals/:id/commands', (ctx) => handleCommand(ctx, deps));
}

async function handleCommand(ctx: RequestContext, deps: TerminalCommandDeps): Promise<{ body: unknown }> {
  const principal = await deps.accounts.authenticate(bearerToken(ctx.req.headers.authorization));
  if (!COMMAND_ROLES.has(principal.role))
    throw new HttpError(403, 'forbidden', `role ${principal.role} may not send commands to terminals`);
  const command = parseCommand(await ctx.json());
  if (SENSITIVE_TYPES.has(command.type) && !SENSITIVE_ROLES.has(principal.role))
    throw new HttpError(
      403,
      'forbidden',
      `role ${principal.role} may not send ${command.type} (admin and leader only)`,
    );
  const id = ctx.params.id;
  const target = await resolveTerminal(deps, id);
  // A vehicle outside the caller's scope is answered as one that does not exist, so ids reveal nothing.
  if (target.plate !== undefined && !inScope(principal, target.plate))
    throw new HttpError(404, 'not_found', `terminal ${id} not found`);
  const audit = async (outcome: Record<string, unknown>): Promise<void> =>
    appendAudit(deps.sql, {
      actorId: principal.userId,
      actor: principal.username,
      action: 'terminal.command',
      target: target.phone ?? id,
      detail: { command, ...outcome },
      peer: ctx.peer,
    });
  if (target.phone === undefined) {
    await audit({ error: 'terminal_offline' });
    throw new HttpError(404, 'terminal_offline', `terminal ${id} has no live session`);
  }
  const message = messageOf(command);
  let answer: CommandAnswer;
  try {
    answer = await deps.link.sendCommand(target.phone, message);
  } catch (error) {
    if (!(error instanceof DownlinkError)) throw error;
    await audit({ error: error.reason });
    throw httpErrorOf(error);
  }
  await audit({ result: answer.result });
  const body: Record<string, unknown> = {
    terminal_id: target.phone,
    plate: target.plate ?? '',
    type: command.type,
    msg_id: `0x${message.msgId.toString(16).padStart(4, '0')}`,
    result: answer.result,
    result_name: RESULT_NAMES[answer.result] ?? 'unknown',
  };
  if (answer.mediaIds) body.media_ids = answer.mediaIds;
  Object.assign(body, commandSetAnswer(answer));
  if (command.type === 'photo' && answer.result === 2) body.result_name = 'channel_unsupported';
  if (answer.location) {
    const l = answer.location;
    body.location = {
      ts: new Date(l.time).toISOString(),
      lat: l.lat,
      lon: l.lon,
      speed_kmh: l.speedKmh,
      direction_deg: l.directionDeg,
      altitude_m: l.altitudeM,
      alarms: l.alarms,
    };
  }
  return { body };
}

/** The live session's phone number (undefined when offline) and the terminal's plate when registered. */
async function resolveTerminal(
  deps: TerminalCommandDeps,
  id: string,
): Promise<{ phone: string | undefined; plate: string | undefined }> {
  if (TERMINAL_NUMBER.test(id)) {
    const phone = deps.link.livePhone(id);
    const rows = await deps.sql.query<{ plate: string }>('SELECT plate FROM terminals WHERE phone = $1', [phone ?? id]);
    return { phone, plate: rows[0]?.plate };
  }
  const rows = await deps.sql.query<{ phone: string }>(
    'SELECT phone FROM terminals WHERE plate = $1 AND unregistered_at IS NULL ORDER BY phone',
    [id],
  );
  if (rows.length === 0) throw new HttpError(404, 'terminal_not_found', `no registered terminal has plate ${id}`);
  for (const row of rows) {
    const phone = deps.link.livePhone(row.phone);
    if (phone !== undefined) return { phone, plate: id };
  }
  return { phone: undefined, plate: id };
}

/**
 * A command reaches a vehicle when the caller's org and the city of its plate are on one branch: the province
 * reaches every vehicle, a city the vehicles of its plates, a county those of its city's plates. Vehicles with
 * plates from outside the province are reached by province users only.
 */
function inScope(principal: Principal, plate: string): boolean {
  if (principal.orgCode === provinceCode()) return true;
  const city = cityOfPlate(plate);
  if (!city) return false;
  return orgCovers(principal.orgCode, city.code) || orgCovers(city.code, principal.orgCode);
}

function httpErrorOf(error: DownlinkError): HttpError {
  switch (error.reason) {
    case 'terminal_offline':
      return new HttpError(404, 'terminal_offline', error.message);
    case 'terminal_timeout':
    case 'terminal_disconnected':
      return new HttpError(
        504,
        error.reason === 'terminal_timeout' ? 'terminal_timeout' : 'terminal_disconnected',
        error.message,
      );
    case 'downlink_busy':
      return new HttpError(429, 'downlink_busy', error.message);
  }
}

function messageOf(command: TerminalCommand): Jt808Message {
  switch (command.type) {
    case 'text':
      return { msgId: 0x8300, body: { flags: command.flags ?? TEXT_FLAGS_DEFAULT, textType: 1, text: command.text } };
    case 'location_query':
      return { msgId: 0x8201, body: {} };
    case 'temporary_tracking':
      return { msgId: 0x8202, body: { intervalS: command.interval_s, validityS: command.validity_s } };
    case 'alarm_confirm':
      return { msgId: 0x8203, body: { alarmSerial: command.serial, alarmTypeBits: command.alarm_type } };
    case 'photo':
      return { msgId: 0x8801, body: { channel: command.channel, command: 1, intervalS: 0, save: 0, ...PHOTO } };
    default:
      return commandSetMessage(command);
  }
}

export function parseCommand(input: unknown): TerminalCommand {
  if (typeof input !== 'object' || input === null) throw bad('body must be a JSON object');
  const c = input as Record<string, unknown>;
  switch (c.type) {
    case 'text': {
      if (typeof c.text !== 'string' || c.text.length === 0) throw bad('text must be a non-empty string');
      if (c.text.length > TEXT_CHARS_MAX) throw bad(`text of ${c.text.length} characters exceeds ${TEXT_CHARS_MAX}`);
      const command: TerminalCommand = { type: 'text', text: c.text };
      if (c.flags !== undefined) command.flags = integer(c, 'flags', 0, 0xff);
      return command;
    }
    case 'location_query':
      return { type: 'location_query' };
    case 'temporary_tracking':
      return {
        type: 'temporary_tracking',
        interval_s: integer(c, 'interval_s', 0, 0xffff),
        validity_s: integer(c, 'validity_s', 0, 0xffffffff),
      };
    case 'alarm_confirm':
      return {
        type: 'alarm_confirm',
        serial: integer(c, 'serial', 0, 0xffff),
        alarm_type: integer(c, 'alarm_type', 0, 0xffffffff),
      };
    case 'photo':
      return { type: 'photo', channel: c.channel === undefined ? 1 : integer(c, 'channel', 1, 255) };
    default:
      if (isCommandSetType(c.type)) return parseCommandSet(c);
      throw bad(`type ${JSON.stringify(c.type)} is not one of ${COMMAND_TYPES.join(', ')}`);
  }
}

function integer(c: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = c[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(`${field} must be an integer`);
  if (value < min || value > max) throw bad(`${field} value ${value} is outside ${min}..${max}`);
  return value;
}

function bad(detail: string): HttpError {
  return new HttpError(400, 'bad_command', detail);
}
