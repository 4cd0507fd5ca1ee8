/**
 * A JT/T 809 upper platform for tests (2011, or 2019 with `edition`: the 30-byte header with the UTC time), written from the standard rather than from Vigil's codec (framing,
 * escapes and CRC from jt809-client.ts): it accepts a lower platform's main link, answers 0x1001 with 0x1002 (a
 * result of the test's choosing) and 0x1005 with 0x1006, decrypts bodies with the keys it was given, and keeps
 * every message it received, in order, for the test to read.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { cipherBytes, frame809, frames809 } from './jt809-client.js';

export interface UpperMessage {
  msgId: number;
  accessCode: number;
  body: Buffer;
  /** The header's version bytes. */
  version: number[];
  /** 2019: the header's UTC time in seconds. */
  timeS?: number;
  /** Which connection it came on (1 for the first), to see reconnections. */
  connection: number;
}

export interface UpperPlatformOptions {
  keys?: { m1: number; ia1: number; ic1: number };
  /** The 0x1002 result for a login; 0 accepts. */
  loginResult?: (userId: number, password: string) => number;
  edition?: 2011 | 2019;
}

export class UpperPlatform {
  readonly messages: UpperMessage[] = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private connections = 0;
  private sn = 0;
  port = 0;

  constructor(private readonly options: UpperPlatformOptions = {}) {}

  async listen(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Drops every open link (as a restart of the upper platform would). */
  dropLinks(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropLinks();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Sends a request down the newest link (the main link, as an upper platform does when no sub link is up); returns
   * its frame's MSG_SN, which a 2019 answer names it by.
   */
  send(msgId: number, body: Buffer, accessCode: number): number {
    const socket = [...this.sockets].at(-1);
    if (!socket) throw new Error('no lower platform is connected');
    socket.write(frame809(msgId, body, { sn: ++this.sn, accessCode, edition: this.options.edition }));
    return this.sn;
  }

  of(msgId: number): UpperMessage[] {
    return this.messages.filter((m) => m.msgId === msgId);
  }

  /** The vehicle envelopes (0x1200, 0x1400 …) of `msgId` received so far about `plate`. */
  envelopesOf(msgId: number, plate: string): ReturnType<typeof envelopeOf>[] {
    return this.of(msgId)
      .map((m) => envelopeOf(m.body))
      .filter((e) => e.plate === plate);
  }

  private accept(socket: net.Socket): void {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const split = frames809('the lower platform');
    socket.on('data', (chunk: Buffer) => {
      for (const data of split(chunk)) {
        const encrypted = data[17] === 1;
        const edition2019 = this.options.edition === 2019;
        let body = data.subarray(edition2019 ? 30 : 22, data.length - 2);
        if (encrypted) {
          if (!this.options.keys) throw new Error('an encrypted frame, and the test gave no keys');
          body = cipherBytes(body, data.readUInt32BE(18), this.options.keys);
        }
        const message = {
          msgId: data.readUInt16BE(8),
          accessCode: data.readUInt32BE(10),
          body,
          version: [data[14], data[15], data[16]],
          ...(edition2019 ? { timeS: Number(data.readBigUInt64BE(22)) } : {}),
          connection,
        };
        this.messages.push(message);
        this.answer(socket, message);
      }
    });
  }

  private answer(socket: net.Socket, m: UpperMessage): void {
    if (m.msgId === 0x1001) {
      const userId = m.body.readUInt32BE(0);
      const password = iconv.decode(m.body.subarray(4, 12), 'gbk').replace(/\0+$/, '');
      const result = this.options.loginResult?.(userId, password) ?? 0;
      const answer = Buffer.alloc(5);
      answer[0] = result;
      answer.writeUInt32BE(UPPER_VERIFY_CODE, 1);
      socket.write(
        frame809(0x1002, answer, { sn: ++this.sn, accessCode: m.accessCode, edition: this.options.edition }),
      );
    } else if (m.msgId === 0x1005) {
      socket.write(
        frame809(0x1006, Buffer.alloc(0), { sn: ++this.sn, accessCode: m.accessCode, edition: this.options.edition }),
      );
    }
  }
}

/** The down-link address (DOWN_LINK_IP, DOWN_LINK_PORT) a lower platform named in its 0x1001 body. */
export function downLinkOf(login: UpperMessage, edition: 2011 | 2019 = 2011): { ip: string; port: number } {
  const at = edition === 2019 ? 16 : 12;
  return {
    ip: login.body
      .subarray(at, at + 32)
      .toString('latin1')
      .replace(/\0+$/, ''),
    port: login.body.readUInt16BE(at + 32),
  };
}

/** The verify code this upper platform answers every 0x1001 with (0x1002's VERIFY_CODE). */
export const UPPER_VERIFY_CODE = 0x2468ace0;

/**
 * The upper platform's side of the down link (从链路): it connects to the address the lower platform named, and
 * sends and reads frames with the test's own codec; every frame it reads is kept in order.
 */
export class UpperDownLinkClient {
  readonly frames: { msgId: number; body: Buffer }[] = [];
  readonly closed: Promise<void>;
  private sn = 0;

  private constructor(
    private readonly socket: net.Socket,
    private readonly accessCode: number,
    private readonly keys: UpperPlatformOptions['keys'],
  ) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const split = frames809('the lower platform on the down link');
    socket.on('data', (chunk: Buffer) => {
      for (const data of split(chunk)) {
        let body = data.subarray(22, data.length - 2);
        if (data[17] === 1 && keys) body = cipherBytes(body, data.readUInt32BE(18), keys);
        this.frames.push({ msgId: data.readUInt16BE(8), body });
      }
    });
  }

  static async connect(
    address: { ip: string; port: number },
    accessCode: number,
    keys?: UpperPlatformOptions['keys'],
  ): Promise<UpperDownLinkClient> {
    const socket = net.connect({ host: address.ip, port: address.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new UpperDownLinkClient(socket, accessCode, keys);
  }

  send(msgId: number, body: Buffer, options: { corruptCrc?: boolean } = {}): void {
    this.socket.write(
      frame809(msgId, body, { sn: ++this.sn, accessCode: this.accessCode, cipher: this.keys, ...options }),
    );
  }

  /** Raw bytes, for frames no codec would write. */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** 0x9001 with a verify code. */
  login(verifyCode: number): void {
    const body = Buffer.alloc(4);
    body.writeUInt32BE(verifyCode >>> 0, 0);
    this.send(0x9001, body);
  }

  of(msgId: number): { msgId: number; body: Buffer }[] {
    return this.frames.filter((f) => f.msgId === msgId);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A 0x9400 body holding a 0x9402 报警预警 (or 0x9403): WARN_SRC, WARN_TYPE, WARN_TIME, WARN_LENGTH, WARN_CONTENT. */
export function warningNoticeBody(
  plate: string,
  plateColor: number,
  notice: { dataType?: 0x9402 | 0x9403; warnType: number; warnTimeMs: number; content: string },
): Buffer {
  const text = iconv.encode(notice.content, 'gbk');
  const data = Buffer.alloc(15 + text.length);
  data[0] = 3; // a government platform
  data.writeUInt16BE(notice.warnType, 1);
  data.writeBigUInt64BE(BigInt(Math.floor(notice.warnTimeMs / 1000)), 3);
  data.writeUInt32BE(text.length, 11);
  text.copy(data, 15);
  const head = Buffer.alloc(28);
  fixed(plate, 21).copy(head, 0);
  head[21] = plateColor;
  head.writeUInt16BE(notice.dataType ?? 0x9402, 22);
  head.writeUInt32BE(data.length, 24);
  return Buffer.concat([head, data]);
}

/** The vehicle envelope of a 0x1200/0x1400 body: plate, colour, sub-type and sub-body. */
export function envelopeOf(body: Buffer): { plate: string; plateColor: number; dataType: number; data: Buffer } {
  const length = body.readUInt32BE(24);
  return {
    plate: iconv.decode(body.subarray(0, 21), 'gbk').replace(/\0+$/, ''),
    plateColor: body[21],
    dataType: body.readUInt16BE(22),
    data: body.subarray(28, 28 + length),
  };
}

/** GNSS_DATA read from the standard: date and time in China Standard Time. */
export function gnssOf(d: Buffer): { time: number; lon: number; lat: number; speedKmh: number } {
  const time = Date.UTC(d.readUInt16BE(3), d[2] - 1, d[1], d[5] - 8, d[6], d[7]);
  return { time, lon: d.readUInt32BE(8) / 1e6, lat: d.readUInt32BE(12) / 1e6, speedKmh: d.readUInt16BE(16) };
}

/**
 * A 2019 vehicle location read from the standard: ENCRYPT, DATA_LENGTH, the JT/T 808 0x0200 body (BCD time in
 * China Standard Time, speed in 0.1 km/h), then three PLATFORM_ID[11] / ALARM pairs.
 */
export function location2019Of(d: Buffer): { time: number; lon: number; lat: number; speedKmh: number; rest: number } {
  const length = d.readUInt32BE(1);
  const g = d.subarray(5, 5 + length);
  const digits = (b: number) => (b >> 4) * 10 + (b & 0x0f);
  const [yy, mo, dd, hh, mi, ss] = [...g.subarray(22, 28)].map(digits);
  return {
    time: Date.UTC(2000 + yy, mo - 1, dd, hh - 8, mi, ss),
    lat: g.readUInt32BE(8) / 1e6,
    lon: g.readUInt32BE(12) / 1e6,
    speedKmh: g.readUInt16BE(18) / 10,
    rest: d.length - 5 - length,
  };
}

function fixed(text: string, width: number): Buffer {
  const out = Buffer.alloc(width);
  iconv.encode(text, 'gbk').copy(out);
  return out;
}

/** A 0x9300 body holding a 0x9301 查岗: OBJECT_TYPE, OBJECT_ID[12], INFO_ID, INFO_LENGTH, INFO_CONTENT. */
export function inspectionRequestBody(objectId: string, infoId: number, question: string): Buffer {
  const text = iconv.encode(question, 'gbk');
  const data = Buffer.concat([Buffer.alloc(21), text]);
  data[0] = 1; // the platform itself
  fixed(objectId, 12).copy(data, 1);
  data.writeUInt32BE(infoId, 13);
  data.writeUInt32BE(text.length, 17);
  const head = Buffer.alloc(6);
  head.writeUInt16BE(0x9301, 0);
  head.writeUInt32BE(data.length, 2);
  return Buffer.concat([head, data]);
}

/** The 0x9401 督办 sub-body: WARN_SRC, WARN_TYPE, WARN_TIME, SUPERVISION_ID, END_TIME, LEVEL, name, tel, email. */
export function supervisionRequestData(
  supervisionId: number,
  warnType: number,
  warnTimeMs: number,
  endMs: number,
): Buffer {
  const d = Buffer.alloc(92);
  d[0] = 3;
  d.writeUInt16BE(warnType, 1);
  d.writeBigUInt64BE(BigInt(Math.floor(warnTimeMs / 1000)), 3);
  d.writeUInt32BE(supervisionId, 11);
  d.writeBigUInt64BE(BigInt(Math.floor(endMs / 1000)), 15);
  d[23] = 0; // urgent
  fixed('部级督办员', 16).copy(d, 24);
  fixed('010-00000000', 20).copy(d, 40);
  fixed('duty@example.gov.cn', 32).copy(d, 60);
  return d;
}

/** A 0x1300 answer body: its 0x1301 sub-body read from the standard. */
export function inspectionAnswerOf(body: Buffer): { dataType: number; infoId: number; text: string } {
  const data = body.subarray(6, 6 + body.readUInt32BE(2));
  return {
    dataType: body.readUInt16BE(0),
    infoId: data.readUInt32BE(13),
    text: iconv.decode(data.subarray(21, 21 + data.readUInt32BE(17)), 'gbk'),
  };
}
