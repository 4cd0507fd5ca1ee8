/**
 * The baseline every figure is divided by: a TCP server that speaks just enough JT/T 808 to be replayed
 * into (register → auth code, everything else → 0x8001 result 0) and does nothing else. Run in its own
 * process (`ack-server-main.ts`) like the node under test, so both pay the same process and socket costs.
 */
import net from 'node:net';
import { FrameSplitter, encodeMessage } from '../../ingest/index.js';

export async function startAckServer(port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const splitter = new FrameSplitter({ frameBytesMax: 4096 });
    let serial = 0;
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.reason !== undefined) continue;
        const h = item.frame.header;
        serial = (serial + 1) & 0xffff;
        const header = { version: h.version, protocolVersion: h.protocolVersion, phone: h.phone, serial };
        const reply =
          h.msgId === 0x0100
            ? encodeMessage({ msgId: 0x8100, body: { replySerial: h.serial, result: 0, authCode: 'baseline' } }, header)
            : encodeMessage({ msgId: 0x8001, body: { replySerial: h.serial, replyMsgId: h.msgId, result: 0 } }, header);
        socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return { port: address.port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
