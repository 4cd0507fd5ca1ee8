/**
 * The outbox on a real loopback socket: 0x8001s written into shared buffers and other frames queued between them
 * reach the terminal in the order they were sent, each whole, with consecutive flow numbers, in one write per tick.
 */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Metrics, silentLogger } from '../../../schema/index.js';
import { MemoryLog } from '../../../stream/index.js';
import { FrameSplitter, decodedFrames, type Jt808Message } from '../codec/index.js';
import { Connection } from './connection.js';
import { Outbox } from './outbox.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A gateway-side Connection on a real socket, and every message its peer receives. */
async function connectedPair(): Promise<{ c: Connection; received: { serial: number; message: Jt808Message }[] }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const socket = await accepted;
  closers.push(() => {
    client.destroy();
    socket.destroy();
    server.close();
  });
  const received: { serial: number; message: Jt808Message }[] = [];
  const splitter = new FrameSplitter({ frameBytesMax: 4096 });
  client.on('data', (chunk: Buffer) => {
    for (const { frame, message } of decodedFrames(splitter, chunk))
      received.push({ serial: frame.header.serial, message });
  });
  return { c: new Connection(socket, 'peer', 4096, 'strict'), received };
}

function outbox(): Outbox {
  return new Outbox(
    new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} }).producer(),
    new Metrics(),
    silentLogger,
    Date.now,
  );
}

describe('Outbox', () => {
  it.each([2013, 2019] as const)(
    'keeps the order of replies and other frames across reply buffers (%i)',
    async (version) => {
      const { c, received } = await connectedPair();
      c.version = version;
      c.protocolVersion = 1;
      const out = outbox();
      const phone = '13800138000';
      const expected: string[] = [];
      // Enough replies to fill several shared buffers, a location query among them, and a reassembled message's
      // reply that answers its last packet too.
      for (let i = 0; i < 40; i++) {
        // Serials 0x7E7D and 0x7D7E need escaping: the frames grow beyond their plain size.
        const serial = i % 7 === 0 ? 0x7e7d : 0x7d00 + i;
        out.reply(
          c,
          { msgId: 0x0200, phone, serial, version, protocolVersion: 1, bodyLength: 28, encryption: 0 },
          i % 3,
        );
        expected.push(`8001 ${serial} ${i % 3}`);
        if (i === 17) {
          out.send(c, phone, { msgId: 0x8201, body: {} } as Jt808Message);
          expected.push('8201');
        }
      }
      out.reply(
        c,
        {
          msgId: 0x0801,
          phone,
          serial: 5,
          version,
          protocolVersion: 1,
          bodyLength: 0,
          encryption: 0,
          lastPacketSerial: 9,
        },
        0,
      );
      expected.push('8001 5 0', '8001 9 0');
      const writes = vi.spyOn(c.socket, 'write');
      await vi.waitFor(() => expect(received).toHaveLength(expected.length), { timeout: 10_000, interval: 10 });
      expect(writes).toHaveBeenCalledTimes(1);
      const got = received.map(({ message }) =>
        message.msgId === 0x8001
          ? `8001 ${(message.body as { replySerial: number }).replySerial} ${(message.body as { result: number }).result}`
          : message.msgId.toString(16),
      );
      expect(got).toEqual(expected);
      // One flow number per frame, in the order of the calls.
      const serials = received.map((r) => r.serial);
      expect(serials).toEqual(serials.map((_, i) => serials[0] + i));
    },
  );

  it('writes nothing to a socket destroyed before the tick ends, and starts afresh on the next connection', async () => {
    const { c, received } = await connectedPair();
    const out = outbox();
    const header = {
      msgId: 0x0200,
      phone: '13800138000',
      serial: 1,
      version: 2013 as const,
      protocolVersion: 0,
      bodyLength: 28,
      encryption: 0,
    };
    out.reply(c, header, 0);
    c.socket.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.pendingFrames).toHaveLength(0);
    expect(c.replyRun).toBeUndefined();
    const second = await connectedPair();
    out.reply(second.c, { ...header, serial: 2 }, 0);
    await vi.waitFor(() => expect(second.received).toHaveLength(1), { timeout: 10_000, interval: 10 });
    expect(received).toHaveLength(0);
  });
});
