/** Pieces of configuration and helpers several rules share. */
import type { FieldSpec } from './config-spec.js';
import type { TelemetryRow } from '../../schema/index.js';

export const ENABLED_FIELD: FieldSpec = { kind: 'boolean', description: 'whether the rule runs' };

/** JT/T 808 status bit 1: the fix is positioned; an unpositioned fix carries no usable coordinates. */
export const STATUS_POSITIONED = 1 << 1;

export function isPositioned(position: TelemetryRow): boolean {
  return (position.status_bits & STATUS_POSITIONED) !== 0 && !(position.lat === 0 && position.lon === 0);
}

export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function minutes(ms: number): number {
  return roundTo(ms / 60_000, 1);
}
