/**
 * Rule accuracy on generated traffic without wire bytes or files: a group of vehicles is simulated in memory
 * (`simulateVehicle` without an encoder), each message normalized exactly as the JT/T 808 gateway does after
 * decoding (`toJt808` gives the decoded body, `telemetryFromLocation` the row), and the group's positions and
 * roadside records are fed in arrival order to a fresh `RuleEngine` holding only that group's vehicles.
 *
 * Vehicles are independent subjects of the engine (keyed state per vehicle and plate), so a group's engine
 * finds what one engine over the whole fleet would, the way Kafka partitions by vehicle spread a fleet over
 * nodes. Roadside devices are the exception: a device is seen by vehicles of every group, so `device_offline`
 * is off in the group engines and runs in one device engine fed all status reports and sightings
 * (`runDeviceEngine`).
 */
import type {
  AlarmRow,
  CameraEvent,
  DeviceStatus,
  DriverEventRow,
  DriverRecord,
  TelemetryRow,
  VehicleRecord,
} from '../../schema/index.js';
import {
  ALL_RULES,
  RuleEngine,
  circleOutline,
  compileRulesConfig,
  defaultRulesConfig,
  replayEvents,
} from '../../stream/index.js';
import type { EngineEvent, RulesConfig } from '../../stream/index.js';
import { telemetryFromLocation } from '../../ingest/jt808/gateway/normalize.js';
import { driverEventFromCard } from '../../ingest/jt808/gateway/driver-cards.js';
import { toJt808 } from '../../cli/commands/wire-codec.js';
import {
  latestVersions,
  simulateVehicle,
  type Label,
  type ScoredAlarm,
  type SentMessage,
  type TrafficPlan,
  type VehicleTraffic,
  type WireVersion,
} from '../../fixtures/generator/index.js';
import type { LocationBody } from '../../ingest/index.js';
import { flowEngineEvents, permitKey, type PermitBook } from './flow-events.js';

/**
 * The configuration the accuracy runs use: the defaults plus the traffic's restricted zones (circles) and the
 * zones of the zone-based rules (route corridors with their assigned plates, no-parking spots, watched areas).
 */
export function accuracyConfig(plan: TrafficPlan, deviceOffline: boolean): RulesConfig {
  const config = defaultRulesConfig(ALL_RULES);
  for (const z of plan.network.zones)
    config.zones.push({
      id: z.zone_id,
      name: z.name,
      kind: 'restricted',
      polygon: circleOutline(z.lon, z.lat, z.radius_m),
    });
  for (const z of plan.ruleZoneConfigs) config.zones.push(structuredClone(z));
  if (!deviceOffline) config.rules.device_offline = { ...config.rules.device_offline, enabled: false };
  return config;
}

/** The telemetry rows the gateway would store for a vehicle's messages, each with its arrival time. */
export function telemetryOf(t: VehicleTraffic): { at: number; row: TelemetryRow }[] {
  const rows = new PositionRows(t);
  const out: { at: number; row: TelemetryRow }[] = [];
  while (rows.at !== Infinity) {
    const at = rows.at;
    out.push({ at, row: rows.take() });
  }
  return out;
}

/**
 * A vehicle's telemetry rows made one at a time, as the engine takes them (`telemetryOf` drains it whole): a
 * group's rows then live only from their turn to the next collection instead of from the group's simulation to
 * the end of its evaluation, and each message is let go once its rows are made. Messages are in send order, so
 * the rows come in arrival order (`at`), those of one 0x0704 batch one after the other.
 */
export class PositionRows {
  /** Arrival time of the next row; Infinity once every row was taken. */
  at = Infinity;
  private readonly messages: (SentMessage | undefined)[];
  private readonly phone: string;
  private readonly plate: string;
  private readonly version: WireVersion;
  private message = -1;
  /** The decoded 0x0704 batch whose items are being taken, and the next item. */
  private batch: { type: number; items: LocationBody[] } | undefined;
  private item = 0;

  constructor(t: VehicleTraffic) {
    // A copy: its entries are let go as they are done with, and the caller's traffic stays whole.
    this.messages = t.messages.slice();
    ({ phone: this.phone, plate: this.plate, version: this.version } = t.vehicle.terminal);
    for (let i = 1; i < this.messages.length; i++)
      if (this.messages[i]!.sendMs < this.messages[i - 1]!.sendMs)
        throw new Error(`vehicle ${this.plate}: message ${i} sent before the one before it`);
    this.advance();
  }

  /** The next row; its arrival time is `at` as it was before the call. */
  take(): TelemetryRow {
    const sent = this.messages[this.message]!;
    let row: TelemetryRow;
    if (this.batch === undefined) {
      const decoded = toJt808(sent.message, this.version);
      row = telemetryFromLocation(this.phone, this.plate, decoded.body as LocationBody, sent.sendMs, false);
    } else {
      const batch = this.batch;
      row = telemetryFromLocation(this.phone, this.plate, batch.items[this.item++]!, sent.sendMs, batch.type === 1);
      if (this.item < batch.items.length) return row;
    }
    this.advance();
    return row;
  }

  /** Moves to the next message that carries positions (dropping the one done with) and sets `at`. */
  private advance(): void {
    if (this.message >= 0) this.messages[this.message] = undefined;
    this.batch = undefined;
    this.item = 0;
    for (;;) {
      const sent = this.messages[++this.message];
      if (sent === undefined) {
        this.at = Infinity;
        return;
      }
      if (sent.message.msgId === 0x0200 || (sent.message.msgId === 0x0704 && sent.message.body.items.length > 0)) {
        if (sent.message.msgId === 0x0704) {
          const decoded = toJt808(sent.message, this.version);
          if (decoded.msgId === 0x0704) this.batch = decoded.body;
        }
        this.at = sent.sendMs;
        return;
      }
    }
  }
}

/** The driver card rows the gateway would store for a vehicle's 0x0702 reports, with their arrival times. */
export function driverEventsOf(t: VehicleTraffic): { at: number; row: DriverEventRow }[] {
  const { phone, plate, version } = t.vehicle.terminal;
  const out: { at: number; row: DriverEventRow }[] = [];
  for (const { sendMs, message } of t.messages) {
    if (message.msgId !== 0x0702) continue;
    const decoded = toJt808(message, version);
    if (decoded.msgId === 0x0702)
      out.push({ at: sendMs, row: driverEventFromCard(phone, plate, decoded.body, sendMs, '') });
  }
  return out;
}

function scored(a: AlarmRow): ScoredAlarm {
  return {
    alarm_id: a.alarm_id,
    version: a.version,
    rule: a.rule,
    terminal_id: a.terminal_id,
    plate: a.plate,
    details: a.details,
    started_at: a.started_at,
    ended_at: a.ended_at,
  };
}

export interface GroupResult {
  from: number;
  to: number;
  labels: Label[];
  alarms: ScoredAlarm[];
  /** Roadside sightings for the device engine: [device index, ts, received_at] triples. */
  sightings: Float64Array;
  positions: number;
  cameraEvents: number;
}

/** Simulates vehicles [from, to) and runs every rule but `device_offline` over their traffic. */
export function runGroup(
  plan: TrafficPlan,
  from: number,
  to: number,
  deviceIndex: ReadonlyMap<string, number>,
): GroupResult {
  const byTerminal = new Map<string, VehicleRecord>();
  const byPlate = new Map<string, VehicleRecord>();
  const drivers = new Map<string, DriverRecord>();
  const streams: ArrivalStream[] = [];
  const rowStreams: RowStream[] = [];
  let cameraEvents = 0;
  const labels: Label[] = [];
  const sightings: number[] = [];
  const permits: PermitBook = new Map();
  const size = to - from;
  for (let i = from; i < to; i++) {
    const t = simulateVehicle(plan, i, undefined);
    const { type: _type, ...record } = t.registry as VehicleRecord & { type: 'vehicle' };
    byTerminal.set(record.terminal_id, record);
    byPlate.set(record.plate, record);
    for (const d of [t.driver, t.coDriver]) {
      if (d?.type !== 'driver') continue;
      const { type: _driverType, ...driver } = d;
      drivers.set(driver.id, driver);
    }
    // Ranks give equal arrival times the order of one stable sort over every telemetry event of the group
    // (vehicle by vehicle: its positions, then its driver cards) followed by every roadside record: telemetry
    // before camera, as the file-based run has it.
    const k = i - from;
    const rows = new RowStream(new PositionRows(t), 2 * k);
    rowStreams.push(rows);
    streams.push(rows);
    // Driver cards ride with the telemetry: the same terminal sends them, in order, on the same connection.
    streams.push(
      new ListStream(
        driverEventsOf(t).map(({ at, row }): EngineEvent => ({ topic: 'drivers', at, value: row })),
        2 * k + 1,
      ),
    );
    const camera: EngineEvent[] = [];
    for (const { record: r } of t.http) {
      const c = r as CameraEvent;
      camera.push({ topic: 'camera', at: c.received_at, value: c });
      const d = deviceIndex.get(c.device_id);
      if (d !== undefined) sightings.push(d, c.ts, c.received_at);
    }
    // Toll transactions reach the rules as sightings, taxi orders as orders judged against the permits.
    for (const { kind, record } of t.flows) camera.push(...flowEngineEvents(kind, record, permits));
    for (const e of camera) if (e.topic === 'camera') cameraEvents++;
    streams.push(new ListStream(camera, 2 * size + k));
    labels.push(...t.labels);
  }
  // Arrival order as a platform sees it: positions by send time, roadside records by receipt.
  const events = new GroupArrivals(streams, plan.window.startMs);
  const engine = new RuleEngine(ALL_RULES, compileRulesConfig(accuracyConfig(plan, false), 1, ALL_RULES), {
    registry: {
      byTerminal: (id) => byTerminal.get(id),
      byPlate: (p) => byPlate.get(p),
      byDriver: (certificate) => drivers.get(certificate),
      taxiPermit: (type, subject) => permits.get(permitKey(type, subject)),
    },
    now: () => events.now,
  });
  const versions = replayEvents(engine, events, { tickMs: 1_000, untilMs: plan.window.endMs });
  let positions = 0;
  for (const r of rowStreams) positions += r.taken;
  return {
    from,
    to,
    labels,
    alarms: latestVersions(versions).map(scored),
    sightings: Float64Array.from(sightings),
    positions,
    cameraEvents,
  };
}

/** One of a group's ordered event sources: the arrival time of its next event (Infinity when done), and its rank. */
interface ArrivalStream {
  readonly at: number;
  /** Breaks ties of `at` between streams. */
  readonly rank: number;
  take(): EngineEvent;
}

/** A vehicle's positions, made as they are taken. */
class RowStream implements ArrivalStream {
  taken = 0;

  constructor(
    private readonly rows: PositionRows,
    readonly rank: number,
  ) {}

  get at(): number {
    return this.rows.at;
  }

  take(): EngineEvent {
    const at = this.rows.at;
    this.taken++;
    return { topic: 'telemetry', partition: 0, at, value: this.rows.take() };
  }
}

/** Events held in a list, put in arrival order (a stable sort: equal times keep the list's order). */
class ListStream implements ArrivalStream {
  at: number;
  private next = 0;

  constructor(
    private readonly events: EngineEvent[],
    readonly rank: number,
  ) {
    events.sort((a, b) => a.at! - b.at!);
    this.at = events.length > 0 ? events[0]!.at! : Infinity;
  }

  take(): EngineEvent {
    const e = this.events[this.next++]!;
    this.at = this.next < this.events.length ? this.events[this.next]!.at! : Infinity;
    return e;
  }
}

/**
 * A group's events in arrival order, merged from its streams by a binary heap on (arrival time, rank): the order
 * of one stable sort of all the group's events by arrival, without holding them all. Each event moves `now` to its
 * arrival as it is handed to the engine (the engine's clock, `deps.now`).
 */
class GroupArrivals implements IterableIterator<EngineEvent> {
  now: number;
  private readonly heap: ArrivalStream[];

  constructor(streams: readonly ArrivalStream[], startMs: number) {
    this.heap = streams.filter((s) => s.at !== Infinity);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
    this.now = this.heap.length > 0 ? this.heap[0]!.at : startMs;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<EngineEvent> {
    const heap = this.heap;
    if (heap.length === 0) return { done: true, value: undefined };
    const first = heap[0]!;
    const e = first.take();
    if (first.at === Infinity) {
      const last = heap.pop()!;
      if (heap.length > 0) heap[0] = last;
    }
    if (heap.length > 1) this.down(0);
    this.now = Math.max(this.now, e.at!);
    return { done: false, value: e };
  }

  private static before(a: ArrivalStream, b: ArrivalStream): boolean {
    return a.at < b.at || (a.at === b.at && a.rank < b.rank);
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && GroupArrivals.before(heap[child + 1]!, heap[child]!)) child++;
      if (!GroupArrivals.before(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}

/** `device_offline` over every status report and every sighting of the run, in arrival order. */
export function runDeviceEngine(plan: TrafficPlan, sightings: readonly Float64Array[]): ScoredAlarm[] {
  const devices = plan.network.devices;
  const events: EngineEvent[] = plan.devices.statuses.map((s: DeviceStatus) => ({
    topic: 'devices',
    at: s.received_at,
    value: s,
  }));
  let serial = 0;
  for (const part of sightings) {
    for (let k = 0; k < part.length; k += 3) {
      const d = devices[part[k]];
      // A sighting tells the device is alive; its plate belongs to the vehicle engines, so it is left out here.
      const value: CameraEvent = {
        // Unique, as a source's ids are: the engine skips an id it already evaluated.
        event_id: `sighting-${d.device_id}-${part[k + 1]}-${serial++}`,
        kind: d.device_kind === 'camera' ? 'anpr' : d.device_kind,
        device_id: d.device_id,
        plate: '',
        plate_color: 0,
        ts: part[k + 1],
        received_at: part[k + 2],
        lat: d.lat,
        lon: d.lon,
        org_code: d.org_code,
        lane: 1,
        direction: 'inbound',
        confidence: 0,
        image_ref: '',
        axles: 0,
        gross_kg: 0,
        axle_weights_kg: [],
        speed_kmh: 0,
        obu_id: '',
        source: 'vigil-generate',
      };
      events.push({ topic: 'camera', at: value.received_at, value });
    }
  }
  const arrivals = new Arrivals(
    events.sort((a, b) => a.at! - b.at!),
    plan.window.startMs,
  );
  const engine = new RuleEngine(ALL_RULES, compileRulesConfig(accuracyConfig(plan, true), 1, ALL_RULES), {
    registry: { byTerminal: () => undefined, byPlate: () => undefined },
    now: () => arrivals.now,
  });
  return latestVersions(replayEvents(engine, arrivals, { tickMs: 1_000, untilMs: plan.window.endMs })).map(scored);
}

/**
 * Events in arrival order, with the processing time they set: each event moves `now` to its arrival as it is
 * handed to the engine (the engine's clock, `deps.now`). An iterator object rather than a generator: it is
 * stepped once per event, millions of times a run.
 */
class Arrivals implements IterableIterator<EngineEvent> {
  now: number;
  private handed = 0;

  constructor(
    private readonly events: readonly EngineEvent[],
    startMs: number,
  ) {
    this.now = events.length > 0 ? events[0].at! : startMs;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<EngineEvent> {
    if (this.handed >= this.events.length) return { done: true, value: undefined };
    const e = this.events[this.handed++];
    this.now = Math.max(this.now, e.at!);
    return { done: false, value: e };
  }
}
