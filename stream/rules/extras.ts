/**
 * The additional items of a fix (the gateway's decoded `LocationExtras`, stored as JSON in `extras`), parsed
 * once per position however many rules read them: rules run one after another on the same row, so the last
 * row parsed and its result are all the cache needs.
 */
import type { TelemetryRow } from '../../schema/index.js';

let parsedRow: TelemetryRow | undefined;
let parsedExtras: Record<string, unknown> | undefined;

/** The parsed extras of `position`, undefined when it has none or they are not a JSON object. */
export function extrasOf(position: TelemetryRow): Record<string, unknown> | undefined {
  if (parsedRow !== position) {
    parsedRow = position;
    parsedExtras = undefined;
    if (position.extras.length > 0) {
      try {
        const value: unknown = JSON.parse(position.extras);
        if (typeof value === 'object' && value !== null) parsedExtras = value as Record<string, unknown>;
      } catch {
        parsedExtras = undefined;
      }
    }
  }
  return parsedExtras;
}

/** `"key"` by item key: several rules ask for every position, and a needle built per call is garbage per call. */
const quotedKeys = new Map<string, string>();

/** Whether the extras JSON of `position` may hold item `key`, without parsing it (a cheap first test). */
export function mayHaveItem(position: TelemetryRow, key: string): boolean {
  if (position.extras.length === 0) return false;
  let needle = quotedKeys.get(key);
  if (needle === undefined) quotedKeys.set(key, (needle = `"${key}"`));
  return position.extras.includes(needle);
}

/** Item `key` of the extras when it is an object, else undefined. */
export function objectItem(position: TelemetryRow, key: string): Record<string, unknown> | undefined {
  if (!mayHaveItem(position, key)) return undefined;
  const value = extrasOf(position)?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Item `key` of the extras when it is a finite number, else undefined. */
export function numberItem(position: TelemetryRow, key: string): number | undefined {
  if (!mayHaveItem(position, key)) return undefined;
  const value = extrasOf(position)?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The 1-based numbers of the set bits of `bits` among the lowest `width`: channel or unit numbers. */
export function setBits(bits: number, width: number, first = 0): number[] {
  const out: number[] = [];
  for (let i = first; i < first + width; i++) if ((bits >>> i) & 1) out.push(i - first + 1);
  return out;
}
