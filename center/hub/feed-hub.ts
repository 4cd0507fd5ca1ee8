/**
 * The live feed: a WebSocket endpoint that gives each wall or console a snapshot, then deltas. Positions are
 * coalesced per vehicle and sent at most once per tick; a client that cannot keep up is skipped while its
 * buffer is full and then gets the latest fix of every vehicle that moved meanwhile, never a growing queue.
 * Alarms and command-centre changes are never dropped and alarms carry a sequence number so a reconnecting
 * client resumes without gaps or duplicates. Everything is scoped to the client's org unit. The protocol is
 * described in docs/feed-protocol.md.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  type AlarmRow,
  type FeedClientMessage,
  type FeedServerMessage,
  type FeedVehicle,
  type Logger,
  type Metrics,
  type TelemetryRow,
} from '../../schema/index.js';
import { TOPICS, type EventLog } from '../../stream/index.js';
import type { Principal, SessionRevocation } from '../auth/accounts.js';
import { agreedProtocol, buildPositionsSend, FEED_SOCKET_SERVER_OPTIONS } from './feed-wire.js';
import { TodayCounts, shanghaiDayStart, type TodayEpisode } from './today-counts.js';

/** The hub's consumer groups: each centre node of a cluster reads them under a name of its own. */
export const FEED_HUB_GROUPS = { positions: 'feed-positions', alarms: 'feed-alarms' } as const;

export interface FeedHubOptions {
  tickMs: number;
  heartbeatMs: number;
  /** Alarm messages kept for resumption. */
  alarmHistoryMax: number;
  /** Closed alarms kept in the snapshot, newest first. */
  recentClosedAlarmsMax: number;
  /** Vehicles tracked at most; the least recently heard are forgotten beyond it. */
  vehiclesMax: number;
  /** Bytes buffered towards one client above which position ticks are held back for it (and coalesced). */
  clientBufferedBytesSoftMax: number;
  /** Bytes buffered towards one client above which it is disconnected (it will reconnect and resume). */
  clientBufferedBytesHardMax: number;
  clientsMax: number;
  /** Alarm episodes counted per Shanghai day for the panels' daily totals. */
  todayEpisodesMax: number;
  /** Closed episodes whose latest version is remembered, so one sent again (a replay) is not shown again. */
  closedVersionsMax: number;
}

export const FEED_HUB_DEFAULTS: FeedHubOptions = {
  tickMs: 1_000,
  heartbeatMs: 5_000,
  alarmHistoryMax: 10_000,
  recentClosedAlarmsMax: 200,
  vehiclesMax: 600_000,
  clientBufferedBytesSoftMax: 1 << 20,
  clientBufferedBytesHardMax: 64 << 20,
  clientsMax: 1_000,
  todayEpisodesMax: 1_000_000,
  closedVersionsMax: 100_000,
};

export interface FeedHubDeps {
  log: EventLog;
  logger: Logger;
  metrics: Metrics;
  authenticate(token: string | undefined): Promise<Principal>;
  /** Whether a unit's scope covers a division code (province ⊃ city ⊃ county). */
  covers(scopeOrgCode: string, orgCode: string): boolean;
  /** The county a vehicle is in (`countyAt`), for scoping positions. */
  vehicleOrgCode(vehicle: FeedVehicle): string;
  vehicleClassOf(terminalId: string): string;
  /** The enterprise a vehicle belongs to in the registry, for scoping enterprise accounts to their own fleet. */
  enterpriseOf(terminalId: string, plate: string): string | undefined;
  /** Episodes that started at or after `dayStartMs`, read from ClickHouse when the hub starts. */
  todayAlarms?(dayStartMs: number): Promise<TodayEpisode[]>;
  /**
   * The latest stored version of recent episodes, oldest update first, read from ClickHouse when the hub starts:
   * open alarms survive a restart, and a version the feed showed before it is not shown again.
   */
  recentAlarms?(): Promise<AlarmRow[]>;
}

/** A tracked vehicle: its latest fix, its slot in the vehicle table and the tick it last changed in. */
interface VehicleRecord extends FeedVehicle {
  index: number;
  orgCode: string;
  changedTick: number;
}

interface Client {
  socket: WebSocket;
  principal: Principal;
  /** Positions as binary frames (protocol 2) rather than JSON. */
  binary: boolean;
  /** No positions at all (`positions=none`): a console that only follows alarms and work orders. */
  noPositions: boolean;
  /** Protocol agreed with the client: 3 sends vehicle tables as binary frames, 2 as JSON. */
  protocol: number;
  /** Per table index, 1 + the generation of the vehicle announced to this client in that slot (0 = none). */
  announced: Uint32Array;
  /** Every position change up to this tick has been sent. */
  syncedTick: number;
  /** A tick was held back for a full buffer; the next send covers everything changed since `syncedTick`. */
  behind: boolean;
}

const TABLE_CAPACITY_INITIAL = 1_024;

export class FeedHub {
  readonly serverId = randomUUID();
  private readonly wss = new WebSocketServer(FEED_SOCKET_SERVER_OPTIONS);
  private readonly clients = new Set<Client>();
  private readonly vehicles = new Map<string, VehicleRecord>();
  /** Vehicle table: slot → vehicle; a slot freed by eviction is reused with the next generation. */
  private readonly slots: (VehicleRecord | undefined)[] = [];
  private readonly slotGeneration: number[] = [];
  private readonly freeSlots: number[] = [];
  private changed: VehicleRecord[] = [];
  /** The tick now collecting changes; `tick()` sends it and opens the next. */
  private tickNo = 1;
  private readonly openAlarms = new Map<string, AlarmRow>();
  /** terminal → number of its open alarms, so marking a vehicle as alarming costs O(1) per position. */
  private readonly openAlarmsByTerminal = new Map<string, number>();
  private readonly recentClosed: AlarmRow[] = [];
  /** alarm_id → latest version of closed episodes, oldest first, at most `closedVersionsMax`. */
  private readonly closedVersions = new Map<string, number>();
  private readonly alarmHistory: { seq: number; alarm: AlarmRow; counted: boolean }[] = [];
  private readonly today: TodayCounts;
  private seeded: Promise<void> = Promise.resolve();
  private alarmSeq = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly deps: FeedHubDeps,
    private readonly options: FeedHubOptions = FEED_HUB_DEFAULTS,
  ) {
    this.today = new TodayCounts(Date.now(), options.todayEpisodesMax);
    deps.metrics.onCollect(() => {
      deps.metrics.gauge('vigil_feed_clients', 'Connected feed clients').set(undefined, this.clients.size);
      deps.metrics.gauge('vigil_feed_vehicles', 'Vehicles tracked by the feed').set(undefined, this.vehicles.size);
      deps.metrics.gauge('vigil_feed_open_alarms', 'Open alarm episodes').set(undefined, this.openAlarms.size);
      deps.metrics
        .gauge('vigil_feed_today_episodes', "Today's alarm episodes counted by the feed")
        .set(undefined, this.today.size);
      deps.metrics
        .gauge('vigil_feed_today_overflow', "Today's alarm episodes beyond todayEpisodesMax, not counted")
        .set(undefined, this.today.overflow);
    });
  }

  /** Vehicles tracked now. */
  get vehicleCount(): number {
    return this.vehicles.size;
  }

  start(): void {
    this.running = true;
    this.seeded = this.seedToday().then(() => this.seedAlarms());
    this.loops.push(this.consumePositions(), this.consumeAlarms());
    this.timers.push(setInterval(() => this.tick(), this.options.tickMs));
    this.timers.push(
      setInterval(
        () => this.broadcast({ type: 'heartbeat', server_time: Date.now(), alarm_seq: this.alarmSeq }),
        this.options.heartbeatMs,
      ),
    );
  }

  /** Today's episodes already in ClickHouse, so daily totals survive a restart; a failure leaves them partial and is logged. */
  private async seedToday(): Promise<void> {
    if (this.deps.todayAlarms === undefined) return;
    const now = Date.now();
    try {
      for (const episode of await this.deps.todayAlarms(shanghaiDayStart(now))) this.today.add(episode, now);
    } catch (error) {
      this.deps.logger.warn("today's alarm counts could not be read from ClickHouse; panels count from now on", {
        error: String(error),
      });
    }
  }

  /** The stored state of recent episodes, so a restart neither forgets open alarms nor shows a stored version again. */
  private async seedAlarms(): Promise<void> {
    if (this.deps.recentAlarms === undefined) return;
    try {
      for (const alarm of await this.deps.recentAlarms()) this.keepAlarm(alarm);
    } catch (error) {
      this.deps.logger.warn('recent alarms could not be read from ClickHouse; the feed starts without them', {
        error: String(error),
      });
    }
  }

  private async consumePositions(): Promise<void> {
    const consumer = this.deps.log.consumer<TelemetryRow>(FEED_HUB_GROUPS.positions, TOPICS.telemetry);
    while (this.running) {
      const records = await consumer.poll(10_000, 200);
      for (const { value: p } of records) this.acceptPosition(p);
      this.evictVehicles();
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }

  private acceptPosition(p: TelemetryRow): void {
    const known = this.vehicles.get(p.terminal_id);
    // Back-filled and out-of-order fixes must not move a vehicle back in time on the wall.
    if (known && known.ts > p.ts) return;
    const record: VehicleRecord = known ?? {
      terminal_id: p.terminal_id,
      plate: p.plate,
      lat: p.lat,
      lon: p.lon,
      speed_kmh: 0,
      direction_deg: 0,
      ts: p.ts,
      vehicle_class: this.deps.vehicleClassOf(p.terminal_id),
      alarming: this.isAlarming(p.terminal_id),
      index: this.allocateSlot(),
      orgCode: '',
      changedTick: 0,
    };
    if (known) this.vehicles.delete(p.terminal_id);
    record.plate = p.plate;
    record.lat = p.lat;
    record.lon = p.lon;
    record.speed_kmh = p.speed_kmh;
    record.direction_deg = p.direction_deg;
    record.ts = p.ts;
    // The county is looked up once per fix here, not once per client per tick.
    record.orgCode = this.deps.vehicleOrgCode(record);
    this.slots[record.index] = record;
    this.vehicles.set(p.terminal_id, record);
    this.markChanged(record);
  }

  private markChanged(record: VehicleRecord): void {
    if (record.changedTick === this.tickNo) return;
    record.changedTick = this.tickNo;
    this.changed.push(record);
  }

  private allocateSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    this.slotGeneration.push(0);
    return this.slots.push(undefined) - 1;
  }

  private evictVehicles(): void {
    // Map iteration order is insertion order and a heard vehicle is re-inserted, so the first are the stalest.
    for (const [terminalId, record] of this.vehicles) {
      if (this.vehicles.size <= this.options.vehiclesMax) break;
      this.vehicles.delete(terminalId);
      this.slots[record.index] = undefined;
      this.slotGeneration[record.index] += 1;
      this.freeSlots.push(record.index);
    }
  }

  private isAlarming(terminalId: string): boolean {
    return (this.openAlarmsByTerminal.get(terminalId) ?? 0) > 0;
  }

  private countOpen(terminalId: string, delta: number): void {
    const count = (this.openAlarmsByTerminal.get(terminalId) ?? 0) + delta;
    if (count > 0) this.openAlarmsByTerminal.set(terminalId, count);
    else this.openAlarmsByTerminal.delete(terminalId);
  }

  private async consumeAlarms(): Promise<void> {
    // Joined at once, so nothing the rules send meanwhile is trimmed before the hub reads it; taken only once
    // ClickHouse's view is in, so an episode both there and in the log counts and shows once.
    const consumer = this.deps.log.consumer<AlarmRow>(FEED_HUB_GROUPS.alarms, TOPICS.alarms);
    await this.seeded;
    while (this.running) {
      const records = await consumer.poll(1_000, 200);
      for (const { value: alarm } of records) this.acceptAlarm(alarm);
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }

  /** Takes a new version of an alarm episode, keeps the state and sends it to every client in scope. */
  acceptAlarm(alarm: AlarmRow): void {
    if (!this.keepAlarm(alarm)) return;
    const vehicle = this.vehicles.get(alarm.terminal_id);
    if (vehicle) {
      vehicle.alarming = this.isAlarming(alarm.terminal_id);
      this.markChanged(vehicle);
    }
    const counted = this.today.add(alarm, Date.now());
    const seq = ++this.alarmSeq;
    this.alarmHistory.push({ seq, alarm, counted });
    if (this.alarmHistory.length > this.options.alarmHistoryMax)
      this.alarmHistory.splice(0, this.alarmHistory.length - this.options.alarmHistoryMax);
    for (const client of this.clients) {
      if (this.seesAlarm(client.principal, alarm))
        this.sendTo(client, { type: 'alarm', alarm_seq: seq, alarm, counted }, true);
    }
  }

  /** Keeps a version newer than the one known (open or closed); false when it is not newer. */
  private keepAlarm(alarm: AlarmRow): boolean {
    const previous = this.openAlarms.get(alarm.alarm_id);
    const known = previous?.version ?? this.closedVersions.get(alarm.alarm_id);
    if (known !== undefined && known >= alarm.version) return false;
    if (alarm.ended_at === null) {
      if (!previous) this.countOpen(alarm.terminal_id, 1);
      this.openAlarms.set(alarm.alarm_id, alarm);
      return true;
    }
    if (previous) this.countOpen(alarm.terminal_id, -1);
    this.openAlarms.delete(alarm.alarm_id);
    this.recentClosed.unshift(alarm);
    this.recentClosed.length = Math.min(this.recentClosed.length, this.options.recentClosedAlarmsMax);
    this.closedVersions.delete(alarm.alarm_id);
    this.closedVersions.set(alarm.alarm_id, alarm.version);
    if (this.closedVersions.size > this.options.closedVersionsMax) {
      const oldest = this.closedVersions.keys().next().value;
      if (oldest !== undefined) this.closedVersions.delete(oldest);
    }
    return true;
  }

  /** Pushes a command-centre change (alarm handling, work orders) to every client whose scope admits it. */
  publishScoped(message: FeedServerMessage, visibleTo: (principal: Principal) => boolean): void {
    for (const client of this.clients) if (visibleTo(client.principal)) this.sendTo(client, message, true);
  }

  /**
   * Closes the WebSockets of revoked sessions at once (the accounts service announces every revocation), with
   * an `unauthorized` error and close code 4401 that the wall shows.
   */
  closeRevoked(revocation: SessionRevocation): void {
    const sessions = new Set(revocation.sessionIds ?? []);
    for (const client of this.clients) {
      const p = client.principal;
      if (p.userId === revocation.userId || (p.sessionId !== undefined && sessions.has(p.sessionId)))
        this.closeUnauthorized(client, 'unauthorized', 'the session was revoked');
    }
  }

  private closeUnauthorized(client: Client, reason: 'unauthorized' | 'token_expired', detail: string): void {
    this.clients.delete(client);
    this.deps.metrics
      .counter('vigil_feed_sessions_closed_total', 'Feed connections closed because their session ended', ['reason'])
      .inc({ reason });
    client.socket.send(JSON.stringify({ type: 'error', reason, detail } satisfies FeedServerMessage));
    client.socket.close(4401, reason);
  }

  private tick(): void {
    const closing = this.tickNo;
    this.tickNo += 1;
    const changed = this.changed;
    this.changed = [];
    const now = Date.now();
    // An expired session's socket is closed within one tick of its expiry; revoked ones are closed when announced.
    for (const client of this.clients)
      if (client.principal.expiresAt !== undefined && client.principal.expiresAt <= now)
        this.closeUnauthorized(client, 'token_expired', 'the session expired');
    for (const client of this.clients) {
      if (client.socket.bufferedAmount > this.options.clientBufferedBytesSoftMax) {
        // Held back, not dropped: the next send gives this client the latest fix of everything that moved meanwhile.
        if (changed.length > 0 || client.behind)
          this.deps.metrics
            .counter(
              'vigil_feed_position_ticks_coalesced_total',
              'Position ticks held back for slow clients and coalesced into a later one',
            )
            .inc();
        client.behind = client.behind || changed.length > 0;
        continue;
      }
      if (client.noPositions) continue;
      const vehicles = client.behind ? this.changedSince(client) : this.inScope(client, changed);
      client.behind = false;
      client.syncedTick = closing;
      if (vehicles.length > 0) this.sendPositions(client, vehicles, now);
    }
  }

  /** Every vehicle in the client's scope that changed after the last tick it was sent (and those that left it). */
  private changedSince(client: Client): VehicleRecord[] {
    const changed: VehicleRecord[] = [];
    for (const record of this.vehicles.values()) if (record.changedTick > client.syncedTick) changed.push(record);
    return this.inScope(client, changed);
  }

  /**
   * Whether a vehicle the client was told about has just left its scope: protocol 4 clients get that fix once, flagged,
   * and take the vehicle off their map; otherwise it would stay frozen at the border, counted as on the map.
   */
  private leftScope(client: Client, record: VehicleRecord): boolean {
    return (
      client.binary &&
      client.protocol >= 4 &&
      record.index < client.announced.length &&
      client.announced[record.index] === this.slotGeneration[record.index] + 1
    );
  }

  private admits(client: Client, record: VehicleRecord): boolean {
    if (client.principal.role === 'enterprise')
      return this.ownsVehicle(client.principal, record.terminal_id, record.plate);
    return this.deps.covers(client.principal.orgCode, record.orgCode);
  }

  /**
   * An enterprise account sees only its own vehicles and their alarms, wherever they drive; every other role
   * sees what happens in its org subtree (DESIGN.md contract 5).
   */
  private seesAlarm(principal: Principal, alarm: AlarmRow): boolean {
    if (principal.role === 'enterprise') return this.ownsVehicle(principal, alarm.terminal_id, alarm.plate);
    return this.deps.covers(principal.orgCode, alarm.org_code);
  }

  private ownsVehicle(principal: Principal, terminalId: string, plate: string): boolean {
    return principal.enterpriseId !== null && this.deps.enterpriseOf(terminalId, plate) === principal.enterpriseId;
  }

  private inScope(client: Client, vehicles: readonly VehicleRecord[]): VehicleRecord[] {
    return vehicles.filter((v) => this.admits(client, v) || this.leftScope(client, v));
  }

  /** `bulk`: the snapshot's positions, sent compressed with the snapshot; ticks are not. */
  private sendPositions(client: Client, vehicles: readonly VehicleRecord[], now: number, bulk = false): void {
    if (!client.binary) {
      this.sendTo(client, { type: 'positions', server_time: now, vehicles: vehicles.map(toFeedVehicle) }, false);
      return;
    }
    this.ensureAnnouncedCapacity(client);
    const left = new Set(client.protocol >= 4 ? vehicles.filter((v) => !this.admits(client, v)) : []);
    const { table, frame } = buildPositionsSend(
      vehicles.map((v) => (left.has(v) ? { ...v, leftScope: true } : v)),
      client.announced,
      this.slotGeneration,
      client.protocol,
      now,
    );
    // Told once: back in scope later, the vehicle is announced afresh.
    for (const v of left) client.announced[v.index] = 0;
    // The table must arrive before the frame that indexes into it, whatever the buffer holds.
    if (table instanceof Uint8Array) this.sendRaw(client, table, table.byteLength, true);
    else if (table !== null) this.sendTo(client, { type: 'vehicle_table', entries: table }, true, true);
    this.sendRaw(client, frame, frame.byteLength, bulk);
  }

  private ensureAnnouncedCapacity(client: Client): void {
    if (client.announced.length >= this.slots.length) return;
    const next = new Uint32Array(Math.max(this.slots.length, client.announced.length * 2));
    next.set(client.announced);
    client.announced = next;
  }

  private sendTo(client: Client, message: FeedServerMessage, mustDeliver: boolean, bulk = false): void {
    if (!mustDeliver && client.socket.bufferedAmount > this.options.clientBufferedBytesSoftMax) {
      this.deps.metrics
        .counter('vigil_feed_position_ticks_skipped_total', 'Position ticks skipped for slow clients')
        .inc();
      return;
    }
    const text = JSON.stringify(message);
    this.sendRaw(client, text, Buffer.byteLength(text), bulk);
  }

  /** `compress`: deflate this message if the client negotiated permessage-deflate (bulk messages only). */
  private sendRaw(client: Client, data: string | Uint8Array, bytes: number, compress = false): void {
    if (client.socket.bufferedAmount > this.options.clientBufferedBytesHardMax) {
      this.deps.metrics.counter('vigil_feed_slow_client_disconnects_total', 'Clients closed for not reading').inc();
      client.socket.close(4008, 'slow client');
      return;
    }
    this.deps.metrics.counter('vigil_feed_bytes_total', 'Bytes sent on the feed').inc(undefined, bytes);
    client.socket.send(data, { compress });
  }

  private broadcast(message: FeedServerMessage): void {
    for (const client of this.clients) this.sendTo(client, message, true);
  }

  /**
   * Hands an HTTP upgrade on /ws to the hub after authenticating its token. A refused token still gets a
   * WebSocket: browsers hide an HTTP 401 on upgrade, so the refusal is an `error` message with reason
   * `unauthorized` followed by close code 4401, which a kiosk can show.
   */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, token: string | undefined): Promise<void> {
    if (!this.running) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let principal: Principal;
    try {
      principal = await this.deps.authenticate(token);
    } catch {
      this.deps.metrics.counter('vigil_feed_refused_total', 'Feed connections refused for their token').inc();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(
          JSON.stringify({
            type: 'error',
            reason: 'unauthorized',
            detail: 'the token is missing, expired or revoked',
          } satisfies FeedServerMessage),
        );
        ws.close(4401, 'unauthorized');
      });
      return;
    }
    if (this.clients.size >= this.options.clientsMax) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const positions = params.get('positions');
    const protocol = agreedProtocol(params.get('protocol'));
    this.wss.handleUpgrade(
      req,
      socket,
      head,
      (ws) => void this.attach(ws, principal, positions === 'binary', positions === 'none', protocol),
    );
  }

  private async attach(
    socket: WebSocket,
    principal: Principal,
    binary: boolean,
    noPositions: boolean,
    protocol: number,
  ): Promise<void> {
    const client: Client = {
      socket,
      principal,
      binary,
      noPositions,
      protocol,
      announced: new Uint32Array(TABLE_CAPACITY_INITIAL),
      syncedTick: 0,
      behind: false,
    };
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    // The daily totals must be complete before the first snapshot states them.
    await this.seeded;
    if (socket.readyState !== socket.OPEN) return;
    this.clients.add(client);
    this.sendSnapshot(client);
    socket.on('message', (data) => this.onClientMessage(client, data.toString()));
  }

  private onClientMessage(client: Client, text: string): void {
    let message: FeedClientMessage;
    try {
      message = JSON.parse(text) as FeedClientMessage;
    } catch {
      this.sendTo(client, { type: 'error', reason: 'bad_json', detail: 'messages must be JSON' }, true);
      return;
    }
    if (message.type !== 'resume') {
      this.sendTo(
        client,
        {
          type: 'error',
          reason: 'unknown_message',
          detail: `unknown message type ${String((message as { type?: unknown }).type)}`,
        },
        true,
      );
      return;
    }
    const oldest = this.alarmHistory[0]?.seq ?? this.alarmSeq + 1;
    const canReplay =
      message.server_id === this.serverId &&
      message.after_alarm_seq + 1 >= oldest &&
      message.after_alarm_seq <= this.alarmSeq;
    if (!canReplay) {
      this.sendSnapshot(client);
      return;
    }
    for (const { seq, alarm, counted } of this.alarmHistory) {
      if (seq > message.after_alarm_seq && this.seesAlarm(client.principal, alarm)) {
        this.sendTo(client, { type: 'alarm', alarm_seq: seq, alarm, counted }, true);
      }
    }
  }

  private sendSnapshot(client: Client): void {
    const scope = client.principal.orgCode;
    const now = Date.now();
    const alarms = [...this.openAlarms.values(), ...this.recentClosed].filter((a) =>
      this.seesAlarm(client.principal, a),
    );
    const vehicles = client.noPositions ? [] : [...this.vehicles.values()].filter((v) => this.admits(client, v));
    this.sendTo(
      client,
      {
        type: 'snapshot',
        protocol: client.protocol,
        server_id: this.serverId,
        server_time: now,
        alarm_seq: this.alarmSeq,
        vehicles: client.binary || client.noPositions ? [] : vehicles.map(toFeedVehicle),
        alarms,
        // Daily totals are counted per division, not per enterprise: an enterprise account gets none rather
        // than its supervising unit's.
        today: this.today.forScope(
          (orgCode) => client.principal.role !== 'enterprise' && this.deps.covers(scope, orgCode),
          now,
        ),
      },
      true,
      true,
    );
    client.syncedTick = this.tickNo - 1;
    client.behind = false;
    if (!client.binary) return;
    // A snapshot starts the client's vehicle table afresh.
    client.announced.fill(0);
    if (vehicles.length > 0) this.sendPositions(client, vehicles, now, true);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    for (const client of this.clients) client.socket.close(1001, 'server shutting down');
    this.wss.close();
    await Promise.all(this.loops);
  }
}

function toFeedVehicle(v: VehicleRecord): FeedVehicle {
  return {
    terminal_id: v.terminal_id,
    plate: v.plate,
    lat: v.lat,
    lon: v.lon,
    speed_kmh: v.speed_kmh,
    direction_deg: v.direction_deg,
    ts: v.ts,
    vehicle_class: v.vehicle_class,
    alarming: v.alarming,
  };
}
