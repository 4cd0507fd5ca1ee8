/**
 * Drives the engine from recorded events, without a log: one JSON object per line,
 *   {"topic":"telemetry","partition":0,"at":1764295200000,"value":{…TelemetryRow…}}
 * `topic` is telemetry | camera | devices | drivers | taxi_orders (or the full log topic name), `partition` defaults to 0, and `at`
 * is the processing time the event arrives at (default: its own event time, as if delivered at once). The
 * clock ticks every `tickMs` of that processing time, so absence timers fire as they would live. Replays of
 * the same file give the same alarms, ids included.
 */
import type {
  AlarmRow,
  CameraEvent,
  DeviceStatus,
  DriverEventRow,
  TaxiOrderEventRow,
  TelemetryRow,
} from '../../schema/index.js';
import type { RuleEngine } from './rule-engine.js';

export type EngineEvent =
  | { topic: 'telemetry'; partition?: number; at?: number; value: TelemetryRow }
  | { topic: 'camera'; partition?: number; at?: number; value: CameraEvent }
  | { topic: 'devices'; partition?: number; at?: number; value: DeviceStatus }
  | { topic: 'drivers'; partition?: number; at?: number; value: DriverEventRow }
  | { topic: 'taxi_orders'; partition?: number; at?: number; value: TaxiOrderEventRow };

const TOPIC_ALIASES: Record<string, EngineEvent['topic']> = {
  telemetry: 'telemetry',
  'vigil.telemetry': 'telemetry',
  camera: 'camera',
  'vigil.camera': 'camera',
  devices: 'devices',
  'vigil.devices': 'devices',
  drivers: 'drivers',
  'vigil.drivers': 'drivers',
  taxi_orders: 'taxi_orders',
  'vigil.taxi-orders': 'taxi_orders',
};

/** Parses one line; throws with the line number and reason when it is not an event. */
export function parseEventLine(line: string, lineNumber: number): EngineEvent | undefined {
  if (line.trim() === '') return undefined;
  let raw: { topic?: unknown; partition?: unknown; at?: unknown; value?: unknown };
  try {
    raw = JSON.parse(line) as typeof raw;
  } catch (error) {
    throw new Error(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  const topic = TOPIC_ALIASES[String(raw.topic)];
  if (!topic)
    throw new Error(
      `line ${lineNumber}: topic ${JSON.stringify(raw.topic)} is not telemetry, camera, devices, drivers or taxi_orders`,
    );
  if (typeof raw.value !== 'object' || raw.value === null || typeof (raw.value as { ts?: unknown }).ts !== 'number')
    throw new Error(`line ${lineNumber}: value is not an event with a numeric ts`);
  return {
    topic,
    partition: typeof raw.partition === 'number' ? raw.partition : 0,
    at: typeof raw.at === 'number' ? raw.at : undefined,
    value: raw.value,
  } as EngineEvent;
}

export interface ReplayOptions {
  /** Processing-time interval of the engine's clock ticks. */
  tickMs: number;
  /** Processing time to run the clock to after the last event (to let absence timers fire). */
  untilMs?: number;
}

/** Feeds events in order and returns every alarm version produced. */
export function replayEvents(
  engine: RuleEngine,
  events: Iterable<EngineEvent>,
  options: ReplayOptions = { tickMs: 1_000 },
): AlarmRow[] {
  const alarms: AlarmRow[] = [];
  let nextTick = -Infinity;
  let now = -Infinity;
  const advance = (to: number): void => {
    if (nextTick === -Infinity) nextTick = to + options.tickMs;
    while (to >= nextTick) {
      engine.tick(nextTick);
      nextTick += options.tickMs;
    }
    now = Math.max(now, to);
  };
  for (const event of events) {
    const at = event.at ?? event.value.ts;
    advance(at);
    if (event.topic === 'telemetry') engine.onPosition(event.value, event.partition ?? 0, now);
    else if (event.topic === 'camera') engine.onCamera(event.value, now);
    else if (event.topic === 'drivers') engine.onDriverEvent(event.value, now);
    else if (event.topic === 'taxi_orders') engine.onTaxiOrder(event.value, now);
    else engine.onDevice(event.value, now);
    // Most events raise nothing: drained only when there is something, as draining leaves a new array behind.
    if (engine.drainAlarmsPeek().length > 0) alarms.push(...engine.drainAlarms());
  }
  if (options.untilMs !== undefined) advance(options.untilMs);
  engine.tick(now);
  alarms.push(...engine.drainAlarms());
  return alarms;
}
