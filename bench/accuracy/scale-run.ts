/**
 * Rule accuracy at fleet scale, in memory: vehicles are simulated and evaluated in groups on worker threads
 * (`shard.ts`), roadside devices in one device engine on the calling thread, and every alarm is scored
 * against every label (`matchAlarms`). Memory holds one group per worker plus the labels, the alarms and
 * the device sightings of the run (three numbers each), never the run's telemetry.
 */
import { startTsWorker } from '../../cli/commands/ts-worker.js';
import {
  MATCH_TOLERANCE_MS_DEFAULT,
  RULE_IDS,
  matchAlarms,
  planTraffic,
  type Label,
  type MatchResult,
  type RuleId,
  type ScoredAlarm,
  type TrafficOptions,
} from '../../fixtures/generator/index.js';
import { runDeviceEngine, runGroup, type GroupResult } from './shard.js';

export interface ScaleRunOptions extends TrafficOptions {
  /** Worker threads; 0 runs every group on the calling thread. */
  workers: number;
  /** Vehicles per group (per engine): bounds a worker's memory to one group's traffic. */
  groupVehicles: number;
  toleranceMs?: number;
  onProgress?: (vehiclesDone: number, vehicles: number) => void;
}

export interface ScaleRunResult {
  match: MatchResult;
  labelsByRule: Record<string, number>;
  labels: Label[];
  alarms: ScoredAlarm[];
  positions: number;
  cameraEvents: number;
  deviceStatuses: number;
  rulesNotInjected: RuleId[];
  elapsedMs: number;
}

export const SCALE_RUN_BOUNDS = { workers: { min: 0, max: 64 }, groupVehicles: { min: 1, max: 5_000 } } as const;

function check(name: keyof typeof SCALE_RUN_BOUNDS, value: number): void {
  const { min, max } = SCALE_RUN_BOUNDS[name];
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} value ${value} is not an integer in [${min}, ${max}]`);
}

async function runOnWorkers(
  options: ScaleRunOptions,
  groups: [number, number][],
  onGroup: (r: GroupResult) => void,
): Promise<void> {
  const traffic: TrafficOptions = {
    vehicles: options.vehicles,
    hours: options.hours,
    seed: options.seed,
    startMs: options.startMs,
  };
  const workers = Array.from({ length: Math.min(options.workers, groups.length) }, () =>
    startTsWorker(new URL('./shard-worker.ts', import.meta.url), { workerData: traffic }),
  );
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= groups.length) return resolve();
              const [from, to] = groups[next++];
              worker.postMessage({ from, to });
            };
            worker.on('message', (m: { ok: true; result: GroupResult } | { ok: false; error: string }) => {
              if (!m.ok) return reject(new Error(`accuracy worker failed: ${m.error}`));
              onGroup(m.result);
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`accuracy worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export async function runAccuracyAtScale(options: ScaleRunOptions): Promise<ScaleRunResult> {
  check('workers', options.workers);
  check('groupVehicles', options.groupVehicles);
  const began = performance.now();
  const plan = planTraffic(options);
  const groups: [number, number][] = [];
  for (let from = 0; from < options.vehicles; from += options.groupVehicles)
    groups.push([from, Math.min(options.vehicles, from + options.groupVehicles)]);
  const labels: Label[] = [...plan.devices.labels];
  const alarms: ScoredAlarm[] = [];
  const sightings: Float64Array[] = [];
  let positions = 0;
  let cameraEvents = 0;
  let done = 0;
  const onGroup = (r: GroupResult): void => {
    labels.push(...r.labels);
    alarms.push(...r.alarms);
    sightings.push(r.sightings);
    positions += r.positions;
    cameraEvents += r.cameraEvents;
    done += r.to - r.from;
    options.onProgress?.(done, options.vehicles);
  };
  if (options.workers === 0) {
    const deviceIndex = new Map(plan.network.devices.map((d, i) => [d.device_id, i]));
    for (const [from, to] of groups) onGroup(runGroup(plan, from, to, deviceIndex));
  } else {
    await runOnWorkers(options, groups, onGroup);
  }
  alarms.push(...runDeviceEngine(plan, sightings));
  const labelsByRule: Record<string, number> = {};
  for (const l of labels) labelsByRule[l.rule] = (labelsByRule[l.rule] ?? 0) + 1;
  return {
    match: matchAlarms(alarms, labels, options.toleranceMs ?? MATCH_TOLERANCE_MS_DEFAULT),
    labelsByRule,
    labels,
    alarms,
    positions,
    cameraEvents,
    deviceStatuses: plan.devices.statuses.length,
    rulesNotInjected: RULE_IDS.filter((r) => !plan.feasible.includes(r)),
    elapsedMs: performance.now() - began,
  };
}
