/**
 * What a rule is: a pure function of its per-vehicle state and one event, telling whether the vehicle is in
 * violation and since when. Episodes, ids, versions and output belong to the engine, so every rule gets the
 * same open → update → close lifecycle for free.
 */
import type { TelemetryRow } from '../../schema/index.js';

export type Severity = 'info' | 'warning' | 'critical';

export interface VehicleFacts {
  terminalId: string;
  plate: string;
  /** coach, dangerous_goods, heavy_truck, tractor, bus, taxi, other */
  vehicleClass: string;
  /** Home county of the vehicle from the registry, when known. */
  homeOrgCode?: string;
}

export interface Violation {
  /** Event time the violation began: the episode's start, part of its id. */
  since: number;
  severity: Severity;
  /** Readings and thresholds that justify the alarm, stored with it. */
  evidence: Record<string, unknown>;
}

export interface RuleStep<S> {
  state: S | undefined;
  violation: Violation | null;
}

export interface PositionRule<S, C> {
  readonly id: string;
  readonly version: number;
  readonly defaults: C;
  evaluate(state: S | undefined, position: TelemetryRow, vehicle: VehicleFacts, config: C): RuleStep<S>;
}
