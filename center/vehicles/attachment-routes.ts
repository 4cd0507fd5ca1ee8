/**
 * The pictures, clips and records a terminal uploaded for an active-safety alarm (ingest/jt808/attachments):
 *
 *   GET /api/vehicles/:terminal_id/attachments/:alarm_number         the alarm's files (AlarmAttachment[])
 *   GET /api/vehicles/:terminal_id/attachments/:alarm_number/:name   one file
 *
 * The alarm number is the alarm's `details.attachment_number`. Scoped like the vehicle's media: whoever sees the
 * vehicle whole sees its attachments; other staff see those of an alarm that belongs to their area.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ALARM_NUMBER_PATTERN } from '../../schema/index.js';
import { HttpError, type RequestContext, type Router } from '../http/router.js';
import { access, type VehicleRouteDeps } from './vehicle-routes.js';

export interface AlarmAttachment {
  name: string;
  /** 0 picture, 1 audio, 2 video, 3 text, 4 other (T/JSATL 12). */
  file_type: number;
  bytes: number;
  received_at: number;
  /** Where to fetch the file (with the caller's bearer token). */
  url: string;
}

/** Files of one alarm at most (0x1210 counts them in a byte). */
const ATTACHMENTS_PER_ALARM_MAX = 255;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/;
const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
  '.h264': 'video/h264',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

export interface AttachmentRouteDeps extends VehicleRouteDeps {
  /** `<data-dir>/attachments`: files are served only from under it. */
  attachmentsDir: string;
}

export function registerAttachmentRoutes(router: Router, deps: AttachmentRouteDeps): void {
  router.add('GET', '/api/vehicles/:terminal_id/attachments/:alarm_number', async (ctx) => {
    const { terminalId, alarmNumber } = await allowed(ctx, deps);
    const rows = await attachmentRows(deps, terminalId, alarmNumber);
    const base = `/api/vehicles/${terminalId}/attachments/${alarmNumber}`;
    const files: AlarmAttachment[] = rows.map((r) => ({
      name: r.name,
      file_type: r.file_type,
      bytes: r.bytes,
      received_at: r.received_at,
      url: `${base}/${r.name}`,
    }));
    return { body: { alarm_number: alarmNumber, files } };
  });

  router.add('GET', '/api/vehicles/:terminal_id/attachments/:alarm_number/:name', async (ctx) => {
    const { terminalId, alarmNumber } = await allowed(ctx, deps);
    const name = ctx.params.name;
    if (!NAME_PATTERN.test(name) || name.includes('..'))
      throw new HttpError(404, 'not_found', `attachment ${name} not found`);
    const [row] = (await attachmentRows(deps, terminalId, alarmNumber)).filter((r) => r.name === name);
    if (row === undefined)
      throw new HttpError(404, 'not_found', `attachment ${name} of alarm ${alarmNumber} not found`);
    const root = path.resolve(deps.attachmentsDir);
    const file = path.resolve(root, '..', row.path);
    // Only files under the attachments directory, whatever a row says.
    if (!file.startsWith(root + path.sep)) throw new HttpError(404, 'not_found', `attachment ${name} not found`);
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      throw new HttpError(404, 'not_found', `the file of attachment ${name} is gone`);
    }
    return {
      raw: content,
      headers: {
        'content-type': CONTENT_TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': 'private, max-age=3600',
      },
    };
  });
}

async function allowed(
  ctx: RequestContext,
  deps: AttachmentRouteDeps,
): Promise<{ terminalId: string; alarmNumber: string }> {
  const { principal, terminalId, whole } = await access(ctx, deps);
  const alarmNumber = ctx.params.alarm_number;
  if (!ALARM_NUMBER_PATTERN.test(alarmNumber))
    throw new HttpError(400, 'bad_field', 'alarm_number: is 32 lower-case hex digits', { field: 'alarm_number' });
  if (whole) return { terminalId, alarmNumber };
  // Staff who do not see the vehicle whole see the attachments of an alarm in their area, like the alarm itself.
  const result = await deps.analytics.queryInternal(
    `SELECT org_code FROM alarms FINAL
      WHERE terminal_id = '${terminalId}' AND JSONExtractString(details, 'attachment_number') = '${alarmNumber}'
      LIMIT 16`,
    { rowsMax: 16 },
  );
  if (!result.rows.some((r) => principal.role !== 'enterprise' && deps.covers(principal.orgCode, String(r[0]))))
    throw new HttpError(404, 'not_found', `attachments of alarm ${alarmNumber} not found`);
  return { terminalId, alarmNumber };
}

interface AttachmentRow {
  name: string;
  file_type: number;
  bytes: number;
  received_at: number;
  path: string;
}

async function attachmentRows(
  deps: AttachmentRouteDeps,
  terminalId: string,
  alarmNumber: string,
): Promise<AttachmentRow[]> {
  // terminalId and alarmNumber are checked against their patterns (digits; hex) before they reach the SQL.
  const prefix = `attachments/${terminalId}/${alarmNumber}/`;
  const result = await deps.analytics.queryInternal(
    `SELECT path, media_type, bytes, toUnixTimestamp64Milli(received_at)
       FROM media_events FINAL
      WHERE terminal_id = '${terminalId}' AND media_id = 0 AND startsWith(path, '${prefix}')
      ORDER BY path LIMIT ${ATTACHMENTS_PER_ALARM_MAX}`,
    { rowsMax: ATTACHMENTS_PER_ALARM_MAX },
  );
  return result.rows.map((r) => ({
    path: String(r[0]),
    name: String(r[0]).slice(prefix.length),
    file_type: Number(r[1]),
    bytes: Number(r[2]),
    received_at: Number(r[3]),
  }));
}
