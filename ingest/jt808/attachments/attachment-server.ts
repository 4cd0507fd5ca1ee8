/**
 * The active-safety attachment server (T/JSATL 12 §5.6): terminals told by 0x9208 connect here and upload the
 * pictures, clips and records of an alarm. Each connection announces the alarm's files (0x1210), then per file
 * its information (0x1211), its data frames and its completion (0x1212), which is answered 0x9212: complete, or
 * the byte ranges that are still missing, which the terminal sends again before completing anew.
 *
 * A whole file is synced under `<data-dir>/attachments/<terminal>/<alarm number>/<name>` and becomes a row of
 * `media_events` (media id 0, the path naming the alarm number), which is how the vehicle's media list and the
 * alarm's evidence find it. Bad input is answered and counted, never fatal: a frame that does not decode gets
 * 0x8001 "bad message", data for a file not announced or beyond its size is dropped and counted, and only bytes
 * that exceed a bound close the connection.
 */
import type net from 'node:net';
import path from 'node:path';
import type { Counter, Logger, MediaEventRow, Metrics } from '../../../schema/index.js';
import { ALARM_NUMBER_PATTERN, checkRecord, MEDIA_EVENTS } from '../../../schema/index.js';
import { TOPICS, type EventLog, type Producer } from '../../../stream/index.js';
import { TcpConnections, type TcpConnection } from '../../tcp-connections.js';
import {
  decodeMessage,
  encodeMessage,
  parseFrame,
  type AlarmAttachmentList,
  type AttachmentFileInfo,
  type Jt808Header,
  type Jt808Message,
} from '../codec/index.js';
import { AttachmentFiles, attachmentNameProblem, type IncomingFile } from './attachment-files.js';
import { AttachmentStream, type AttachmentStreamItem } from './attachment-stream.js';

export interface AttachmentServerOptions {
  host: string;
  /** TCP port terminals upload to; 0 picks a free one. */
  port: number;
  /**
   * The address 0x9208 names. Undefined: the local address of the terminal's JT/T 808 connection, which the
   * terminal can reach by construction (right when both listeners share a host).
   */
  advertisedHost: string | undefined;
  connectionsMax: number;
  /** A connection silent this long is closed. */
  idleTimeoutMs: number;
  /** Largest attachment accepted (the size a 0x1210/0x1211 declares), bytes. */
  fileBytesMax: number;
  /** Largest data frame, bytes of data. */
  dataBytesPerFrameMax: number;
  frameBytesMax: number;
}

export const ATTACHMENT_SERVER_DEFAULTS: AttachmentServerOptions = {
  host: '0.0.0.0',
  port: 6812,
  advertisedHost: undefined,
  connectionsMax: 1_000,
  idleTimeoutMs: 120_000,
  fileBytesMax: 64 * 1024 * 1024,
  dataBytesPerFrameMax: 1024 * 1024,
  frameBytesMax: 8 * 1024,
};

/** Under the data dir. */
export const ATTACHMENTS_DIR_NAME = 'attachments';

/** 0x8001 results. */
const RESULT_OK = 0;
const RESULT_FAIL = 1;
const RESULT_BAD = 2;
const RESULT_UNSUPPORTED = 3;
/** 0x9212 results. */
const UPLOAD_COMPLETE = 0;
const UPLOAD_RESEND = 1;
/** 0x9212 names at most 255 ranges; the terminal sends those, completes again and hears of the rest. */
const RESEND_RANGES_MAX = 255;

/** The alarm type code in a T/JSATL 12 file name (`<type>_<channel>_<alarm type>_…`): its first byte is the item. */
const FILE_NAME_FIELDS = /^(\d{2})_(\d{1,3})_([0-9a-fA-F]{4})_/;

class AttachmentConnection implements TcpConnection {
  lastActiveMs = 0;
  phone: string | undefined;
  version: Jt808Header['version'] = 2013;
  protocolVersion = 1;
  private serial = 0;
  list: AlarmAttachmentList | undefined;
  readonly files = new Map<string, IncomingFile>();
  /** Items are handled one after the other: file writes are asynchronous and must stay in order. */
  queue: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: net.Socket,
    readonly peer: string,
    readonly stream: AttachmentStream,
  ) {}

  nextSerial(): number {
    this.serial = (this.serial + 1) & 0xffff;
    return this.serial;
  }
}

export class AttachmentServer {
  private readonly connections: TcpConnections<AttachmentConnection>;
  private readonly producer: Producer;
  private readonly files: AttachmentFiles;
  private readonly rejects: Counter;
  private readonly stored: Counter;
  private port = 0;

  constructor(
    readonly options: AttachmentServerOptions,
    private readonly deps: { log: EventLog; dataDir: string; logger: Logger; metrics: Metrics; now?: () => number },
  ) {
    this.producer = deps.log.producer();
    this.files = new AttachmentFiles(path.join(deps.dataDir, ATTACHMENTS_DIR_NAME), ATTACHMENTS_DIR_NAME);
    this.rejects = deps.metrics.counter(
      'vigil_attachment_rejects_total',
      'Attachment-server input refused, by reason (bad_message, unknown_file, beyond_size, garbage, ...)',
      ['reason'],
    );
    this.stored = deps.metrics.counter('vigil_attachment_files_total', 'Active-safety attachment files stored whole');
    this.connections = new TcpConnections<AttachmentConnection>(
      {
        host: options.host,
        port: options.port,
        connectionsMax: options.connectionsMax,
        idleTimeoutMs: options.idleTimeoutMs,
      },
      {
        open: (socket, peer) =>
          new AttachmentConnection(
            socket,
            peer,
            new AttachmentStream({
              frameBytesMax: options.frameBytesMax,
              dataBytesPerFrameMax: options.dataBytesPerFrameMax,
            }),
          ),
        data: (c, chunk) => this.onData(c, chunk),
        closed: () => undefined,
        idle: () => undefined,
      },
      { server: 'attachments', metrics: deps.metrics, logger: deps.logger },
    );
  }

  async listen(): Promise<number> {
    this.port = await this.connections.listen();
    return this.port;
  }

  /** What 0x9208 tells a terminal whose JT/T 808 connection arrived at `localAddress`. */
  addressFor(localAddress: string | undefined): { host: string; port: number } {
    const host = this.options.advertisedHost ?? (localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    return { host, port: this.port };
  }

  async close(): Promise<void> {
    await this.connections.close();
    await this.files.closeAll();
  }

  private onData(c: AttachmentConnection, chunk: Buffer): void {
    const items = c.stream.push(chunk);
    if (items.length === 0) return;
    c.queue = c.queue
      .then(async () => {
        for (const item of items) await this.onItem(c, item);
      })
      .catch((error: unknown) => {
        this.deps.logger.error('attachment upload failed', { peer: c.peer, error: String(error) });
        c.socket.destroy();
      });
  }

  private async onItem(c: AttachmentConnection, item: AttachmentStreamItem): Promise<void> {
    if (item.kind === 'reject') {
      this.refuse(c, item.reason, item.detail);
      if (item.reason === 'frame_too_large' || item.reason === 'data_too_large') c.socket.destroy();
      return;
    }
    if (item.kind === 'data') return this.onFileData(c, item.header.name, item.header.offset, item.data);
    const frame = parseFrame(item.bytes);
    if (!frame.ok) return this.refuse(c, frame.reason, frame.detail);
    const { header } = frame.value;
    c.phone = header.phone;
    c.version = header.version;
    c.protocolVersion = header.protocolVersion ?? 1;
    const message = decodeMessage(frame.value);
    if (!message.ok) {
      this.refuse(c, message.reason, message.detail);
      return this.reply(c, header, RESULT_BAD);
    }
    const m = message.value;
    switch (m.msgId) {
      case 0x1210:
        return this.onList(c, header, m.body);
      case 0x1211:
        return this.onFileInfo(c, header, m.body);
      case 0x1212:
        return this.onFileDone(c, header, m.body);
      case 0x0002:
        return this.reply(c, header, RESULT_OK);
      default:
        this.refuse(c, 'unsupported_message', `message 0x${header.msgId.toString(16)} on the attachment server`);
        return this.reply(c, header, RESULT_UNSUPPORTED);
    }
  }

  private onList(c: AttachmentConnection, header: Jt808Header, list: AlarmAttachmentList): void {
    const problem =
      (!ALARM_NUMBER_PATTERN.test(list.alarmNumber)
        ? `alarm number ${JSON.stringify(list.alarmNumber)} is not one this platform gave (32 hex digits)`
        : undefined) ??
      list.files.map((f) => attachmentNameProblem(f.name)).find((p) => p !== undefined) ??
      list.files
        .filter((f) => f.size > this.options.fileBytesMax)
        .map((f) => `${f.name}: ${f.size} bytes, more than fileBytesMax ${this.options.fileBytesMax}`)[0];
    if (problem !== undefined) {
      this.refuse(c, 'bad_attachment_list', problem);
      return this.reply(c, header, RESULT_FAIL);
    }
    // A supplementary list (information type 1) adds to the alarm's files; a normal one starts the alarm over.
    c.list =
      list.infoType === 1 && c.list?.alarmNumber === list.alarmNumber
        ? { ...list, files: [...c.list.files, ...list.files] }
        : list;
    this.reply(c, header, RESULT_OK);
  }

  private onFileInfo(c: AttachmentConnection, header: Jt808Header, info: AttachmentFileInfo): void {
    const announced = c.list?.files.find((f) => f.name === info.name);
    if (c.list === undefined || c.phone === undefined || announced === undefined) {
      this.refuse(c, 'unknown_file', `${info.name} was not in an attachment list (0x1210) of this connection`);
      return this.reply(c, header, RESULT_FAIL);
    }
    if (info.size > this.options.fileBytesMax) {
      this.refuse(
        c,
        'file_too_large',
        `${info.name}: ${info.size} bytes, more than fileBytesMax ${this.options.fileBytesMax}`,
      );
      return this.reply(c, header, RESULT_FAIL);
    }
    c.files.set(info.name, this.files.begin(c.phone, c.list.alarmNumber, info.name, info.fileType, info.size));
    this.reply(c, header, RESULT_OK);
  }

  private async onFileData(c: AttachmentConnection, name: string, offset: number, data: Buffer): Promise<void> {
    const file = c.files.get(name);
    if (file === undefined) return this.refuse(c, 'unknown_file', `data for ${name}, which no 0x1211 announced`);
    if (offset + data.length > file.size)
      return this.refuse(c, 'beyond_size', `${name}: bytes ${offset}-${offset + data.length} beyond its ${file.size}`);
    await this.files.write(file, offset, data);
  }

  private async onFileDone(c: AttachmentConnection, header: Jt808Header, info: AttachmentFileInfo): Promise<void> {
    const file = c.files.get(info.name);
    if (file === undefined || c.list === undefined || c.phone === undefined) {
      this.refuse(c, 'unknown_file', `${info.name} completed without a 0x1211`);
      return this.reply(c, header, RESULT_FAIL);
    }
    const missing = file.received.missing(file.size);
    if (missing.length > 0) {
      this.send(c, {
        msgId: 0x9212,
        body: {
          name: file.name,
          fileType: file.fileType,
          result: UPLOAD_RESEND,
          missing: missing.slice(0, RESEND_RANGES_MAX),
        },
      });
      return;
    }
    await this.files.finish(file);
    c.files.delete(file.name);
    await this.publish(mediaRowOf(c.phone, c.list, file, (this.deps.now ?? Date.now)()));
    this.stored.inc();
    this.send(c, {
      msgId: 0x9212,
      body: { name: file.name, fileType: file.fileType, result: UPLOAD_COMPLETE, missing: [] },
    });
  }

  private async publish(row: MediaEventRow): Promise<void> {
    const problem = checkRecord(MEDIA_EVENTS.columns, row);
    if (problem) throw new Error(`attachment of ${row.terminal_id} does not fit media_events: ${problem.detail}`);
    await this.producer.send(TOPICS.media, [{ key: row.terminal_id, value: row }]);
  }

  private refuse(c: AttachmentConnection, reason: string, detail: string): void {
    this.rejects.inc({ reason });
    this.deps.logger.warn('attachment input refused', { peer: c.peer, terminal: c.phone, reason, detail });
  }

  private reply(c: AttachmentConnection, header: Jt808Header, result: number): void {
    this.send(c, { msgId: 0x8001, body: { replySerial: header.serial, replyMsgId: header.msgId, result } });
  }

  private send(c: AttachmentConnection, message: Jt808Message): void {
    if (c.socket.destroyed || c.phone === undefined) return;
    c.socket.write(
      encodeMessage(message, {
        version: c.version === 2011 ? 2013 : c.version,
        protocolVersion: c.protocolVersion,
        phone: c.phone,
        serial: c.nextSerial(),
      }),
    );
  }
}

/** File types of 0x1211 as `media_events.media_type` (0 image, 1 audio, 2 video; 3 text, 4 other). */
function mediaRowOf(phone: string, list: AlarmAttachmentList, file: IncomingFile, receivedAt: number): MediaEventRow {
  const fields = FILE_NAME_FIELDS.exec(file.name);
  return {
    terminal_id: phone,
    media_id: 0,
    media_type: file.fileType,
    format: formatOf(file.name),
    // The alarm's item (0x64 ADAS … 0x67 blind spot), from the alarm type in the file name when it has one.
    event_code: fields ? parseInt(fields[3].slice(0, 2), 16) : 0,
    channel: fields ? Number(fields[2]) : 0,
    ts: list.alarmIdentification.time ?? receivedAt,
    lat: 0,
    lon: 0,
    bytes: file.size,
    path: file.relativePath,
    received_at: receivedAt,
  };
}

/** The format code of `media_events` (0 JPEG, 1 TIF, 2 MP3, 3 WAV, 4 WMV), 255 for what it has no code for. */
function formatOf(name: string): number {
  const ext = path.extname(name).toLowerCase();
  return ({ '.jpg': 0, '.jpeg': 0, '.tif': 1, '.mp3': 2, '.wav': 3, '.wmv': 4 } as Record<string, number>)[ext] ?? 255;
}
