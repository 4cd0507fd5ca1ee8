/**
 * A GTFS-Realtime FeedMessage as body items, one per entity, so one bad entity is refused alone. The binary form
 * (`application/x-protobuf`, what agencies publish) is cut into its entities by the outer message's framing before
 * any entity is decoded, so an entity whose bytes are broken costs only itself; each is then decoded by
 * MobilityData's generated classes (gtfs-realtime-bindings). The JSON form (`application/json`: the FeedMessage
 * as an object with `header` and `entity`, field names in snake_case or lowerCamelCase) is checked entity by
 * entity against the same classes: a field of the wrong type is `invalid_entity`, a field GTFS-Realtime does not
 * define is `unknown_field`.
 */
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { BodyError, type BodyItem } from './body-items.js';

const { transit_realtime: rt } = GtfsRealtimeBindings;

const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf', 'application/octet-stream'];

export function isProtobuf(contentType: string | undefined): boolean {
  return PROTOBUF_TYPES.includes((contentType ?? '').split(';')[0].trim().toLowerCase());
}

/** What the normalizer gets for one entity: the entity as an object, and the feed header's time as a fallback. */
export interface GtfsRtEntityValue {
  entity: Record<string, unknown>;
  /** FeedHeader.timestamp, POSIX seconds; undefined when the header has none. */
  header_timestamp?: number;
}

const TO_OBJECT = { longs: Number, enums: String, bytes: String } as const;

/**
 * The same bytes as a plain Uint8Array: protobufjs reads a Node Buffer with a reader that cuts a string or bytes
 * field running past the end down to what is there (an entity cut short would pass as a shorter one), and a plain
 * array with one that refuses it.
 */
function strictBytes(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/** The entities of a binary FeedMessage, each decoded on its own. */
export function protobufFeedItems(bytes: Uint8Array, itemsMax: number): BodyItem[] {
  const { header, entities } = splitFeed(bytes);
  if (entities.length > itemsMax)
    throw new BodyError('too_many_records', `${entities.length} entities exceed the ${itemsMax} allowed per request`);
  let headerTimestamp: number | undefined;
  if (header !== undefined) {
    try {
      const decoded = rt.FeedHeader.toObject(rt.FeedHeader.decode(strictBytes(header)), TO_OBJECT);
      headerTimestamp = typeof decoded.timestamp === 'number' ? decoded.timestamp : undefined;
    } catch (error) {
      throw new BodyError('bad_protobuf', `the feed header cannot be decoded: ${(error as Error).message}`);
    }
  }
  return entities.map((part): BodyItem => {
    try {
      const entity = rt.FeedEntity.toObject(rt.FeedEntity.decode(strictBytes(part)), TO_OBJECT) as Record<
        string,
        unknown
      >;
      return { ok: true, value: entityValue(entity, headerTimestamp), raw: JSON.stringify(entity) };
    } catch (error) {
      return {
        ok: false,
        reason: 'bad_protobuf',
        detail: `the entity cannot be decoded as a GTFS-Realtime FeedEntity: ${(error as Error).message}`,
        raw: `base64:${Buffer.from(part).toString('base64')}`,
      };
    }
  });
}

/** The entities of a FeedMessage in its JSON form, each checked against the FeedEntity class. */
export function jsonFeedItems(text: string, itemsMax: number): BodyItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BodyError('bad_json', `body is not JSON: ${(error as Error).message}`);
  }
  const feed = camelKeys(parsed);
  if (typeof feed !== 'object' || feed === null || !Array.isArray((feed as { entity?: unknown }).entity))
    throw new BodyError('bad_feed', 'a GTFS-Realtime feed in JSON is an object with an entity list (and a header)');
  const { header, entity: entities } = feed as { header?: object | null; entity: unknown[] };
  if (entities.length > itemsMax)
    throw new BodyError('too_many_records', `${entities.length} entities exceed the ${itemsMax} allowed per request`);
  let headerTimestamp: number | undefined;
  if (header !== undefined && header !== null) {
    const problem = rt.FeedHeader.verify(header as Record<string, unknown>);
    if (problem !== null) throw new BodyError('bad_feed', `header: ${problem}`);
    const timestamp = Number((header as { timestamp?: unknown }).timestamp);
    headerTimestamp = Number.isFinite(timestamp) && timestamp > 0 ? timestamp : undefined;
  }
  return entities.map((value): BodyItem => {
    const raw = JSON.stringify(value) ?? '';
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return { ok: false, reason: 'not_an_object', detail: 'an entity must be a JSON object', raw };
    let message: ReturnType<typeof rt.FeedEntity.fromObject>;
    try {
      message = rt.FeedEntity.fromObject(value);
    } catch (error) {
      return { ok: false, reason: 'invalid_entity', detail: (error as Error).message, raw };
    }
    // The classes' check wants enums as numbers; JSON feeds name them, which the conversion above understood.
    const numbered = rt.FeedEntity.toObject(message, { longs: Number, enums: Number });
    const problem = rt.FeedEntity.verify(enumsAsNumbers(value, numbered) as Record<string, unknown>);
    if (problem !== null) return { ok: false, reason: 'invalid_entity', detail: problem, raw };
    const entity = rt.FeedEntity.toObject(message, TO_OBJECT) as Record<string, unknown>;
    const unknown = unknownField(value, entity, 'entity');
    if (unknown !== undefined)
      return { ok: false, reason: 'unknown_field', detail: `${unknown} is not a field of GTFS-Realtime`, raw };
    return { ok: true, value: entityValue(entity, headerTimestamp), raw };
  });
}

function entityValue(entity: Record<string, unknown>, headerTimestamp: number | undefined): GtfsRtEntityValue {
  return headerTimestamp === undefined ? { entity } : { entity, header_timestamp: headerTimestamp };
}

/**
 * The outer framing of a FeedMessage: field 1 (header) and the repeated field 2 (entity) are length-delimited;
 * anything else (extensions) is skipped by its wire type. A frame that runs past the end breaks the whole body.
 */
function splitFeed(bytes: Uint8Array): { header?: Uint8Array; entities: Uint8Array[] } {
  const entities: Uint8Array[] = [];
  let header: Uint8Array | undefined;
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= bytes.length) throw new BodyError('bad_protobuf', 'the feed ends inside a varint');
      const byte = bytes[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new BodyError('bad_protobuf', 'a varint longer than 10 bytes');
  };
  while (pos < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 2) {
      const length = varint();
      if (pos + length > bytes.length)
        throw new BodyError('bad_protobuf', `field ${field} of ${length} bytes runs past the end of the feed`);
      const part = bytes.subarray(pos, pos + length);
      pos += length;
      if (field === 1) header = part;
      else if (field === 2) entities.push(part);
    } else if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else throw new BodyError('bad_protobuf', `wire type ${wireType} at byte ${pos} is not a FeedMessage's`);
  }
  if (pos > bytes.length) throw new BodyError('bad_protobuf', 'the last field runs past the end of the feed');
  if (header === undefined && entities.length === 0 && bytes.length > 0)
    throw new BodyError('bad_protobuf', 'the body holds no FeedMessage header or entity');
  return { header, entities };
}

/** `given` with each enum named by a string replaced by its number, as the class converted it into `numbered`. */
function enumsAsNumbers(given: unknown, numbered: unknown): unknown {
  if (typeof given === 'string' && typeof numbered === 'number' && Number.isFinite(numbered)) return numbered;
  if (Array.isArray(given))
    return given.map((item, i) => enumsAsNumbers(item, Array.isArray(numbered) ? numbered[i] : undefined));
  if (typeof given !== 'object' || given === null) return given;
  const inner = typeof numbered === 'object' && numbered !== null ? (numbered as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(given).map(([key, v]) => [key, enumsAsNumbers(v, inner[key])]));
}

/** snake_case keys (the .proto's names, used by most JSON feeds) as the generated classes' lowerCamelCase. */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
      camelKeys(v),
    ]),
  );
}

/**
 * The first key of `given` the class dropped when building `kept` from it: a field GTFS-Realtime does not define.
 * Values the class converted (an enum's number to its name, a number to a Long) keep their keys.
 */
function unknownField(given: unknown, kept: unknown, path: string): string | undefined {
  if (Array.isArray(given)) {
    const keptList = Array.isArray(kept) ? kept : [];
    for (const [i, item] of given.entries()) {
      const found = unknownField(item, keptList[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof given !== 'object' || given === null) return undefined;
  const keptObject = typeof kept === 'object' && kept !== null ? (kept as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(given)) {
    // An empty list is a list the class does not write back out.
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (!(key in keptObject)) return `${path}.${key}`;
    const found = unknownField(value, keptObject[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
