/**
 * Request bodies and query parameters declared once as TypeBox schemas: the schema is the validator (compiled by
 * TypeBox), its `Static<>` type is what the handler receives, and its JSON form is the OpenAPI document's. A
 * value the schema refuses is answered with the contract the console and the tests rely on: 400 `bad_field`
 * naming the field and the bound (`title: length 201 is greater than max allowed 200`), 400 `unknown_field`
 * naming the undeclared key and the declared ones, 400 `bad_body` for a body that is not an object; the
 * reason's `field` is the field's path (`attachments[0].name`).
 *
 * Two rules every schema here keeps, checked when an endpoint is declared (`assertDeclarable`):
 * - an integer has bounds within the safe integers (`Int` sets them), so a number that lost digits as JSON
 *   (1e300, 2^53) never reaches a store;
 * - an object refuses undeclared keys (`Body`, `Type.Object(…, { additionalProperties: false })`), unless it is
 *   declared as any JSON object (`JsonObject`).
 */
import {
  Kind,
  Type,
  TypeRegistry,
  type Static,
  type TInteger,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnsafe,
} from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { HttpError, type RequestContext } from '../http/router.js';

export { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';

const STRING_ENUM = 'VigilStringEnum';
const JSON_OBJECT = 'VigilJsonObject';

TypeRegistry.Set<{ enum: readonly string[] }>(
  STRING_ENUM,
  (schema, value) => typeof value === 'string' && schema.enum.includes(value),
);
TypeRegistry.Set(JSON_OBJECT, (_schema, value) => typeof value === 'object' && value !== null && !Array.isArray(value));

/** An integer within the safe integers, narrowed by `min` and `max`. */
export function Int(description: string, bounds: { min?: number; max?: number } = {}): TInteger {
  return Type.Integer({
    description,
    minimum: bounds.min ?? -Number.MAX_SAFE_INTEGER,
    maximum: bounds.max ?? Number.MAX_SAFE_INTEGER,
  });
}

/** One of a list of strings; typed as their union, documented as `{type: string, enum}`. */
export function OneOf<const T extends readonly string[]>(values: T, description: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ [Kind]: STRING_ENUM, type: 'string', enum: [...values], description });
}

/** Any JSON object (its content is checked by whoever reads it, e.g. the configuration's own validator). */
export function JsonObject(description: string): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ [Kind]: JSON_OBJECT, type: 'object', description });
}

/** A body (or nested object) of declared fields only; an undeclared key is `unknown_field`. */
export function Body<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: false });
}

/** The same schema marked optional, keeping its own description. */
export const Opt = Type.Optional;

/** The last epoch millisecond of year 9999: what PostgreSQL and ClickHouse timestamps and `Date` all hold. */
export const EPOCH_MS_MAX = 253_402_300_799_999;
/** A time as epoch milliseconds, bounded so that it is a valid time in every store. */
export function EpochMs(description = 'epoch milliseconds'): TInteger {
  return Int(description, { min: 0, max: EPOCH_MS_MAX });
}

/**
 * Throws (at declaration, i.e. at start-up) for a schema that breaks the two rules above or that uses a kind
 * this module cannot answer with a named error.
 */
export function assertDeclarable(schema: TSchema, where: string): void {
  const kind = schema[Kind] as string;
  switch (kind) {
    case 'Integer': {
      const { minimum, maximum } = schema as TInteger;
      if (
        minimum === undefined ||
        maximum === undefined ||
        minimum < -Number.MAX_SAFE_INTEGER ||
        maximum > Number.MAX_SAFE_INTEGER
      )
        throw new Error(`${where}: an integer must be bounded within the safe integers (declare it with Int)`);
      return;
    }
    case 'Object': {
      const object = schema as TObject;
      if (object.additionalProperties !== false)
        throw new Error(`${where}: an object must refuse undeclared keys (declare it with Body)`);
      for (const [name, property] of Object.entries(object.properties)) assertDeclarable(property, `${where}.${name}`);
      return;
    }
    case 'Array':
      if (schema.items) assertDeclarable(schema.items as TSchema, `${where}[]`);
      return;
    case 'String':
    case 'Boolean':
    case STRING_ENUM:
    case JSON_OBJECT:
      return;
    default:
      throw new Error(`${where}: schema kind ${kind} is not one request checks answer with a named error`);
  }
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checker<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiled.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  // The map holds each schema's own compiled check; TypeCheck<TSchema> is TypeCheck<T> for that schema.
  return check as TypeCheck<T>;
}

/**
 * Checks a value against its schema and returns it typed, or throws the named 400 of the first problem (in
 * declaration order: undeclared keys of an object first, then its fields as declared). A `null` field counts
 * as absent, as it always has: `{"department": null}` leaves the department out.
 */
export function checkValue<T extends TSchema>(schema: T, value: unknown, prefix = ''): Static<T> {
  const cleaned = withoutNulls(schema, value);
  const check = checker(schema);
  if (check.Check(cleaned)) return cleaned;
  const errors = [...check.Errors(cleaned)];
  const ordered = errors
    .map((error, index) => ({ error, index, order: errorOrder(schema, error) }))
    .sort((a, b) => compareOrder(a.order, b.order) || a.index - b.index);
  throw refusal(ordered[0].error, prefix);
}

/** Checks a parsed JSON body: an object, of the declared fields. */
export function checkBody<T extends TObject>(schema: T, body: unknown): Static<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 'bad_body', 'the body must be a JSON object');
  return checkValue(schema, body);
}

/**
 * Every declared query parameter read from text (integers and booleans parsed), then checked against the
 * schema; absent and empty ones are left out. Undeclared parameters are ignored (caches and proxies add some).
 */
export function checkQuery<T extends TObject>(ctx: RequestContext, schema: T): Static<T> {
  const query: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties)) {
    const value = queryText(ctx, name, property);
    if (value === undefined) {
      if (required.has(name)) throw bad(name, 'is required');
    } else query[name] = value;
  }
  return checkValue(schema, query);
}

/**
 * One query parameter checked against its schema (absent or empty: undefined). An integer must be a safe
 * integer (no precision lost on the way to a store) within the declared bounds, else 400 `bad_field`.
 */
export function queryParam<T extends TSchema>(ctx: RequestContext, name: string, schema: T): Static<T> | undefined {
  const value = queryText(ctx, name, schema);
  return value === undefined ? undefined : checkValue(schema, value, name);
}

function queryText(ctx: RequestContext, name: string, schema: TSchema): unknown {
  const text = ctx.url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(text)) throw bad(name, `value ${JSON.stringify(text.slice(0, 40))} is not an integer`);
    if (!Number.isSafeInteger(Number(text)))
      throw bad(name, `value ${text.slice(0, 40)} is outside the safe integer range ±${Number.MAX_SAFE_INTEGER}`);
    return Number(text);
  }
  if (schema.type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw bad(name, `value ${JSON.stringify(text)} is not true or false`);
    return text === 'true';
  }
  // PostgreSQL's text cannot hold U+0000 (bodies are checked for it when parsed).
  if (text.includes('\u0000')) throw bad(name, 'holds the character U+0000');
  return text;
}

function bad(field: string, detail: string): HttpError {
  return new HttpError(400, 'bad_field', `${field}: ${detail}`, { field });
}

function withoutNulls(schema: TSchema, value: unknown): unknown {
  if (schema[Kind] === 'Object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const properties = (schema as TObject).properties;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field === null) continue;
      // defineProperty: a key named `__proto__` stays an own key (and is refused as unknown), never a prototype.
      Object.defineProperty(out, key, {
        value: Object.hasOwn(properties, key) ? withoutNulls(properties[key], field) : field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (schema[Kind] === 'Array' && Array.isArray(value) && schema.items)
    return value.map((item: unknown) => withoutNulls(schema.items as TSchema, item));
  return value;
}

function pathSegments(path: string): string[] {
  return path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A field's place in its schema: declared fields by declaration order, undeclared keys before them. */
function errorOrder(schema: TSchema, error: ValueError): number[] {
  const order: number[] = [];
  let at: TSchema | undefined = schema;
  for (const segment of pathSegments(error.path)) {
    if (at?.[Kind] === 'Object') {
      const keys: string[] = Object.keys((at as TObject).properties);
      const index: number = keys.indexOf(segment);
      order.push(index);
      at = index < 0 ? undefined : (at as TObject).properties[segment];
    } else if (at?.[Kind] === 'Array') {
      order.push(Number(segment));
      at = at.items as TSchema;
    } else {
      order.push(0);
      at = undefined;
    }
  }
  return order;
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** `/attachments/0/name` as `attachments[0].name`, after the prefix (a query parameter's name). */
function fieldName(path: string, prefix: string): string {
  let name = prefix;
  for (const segment of pathSegments(path)) {
    if (/^\d+$/.test(segment)) name += `[${segment}]`;
    else name += name === '' ? segment : `.${segment}`;
  }
  return name;
}

function refusal(error: ValueError, prefix: string): HttpError {
  const field = fieldName(error.path, prefix);
  const schema = error.schema;
  const value = error.value;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const known = Object.keys((schema as TObject).properties).join(', ');
      return new HttpError(400, 'unknown_field', `${field}: unknown field (known: ${known})`, { field });
    }
    case ValueErrorType.ObjectRequiredProperty:
      return bad(field, 'is required');
    case ValueErrorType.String:
      return bad(field, `must be a string, got ${typeof value}`);
    case ValueErrorType.StringMinLength:
      return bad(field, `length ${(value as string).length} is less than min allowed ${schema.minLength}`);
    case ValueErrorType.StringMaxLength:
      return bad(field, `length ${(value as string).length} is greater than max allowed ${schema.maxLength}`);
    case ValueErrorType.StringPattern:
      return bad(field, `value ${JSON.stringify((value as string).slice(0, 80))} does not match /${schema.pattern}/`);
    case ValueErrorType.Integer:
      return bad(field, `must be an integer, got ${typeof value === 'number' ? value : typeof value}`);
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      // 2^53 and beyond lose digits as a JSON number; no id, count or time of Vigil gets there.
      if (!Number.isSafeInteger(value))
        return bad(field, `value ${value} is outside the safe integer range ±${Number.MAX_SAFE_INTEGER}`);
      return error.type === ValueErrorType.IntegerMinimum
        ? bad(field, `value ${value} is less than min allowed ${schema.minimum}`)
        : bad(field, `value ${value} is greater than max allowed ${schema.maximum}`);
    case ValueErrorType.Boolean:
      return bad(field, `must be a boolean, got ${typeof value}`);
    case ValueErrorType.Array:
      return bad(field, 'must be an array');
    case ValueErrorType.ArrayMaxItems:
      return bad(field, `${(value as unknown[]).length} items is more than max allowed ${schema.maxItems}`);
    case ValueErrorType.Object:
      return bad(field, 'must be an object');
    case ValueErrorType.Kind:
      if (schema[Kind] === JSON_OBJECT) return bad(field, 'must be an object');
      if (typeof value !== 'string') return bad(field, `must be a string, got ${typeof value}`);
      return bad(field, `value ${JSON.stringify(value)} is not one of ${(schema.enum as string[]).join(', ')}`);
    default:
      return bad(field, error.message);
  }
}

/** The schema as JSON (TypeBox's own marks are symbols, which JSON leaves out), for the OpenAPI document. */
export function jsonSchemaOf(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}
