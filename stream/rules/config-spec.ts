/**
 * The small language rule configurations are declared in: each field has a kind and bounds, and a
 * configuration is checked against it key by key. A problem names the full key, the value and the reason
 * ("rules.fatigue.restMinutesMin value 0 is less than min allowed 1"), and unknown keys are problems too, so a
 * typo is refused instead of silently running with a default.
 */
import { VEHICLE_CLASSES } from '../../schema/index.js';

export type FieldSpec =
  | { kind: 'number'; min: number; max: number; integer?: boolean; description: string }
  | { kind: 'boolean'; description: string }
  | { kind: 'severity'; description: string }
  /** Vehicle class → number; a full configuration must give `other`, the fallback. */
  | { kind: 'class_map'; min: number; max: number; description: string }
  /** Key (matching `key`) → severity. */
  | { kind: 'severity_map'; key: RegExp; keyHint: string; description: string }
  | { kind: 'number_list'; min: number; max: number; integer?: boolean; lengthMax: number; description: string }
  | { kind: 'class_list'; description: string };

export type ConfigSpec = Readonly<Record<string, FieldSpec>>;

export interface ConfigProblem {
  key: string;
  value: unknown;
  reason: string;
  /** A stable name for problems a console explains in words (zone geometry: `ring_self_intersecting` …). */
  code?: string;
}

export const SEVERITIES = ['info', 'warning', 'critical'] as const;

export function describeProblem(p: ConfigProblem): string {
  return `${p.key} value ${short(p.value)} ${p.reason}`;
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNumber(
  value: unknown,
  spec: { min: number; max: number; integer?: boolean },
  key: string,
  problems: ConfigProblem[],
): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push({ key, value, reason: 'is not a finite number' });
    return false;
  }
  if (spec.integer && !Number.isInteger(value)) {
    problems.push({ key, value, reason: 'is not an integer' });
    return false;
  }
  if (value < spec.min) {
    problems.push({ key, value, reason: `is less than min allowed ${spec.min}` });
    return false;
  }
  if (value > spec.max) {
    problems.push({ key, value, reason: `is greater than max allowed ${spec.max}` });
    return false;
  }
  return true;
}

/** Checks one field; returns whether it is valid (problems are appended). */
export function checkField(
  spec: FieldSpec,
  value: unknown,
  key: string,
  problems: ConfigProblem[],
  partial: boolean,
): boolean {
  const before = problems.length;
  switch (spec.kind) {
    case 'number':
      return checkNumber(value, spec, key, problems);
    case 'boolean':
      if (typeof value !== 'boolean') problems.push({ key, value, reason: 'is not true or false' });
      break;
    case 'severity':
      if (!(SEVERITIES as readonly unknown[]).includes(value))
        problems.push({ key, value, reason: `is not a severity (${SEVERITIES.join(', ')})` });
      break;
    case 'class_map':
      if (!isPlainObject(value)) {
        problems.push({ key, value, reason: 'is not an object of vehicle class to number' });
        break;
      }
      for (const [cls, v] of Object.entries(value)) {
        if (!(VEHICLE_CLASSES as readonly string[]).includes(cls))
          problems.push({
            key: `${key}.${cls}`,
            value: cls,
            reason: `is not a vehicle class (${VEHICLE_CLASSES.join(', ')})`,
          });
        else checkNumber(v, spec, `${key}.${cls}`, problems);
      }
      if (!partial && !('other' in value))
        problems.push({
          key: `${key}.other`,
          value: undefined,
          reason: 'is required: it applies to vehicles of unknown class',
        });
      break;
    case 'severity_map':
      if (!isPlainObject(value)) {
        problems.push({ key, value, reason: `is not an object of ${spec.keyHint} to severity` });
        break;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!spec.key.test(k)) problems.push({ key: `${key}.${k}`, value: k, reason: `is not ${spec.keyHint}` });
        else if (!(SEVERITIES as readonly unknown[]).includes(v))
          problems.push({ key: `${key}.${k}`, value: v, reason: `is not a severity (${SEVERITIES.join(', ')})` });
      }
      break;
    case 'number_list':
      if (!Array.isArray(value)) {
        problems.push({ key, value, reason: 'is not a list of numbers' });
        break;
      }
      if (value.length > spec.lengthMax)
        problems.push({ key, value, reason: `has ${value.length} entries, more than max allowed ${spec.lengthMax}` });
      value.forEach((v, i) => checkNumber(v, spec, `${key}[${i}]`, problems));
      break;
    case 'class_list':
      if (!Array.isArray(value)) {
        problems.push({ key, value, reason: 'is not a list of vehicle classes' });
        break;
      }
      value.forEach((v, i) => {
        if (!(VEHICLE_CLASSES as readonly unknown[]).includes(v))
          problems.push({
            key: `${key}[${i}]`,
            value: v,
            reason: `is not a vehicle class (${VEHICLE_CLASSES.join(', ')})`,
          });
      });
      break;
  }
  return problems.length === before;
}

/**
 * Checks an object against a spec. `partial` (per-city overrides) allows missing keys; a full section must
 * give every key. Unknown keys are always problems.
 */
export function checkSection(
  spec: ConfigSpec,
  raw: unknown,
  path: string,
  problems: ConfigProblem[],
  partial: boolean,
): void {
  if (!isPlainObject(raw)) {
    problems.push({ key: path, value: raw, reason: 'is not an object' });
    return;
  }
  for (const [name, value] of Object.entries(raw)) {
    const field = spec[name];
    if (!field)
      problems.push({
        key: `${path}.${name}`,
        value,
        reason: `is not a known key (known: ${Object.keys(spec).join(', ')})`,
      });
    else checkField(field, value, `${path}.${name}`, problems, partial);
  }
  if (!partial) {
    for (const name of Object.keys(spec)) {
      if (!(name in raw)) problems.push({ key: `${path}.${name}`, value: undefined, reason: 'is required' });
    }
  }
}

/** Deep-merges a partial override into a base section: maps merge key by key, everything else replaces. */
export function mergeSection<T extends object>(base: T, override: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }
  return out as T;
}
