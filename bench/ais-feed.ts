/**
 * AIS over TCP and UDP throughput: an embedded node (`startNode`: in-process event log, chDB, PGlite) with its AIS
 * listeners bound to an `ais` key; one TCP connection streams N messages as NMEA lines (position reports and, one
 * in `voyageEvery`, a type 5 in two fragments) as fast as the socket takes them, then UDP datagrams of 5 sentences
 * each at a steady rate. Reports messages/s from the first byte to the moment every message is a row in ClickHouse
 * (`vessel_positions` + `vessel_voyages`), and the UDP messages lost (the kernel's buffer, or the listener's queue).
 * Sentences come from Vigil's own encoder, each vessel its own MMSI so nothing is a duplicate.
 *
 * Run: npx tsx bench/ais-feed.ts [--messages 50000] [--voyage-every 10] [--udp-messages 20000] [--udp-rate 2000]
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, Metrics } from '../schema/index.js';
import { encodePosition, encodeVoyage, toSentences } from '../ingest/index.js';
import { startNode, type NodeConfig, type RunningNode } from '../cli/node.js';
import { adminToken, issueSourceKey, loopbackNodeConfig } from './harness/loopback-node.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const MESSAGES = flag('messages', 50_000);
const VOYAGE_EVERY = flag('voyage-every', 10);
const UDP_MESSAGES = flag('udp-messages', 20_000);
const UDP_RATE = flag('udp-rate', 2_000);

function messageLines(mmsi: number, voyage: boolean): string[] {
  if (voyage)
    return toSentences(
      encodeVoyage({
        type: 5,
        mmsi,
        imo: 0,
        callSign: 'BZK1',
        name: `BENCH ${mmsi % 100_000}`,
        shipType: 70,
        lengthM: 60,
        beamM: 11,
        draughtM: 3,
        destination: 'ZHOUKOU',
        eta: { month: 0, day: 0, hour: 24, minute: 60 },
      }),
      mmsi % 10,
    );
  return toSentences(
    encodePosition({
      type: 1,
      mmsi,
      navStatus: 0,
      speedKnots: 6,
      lon: 114.55 + (mmsi % 3000) / 10_000,
      lat: 33.62,
      courseDeg: 90,
      headingDeg: 90,
      utcSecond: mmsi % 60,
    }),
  );
}

async function rows(node: RunningNode): Promise<number> {
  const result = await node.analytics.queryInternal(
    'SELECT (SELECT count() FROM vessel_positions) + (SELECT count() FROM vessel_voyages)',
  );
  return Number(result.rows[0][0]);
}

/** Polls until the tables hold `expected` rows or stop growing for 10 s; the count and the time it was reached. */
async function stored(node: RunningNode, expected: number): Promise<{ count: number; atMs: number }> {
  let count = -1;
  let changedAt = performance.now();
  for (;;) {
    const now = await rows(node);
    if (now !== count) {
      count = now;
      changedAt = performance.now();
    }
    if (count >= expected || performance.now() - changedAt > 10_000) return { count, atMs: changedAt };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function config(dataDir: string, ais?: { key: string }): NodeConfig {
  return loopbackNodeConfig(dataDir, {
    ingestRecordsPerSecondPerKey: 1_000_000,
    aisListeners:
      ais === undefined
        ? undefined
        : {
            host: '127.0.0.1',
            tcpPort: 0,
            udpPort: 0,
            key: ais.key,
            connectionsMax: 10,
            idleTimeoutMs: 300_000,
          },
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-ais-'));
  const logger = createLogger(() => undefined, 'error');
  // The key is issued on a first start; the listeners are bound to it on the second, as an operator would.
  const first = await startNode(config(dataDir), logger, new Metrics());
  const firstUrl = `http://127.0.0.1:${first.httpPort}`;
  const key = await issueSourceKey(firstUrl, await adminToken(firstUrl), 'ais', '411600');
  await first.close();
  const node = await startNode(config(dataDir, { key }), logger, new Metrics());
  try {
    const voyages = Math.floor(MESSAGES / VOYAGE_EVERY);
    const text = Array.from({ length: MESSAGES }, (_, i) =>
      messageLines(413_000_000 + i, i % VOYAGE_EVERY === VOYAGE_EVERY - 1).join('\r\n'),
    ).join('\r\n');
    const bytes = Buffer.from(`${text}\r\n`, 'latin1');
    console.log(
      `node ${process.version}, embedded node (chDB + PGlite); TCP: ${MESSAGES} messages (${voyages} of type 5 in two sentences), ${(bytes.length / 1024 / 1024).toFixed(1)} MiB of NMEA on one connection`,
    );
    const started = performance.now();
    const socket = net.connect(node.aisTcpPort ?? 0, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    await new Promise<void>((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve())));
    const tcp = await stored(node, MESSAGES);
    const seconds = (tcp.atMs - started) / 1000;
    console.log(
      `TCP: ${tcp.count} of ${MESSAGES} messages stored in ${seconds.toFixed(1)} s: ${Math.round(tcp.count / seconds).toLocaleString('en-US')} messages/s`,
    );
    socket.destroy();

    // UDP: 5 positions per datagram at a steady UDP_RATE messages/s (what a busy aggregator sends), 10 ms apart.
    const udp = dgram.createSocket('udp4');
    const udpStarted = performance.now();
    const perDatagram = 5;
    const datagramsPerTick = Math.max(1, Math.round(UDP_RATE / perDatagram / 100));
    for (let i = 0; i < UDP_MESSAGES; i += perDatagram) {
      const lines = Array.from({ length: perDatagram }, (_, j) => messageLines(414_000_000 + i + j, false)[0]);
      await new Promise<void>((resolve, reject) =>
        udp.send(Buffer.from(lines.join('\r\n'), 'latin1'), node.aisUdpPort ?? 0, '127.0.0.1', (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      const sent = i / perDatagram + 1;
      if (sent % datagramsPerTick === 0) {
        const dueMs = udpStarted + (sent / datagramsPerTick) * 10;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueMs - performance.now())));
      }
    }
    udp.close();
    const udpStored = await stored(node, MESSAGES + UDP_MESSAGES);
    const udpCount = udpStored.count - tcp.count;
    const udpSeconds = (udpStored.atMs - udpStarted) / 1000;
    console.log(
      `UDP at ${UDP_RATE} messages/s sent: ${udpCount} of ${UDP_MESSAGES} messages stored in ${udpSeconds.toFixed(1)} s: ${Math.round(udpCount / udpSeconds).toLocaleString('en-US')} messages/s (${UDP_MESSAGES - udpCount} lost)`,
    );
  } finally {
    await node.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
