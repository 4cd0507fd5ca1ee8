/**
 * The JT/T 808 TCP gateway: frames in, normalized telemetry out to the event log, replies only once what they
 * acknowledge is durable. One `Connection` per socket; one live session per terminal phone number.
 */
import { createPrivateKey, KeyObject } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Counter, IngestRejectRow, Logger, MediaEventRow, Metrics, TelemetryRow } from '../../../schema/index.js';
import { checkRecord, MEDIA_EVENTS, TELEMETRY } from '../../../schema/index.js';
import { TOPICS, type EventLog, type Producer } from '../../../stream/index.js';
import {
  decodeMessage,
  encodeMessage,
  parseFrame,
  type DecodeMessageOptions,
  type Jt808Frame,
  type Jt808Header,
  type Jt808Message,
  type MultimediaData,
  type MultimediaEvent,
  type ReassemblerOptions,
} from '../codec/index.js';
import { Connection, type CommandAnswer } from './connection.js';
import { DownlinkError } from './downlink-error.js';
import { MediaStore } from './media-store.js';
import { fingerprintOf, telemetryFromLocation } from './normalize.js';
import { checkGatewayOptions, type GatewayOptions } from './options.js';
import type { TerminalDirectory } from './terminal-directory.js';

/** 0x8001 result codes. */
const RESULT = { ok: 0, fail: 1, badMessage: 2, unsupported: 3 } as const;

/** How often incomplete subpackaged messages are checked against their timeout, at most. */
const REASSEMBLY_SWEEP_MS_MAX = 1_000;

export interface GatewayDeps {
  log: EventLog;
  directory: TerminalDirectory;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

export class Jt808Gateway {
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Connection>();
  private readonly producer: Producer;
  private readonly now: () => number;
  private readonly media: MediaStore;
  private readonly reassembly: ReassemblerOptions;
  private reassemblyBytes = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** Undefined unless an RSA key is configured, so the common case decodes with the shared default contexts. */
  private readonly decodeOptions: DecodeMessageOptions | undefined;
  /** Counters touched by every frame, looked up once. */
  private readonly hot: { bytes: Counter; frames: Counter; positions: Counter };

  constructor(
    private readonly options: GatewayOptions,
    private readonly deps: GatewayDeps,
  ) {
    checkGatewayOptions(options);
    this.decodeOptions = options.rsaPrivateKey === undefined ? undefined : { rsa: { privateKey: rsaKey(options.rsaPrivateKey) } };
    this.producer = deps.log.producer();
    this.now = deps.now ?? Date.now;
    this.media = new MediaStore(options.mediaDir, options.mediaBytesPerFileMax, options.mediaBytesTotalMax);
    this.hot = {
      bytes: deps.metrics.counter('vigil_jt808_bytes_received_total', 'Bytes received from terminals'),
      frames: deps.metrics.counter('vigil_jt808_frames_total', 'Frames received'),
      positions: deps.metrics.counter('vigil_jt808_positions_total', 'Positions accepted and durable'),
    };
    this.reassembly = {
      packetsPerMessageMax: options.packetsPerMessageMax,
      bytesPerMessageMax: options.reassemblyBytesPerMessageMax,
      pendingMessagesMax: options.reassemblyMessagesPerConnectionMax,
      timeoutMs: options.reassemblyTimeoutMs,
      resendRoundsMax: 1,
      now: this.now,
    };
    deps.metrics.onCollect(() => {
      deps.metrics.gauge('vigil_jt808_connections', 'Open JT/T 808 connections').set(undefined, this.connections.size);
      deps.metrics.gauge('vigil_jt808_sessions', 'Authenticated JT/T 808 terminals').set(undefined, this.sessions.size);
      deps.metrics.gauge('vigil_jt808_reassembly_bytes', 'Bytes of subpackaged messages awaiting their missing packets').set(undefined, this.reassemblyBytes);
      deps.metrics.gauge('vigil_jt808_media_bytes', 'Bytes of media files kept under the data dir').set(undefined, this.media.bytesStored);
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
    const sweepMs = Math.max(10, Math.min(REASSEMBLY_SWEEP_MS_MAX, Math.floor(this.options.reassemblyTimeoutMs / 4)));
    this.sweepTimer = setInterval(() => this.sweepReassembly(), sweepMs);
    this.sweepTimer.unref();
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
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
    if (c.reassembler) this.reassemblyBytes -= c.reassembler.pendingBytes;
    c.failDownlinks(new DownlinkError('terminal_disconnected', `terminal ${c.phone ?? c.peer} disconnected before answering`));
  }

  private onData(c: Connection, chunk: Buffer): void {
    this.hot.bytes.inc(undefined, chunk.length);
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
    this.hot.frames.inc();
    const parsed = parseFrame(raw, { checksum: this.options.checksum });
    if (!parsed.ok) {
      // The header cannot be trusted, so there is no flow number to answer: the terminal will retransmit.
      this.rejectRaw(c, raw, parsed.reason, parsed.detail, undefined);
      return;
    }
    let frame: Jt808Frame | undefined = parsed.value;
    if (c.version === 2011 && frame.header.version === 2013) frame.header.version = 2011;
    if (frame.header.packet !== undefined && frame.header.packet.total > 1) {
      frame = this.onPacket(c, frame, raw);
      if (frame === undefined) return;
    }
    const whole = frame;
    c.inFlight++;
    if (c.inFlight >= this.options.framesInFlightPerConnectionMax && !c.paused) {
      c.paused = true;
      c.socket.pause();
    }
    this.handleFrame(c, whole, raw)
      .catch((error: unknown) => {
        this.deps.logger.error('frame handling failed', { peer: c.peer, msg_id: whole.header.msgId, error: String(error) });
        this.reply(c, whole.header, RESULT.fail);
      })
      .finally(() => {
        c.inFlight--;
        if (c.paused && c.inFlight < this.options.framesInFlightPerConnectionMax / 2) {
          c.paused = false;
          c.socket.resume();
        }
      });
  }

  /**
   * Adds one packet of a subpackaged message; returns the whole message once its last packet arrived. Single
   * packets are not acknowledged: nothing of the message is durable before it is whole. The whole message is
   * acknowledged with the flow number of the packet that completed it.
   */
  private onPacket(c: Connection, frame: Jt808Frame, raw: Buffer): Jt808Frame | undefined {
    const reassembler = c.reassemblerFor(this.reassembly);
    if (this.reassemblyBytes + frame.body.length > this.options.reassemblyBytesTotalMax) {
      this.rejectRaw(c, raw, 'reassembly_full', `${this.reassemblyBytes} bytes in reassembly, max ${this.options.reassemblyBytesTotalMax}`, frame.header.phone);
      this.reply(c, frame.header, RESULT.fail);
      return undefined;
    }
    const before = reassembler.pendingBytes;
    const result = reassembler.push(frame);
    this.reassemblyBytes += reassembler.pendingBytes - before;
    switch (result.status) {
      case 'pending':
        return undefined;
      case 'duplicate':
        this.counter('vigil_jt808_duplicate_packets_total', 'Subpackage packets received twice').inc();
        return undefined;
      case 'rejected':
        this.rejectRaw(c, raw, result.reason, result.detail, frame.header.phone);
        this.reply(c, frame.header, RESULT.badMessage);
        return undefined;
      case 'complete':
        this.counter('vigil_jt808_reassembled_total', 'Subpackaged messages reassembled').inc();
        return { header: { ...result.frame.header, serial: frame.header.serial }, body: result.frame.body };
    }
  }

  /** Asks for the missing packets of overdue messages with 0x8003, and drops those already asked for. */
  private sweepReassembly(): void {
    for (const c of this.connections) {
      const reassembler = c.reassembler;
      if (!reassembler || reassembler.pendingMessages === 0) continue;
      const before = reassembler.pendingBytes;
      for (const expiry of reassembler.expire()) {
        const phone = expiry.header.phone;
        if (expiry.status === 'resend') {
          this.counter('vigil_jt808_resend_requests_total', '0x8003 requests for missing subpackage packets').inc();
          this.send(c, phone, { msgId: 0x8003, body: { originalSerial: expiry.originalSerial, packetIds: expiry.missing } });
        } else {
          const detail = `0x${expiry.header.msgId.toString(16).padStart(4, '0')} from serial ${expiry.originalSerial}: packets ${expiry.missing.join(',')} of ${expiry.total} never arrived`;
          this.rejectRaw(c, Buffer.alloc(0), 'reassembly_timeout', detail, phone);
        }
      }
      this.reassemblyBytes += reassembler.pendingBytes - before;
    }
  }

  private async handleFrame(c: Connection, frame: Jt808Frame, raw: Buffer): Promise<void> {
    const { header } = frame;
    const decoded = decodeMessage(frame, this.decodeOptions);
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
        return this.onTerminalAnswer(c, message.body.replySerial, { result: message.body.result });
      case 0x0004:
        // Terminals ask for the time before they can stamp anything, so this needs no session.
        this.send(c, header.phone, { msgId: 0x8004, body: { time: Math.floor(this.now() / 1000) * 1000 } });
        return;
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
      case 0x0201: {
        // The answer to a location query is a position like any other, and also the command's result.
        const row = telemetryFromLocation(header.phone, c.plate, message.body.location, receivedAt, false);
        await this.publishPositions(c, [row], raw);
        this.onTerminalAnswer(c, message.body.replySerial, { result: RESULT.ok, location: message.body.location });
        return;
      }
      case 0x0800:
        await this.publishMedia(c, mediaRow(header.phone, message.body, receivedAt, receivedAt, 0, 0, 0, ''));
        this.reply(c, header, RESULT.ok);
        return;
      case 0x0801:
        this.reply(c, header, await this.onMediaData(c, header, message.body, raw, receivedAt));
        return;
      case 0x0900:
        // Pass-through payloads are vendor-defined; they are counted by type and acknowledged, not stored.
        this.counter('vigil_jt808_pass_through_total', 'Pass-through (0x0900) messages by type', ['type']).inc({ type: `0x${message.body.type.toString(16).padStart(2, '0')}` });
        this.reply(c, header, RESULT.ok);
        return;
      default:
        // A platform-to-terminal message sent upwards makes no sense here.
        await this.rejectRawDurably(c, raw, 'unsupported_message', `message 0x${header.msgId.toString(16).padStart(4, '0')} is a platform message`, header.phone);
        this.reply(c, header, RESULT.unsupported);
    }
  }

  private async onMediaData(c: Connection, header: Jt808Header, media: MultimediaData, raw: Buffer, receivedAt: number): Promise<number> {
    const stored = await this.media.store(header.phone, media.mediaId, media.mediaFormat, media.data);
    if (!stored.ok) {
      await this.rejectRawDurably(c, raw, stored.reason, stored.detail, header.phone);
      return RESULT.fail;
    }
    const location = media.location;
    const row = mediaRow(header.phone, media, location?.time ?? receivedAt, receivedAt, location?.lat ?? 0, location?.lon ?? 0, media.data.length, stored.relativePath);
    await this.publishMedia(c, row);
    this.counter('vigil_jt808_media_bytes_total', 'Media bytes written to disk').inc(undefined, media.data.length);
    return RESULT.ok;
  }

  private async publishMedia(c: Connection, row: MediaEventRow): Promise<void> {
    const problem = checkRecord(MEDIA_EVENTS.columns, row);
    if (problem) throw new Error(`media event of ${row.terminal_id} does not fit media_events: ${problem.detail}`);
    await this.producer.send(TOPICS.media, [{ key: row.terminal_id, value: row }]);
    this.counter('vigil_jt808_media_events_total', 'Multimedia events and uploads stored').inc();
  }

  /**
   * Validates, publishes and waits until durable. Positions this session already made (or is making) durable
   * with the same device time are exact retransmissions: they wait for the earlier write instead of adding a
   * second row. Returns false when every row was rejected.
   */
  private async publishPositions(c: Connection, rows: TelemetryRow[], raw: Buffer): Promise<boolean> {
    const good: TelemetryRow[] = [];
    const fingerprints: number[] = [];
    const rejects: IngestRejectRow[] = [];
    const earlier: Promise<void>[] = [];
    let seen: Set<number> | undefined;
    for (const row of rows) {
      const problem = checkRecord(TELEMETRY.columns, row);
      if (problem) {
        rejects.push(this.rejectRow(c, raw, problem.reason, problem.detail, row.terminal_id));
        continue;
      }
      const fingerprint = fingerprintOf(row);
      const previous = c.recentFix(row.ts, fingerprint);
      if (previous !== undefined) earlier.push(previous);
      else if (seen?.has(row.ts) !== true) {
        good.push(row);
        fingerprints.push(fingerprint);
        (seen ??= new Set()).add(row.ts);
      }
    }
    let sent: Promise<void> | undefined;
    if (good.length > 0) {
      sent = this.producer.send(TOPICS.telemetry, good.map((row) => ({ key: row.terminal_id, value: row })));
      for (let i = 0; i < good.length; i++) c.rememberFix(good[i].ts, fingerprints[i], sent, this.options.recentFixesPerSessionMax);
    }
    if (earlier.length > 0) this.counter('vigil_jt808_duplicate_positions_total', 'Retransmitted positions acknowledged without a second row').inc(undefined, earlier.length);
    await Promise.all([
      sent,
      ...earlier,
      rejects.length > 0 ? this.producer.send(TOPICS.rejects, rejects.map((r) => ({ key: r.terminal_id, value: r }))) : undefined,
    ]);
    this.hot.positions.inc(undefined, good.length);
    return good.length + earlier.length > 0 || rows.length === 0;
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
      version: body.layout === 2011 ? 2011 : header.version,
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

  private onTerminalAnswer(c: Connection, replySerial: number, answer: CommandAnswer): void {
    const pending = c.takeDownlink(replySerial);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.resolve(answer);
  }

  /**
   * The phone number (as on the wire) of the live session of a terminal number. Operators type numbers
   * without the BCD's leading zeros, so those are ignored when there is no exact match.
   */
  livePhone(terminalNumber: string): string | undefined {
    if (this.sessions.has(terminalNumber)) return terminalNumber;
    const wanted = terminalNumber.replace(/^0+/, '');
    if (wanted === '') return undefined;
    for (const phone of this.sessions.keys()) if (phone.replace(/^0+/, '') === wanted) return phone;
    return undefined;
  }

  /**
   * Sends a command to a terminal's live session and resolves with its answer: the 0x0001 result, or for
   * 0x8201 the position of its 0x0201. Throws a DownlinkError when there is no session, when too many commands
   * are pending, or when the terminal does not answer in time.
   */
  async sendCommand(phone: string, message: Jt808Message): Promise<CommandAnswer> {
    const c = this.sessions.get(phone);
    if (!c) throw new DownlinkError('terminal_offline', `terminal ${phone} has no live session`);
    if (c.pendingDownlinks.size >= this.options.downlinksPendingPerConnectionMax) {
      throw new DownlinkError('downlink_busy', `terminal ${phone} has ${c.pendingDownlinks.size} commands awaiting an answer, max ${this.options.downlinksPendingPerConnectionMax}`);
    }
    const serial = this.send(c, phone, message);
    this.counter('vigil_jt808_downlinks_total', 'Commands sent to terminals by message id', ['msg_id']).inc({ msg_id: `0x${message.msgId.toString(16).padStart(4, '0')}` });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        c.takeDownlink(serial);
        reject(new DownlinkError('terminal_timeout', `terminal ${phone} did not answer 0x${message.msgId.toString(16)} within ${this.options.downlinkTimeoutMs} ms`));
      }, this.options.downlinkTimeoutMs);
      c.addDownlink(serial, { msgId: message.msgId, resolve, reject, timer });
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
    // A committed sink batch releases many replies of one connection in the same tick: corking until the
    // next tick turns them into one write instead of one system call each.
    if (!c.corked) {
      c.corked = true;
      c.socket.cork();
      process.nextTick(uncork, c);
    }
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

function rsaKey(key: KeyObject | string): KeyObject {
  if (key instanceof KeyObject) return key;
  try {
    return createPrivateKey(key);
  } catch (error) {
    throw new RangeError(`jt808 gateway option rsaPrivateKey is not a usable private key: ${(error as Error).message}`);
  }
}

function uncork(c: Connection): void {
  c.corked = false;
  c.socket.uncork();
}

function mediaRow(phone: string, media: MultimediaEvent, ts: number, receivedAt: number, lat: number, lon: number, bytes: number, relativePath: string): MediaEventRow {
  return {
    terminal_id: phone,
    media_id: media.mediaId,
    media_type: media.mediaType,
    format: media.mediaFormat,
    event_code: media.eventCode,
    channel: media.channelId,
    ts,
    lat,
    lon,
    bytes,
    path: relativePath,
    received_at: receivedAt,
  };
}
