/**
 * A request body as a list of items: a JSON array (or one object) for `application/json`, one JSON value per
 * line for NDJSON, one record per row for CSV (parse-csv.ts). A line that is not JSON is one bad item, not a bad request, so its neighbours still count;
 * so is a record out of the JSON bounds of schema/json-bounds.ts — nested deeper than `JSON_DEPTH_MAX`
 * (`too_deep`, it would overflow the stack of whatever walks it) or holding U+0000 (`nul_character`, the
 * registry's PostgreSQL cannot store it) — which would otherwise fail the whole batch.
 */
import { JSON_PROBLEM_DETAIL, jsonProblem, type JsonProblem } from '../../schema/index.js';
import { BodyError, type BodyItem } from './body-items.js';
import { isCsv, parseCsv } from './parse-csv.js';

export { BodyError } from './body-items.js';
export type { BodyItem } from './body-items.js';

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

export function isNdjson(contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return NDJSON_TYPES.includes(base);
}

export function parseBody(text: string, contentType: string | undefined, itemsMax: number): BodyItem[] {
  if (isNdjson(contentType)) return parseLines(text, itemsMax);
  if (isCsv(contentType)) return parseCsv(text, itemsMax);
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
  const problems = values.map((value) => jsonProblem(value));
  // Only a refused record is kept as the text it was sent as, cut out of the body: it may be too deep to stringify.
  const texts = problems.some((p) => p !== undefined)
    ? Array.isArray(parsed)
      ? arrayElementTexts(text)
      : [text.trim()]
    : [];
  return values.map((value, i) => {
    const problem = problems[i];
    return problem ? refusedItem(problem, texts[i] ?? '') : { ok: true, value, raw: JSON.stringify(value) };
  });
}

function refusedItem(problem: JsonProblem, raw: string): BodyItem {
  return { ok: false, reason: problem, detail: `the record: ${JSON_PROBLEM_DETAIL[problem]}`, raw };
}

/**
 * The text of each element of a JSON array, for a body already known to be a valid JSON array: a scan for the
 * commas at depth 1 outside strings, without recursion, so any nesting is safe.
 */
export function arrayElementTexts(text: string): string[] {
  const elements: string[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) start = i + 1;
    } else if (c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        const last = text.slice(start, i).trim();
        if (last !== '' || elements.length > 0) elements.push(last);
        return elements;
      }
    } else if (c === ',' && depth === 1) {
      elements.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return elements;
}

function parseLines(text: string, itemsMax: number): BodyItem[] {
  const items: BodyItem[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (items.length >= itemsMax)
      throw new BodyError('too_many_records', `more than ${itemsMax} records in one request`);
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      items.push({ ok: false, reason: 'bad_json', detail: (error as Error).message, raw: trimmed });
      continue;
    }
    const problem = jsonProblem(value);
    items.push(problem ? refusedItem(problem, trimmed) : { ok: true, value, raw: trimmed });
  }
  return items;
}
