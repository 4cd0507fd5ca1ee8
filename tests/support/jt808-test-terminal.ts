/**
 * A JT/T 808 terminal for tests over a real TCP socket that records every message the platform sends, so a
 * test can assert on exactly what came back (how many replies, to which flow number), send raw or
 * subpackaged frames and answer commands.
 */
import { constants, publicEncrypt, type KeyObject } from 'node:crypto';
import net from 'node:net';
import {
  buildFrame,
  decodedFrames,
  encodeMessage,
  encodeMessageBody,
  FrameSplitter,
  type Jt808Message,
  type Jt808Version,
} from '../../ingest/jt808/codec/index.js';

export interface Received {
  msgId: number;
  serial: number;
  message: Jt808Message;
}

export class TestTerminal {
  readonly received: Received[] = [];
  private readonly splitter = new FrameSplitter({ frameBytesMax: 8192 });
  private serial = 0;
  private listeners: (() => void)[] = [];
  closed: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    readonly phone: string,
    public version: Jt808Version,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(port: number, phone: string, version: Jt808Version): Promise<TestTerminal> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    return new TestTerminal(socket, phone, version);
  }

  private onData(chunk: Buffer): void {
    for (const { frame, message } of decodedFrames(this.splitter, chunk))
      this.received.push({ msgId: message.msgId, serial: frame.header.serial, message });
    for (const listener of this.listeners) listener();
  }

  nextSerial(): number {
    this.serial = (this.serial + 1) & 0xffff;
    return this.serial;
  }

  /** The escaped frame of a message, as this terminal would send it. */
  frame(message: Jt808Message, serial = this.nextSerial()): Buffer {
    const version = this.version === 2011 ? 2013 : this.version;
    return encodeMessage(message, { version, protocolVersion: version === 2019 ? 1 : 0, phone: this.phone, serial });
  }

  /** The frames of a message cut into packets of `packetBytes`, with consecutive flow numbers. */
  packets(message: Jt808Message, packetBytes: number): { serial: number; frame: Buffer }[] {
    const body = encodeMessageBody(message, this.version);
    const total = Math.ceil(body.length / packetBytes);
    const version = this.version === 2011 ? 2013 : this.version;
    const out: { serial: number; frame: Buffer }[] = [];
    for (let index = 1; index <= total; index++) {
      const serial = this.nextSerial();
      const frame = buildFrame(
        {
          msgId: message.msgId,
          version,
          protocolVersion: version === 2019 ? 1 : 0,
          phone: this.phone,
          serial,
          encryption: 0,
          packet: { total, index },
        },
        body.subarray((index - 1) * packetBytes, index * packetBytes),
      );
      out.push({ serial, frame });
    }
    return out;
  }

  /** The frame of a message whose body is RSA-encrypted (PKCS#1 v1.5 blocks) with the platform's public key. */
  encryptedFrame(message: Jt808Message, publicKey: KeyObject): { serial: number; frame: Buffer } {
    const body = encodeMessageBody(message, this.version);
    const blockPlainMax = (publicKey.asymmetricKeyDetails?.modulusLength ?? 1024) / 8 - 11;
    const blocks: Buffer[] = [];
    for (let at = 0; at < body.length; at += blockPlainMax) {
      blocks.push(
        publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, body.subarray(at, at + blockPlainMax)),
      );
    }
    const serial = this.nextSerial();
    const version = this.version === 2011 ? 2013 : this.version;
    const frame = buildFrame(
      {
        msgId: message.msgId,
        version,
        protocolVersion: version === 2019 ? 1 : 0,
        phone: this.phone,
        serial,
        encryption: 1,
      },
      Buffer.concat(blocks),
    );
    return { serial, frame };
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends and returns the flow number used. */
  send(message: Jt808Message): number {
    const serial = this.nextSerial();
    this.write(this.frame(message, serial));
    return serial;
  }

  /** Waits for the first received message that satisfies `match`. */
  async waitFor(match: (r: Received) => boolean, timeoutMs = 10_000, what = 'a message'): Promise<Received> {
    const found = this.received.find(match);
    if (found) return found;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(
          new Error(
            `terminal ${this.phone} waited ${timeoutMs} ms for ${what}; got ${JSON.stringify(this.received.map((r) => r.msgId))}`,
          ),
        );
      }, timeoutMs);
      const check = (): void => {
        const hit = this.received.find(match);
        if (!hit) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(hit);
      };
      this.listeners.push(check);
    });
  }

  /** The platform's 0x8001 (or 0x8100) reply to the message sent with `serial`. */
  async replyTo(
    serial: number,
    timeoutMs = 10_000,
  ): Promise<{ result: number; authCode?: string; replyMsgId?: number }> {
    const r = await this.waitFor(
      (m) =>
        (m.msgId === 0x8001 || m.msgId === 0x8100) &&
        (m.message.body as { replySerial: number }).replySerial === serial,
      timeoutMs,
      `the reply to serial ${serial}`,
    );
    return r.message.body as { result: number; authCode?: string; replyMsgId?: number };
  }

  async request(message: Jt808Message): Promise<{ result: number; authCode?: string; replyMsgId?: number }> {
    return this.replyTo(this.send(message));
  }

  /** Registers with the layout of this terminal's version and returns the auth code. */
  async register(plate: string): Promise<string> {
    const reply = await this.request({
      msgId: 0x0100,
      body: {
        provinceId: 41,
        cityId: 100,
        maker: 'VIGIL',
        model: 'T-1',
        terminalId: this.phone.slice(-7),
        plateColor: 2,
        plate,
        layout: this.version,
      },
    });
    if (reply.result !== 0 || !reply.authCode) throw new Error(`registration refused with result ${reply.result}`);
    return reply.authCode;
  }

  async authenticate(authCode: string): Promise<number> {
    const body = this.version === 2019 ? { authCode, imei: '860000000000001', softwareVersion: '2.0.1' } : { authCode };
    return (await this.request({ msgId: 0x0102, body })).result;
  }

  close(): void {
    this.socket.destroy();
  }
}
