/**
 * The JT/T 808 TCP gateway: frames in, normalized telemetry out to the event log, replies only once what they
 * acknowledge is durable. One `Connection` per socket; one live session per terminal phone number.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IngestRejectRow, Logger, Metrics, TelemetryRow } from '../../../schema/index.js';
import { checkRecord, TELEMETRY } from '../../../schema/index.js';
import { TOPICS, type EventLog, type Producer } from '../../../stream/index.js';
import {
  FrameSplitter,
  decodeMessage,
  encodeMessage,
  parseFrame,
  type Jt808Frame,
  type Jt808Header,
  type Jt808Message,
  type Jt808Version,
} from '../codec/index.js';
import { telemetryFromLocation } from './normalize.js';
import type { GatewayOptions } from './options.js';
import type { TerminalDirectory } from './terminal-directory.js';

/** 0x8001 result codes. */
const RESULT = { ok: 0, fail: 1, badMessage: 2, unsupported: 3 } as const;

export interface GatewayDeps {
  log: EventLog;
  directory: TerminalDirectory;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

interface PendingDownlink {
  msgId: number;
  resolve: (reply: { result: number }) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class Connection {
  readonly splitter: FrameSplitter;
  phone: string | undefined;
  plate = '';
  version: Jt808Version = 2013;
  protocolVersion = 0;
  authenticated = false;
  inFlight = 0;
  paused = false;
  private serial = 0;
  readonly pendingDownlinks = new Map<number, PendingDownlink>();

  constructor(
    readonly socket: net.Socket,
    readonly peer: string,
    frameBytesMax: number,
  ) {
    this.splitter = new FrameSplitter({ frameBytesMax });
  }

  nextSerial(): number {
    this.serial = (this.serial + 1) & 0xffff;
    return this.serial;
  }
}

export class Jt808Gateway {
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Connection>();
  private readonly producer: Producer;
  private readonly now: () => number;

  constructor(
    private readonly options: GatewayOptions,
    private readonly deps: GatewayDeps,
  ) {
    this.producer = deps.log.producer();
    this.now = deps.now ?? Date.now;
    deps.metrics.onCollect(() => {
      deps.metrics.gauge('vigil_jt808_connections', 'Open JT/T 808 connections').set(undefined, this.connections.size);
      deps.metrics.gauge('vigil_jt808_sessions', 'Authenticated JT/T 808 terminals').set(undefined, this.sessions.size);
    });
  }

  async listen(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.connectionsMax;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: net.Socket): void {
    const peer = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    const connection = new Connection(socket, peer, this.options.frameBytesMax);
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.setTimeout(this.options.idleTimeoutMs, () => {
      this.counter('vigil_jt808_idle_disconnects_total', 'Connections closed for idleness').inc();
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(connection, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose(connection));
  }

  private onClose(c: Connection): void {
    this.connections.delete(c);
    if (c.phone !== undefined && this.sessions.get(c.phone) === c) this.sessions.delete(c.phone);
    for (const pending of c.pendingDownlinks.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('terminal disconnected before answering'));
    }
  }

  private onData(c: Connection, chunk: Buffer): void {
    this.counter('vigil_jt808_bytes_received_total', 'Bytes received from terminals').inc(undefined, chunk.length);
    for (const item of c.splitter.push(chunk)) {
      if (item.reason !== undefined) {
        this.rejectRaw(c, item.raw, item.reason, item.detail, undefined);
        continue;
      }
      this.onFrame(c, item.raw);
    }
    if (c.splitter.bufferedBytes > this.options.bufferedBytesPerConnectionMax) {
      // A peer that never closes its frame would otherwise make us buffer without end.
      this.rejectRaw(c, Buffer.alloc(0), 'frame_too_large', `buffered ${c.splitter.bufferedBytes} bytes without a frame end`, undefined);
      c.socket.destroy();
    }
  }

  private onFrame(c: Connection, raw: Buffer): void {
    this.counter('vigil_jt808_frames_total', 'Frames received').inc();
    const parsed = parseFrame(raw, { checksum: this.options.checksum });
    if (!parsed.ok) {
      // The header cannot be trusted, so there is no flow number to answer: the terminal will retransmit.
      this.rejectRaw(c, raw, parsed.reason, parsed.detail, undefined);
      return;
    }
    const frame = parsed.value;
    if (c.version === 2011 && frame.header.version === 2013) frame.header.version = 2011;
    c.inFlight++;
    if (c.inFlight >= this.options.framesInFlightPerConnectionMax && !c.paused) {
      c.paused = true;
      c.socket.pause();
    }
    this.handleFrame(c, frame, raw)
      .catch((error: unknown) => {
        this.deps.logger.error('frame handling failed', { peer: c.peer, msg_id: frame.header.msgId, error: String(error) });
        this.reply(c, frame.header, RESULT.fail);
      })
      .finally(() => {
        c.inFlight--;
        if (c.paused && c.inFlight < this.options.framesInFlightPerConnectionMax / 2) {
          c.paused = false;
          c.socket.resume();
        }
      });
  }

  private async handleFrame(c: Connection, frame: Jt808Frame, raw: Buffer): Promise<void> {
    const { header } = frame;
    const decoded = decodeMessage(frame);
    if (!decoded.ok) {
      await this.rejectRawDurably(c, raw, decoded.reason, decoded.detail, header.phone);
      this.reply(c, header, decoded.reason === 'unsupported_message' ? RESULT.unsupported : RESULT.badMessage);
      return;
    }
    const message = decoded.value;
    c.version = header.version === 2013 && c.version === 2011 ? 2011 : header.version;
    c.protocolVersion = header.protocolVersion;
    switch (message.msgId) {
      case 0x0100:
        return this.onRegister(c, header, message.body);
      case 0x0102:
        return this.onAuthenticate(c, header, message.body.authCode);
      case 0x0002:
        return this.reply(c, header, RESULT.ok);
      case 0x0003:
        await this.deps.directory.unregister(header.phone);
        return this.reply(c, header, RESULT.ok);
      case 0x0001:
        return this.onTerminalReply(c, message.body.replySerial, message.body.result);
      default:
        break;
    }
    if (this.options.requireAuthentication && (!c.authenticated || c.phone !== header.phone)) {
      await this.rejectRawDurably(c, raw, 'not_authenticated', `message ${header.msgId.toString(16)} before authentication`, header.phone);
      this.reply(c, header, RESULT.fail);
      return;
    }
    await this.onData808(c, header, message, raw);
  }

  private async onData808(c: Connection, header: Jt808Header, message: Jt808Message, raw: Buffer): Promise<void> {
    const receivedAt = this.now();
    switch (message.msgId) {
      case 0x0200: {
        const row = telemetryFromLocation(header.phone, c.plate, message.body, receivedAt, false);
        const accepted = await this.publishPositions(c, [row], raw);
        this.reply(c, header, accepted ? RESULT.ok : RESULT.badMessage);
        return;
      }
      case 0x0704: {
        const backfill = message.body.type === 1;
        const rows = message.body.items.map((item) => telemetryFromLocation(header.phone, c.plate, item, receivedAt, backfill));
        for (const error of message.body.errors) await this.rejectRawDurably(c, raw, error.reason, `0x0704 item ${error.index}: ${error.detail}`, header.phone);
        // The batch is acknowledged as a whole, once every good item in it is durable.
        await this.publishPositions(c, rows, raw);
        this.reply(c, header, RESULT.ok);
        return;
      }
      default:
        // Understood but not stored yet (multimedia, pass-through, ...): acknowledge so the terminal moves on.
        this.reply(c, header, RESULT.ok);
    }
  }

  /** Validates, publishes and waits until durable. Returns false when every row was rejected. */
  private async publishPositions(c: Connection, rows: TelemetryRow[], raw: Buffer): Promise<boolean> {
    const good: TelemetryRow[] = [];
    const rejects: IngestRejectRow[] = [];
    for (const row of rows) {
      const problem = checkRecord(TELEMETRY.columns, row);
      if (problem) rejects.push(this.rejectRow(c, raw, problem.reason, problem.detail, row.terminal_id));
      else good.push(row);
    }
    await Promise.all([
      good.length > 0 ? this.producer.send(TOPICS.telemetry, good.map((row) => ({ key: row.terminal_id, value: row }))) : undefined,
      rejects.length > 0 ? this.producer.send(TOPICS.rejects, rejects.map((r) => ({ key: r.terminal_id, value: r }))) : undefined,
    ]);
    this.counter('vigil_jt808_positions_total', 'Positions accepted and durable').inc(undefined, good.length);
    return good.length > 0 || rows.length === 0;
  }

  private async onRegister(c: Connection, header: Jt808Header, body: Extract<Jt808Message, { msgId: 0x0100 }>['body']): Promise<void> {
    if (body.layout === 2011) c.version = 2011;
    const outcome = await this.deps.directory.register({
      phone: header.phone,
      plate: body.plate,
      plateColor: body.plateColor,
      maker: body.maker,
      model: body.model,
      deviceId: body.terminalId,
      version: header.version,
    });
    this.send(c, header.phone, { msgId: 0x8100, body: { replySerial: header.serial, result: outcome.result, authCode: outcome.result === 0 ? outcome.authCode : undefined } });
  }

  private async onAuthenticate(c: Connection, header: Jt808Header, authCode: string): Promise<void> {
    const outcome = await this.deps.directory.authenticate(header.phone, authCode);
    if (!outcome) {
      this.counter('vigil_jt808_auth_failures_total', 'Failed terminal authentications').inc();
      this.reply(c, header, RESULT.fail);
      return;
    }
    const previous = this.sessions.get(header.phone);
    if (previous && previous !== c) {
      // One live session per terminal: the newer connection wins, the stale one is closed.
      this.counter('vigil_jt808_sessions_replaced_total', 'Sessions replaced by a newer connection').inc();
      previous.socket.destroy();
    }
    c.phone = header.phone;
    c.plate = outcome.plate;
    c.authenticated = true;
    this.sessions.set(header.phone, c);
    this.reply(c, header, RESULT.ok);
  }

  private onTerminalReply(c: Connection, replySerial: number, result: number): void {
    const pending = c.pendingDownlinks.get(replySerial);
    if (!pending) return;
    clearTimeout(pending.timer);
    c.pendingDownlinks.delete(replySerial);
    pending.resolve({ result });
  }

  /**
   * Sends a command to a terminal's live session and resolves with its 0x0001 answer.
   * Throws when the terminal has no session or does not answer in time.
   */
  async sendCommand(phone: string, message: Jt808Message): Promise<{ result: number }> {
    const c = this.sessions.get(phone);
    if (!c) throw new Error(`terminal ${phone} has no live session`);
    const serial = this.send(c, phone, message);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        c.pendingDownlinks.delete(serial);
        reject(new Error(`terminal ${phone} did not answer ${message.msgId.toString(16)} within ${this.options.downlinkTimeoutMs} ms`));
      }, this.options.downlinkTimeoutMs);
      c.pendingDownlinks.set(serial, { msgId: message.msgId, resolve, reject, timer });
    });
  }

  hasSession(phone: string): boolean {
    return this.sessions.has(phone);
  }

  private reply(c: Connection, header: Jt808Header, result: number): void {
    this.send(c, header.phone, { msgId: 0x8001, body: { replySerial: header.serial, replyMsgId: header.msgId, result } });
  }

  private send(c: Connection, phone: string, message: Jt808Message): number {
    const serial = c.nextSerial();
    if (c.socket.destroyed) return serial;
    const frame = encodeMessage(message, { version: c.version === 2011 ? 2013 : c.version, protocolVersion: c.protocolVersion, phone, serial });
    c.socket.write(frame);
    return serial;
  }

  private rejectRow(c: Connection, raw: Buffer, reason: string, detail: string, terminalId: string | undefined): IngestRejectRow {
    this.counter('vigil_ingest_rejects_total', 'Rejected frames and records by reason', ['source', 'reason']).inc({ source: 'jt808', reason });
    return { received_at: this.now(), source: 'jt808', reason, detail, raw: raw.toString('hex'), peer: c.peer, terminal_id: terminalId ?? '' };
  }

  /** Dead-letters without waiting: used where there is nothing to acknowledge. */
  private rejectRaw(c: Connection, raw: Buffer, reason: string, detail: string, terminalId: string | undefined): void {
    const row = this.rejectRow(c, raw, reason, detail, terminalId);
    this.producer.send(TOPICS.rejects, [{ key: row.terminal_id || c.peer, value: row }]).catch((error: unknown) => {
      this.deps.logger.error('could not store a reject', { reason, error: String(error) });
    });
  }

  /** Dead-letters and waits until the reject is durable, before the reply that reports it. */
  private async rejectRawDurably(c: Connection, raw: Buffer, reason: string, detail: string, terminalId: string | undefined): Promise<void> {
    const row = this.rejectRow(c, raw, reason, detail, terminalId);
    await this.producer.send(TOPICS.rejects, [{ key: row.terminal_id || c.peer, value: row }]);
  }

  private counter(name: string, help: string, labels: string[] = []) {
    return this.deps.metrics.counter(name, help, labels);
  }
}
