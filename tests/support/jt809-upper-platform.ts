/**
 * A JT/T 809-2011 upper platform for tests, written from the standard rather than from Vigil's codec (framing,
 * escapes and CRC from jt809-client.ts): it accepts a lower platform's main link, answers 0x1001 with 0x1002 (a
 * result of the test's choosing) and 0x1005 with 0x1006, decrypts bodies with the keys it was given, and keeps
 * every message it received, in order, for the test to read.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { cipherBytes, crcCcittFalse, frame809, unescape809 } from './jt809-client.js';

export interface UpperMessage {
  msgId: number;
  accessCode: number;
  body: Buffer;
  /** Which connection it came on (1 for the first), to see reconnections. */
  connection: number;
}

export interface UpperPlatformOptions {
  keys?: { m1: number; ia1: number; ic1: number };
  /** The 0x1002 result for a login; 0 accepts. */
  loginResult?: (userId: number, password: string) => number;
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

  of(msgId: number): UpperMessage[] {
    return this.messages.filter((m) => m.msgId === msgId);
  }

  private accept(socket: net.Socket): void {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const start = buffer.indexOf(0x5b);
        const end = buffer.indexOf(0x5d, start + 1);
        if (start < 0 || end < 0) break;
        const data = unescape809(buffer.subarray(start + 1, end));
        buffer = buffer.subarray(end + 1);
        if (data.readUInt16BE(data.length - 2) !== crcCcittFalse(data.subarray(0, data.length - 2)))
          throw new Error('a frame with a bad CRC from the lower platform');
        const encrypted = data[17] === 1;
        let body = data.subarray(22, data.length - 2);
        if (encrypted) {
          if (!this.options.keys) throw new Error('an encrypted frame, and the test gave no keys');
          body = cipherBytes(body, data.readUInt32BE(18), this.options.keys);
        }
        const message = { msgId: data.readUInt16BE(8), accessCode: data.readUInt32BE(10), body, connection };
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
      answer.writeUInt32BE(0x2468ace0, 1);
      socket.write(frame809(0x1002, answer, { sn: ++this.sn, accessCode: m.accessCode }));
    } else if (m.msgId === 0x1005) {
      socket.write(frame809(0x1006, Buffer.alloc(0), { sn: ++this.sn, accessCode: m.accessCode }));
    }
  }
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
