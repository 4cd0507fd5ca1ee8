/**
 * The JT/T 808 TCP gateway: frames in, normalized telemetry out to the event log, replies only once what they
 * acknowledge is durable. One `Connection` per socket; one live session per terminal phone number.
 */
import { createPrivateKey, KeyObject } from 'node:crypto';
import type { Counter, DriverEventRow, IngestRejectRow, Logger, Metrics, TelemetryRow } from '../../../schema/index.js';
import { checkRecord, DRIVER_EVENTS, plateProblem, retentionProblem, TELEMETRY } from '../../../schema/index.js';
import { TOPICS, type EventLog } from '../../../stream/index.js';
import { TcpConnections } from '../../tcp-connections.js';
import {
  decodeMessage,
  type DecodeMessageOptions,
  type Jt808Frame,
  type Jt808Header,
  type Jt808Message,
  type LocationBody,
} from '../codec/index.js';
import { Connection, type CommandAnswer } from './connection.js';
import { DownlinkError } from './downlink-error.js';
import { driverEventFromCard } from './driver-cards.js';
import { MediaStore } from './media-store.js';
import { AttachmentRequests, type AttachmentUploadTarget } from './attachment-requests.js';
import { MediaUploads } from './media-uploads.js';
import { fingerprintOf, telemetryFromLocation } from './normalize.js';
import { checkGatewayOptions, type GatewayOptions } from './options.js';
import { Outbox, RESULT } from './outbox.js';
import { DURABLE, RecentFixes, type TerminalFixes } from './recent-fixes.js';
import { Subpackages } from './subpackages.js';
import { REGISTER_RESULT, type TerminalDirectory } from './terminal-directory.js';

export interface GatewayDeps {
  log: EventLog;
  directory: TerminalDirectory;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

export class Jt808Gateway {
  private readonly connections: TcpConnections<Connection>;
  private readonly sessions = new Map<string, Connection>();
  private readonly out: Outbox;
  private readonly now: () => number;
  private readonly media: MediaStore;
  private readonly mediaUploads: MediaUploads;
  private readonly attachmentRequests: AttachmentRequests;
  private readonly subpackages: Subpackages;
  private readonly recentFixes: RecentFixes;
  /** Undefined unless an RSA key is configured, so the common case decodes with the shared default contexts. */
  private readonly decodeOptions: DecodeMessageOptions | undefined;
  /** Counters touched by every frame, looked up once. */
  private readonly hot: { bytes: Counter; frames: Counter; positions: Counter; positionBatches: Counter };

  constructor(
    private readonly options: GatewayOptions,
    private readonly deps: GatewayDeps,
  ) {
    checkGatewayOptions(options);
    this.decodeOptions =
      options.rsaPrivateKey === undefined ? undefined : { rsa: { privateKey: rsaKey(options.rsaPrivateKey) } };
    this.now = deps.now ?? Date.now;
    this.out = new Outbox(deps.log.producer(), deps.metrics, deps.logger, this.now);
    this.media = new MediaStore(options.mediaDir, options.mediaBytesPerFileMax, options.mediaBytesTotalMax);
    this.mediaUploads = new MediaUploads(this.media, this.out);
    this.attachmentRequests = new AttachmentRequests(this.out);
    this.subpackages = new Subpackages(options, this.out, this.now);
    this.recentFixes = new RecentFixes(options.recentFixesPerTerminalMax, options.recentFixTerminalsMax);
    this.connections = new TcpConnections<Connection>(
      options,
      {
        open: (socket, peer) => new Connection(socket, peer, options.frameBytesMax, options.checksum),
        data: (c, chunk) => this.onData(c, chunk),
        closed: (c) => this.onClose(c),
        idle: () => this.out.counter('vigil_jt808_idle_disconnects_total', 'Connections closed for idleness').inc(),
      },
      { server: 'jt808', metrics: deps.metrics, logger: deps.logger },
    );
    this.hot = {
      bytes: deps.metrics.counter('vigil_jt808_bytes_received_total', 'Bytes received from terminals'),
      frames: deps.metrics.counter('vigil_jt808_frames_total', 'Frames received'),
      positions: deps.metrics.counter('vigil_jt808_positions_total', 'Positions accepted and durable'),
      positionBatches: deps.metrics.counter(
        'vigil_jt808_position_batches_total',
        'Runs of whole positions of one socket read, each published as one batch (frames per batch: their mean)',
      ),
    };
    deps.metrics.onCollect(() => {
      deps.metrics.gauge('vigil_jt808_connections', 'Open JT/T 808 connections').set(undefined, this.connections.size);
      deps.metrics.gauge('vigil_jt808_sessions', 'Authenticated JT/T 808 terminals').set(undefined, this.sessions.size);
      deps.metrics
        .gauge('vigil_jt808_reassembly_bytes', 'Bytes of subpackaged messages awaiting their missing packets')
        .set(undefined, this.subpackages.bytes);
      deps.metrics
        .gauge('vigil_jt808_media_bytes', 'Bytes of media files kept under the data dir')
        .set(undefined, this.media.bytesStored);
      deps.metrics
        .gauge('vigil_jt808_replay_guard_terminals', 'Terminals whose recent positions the replay guard remembers')
        .set(undefined, this.recentFixes.size);
    });
  }

  /** Active-safety alarms with attachments are asked to upload them there (0x9208); without one, nothing is asked. */
  useAttachmentServer(target: AttachmentUploadTarget): void {
    this.attachmentRequests.useTarget(target);
  }

  async listen(): Promise<number> {
    const port = await this.connections.listen();
    this.subpackages.start();
    return port;
  }

  async close(): Promise<void> {
    this.subpackages.stop();
    await this.connections.close();
  }

  private onClose(c: Connection): void {
    if (c.phone !== undefined && this.sessions.get(c.phone) === c) this.sessions.delete(c.phone);
    this.subpackages.closed(c);
    c.failDownlinks(
      new DownlinkError('terminal_disconnected', `terminal ${c.phone ?? c.peer} disconnected before answering`),
    );
  }

  private onData(c: Connection, chunk: Buffer): void {
    this.hot.bytes.inc(undefined, chunk.length);
    // The positions of this read from the session's terminal, gathered and published as one batch (see
    // publishReadPositions). Any other frame first sends the batch gathered so far, so that everything reaches
    // the log in the order it came.
    let batch: PositionFrame[] | undefined;
    for (const item of c.splitter.push(chunk)) {
      if (item.reason !== undefined) {
        this.out.rejectRaw(c, item.raw, item.reason, item.detail, undefined);
        continue;
      }
      const { header } = item.frame;
      if (header.msgId === 0x0200 && (header.packet === undefined || header.packet.total <= 1)) {
        if (c.version === 2011 && header.version === 2013) header.version = 2011;
        if (this.inSession(c, header)) {
          this.hot.frames.inc();
          // Without authentication one connection may speak for several phones: a batch is one terminal's.
          if (batch !== undefined && batch[0].frame.header.phone !== header.phone) {
            this.publishReadPositions(c, batch);
            batch = undefined;
          }
          (batch ??= []).push({ frame: item.frame, raw: item.raw });
          continue;
        }
      }
      if (batch !== undefined) {
        this.publishReadPositions(c, batch);
        batch = undefined;
      }
      this.onFrame(c, item.raw, item.frame);
    }
    if (batch !== undefined) this.publishReadPositions(c, batch);
    if (c.splitter.bufferedBytes > this.options.bufferedBytesPerConnectionMax) {
      // A peer that never closes its frame would otherwise make us buffer without end.
      this.out.rejectRaw(
        c,
        Buffer.alloc(0),
        'frame_too_large',
        `buffered ${c.splitter.bufferedBytes} bytes without a frame end`,
        undefined,
      );
      c.socket.destroy();
    }
  }

  /**
   * A frame that passed the frame check (the splitter ran parseFrame with the gateway's checksum policy). A
   * candidate that failed it was dead-lettered in onData without an answer: its header cannot be trusted, so
   * there is no flow number to answer, and the terminal retransmits.
   */
  private onFrame(c: Connection, raw: Buffer, parsed: Jt808Frame): void {
    this.hot.frames.inc();
    let frame: Jt808Frame | undefined = parsed;
    if (c.version === 2011 && frame.header.version === 2013) frame.header.version = 2011;
    if (frame.header.packet !== undefined && frame.header.packet.total > 1) {
      if (this.options.requireAuthentication && (!c.authenticated || c.phone !== frame.header.phone)) {
        // Refused packet by packet: a peer that never authenticated must not fill the reassembly bounds.
        const { msgId, packet } = frame.header;
        this.out.rejectRaw(
          c,
          raw,
          'not_authenticated',
          `packet ${packet.index} of ${packet.total} of message ${msgId.toString(16)} before authentication`,
          frame.header.phone,
        );
        this.out.reply(c, frame.header, RESULT.fail);
        return;
      }
      frame = this.subpackages.onPacket(c, frame, raw);
      if (frame === undefined) return;
    }
    const whole = frame;
    c.inFlight++;
    if (c.inFlight >= this.options.framesInFlightPerConnectionMax && !c.paused) {
      c.paused = true;
      c.socket.pause();
    }
    const handled = (): void => {
      this.subpackages.handled(whole.header);
      c.inFlight--;
      if (c.paused && c.inFlight < this.options.framesInFlightPerConnectionMax / 2) {
        c.paused = false;
        c.socket.resume();
      }
    };
    // One `then` with both handlers, not `.catch().finally()`: two promises fewer per frame.
    this.handleFrame(c, whole, raw).then(handled, (error: unknown) => {
      this.deps.logger.error('frame handling failed', {
        peer: c.peer,
        msg_id: whole.header.msgId,
        error: String(error),
      });
      this.out.reply(c, whole.header, RESULT.fail);
      handled();
    });
  }

  /**
   * Every frame but the positions of a session (see onData): as from an async function, whatever goes wrong is the
   * promise's rejection, answered in onFrame.
   */
  private handleFrame(c: Connection, frame: Jt808Frame, raw: Buffer): Promise<void> {
    try {
      return this.handleMessage(c, frame, raw, decodeMessage(frame, this.decodeOptions));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Whether a frame of `header` comes from the terminal this connection authenticated (or need not have). */
  private inSession(c: Connection, header: Jt808Header): boolean {
    return !this.options.requireAuthentication || (c.authenticated && c.phone === header.phone);
  }

  /**
   * The positions (0x0200) one socket read brought from the session's terminal, the frame of nearly all the load:
   * decoded and normalized together, the good ones appended to the log in one send (one durable waiter), the bad
   * ones dead-lettered in one send with their own reasons, and every frame answered in the order it came once
   * all of that is durable. The same checks, replay guard and counters as any other position (publishPositions).
   */
  private publishReadPositions(c: Connection, frames: readonly PositionFrame[]): void {
    const count = frames.length;
    this.hot.positionBatches.inc();
    c.inFlight += count;
    if (c.inFlight >= this.options.framesInFlightPerConnectionMax && !c.paused) {
      c.paused = true;
      c.socket.pause();
    }
    const phone = frames[0].frame.header.phone;
    const receivedAt = this.now();
    const results = new Uint8Array(count);
    const bodies: (LocationBody | undefined)[] = new Array<LocationBody | undefined>(count);
    let good: TelemetryRow[] | undefined;
    let times: number[] | undefined;
    let fingerprints: number[] | undefined;
    let rejects: IngestRejectRow[] | undefined;
    let earlier: Promise<void>[] | undefined;
    let retransmitted = 0;
    let fixes: TerminalFixes | undefined;
    for (let i = 0; i < count; i++) {
      const { frame, raw } = frames[i];
      const { header } = frame;
      const decoded = decodeMessage(frame, this.decodeOptions);
      if (!decoded.ok || decoded.value.msgId !== 0x0200) {
        const reason = decoded.ok ? 'unsupported_message' : decoded.reason;
        const detail = decoded.ok ? 'not a position' : decoded.detail;
        (rejects ??= []).push(this.out.rejectRow(c, raw, reason, detail, phone));
        results[i] = reason === 'unsupported_message' ? RESULT.unsupported : RESULT.badMessage;
        continue;
      }
      const body = decoded.value.body;
      c.version = header.version === 2013 && c.version === 2011 ? 2011 : header.version;
      c.protocolVersion = header.protocolVersion;
      const row = telemetryFromLocation(phone, c.plate, body, receivedAt, false);
      // A fix past the table's TTL would be deleted as soon as stored: refused, so that it is not lost unseen.
      const problem = checkRecord(TELEMETRY.columns, row) ?? retentionProblem(TELEMETRY, row, receivedAt);
      if (problem) {
        (rejects ??= []).push(this.out.rejectRow(c, raw, problem.reason, problem.detail, phone));
        results[i] = RESULT.badMessage;
        continue;
      }
      results[i] = RESULT.ok;
      bodies[i] = body;
      const fingerprint = fingerprintOf(row);
      fixes ??= this.fixesOf(c, phone);
      const previous = fixes.find(row.ts, fingerprint);
      if (previous !== undefined) {
        // Sent again because the terminal never saw our answer: acknowledged once the earlier write is durable.
        retransmitted++;
        if (previous !== DURABLE) (earlier ??= []).push(previous);
      } else if (times !== undefined && sameFixIn(times, fingerprints as number[], row.ts, fingerprint)) {
        // The same position twice in one read: acknowledged with the first, stored once.
        retransmitted++;
      } else {
        (good ??= []).push(row);
        (times ??= []).push(row.ts);
        (fingerprints ??= []).push(fingerprint);
      }
    }
    const producer = this.out.producer;
    let sent: Promise<void> | undefined;
    if (good !== undefined) {
      sent = producer.send(
        TOPICS.telemetry,
        good.length === 1 ? [{ key: phone, value: good[0] }] : good.map((row) => ({ key: phone, value: row })),
      );
      (fixes as TerminalFixes).remember(times as number[], fingerprints as number[], sent);
    }
    if (retransmitted > 0)
      this.out
        .counter('vigil_jt808_duplicate_positions_total', 'Retransmitted positions acknowledged without a second row')
        .inc(undefined, retransmitted);
    const waits: (Promise<void> | undefined)[] = earlier ?? [];
    if (rejects !== undefined)
      waits.push(
        producer.send(
          TOPICS.rejects,
          rejects.map((r) => ({ key: r.terminal_id, value: r })),
        ),
      );
    let durable: Promise<unknown>;
    if (waits.length === 0) durable = sent ?? Promise.resolve();
    else {
      waits.push(sent);
      durable = Promise.all(waits);
    }
    // No frame of the batch was reassembled (onData takes whole positions only): nothing for subpackages.handled.
    const done = (): void => {
      c.inFlight -= count;
      if (c.paused && c.inFlight < this.options.framesInFlightPerConnectionMax / 2) {
        c.paused = false;
        c.socket.resume();
      }
    };
    durable.then(
      () => {
        if (good !== undefined) {
          this.hot.positions.inc(undefined, good.length);
          const last = good[good.length - 1];
          if (last.org_code !== '') c.orgCode = last.org_code;
        }
        for (let i = 0; i < count; i++) this.out.reply(c, frames[i].frame.header, results[i]);
        for (let i = 0; i < count; i++) {
          const body = bodies[i];
          if (body !== undefined) this.attachmentRequests.onLocation(c, phone, body);
        }
        done();
      },
      (error: unknown) => {
        this.deps.logger.error('frame handling failed', { peer: c.peer, msg_id: 0x0200, error: String(error) });
        for (let i = 0; i < count; i++) this.out.reply(c, frames[i].frame.header, RESULT.fail);
        done();
      },
    );
  }

  private async handleMessage(
    c: Connection,
    frame: Jt808Frame,
    raw: Buffer,
    decoded: ReturnType<typeof decodeMessage>,
  ): Promise<void> {
    const { header } = frame;
    if (!decoded.ok) {
      await this.out.rejectRawDurably(c, raw, decoded.reason, decoded.detail, header.phone);
      this.out.reply(c, header, decoded.reason === 'unsupported_message' ? RESULT.unsupported : RESULT.badMessage);
      return;
    }
    const message = decoded.value;
    c.version = header.version === 2013 && c.version === 2011 ? 2011 : header.version;
    c.protocolVersion = header.protocolVersion;
    switch (message.msgId) {
      case 0x0100:
        return this.onRegister(c, header, message.body, raw);
      case 0x0102:
        return this.onAuthenticate(c, header, message.body.authCode, raw);
      case 0x0002:
        return this.out.reply(c, header, RESULT.ok);
      case 0x0003:
        await this.deps.directory.unregister(header.phone);
        return this.out.reply(c, header, RESULT.ok);
      case 0x0001:
        return this.onTerminalAnswer(c, message.body.replySerial, { result: message.body.result });
      case 0x0004:
        // Terminals ask for the time before they can stamp anything, so this needs no session.
        this.out.send(c, header.phone, { msgId: 0x8004, body: { time: Math.floor(this.now() / 1000) * 1000 } });
        return;
      default:
        break;
    }
    if (this.options.requireAuthentication && (!c.authenticated || c.phone !== header.phone)) {
      await this.out.rejectRawDurably(
        c,
        raw,
        'not_authenticated',
        `message ${header.msgId.toString(16)} before authentication`,
        header.phone,
      );
      this.out.reply(c, header, RESULT.fail);
      return;
    }
    await this.onData808(c, header, message, raw);
  }

  private async onData808(c: Connection, header: Jt808Header, message: Jt808Message, raw: Buffer): Promise<void> {
    const receivedAt = this.now();
    switch (message.msgId) {
      case 0x0200: {
        // Only a position reassembled from packets comes here: onData takes every whole position of the session
        // (publishReadPositions), and handleMessage refuses the others before this point.
        const row = telemetryFromLocation(header.phone, c.plate, message.body, receivedAt, false);
        const accepted = await this.publishPositions(c, [row], raw);
        this.out.reply(c, header, accepted ? RESULT.ok : RESULT.badMessage);
        if (accepted) this.attachmentRequests.onLocation(c, header.phone, message.body);
        return;
      }
      case 0x0704: {
        const backfill = message.body.type === 1;
        const rows = message.body.items.map((item) =>
          telemetryFromLocation(header.phone, c.plate, item, receivedAt, backfill),
        );
        // The batch is acknowledged as a whole, once every good item and every bad one's dead-letter is durable.
        // All are sent in the turn that stamped `receivedAt`: the rules' replay after a crash relies on it
        // (stream/engine/input-replay.ts); good items sent only after the dead-letters were durable could be
        // received long before the earliest send still in flight.
        await Promise.all([
          ...message.body.errors.map((error) =>
            this.out.rejectRawDurably(
              c,
              raw,
              error.reason,
              `0x0704 item ${error.index}: ${error.detail}`,
              header.phone,
            ),
          ),
          this.publishPositions(c, rows, raw),
        ]);
        this.out.reply(c, header, RESULT.ok);
        for (const item of message.body.items) this.attachmentRequests.onLocation(c, header.phone, item);
        return;
      }
      case 0x0201: {
        // The answer to a location query is a position like any other, and also the command's result.
        const row = telemetryFromLocation(header.phone, c.plate, message.body.location, receivedAt, false);
        await this.publishPositions(c, [row], raw);
        this.onTerminalAnswer(c, message.body.replySerial, { result: RESULT.ok, location: message.body.location });
        return;
      }
      case 0x0805:
        // The answer to "take a photo now": the command's result, with the ids the photos will be uploaded under.
        this.out.reply(c, header, RESULT.ok);
        this.onTerminalAnswer(c, message.body.replySerial, {
          result: message.body.result,
          mediaIds: message.body.mediaIds,
        });
        return;
      case 0x1205:
        // A resource list (JT/T 1078): the answer to 0x9205, or to 0x9201 naming what will be played back.
        this.out.reply(c, header, RESULT.ok);
        this.onTerminalAnswer(c, message.body.replySerial, { result: RESULT.ok, message });
        return;
      case 0x0104:
      case 0x0802:
        // Parameters (to 0x8104/0x8106) and the stored media found (to 0x8802): the answer is the message itself.
        this.out.reply(c, header, RESULT.ok);
        this.onTerminalAnswer(c, message.body.replySerial, { result: RESULT.ok, message });
        return;
      case 0x0500: {
        // The answer to vehicle control carries the position after it: stored like a 0x0201.
        const row = telemetryFromLocation(header.phone, c.plate, message.body.location, receivedAt, false);
        await this.publishPositions(c, [row], raw);
        this.onTerminalAnswer(c, message.body.replySerial, { result: RESULT.ok, location: message.body.location });
        return;
      }
      case 0x0702: {
        // Driver identity: sent on card in/out, and as the answer to 0x8702, which it names by no flow number.
        // Either way it says who is at the wheel: stored (and so seen by the rules) before it is acknowledged.
        const accepted = await this.publishDriverCard(
          c,
          driverEventFromCard(header.phone, c.plate, message.body, receivedAt, c.orgCode),
          raw,
        );
        this.out.reply(c, header, accepted ? RESULT.ok : RESULT.badMessage);
        const serial = c.pendingSerialOf(0x8702);
        if (serial !== undefined) this.onTerminalAnswer(c, serial, { result: RESULT.ok, message });
        return;
      }
      case 0x0800:
        return this.mediaUploads.onEvent(c, header, message.body, receivedAt);
      case 0x0801:
        return this.mediaUploads.onData(c, header, message.body, raw, receivedAt);
      case 0x0900:
        // Pass-through payloads are vendor-defined; they are counted by type and acknowledged, not stored.
        this.out
          .counter('vigil_jt808_pass_through_total', 'Pass-through (0x0900) messages by type', ['type'])
          .inc({ type: `0x${message.body.type.toString(16).padStart(2, '0')}` });
        this.out.reply(c, header, RESULT.ok);
        return;
      default:
        // A platform-to-terminal message sent upwards makes no sense here.
        await this.out.rejectRawDurably(
          c,
          raw,
          'unsupported_message',
          `message 0x${header.msgId.toString(16).padStart(4, '0')} is a platform message`,
          header.phone,
        );
        this.out.reply(c, header, RESULT.unsupported);
    }
  }

  /**
   * Validates, publishes and waits until durable. Positions this terminal already made (or is making) durable
   * with the same device time and content, on this connection or an earlier one, are exact retransmissions:
   * they are acknowledged once the earlier write is durable, without a second row. Returns false when every
   * row was rejected.
   */
  private async publishPositions(c: Connection, rows: TelemetryRow[], raw: Buffer): Promise<boolean> {
    const good: TelemetryRow[] = [];
    const times: number[] = [];
    const fingerprints: number[] = [];
    const rejects: IngestRejectRow[] = [];
    const earlier: Promise<void>[] = [];
    let retransmitted = 0;
    let fixes: TerminalFixes | undefined;
    let seen: Set<number> | undefined;
    const nowMs = this.now();
    for (const row of rows) {
      // A fix past the table's TTL would be deleted as soon as stored: refused, so that it is not lost unseen.
      const problem = checkRecord(TELEMETRY.columns, row) ?? retentionProblem(TELEMETRY, row, nowMs);
      if (problem) {
        rejects.push(this.out.rejectRow(c, raw, problem.reason, problem.detail, row.terminal_id));
        continue;
      }
      const fingerprint = fingerprintOf(row);
      fixes ??= this.fixesOf(c, row.terminal_id);
      const previous = fixes.find(row.ts, fingerprint);
      if (previous !== undefined) {
        retransmitted++;
        if (previous !== DURABLE) earlier.push(previous);
      } else if (seen?.has(row.ts) !== true) {
        good.push(row);
        times.push(row.ts);
        fingerprints.push(fingerprint);
        (seen ??= new Set()).add(row.ts);
      }
    }
    let sent: Promise<void> | undefined;
    if (good.length > 0) {
      sent = this.out.producer.send(
        TOPICS.telemetry,
        good.map((row) => ({ key: row.terminal_id, value: row })),
      );
      (fixes as TerminalFixes).remember(times, fingerprints, sent);
    }
    if (retransmitted > 0)
      this.out
        .counter('vigil_jt808_duplicate_positions_total', 'Retransmitted positions acknowledged without a second row')
        .inc(undefined, retransmitted);
    await Promise.all([
      sent,
      ...earlier,
      rejects.length > 0
        ? this.out.producer.send(
            TOPICS.rejects,
            rejects.map((r) => ({ key: r.terminal_id, value: r })),
          )
        : undefined,
    ]);
    this.hot.positions.inc(undefined, good.length);
    if (good.length > 0 && good[good.length - 1].org_code !== '') c.orgCode = good[good.length - 1].org_code;
    return good.length + retransmitted > 0 || rows.length === 0;
  }

  /** Validates a driver card row, publishes it and waits until durable; false when it was dead-lettered. */
  private async publishDriverCard(c: Connection, row: DriverEventRow, raw: Buffer): Promise<boolean> {
    const problem = checkRecord(DRIVER_EVENTS.columns, row) ?? retentionProblem(DRIVER_EVENTS, row, this.now());
    if (problem) {
      await this.out.rejectRawDurably(c, raw, problem.reason, `0x0702: ${problem.detail}`, row.terminal_id);
      return false;
    }
    await this.out.producer.send(TOPICS.drivers, [{ key: row.terminal_id, value: row }]);
    this.out
      .counter('vigil_jt808_driver_cards_total', 'Driver IC card reports (0x0702) stored, by status', ['status'])
      .inc({ status: row.status === 1 ? 'inserted' : 'taken_out' });
    return true;
  }

  /** The replay guard of a terminal, cached on the connection that reports for it. */
  private fixesOf(c: Connection, phone: string): TerminalFixes {
    if (c.fixes === undefined || c.fixesPhone !== phone) {
      c.fixes = this.recentFixes.of(phone);
      c.fixesPhone = phone;
    }
    return c.fixes;
  }

  private async onRegister(
    c: Connection,
    header: Jt808Header,
    body: Extract<Jt808Message, { msgId: 0x0100 }>['body'],
    raw: Buffer,
  ): Promise<void> {
    if (body.layout === 2011) c.version = 2011;
    const badPlate = plateProblem(body.plate);
    if (badPlate) {
      // Result 2 ("no such vehicle"): no vehicle has that plate, and the terminal gets no auth code.
      await this.out.rejectRawDurably(c, raw, badPlate.reason, `0x0100: ${badPlate.detail}`, header.phone);
      this.sendRegisterReply(c, header, REGISTER_RESULT.vehicleUnknown, undefined);
      return;
    }
    const outcome = await this.deps.directory.register({
      phone: header.phone,
      plate: body.plate,
      plateColor: body.plateColor,
      maker: body.maker,
      model: body.model,
      deviceId: body.terminalId,
      version: body.layout === 2011 ? 2011 : header.version,
    });
    this.sendRegisterReply(c, header, outcome.result, outcome.result === 0 ? outcome.authCode : undefined);
  }

  private sendRegisterReply(c: Connection, header: Jt808Header, result: number, authCode: string | undefined): void {
    this.out.send(c, header.phone, { msgId: 0x8100, body: { replySerial: header.serial, result, authCode } });
  }

  private async onAuthenticate(c: Connection, header: Jt808Header, authCode: string, raw: Buffer): Promise<void> {
    const outcome = await this.deps.directory.authenticate(header.phone, authCode);
    const badPlate = outcome ? plateProblem(outcome.plate) : null;
    if (!outcome || badPlate) {
      this.out.counter('vigil_jt808_auth_failures_total', 'Failed terminal authentications').inc();
      // A plate registered before plates were checked: refused, so the terminal registers again with its plate.
      if (badPlate)
        await this.out.rejectRawDurably(
          c,
          raw,
          badPlate.reason,
          `0x0102: the plate registered for this terminal: ${badPlate.detail}`,
          header.phone,
        );
      this.out.reply(c, header, RESULT.fail);
      return;
    }
    const previous = this.sessions.get(header.phone);
    if (previous && previous !== c) {
      // One live session per terminal: the newer connection wins, the stale one is closed.
      this.out.counter('vigil_jt808_sessions_replaced_total', 'Sessions replaced by a newer connection').inc();
      previous.socket.destroy();
    }
    c.phone = header.phone;
    c.plate = outcome.plate;
    c.authenticated = true;
    this.sessions.set(header.phone, c);
    this.out.reply(c, header, RESULT.ok);
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
   * Sends a command to a terminal's live session and resolves with its answer: the 0x0001 result, for 0x8201
   * the position of its 0x0201, for 0x8801 the media ids of its 0x0805. Throws a DownlinkError when there is no session, when too many commands
   * are pending, or when the terminal does not answer in time.
   */
  async sendCommand(phone: string, message: Jt808Message): Promise<CommandAnswer> {
    const c = this.sessions.get(phone);
    if (!c) throw new DownlinkError('terminal_offline', `terminal ${phone} has no live session`);
    if (c.pendingDownlinks.size >= this.options.downlinksPendingPerConnectionMax) {
      throw new DownlinkError(
        'downlink_busy',
        `terminal ${phone} has ${c.pendingDownlinks.size} commands awaiting an answer, max ${this.options.downlinksPendingPerConnectionMax}`,
      );
    }
    const serial = this.out.send(c, phone, message);
    this.out
      .counter('vigil_jt808_downlinks_total', 'Commands sent to terminals by message id', ['msg_id'])
      .inc({ msg_id: `0x${message.msgId.toString(16).padStart(4, '0')}` });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        c.takeDownlink(serial);
        reject(
          new DownlinkError(
            'terminal_timeout',
            `terminal ${phone} did not answer 0x${message.msgId.toString(16)} within ${this.options.downlinkTimeoutMs} ms`,
          ),
        );
      }, this.options.downlinkTimeoutMs);
      c.addDownlink(serial, { msgId: message.msgId, resolve, reject, timer });
    });
  }

  /** The local address of a terminal's live connection: where it reaches this node (for JT/T 1078 media). */
  sessionLocalAddress(phone: string): string | undefined {
    return this.sessions.get(phone)?.socket.localAddress;
  }

  hasSession(phone: string): boolean {
    return this.sessions.has(phone);
  }
}

/** A whole 0x0200 frame of a read, waiting to be published with the read's other positions. */
interface PositionFrame {
  frame: Jt808Frame;
  raw: Buffer;
}

/** Whether an earlier position of the same batch had this device time and fingerprint. */
function sameFixIn(
  times: readonly number[],
  fingerprints: readonly number[],
  ts: number,
  fingerprint: number,
): boolean {
  for (let i = 0; i < times.length; i++) if (times[i] === ts && fingerprints[i] === fingerprint) return true;
  return false;
}

function rsaKey(key: KeyObject | string): KeyObject {
  if (key instanceof KeyObject) return key;
  try {
    return createPrivateKey(key);
  } catch (error) {
    throw new RangeError(`jt808 gateway option rsaPrivateKey is not a usable private key: ${(error as Error).message}`);
  }
}
