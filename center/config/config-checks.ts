/**
 * The checks the configuration documents share: every refusal is `400 bad_config` naming the path, with `problem`
 * telling which check failed (`bad_value` for a wrong type or shape, `out_of_bounds` for a number past its bound;
 * a document adds its own problems, such as `weights_sum`), so a console can point at the field.
 */
import { HttpError } from '../http/router.js';

/** The problems every document can name; a document widens it with its own. */
export type ConfigProblem = 'bad_value' | 'out_of_bounds';

export function refuseConfig<P extends string>(path: string, problem: P | ConfigProblem, detail: string): HttpError {
  return new HttpError(400, 'bad_config', `${path}: ${detail}`, { field: path, problem });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses a key the document does not know, so a misspelt one is not silently ignored. */
export function onlyKnownKeys(path: string, value: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(value))
    if (!keys.includes(k)) throw refuseConfig(`${path}.${k}`, 'bad_value', `unknown key (known: ${keys.join(', ')})`);
}

/** A finite number (an integer when asked) within [min, max], or the refusal naming the value and the bound. */
export function numberIn(path: string, v: unknown, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw refuseConfig(path, 'bad_value', `value ${JSON.stringify(v)} is not ${integer ? 'an integer' : 'a number'}`);
  if (v < min) throw refuseConfig(path, 'out_of_bounds', `value ${v} is less than min allowed ${min}`);
  if (v > max) throw refuseConfig(path, 'out_of_bounds', `value ${v} is greater than max allowed ${max}`);
  return v;
}
