/**
 * The live feed: a WebSocket endpoint that gives each wall or console a snapshot, then deltas. Positions are
 * coalesced per vehicle and sent once per tick, so a slow client gets fewer, fresher updates instead of a
 * growing queue; alarms are never dropped and carry a sequence number so a reconnecting client resumes
 * without gaps or duplicates.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { FEED_PROTOCOL_VERSION, type AlarmRow, type FeedClientMessage, type FeedServerMessage, type FeedVehicle, type Logger, type Metrics, type TelemetryRow } from '../../schema/index.js';
import { TOPICS, type EventLog } from '../../stream/index.js';
import type { Principal } from '../auth/accounts.js';

export interface FeedHubOptions {
  tickMs: number;
  heartbeatMs: number;
  /** Alarm messages kept for resumption. */
  alarmHistoryMax: number;
  /** Closed alarms kept in the snapshot, newest first. */
  recentClosedAlarmsMax: number;
  /** Vehicles tracked at most; the least recently heard are forgotten beyond it. */
  vehiclesMax: number;
  /** Bytes buffered towards one client above which position ticks are skipped for it. */
  clientBufferedBytesSoftMax: number;
  /** Bytes buffered towards one client above which it is disconnected (it will reconnect and resume). */
  clientBufferedBytesHardMax: number;
  clientsMax: number;
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
};

export interface FeedHubDeps {
  log: EventLog;
  logger: Logger;
  metrics: Metrics;
  authenticate(token: string | undefined): Promise<Principal>;
  /** Whether a unit's scope covers a division code (province ⊃ city ⊃ county). */
  covers(scopeOrgCode: string, orgCode: string): boolean;
  /** The division a vehicle belongs to for scoping positions. */
  vehicleOrgCode(vehicle: FeedVehicle): string;
  vehicleClassOf(terminalId: string): string;
}

interface Client {
  socket: WebSocket;
  principal: Principal;
}

export class FeedHub {
  readonly serverId = randomUUID();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly vehicles = new Map<string, FeedVehicle>();
  private changed = new Set<string>();
  private readonly openAlarms = new Map<string, AlarmRow>();
  /** terminal → number of its open alarms, so marking a vehicle as alarming costs O(1) per position. */
  private readonly openAlarmsByTerminal = new Map<string, number>();
  private readonly recentClosed: AlarmRow[] = [];
  private readonly alarmHistory: { seq: number; alarm: AlarmRow }[] = [];
  private alarmSeq = 0;
  private running = false;
  private loops: Promise<void>[] = [];
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly deps: FeedHubDeps,
    private readonly options: FeedHubOptions = FEED_HUB_DEFAULTS,
  ) {
    deps.metrics.onCollect(() => {
      deps.metrics.gauge('vigil_feed_clients', 'Connected feed clients').set(undefined, this.clients.size);
      deps.metrics.gauge('vigil_feed_vehicles', 'Vehicles tracked by the feed').set(undefined, this.vehicles.size);
      deps.metrics.gauge('vigil_feed_open_alarms', 'Open alarm episodes').set(undefined, this.openAlarms.size);
    });
  }

  start(): void {
    this.running = true;
    this.loops.push(this.consumePositions(), this.consumeAlarms());
    this.timers.push(setInterval(() => this.tick(), this.options.tickMs));
    this.timers.push(setInterval(() => this.broadcast({ type: 'heartbeat', server_time: Date.now(), alarm_seq: this.alarmSeq }), this.options.heartbeatMs));
  }

  private async consumePositions(): Promise<void> {
    const consumer = this.deps.log.consumer<TelemetryRow>('feed-positions', TOPICS.telemetry);
    while (this.running) {
      const records = await consumer.poll(10_000, 200);
      for (const { value: p } of records) {
        const known = this.vehicles.get(p.terminal_id);
        // Back-filled and out-of-order fixes must not move a vehicle back in time on the wall.
        if (known && known.ts > p.ts) continue;
        if (known) this.vehicles.delete(p.terminal_id);
        this.vehicles.set(p.terminal_id, {
          terminal_id: p.terminal_id,
          plate: p.plate,
          lat: p.lat,
          lon: p.lon,
          speed_kmh: p.speed_kmh,
          direction_deg: p.direction_deg,
          ts: p.ts,
          vehicle_class: this.deps.vehicleClassOf(p.terminal_id),
          alarming: this.isAlarming(p.terminal_id),
        });
        this.changed.add(p.terminal_id);
      }
      this.evictVehicles();
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }

  private evictVehicles(): void {
    // Map iteration order is insertion order and a heard vehicle is re-inserted, so the first are the stalest.
    for (const terminalId of this.vehicles.keys()) {
      if (this.vehicles.size <= this.options.vehiclesMax) break;
      this.vehicles.delete(terminalId);
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
    const consumer = this.deps.log.consumer<AlarmRow>('feed-alarms', TOPICS.alarms);
    while (this.running) {
      const records = await consumer.poll(1_000, 200);
      for (const { value: alarm } of records) this.acceptAlarm(alarm);
      if (records.length > 0) consumer.commit(records);
    }
    consumer.close();
  }

  /** Takes a new version of an alarm episode, keeps the state and sends it to every client in scope. */
  acceptAlarm(alarm: AlarmRow): void {
    const previous = this.openAlarms.get(alarm.alarm_id);
    if (previous && previous.version >= alarm.version) return;
    if (alarm.ended_at === null) {
      if (!previous) this.countOpen(alarm.terminal_id, 1);
      this.openAlarms.set(alarm.alarm_id, alarm);
    } else {
      if (previous) this.countOpen(alarm.terminal_id, -1);
      this.openAlarms.delete(alarm.alarm_id);
      this.recentClosed.unshift(alarm);
      this.recentClosed.length = Math.min(this.recentClosed.length, this.options.recentClosedAlarmsMax);
    }
    const vehicle = this.vehicles.get(alarm.terminal_id);
    if (vehicle) {
      vehicle.alarming = this.isAlarming(alarm.terminal_id);
      this.changed.add(alarm.terminal_id);
    }
    const seq = ++this.alarmSeq;
    this.alarmHistory.push({ seq, alarm });
    if (this.alarmHistory.length > this.options.alarmHistoryMax) this.alarmHistory.splice(0, this.alarmHistory.length - this.options.alarmHistoryMax);
    for (const client of this.clients) {
      if (this.deps.covers(client.principal.orgCode, alarm.org_code)) this.sendTo(client, { type: 'alarm', alarm_seq: seq, alarm }, true);
    }
  }

  private tick(): void {
    if (this.changed.size === 0 || this.clients.size === 0) {
      this.changed.clear();
      return;
    }
    const changed = [...this.changed].map((id) => this.vehicles.get(id)).filter((v): v is FeedVehicle => v !== undefined);
    this.changed = new Set();
    const now = Date.now();
    for (const client of this.clients) {
      const vehicles = this.inScope(client, changed);
      if (vehicles.length > 0) this.sendTo(client, { type: 'positions', server_time: now, vehicles }, false);
    }
  }

  private inScope(client: Client, vehicles: FeedVehicle[]): FeedVehicle[] {
    if (client.principal.orgCode.endsWith('0000')) return vehicles;
    return vehicles.filter((v) => this.deps.covers(client.principal.orgCode, this.deps.vehicleOrgCode(v)));
  }

  private sendTo(client: Client, message: FeedServerMessage, mustDeliver: boolean): void {
    const buffered = client.socket.bufferedAmount;
    if (buffered > this.options.clientBufferedBytesHardMax) {
      this.deps.metrics.counter('vigil_feed_slow_client_disconnects_total', 'Clients closed for not reading').inc();
      client.socket.close(4008, 'slow client');
      return;
    }
    if (!mustDeliver && buffered > this.options.clientBufferedBytesSoftMax) {
      this.deps.metrics.counter('vigil_feed_position_ticks_skipped_total', 'Position ticks skipped for slow clients').inc();
      return;
    }
    const text = JSON.stringify(message);
    this.deps.metrics.counter('vigil_feed_bytes_total', 'Bytes sent on the feed').inc(undefined, text.length);
    client.socket.send(text);
  }

  private broadcast(message: FeedServerMessage): void {
    for (const client of this.clients) this.sendTo(client, message, true);
  }

  /** Hands an HTTP upgrade on /ws to the hub after authenticating its token. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, token: string | undefined): Promise<void> {
    let principal: Principal;
    try {
      principal = await this.deps.authenticate(token);
    } catch {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.clients.size >= this.options.clientsMax) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, principal));
  }

  private attach(socket: WebSocket, principal: Principal): void {
    const client: Client = { socket, principal };
    this.clients.add(client);
    this.sendSnapshot(client);
    socket.on('message', (data) => this.onClientMessage(client, data.toString()));
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
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
      this.sendTo(client, { type: 'error', reason: 'unknown_message', detail: `unknown message type ${String((message as { type?: unknown }).type)}` }, true);
      return;
    }
    const oldest = this.alarmHistory[0]?.seq ?? this.alarmSeq + 1;
    const canReplay = message.server_id === this.serverId && message.after_alarm_seq + 1 >= oldest && message.after_alarm_seq <= this.alarmSeq;
    if (!canReplay) {
      this.sendSnapshot(client);
      return;
    }
    for (const { seq, alarm } of this.alarmHistory) {
      if (seq > message.after_alarm_seq && this.deps.covers(client.principal.orgCode, alarm.org_code)) {
        this.sendTo(client, { type: 'alarm', alarm_seq: seq, alarm }, true);
      }
    }
  }

  private sendSnapshot(client: Client): void {
    const scope = client.principal.orgCode;
    const alarms = [...this.openAlarms.values(), ...this.recentClosed].filter((a) => this.deps.covers(scope, a.org_code));
    this.sendTo(
      client,
      {
        type: 'snapshot',
        protocol: FEED_PROTOCOL_VERSION,
        server_id: this.serverId,
        server_time: Date.now(),
        alarm_seq: this.alarmSeq,
        vehicles: this.inScope(client, [...this.vehicles.values()]),
        alarms,
      },
      true,
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    for (const client of this.clients) client.socket.close(1001, 'server shutting down');
    this.wss.close();
    await Promise.all(this.loops);
  }
}
