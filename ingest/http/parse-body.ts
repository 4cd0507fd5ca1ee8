/**
 * A request body as a list of items: a JSON array (or one object) for `application/json`, one JSON value per
 * line for NDJSON. A line that is not JSON is one bad item, not a bad request, so its neighbours still count.
 */
export type BodyItem =
  { ok: true; value: unknown; raw: string } | { ok: false; reason: string; detail: string; raw: string };

export class BodyError extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

export function isNdjson(contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return NDJSON_TYPES.includes(base);
}

export function parseBody(text: string, contentType: string | undefined, itemsMax: number): BodyItem[] {
  if (isNdjson(contentType)) return parseLines(text, itemsMax);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BodyError(
      'bad_json',
      `body is not JSON (send NDJSON as application/x-ndjson): ${(error as Error).message}`,
    );
  }
  const values = Array.isArray(parsed) ? parsed : [parsed];
  if (values.length > itemsMax)
    throw new BodyError('too_many_records', `${values.length} records exceed the ${itemsMax} allowed per request`);
  return values.map((value) => ({ ok: true, value, raw: JSON.stringify(value) }));
}

function parseLines(text: string, itemsMax: number): BodyItem[] {
  const items: BodyItem[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (items.length >= itemsMax)
      throw new BodyError('too_many_records', `more than ${itemsMax} records in one request`);
    try {
      items.push({ ok: true, value: JSON.parse(trimmed), raw: trimmed });
    } catch (error) {
      items.push({ ok: false, reason: 'bad_json', detail: (error as Error).message, raw: trimmed });
    }
  }
  return items;
}
