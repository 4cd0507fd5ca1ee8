/**
 * A JT/T 808 terminal over a real TCP socket: registers, authenticates, reports positions and waits for the
 * platform's replies, retransmitting what is not answered. Used by the demo and by tests, so it speaks only
 * what a real terminal would put on the wire.
 */
import net from 'node:net';
import {
  decodedFrames,
  FrameSplitter,
  encodeMessage,
  type Jt808Message,
  type Jt808Version,
} from '../../ingest/index.js';

export interface TerminalIdentity {
  phone: string;
  plate: string;
  plateColor: number;
  version: Jt808Version;
}

export interface Reply {
  msgId: number;
  serial: number;
  body: unknown;
}

export class SimulatedTerminal {
  private socket: net.Socket | undefined;
  private readonly splitter = new FrameSplitter({ frameBytesMax: 4096 });
  private serial = 0;
  private readonly waiters = new Map<number, (reply: Reply) => void>();
  /** Platform-initiated messages (text, location query, ...) the terminal has received. */
  readonly received: Reply[] = [];
  onCommand: ((reply: Reply) => void) | undefined;

  constructor(readonly identity: TerminalIdentity) {}

  async connect(host: string, port: number): Promise<void> {
    const socket = net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  private onData(chunk: Buffer): void {
    for (const { frame, message } of decodedFrames(this.splitter, chunk)) {
      const reply: Reply = { msgId: message.msgId, serial: frame.header.serial, body: message.body };
      const answered = (message.body as { replySerial?: number }).replySerial;
      const isReply = message.msgId === 0x8001 || message.msgId === 0x8100;
      if (isReply && answered !== undefined && this.waiters.has(answered)) {
        const waiter = this.waiters.get(answered);
        this.waiters.delete(answered);
        waiter?.(reply);
      } else if (!isReply) {
        this.received.push(reply);
        this.onCommand?.(reply);
      }
    }
  }

  /** Sends a message and resolves with the platform's reply to it, retransmitting on silence. */
  async request(message: Jt808Message, options: { timeoutMs?: number; retries?: number } = {}): Promise<Reply> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const retries = options.retries ?? 2;
    const serial = this.nextSerial();
    const frame = this.frame(message, serial);
    for (let attempt = 0; attempt <= retries; attempt++) {
      const reply = await new Promise<Reply | null>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.delete(serial);
          resolve(null);
        }, timeoutMs);
        this.waiters.set(serial, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        this.writeRaw(frame);
      });
      if (reply) return reply;
    }
    throw new Error(`no reply to 0x${message.msgId.toString(16)} serial ${serial} after ${retries + 1} attempts`);
  }

  /** Sends a message that needs no answer (replies to the platform's commands). */
  send(message: Jt808Message): void {
    this.writeRaw(this.frame(message, this.nextSerial()));
  }

  frame(message: Jt808Message, serial: number): Buffer {
    return encodeMessage(message, {
      version: this.identity.version,
      protocolVersion: this.identity.version === 2019 ? 1 : 0,
      phone: this.identity.phone,
      serial,
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  nextSerial(): number {
    this.serial = (this.serial + 1) & 0xffff;
    return this.serial;
  }

  /** Registers and authenticates; returns the auth code. */
  async logIn(): Promise<string> {
    const registered = await this.request({
      msgId: 0x0100,
      body: {
        provinceId: 41,
        cityId: 100,
        maker: 'VIGIL',
        model: 'SIM-1',
        terminalId: this.identity.phone.slice(-7),
        plateColor: this.identity.plateColor,
        plate: this.identity.plate,
        layout: this.identity.version === 2019 ? 2019 : 2013,
      },
    });
    const body = registered.body as { result: number; authCode?: string };
    if (body.result !== 0 || !body.authCode) throw new Error(`registration refused with result ${body.result}`);
    const authenticated = await this.request({
      msgId: 0x0102,
      body:
        this.identity.version === 2019
          ? { authCode: body.authCode, imei: '860000000000000', softwareVersion: '1.0.0' }
          : { authCode: body.authCode },
    });
    const result = (authenticated.body as { result: number }).result;
    if (result !== 0) throw new Error(`authentication refused with result ${result}`);
    return body.authCode;
  }

  close(): void {
    this.socket?.destroy();
  }
}
