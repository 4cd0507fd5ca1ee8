/**
 * `/api/uploads`: source files (CSV or XLSX) uploaded by a unit's administrator or an enterprise from the console,
 * applied in the uploader's scope (docs/sources/uploads.md):
 *   POST /api/uploads?kind=<kind>&filename=<name>   the file as the body → the upload with its refused rows
 *   GET  /api/uploads                               the history of the caller's scope
 *   GET  /api/uploads/:id                           one upload with its refused rows
 *   GET  /api/uploads/:id/errors.csv                the error report
 */
import { UPLOAD_KINDS } from '../../ingest/index.js';
import type { Role } from '../auth/accounts.js';
import { HttpError, type RequestContext } from '../http/router.js';
import { errorReportCsv, UPLOAD_BYTES_MAX, type Uploads } from '../uploads/index.js';
import { Body, Int, OneOf, Opt, Type, type Api } from './api-spec.js';

/** Who uploads: the administrators of the province, cities and counties, and enterprises for themselves. */
export const UPLOADER_ROLES: readonly Role[] = ['admin', 'enterprise'];

const LIST_DEFAULT = 50;
const LIST_MAX = 200;

export function registerUploadRoutes(api: Api, deps: { uploads: Uploads }): void {
  api.define(
    {
      method: 'POST',
      path: '/api/uploads',
      tag: 'sources',
      summary: `Uploads a CSV (UTF-8) or XLSX file of one source kind, the file itself as the request body (at most ${UPLOAD_BYTES_MAX} bytes); each row is judged by the kind's normalizer and bound to the uploader's scope. 201 when applied now; 200 with repeated: true when the same file of the same kind was uploaded by the same unit before (nothing applied)`,
      description:
        'The format is read from the content (an XLSX is a zip), whatever the name. Rows refused one by one with a named reason are in `errors` and in GET /api/uploads/:id/errors.csv.',
      roles: UPLOADER_ROLES,
      query: Body({
        kind: OneOf(UPLOAD_KINDS, 'the source kind of every row (docs/sources/; gtfs_rt has no rows)'),
        filename: Type.String({ description: 'the file’s name, as the user chose it', minLength: 1, maxLength: 255 }),
      }),
      returns:
        'UploadAnswer: {id, kind, file_name, sha256, bytes, format, state, records, accepted, duplicates, rejected, org_code, enterprise_id, uploaded_by, uploaded_at, finished_at, columns, errors: [{row, field, reason, detail, values, raw}], repeated}',
      responses: {
        '201': 'applied now',
        '409': 'upload_in_progress: the same file is being applied by another request',
        '413': 'file_too_large (bytes, or an XLSX unpacking beyond its bound) or too_many_records',
      },
    },
    async (ctx, principal, _body, query) => {
      const bytes = await fileOf(ctx);
      const { status, answer } = await deps.uploads.upload(
        principal,
        { kind: query.kind, fileName: baseName(query.filename), bytes },
        ctx.peer,
      );
      return { status, body: answer };
    },
  );
  api.define(
    {
      method: 'GET',
      path: '/api/uploads',
      tag: 'sources',
      summary:
        'Uploaded files of the caller’s scope, newest first: staff those of the units they see, an enterprise its own',
      roles: UPLOADER_ROLES,
      query: Body({
        kind: Opt(OneOf(UPLOAD_KINDS, 'only uploads of this kind')),
        before_id: Opt(
          Int('only uploads older than this id (the next page)', { min: 1, max: Number.MAX_SAFE_INTEGER }),
        ),
        limit: Opt(Int(`uploads at most (default ${LIST_DEFAULT})`, { min: 1, max: LIST_MAX })),
      }),
      returns: '{uploads: [UploadSummary]}',
    },
    async (_ctx, principal, _body, query) => ({
      body: { uploads: await deps.uploads.list(principal, { ...query, limit: query.limit ?? LIST_DEFAULT }) },
    }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/uploads/:id',
      tag: 'sources',
      summary: 'One uploaded file with its counts and every refused row (row number, field, reason, original values)',
      roles: UPLOADER_ROLES,
      returns: 'UploadDetail',
      responses: { '404': 'no such upload in the caller’s scope' },
    },
    async (ctx, principal) => ({ body: await deps.uploads.get(principal, idOf(ctx)) }),
  );
  api.define(
    {
      method: 'GET',
      path: '/api/uploads/:id/errors.csv',
      tag: 'sources',
      summary:
        'The error report of an upload as CSV (UTF-8 with a byte-order mark): row, field, reason, detail, then the row’s original values under the file’s own columns',
      roles: UPLOADER_ROLES,
      returns: 'text/csv',
      responses: { '404': 'no such upload in the caller’s scope' },
    },
    async (ctx, principal) => {
      const id = idOf(ctx);
      const upload = await deps.uploads.get(principal, id);
      return {
        raw: errorReportCsv(upload),
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="upload-${id}-errors.csv"`,
        },
      };
    },
  );
}

function idOf(ctx: RequestContext): number {
  // Digits only and a safe integer: "1e3" or 20 digits must not reach PostgreSQL's bigint.
  const id = /^\d{1,15}$/.test(ctx.params.id ?? '') ? Number(ctx.params.id) : 0;
  if (id < 1)
    throw new HttpError(400, 'bad_id', `upload id ${JSON.stringify(ctx.params.id)} is not a positive integer`);
  return id;
}

/** The name without any folder a browser or a script may have left in it. */
function baseName(name: string): string {
  return name.split(/[\\/]/).pop()?.trim() || 'upload';
}

/** The request body, bounded: a larger file is 413 `file_too_large`, an empty one 400 `empty_file`. */
async function fileOf(ctx: RequestContext): Promise<Buffer> {
  const tooLarge = (): HttpError =>
    new HttpError(413, 'file_too_large', `the file exceeds the ${UPLOAD_BYTES_MAX} bytes allowed in one upload`);
  if (Number(ctx.req.headers['content-length'] ?? 0) > UPLOAD_BYTES_MAX) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of ctx.req) {
      total += (chunk as Buffer).length;
      if (total > UPLOAD_BYTES_MAX) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'body_incomplete', 'the file ended before it was complete');
  }
  if (total === 0) throw new HttpError(400, 'empty_file', 'the upload holds no file');
  return Buffer.concat(chunks);
}
