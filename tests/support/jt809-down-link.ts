/**
 * The down-link side of a JT/T 809 lower platform for tests: a TCP server the upper platform connects back to
 * (the sub link). It answers 0x9001 with 0x9002 (result 0 when the verify code is the expected one, else 1) and
 * 0x9005 with 0x9006 unless told to stay silent, records every frame, and can drop its connections. Frames are
 * read and written with the test's own codec, independent of Vigil's.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { frame809, frames809 } from './jt809-client.js';

export interface DownLinkFrame {
  msgId: number;
  body: Buffer;
  connection: number;
}

export class Jt809DownLink {
  readonly frames: DownLinkFrame[] = [];
  expectedVerifyCode: number | undefined;
  answerKeepAlives = true;
  connections = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => this.onConnection(socket));
  private sn = 0;

  /** `edition` 2019 reads and writes the 30-byte header with its UTC time. */
  constructor(
    private readonly accessCode: number,
    private readonly edition: 2011 | 2019 = 2011,
  ) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Open connections from the upper platform. */
  get open(): number {
    return this.sockets.size;
  }

  of(msgId: number): DownLinkFrame[] {
    return this.frames.filter((f) => f.msgId === msgId);
  }

  drop(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: net.Socket): void {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const split = frames809('the upper platform on the sub link');
    socket.on('data', (chunk: Buffer) => {
      for (const data of split(chunk)) {
        const frame = {
          msgId: data.readUInt16BE(8),
          body: Buffer.from(data.subarray(this.edition === 2019 ? 30 : 22, data.length - 2)),
          connection,
        };
        this.frames.push(frame);
        this.answer(socket, frame);
      }
    });
  }

  private answer(socket: net.Socket, frame: DownLinkFrame): void {
    if (frame.msgId === 0x9001) {
      const ok = this.expectedVerifyCode === undefined || frame.body.readUInt32BE(0) === this.expectedVerifyCode;
      socket.write(
        frame809(0x9002, Buffer.from([ok ? 0 : 1]), {
          sn: ++this.sn,
          accessCode: this.accessCode,
          edition: this.edition,
        }),
      );
    } else if (frame.msgId === 0x9005 && this.answerKeepAlives) {
      socket.write(
        frame809(0x9006, Buffer.alloc(0), { sn: ++this.sn, accessCode: this.accessCode, edition: this.edition }),
      );
    }
  }
}
