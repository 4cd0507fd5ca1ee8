/**
 * The checks the versioned models of `config/` (the assessment's scoring, the credit model) make of a value posted
 * to them: a refusal names the field's path, what is wrong with it (`problem`) and the value and bound, so the
 * console can point at the field.
 */
import { HttpError } from '../http/router.js';

/** What is wrong with a refused field; each model names the ones it can refuse for. */
export type ConfigProblem = 'unknown_indicator' | 'unknown_rule' | 'weights_sum' | 'out_of_bounds' | 'bad_value';

export function configRefusal(path: string, problem: ConfigProblem, detail: string): HttpError {
  return new HttpError(400, 'bad_config', `${path}: ${detail}`, { field: path, problem });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses a key of `value` that is not one of `keys`: a misspelt field would otherwise be dropped unsaid. */
export function onlyKeys(path: string, value: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(value))
    if (!keys.includes(k)) throw configRefusal(`${path}.${k}`, 'bad_value', `unknown key (known: ${keys.join(', ')})`);
}

/** A finite number (with `integer`, a whole one) from `min` to `max`. */
export function numberIn(path: string, v: unknown, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw configRefusal(path, 'bad_value', `value ${JSON.stringify(v)} is not ${integer ? 'an integer' : 'a number'}`);
  if (v < min) throw configRefusal(path, 'out_of_bounds', `value ${v} is less than min allowed ${min}`);
  if (v > max) throw configRefusal(path, 'out_of_bounds', `value ${v} is greater than max allowed ${max}`);
  return v;
}
