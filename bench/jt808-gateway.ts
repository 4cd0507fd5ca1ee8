/**
 * JT/T 808 gateway end to end over loopback: acknowledged frames per second with thousands of terminal
 * connections into the gateway composed with the embedded event log and ClickHouse sinks (chDB), where every
 * 0x8001 means "in ClickHouse"; and RSS per idle authenticated connection. Each figure is also measured
 * against a baseline in the same run, a minimal TCP server that only answers each frame with a fixed 0x8001,
 * so that the ratio says what the gateway costs over bare sockets on whatever machine runs it.
 *
 * Run: node --expose-gc --import tsx bench/jt808-gateway.ts [--connections 2000] [--seconds 10]
 *        [--window 4] [--idle 15000] [--skip-throughput] [--skip-idle]
 * The terminals run in a child process (bench/jt808-load-client.ts) so their CPU and memory are their own.
 */
import net from 'node:net';
import { encodeMessage } from '../ingest/index.js';
import { startGatewayNode, type GatewayNode } from '../tests/support/jt808-gateway-node.js';
import { LoadClientProcess } from './jt808-load-client-process.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const CONNECTIONS = flag('connections', 2_000);
const SECONDS = flag('seconds', 10);
const WINDOW = flag('window', 4);
const IDLE = flag('idle', 15_000);
const CONNECT_CONCURRENCY = 200;
/** Frames the client encodes ahead per terminal: enough for the target rate, bounded for memory. */
const TARGET_FRAMES_PER_S = 150_000;
const FRAMES_PREPARED_MAX = 20_000;
const FIRST_PHONE = 13_000_000_000;
const AUTH_CODE = 'bench-code';

/** The baseline: answers every frame with one pre-built 0x8001, without parsing anything. */
async function startBaseline(): Promise<{ port: number; close: () => Promise<void> }> {
  const reply = encodeMessage(
    { msgId: 0x8001, body: { replySerial: 1, replyMsgId: 0x0200, result: 0 } },
    { version: 2013, phone: '013000000000', serial: 1 },
  );
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    let flags = 0;
    socket.on('data', (chunk: Buffer) => {
      let frames = 0;
      for (let i = chunk.indexOf(0x7e); i >= 0; i = chunk.indexOf(0x7e, i + 1)) if (++flags % 2 === 0) frames++;
      if (frames === 1) socket.write(reply);
      else if (frames > 1) socket.write(Buffer.concat(Array.from({ length: frames }, () => reply)));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.maxConnections = 100_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

async function provision(node: GatewayNode, count: number): Promise<void> {
  await node.sql.query(
    `INSERT INTO terminals (phone, auth_code) SELECT lpad(g::text, 12, '0'), $1 FROM generate_series($2::bigint, $3::bigint) g ON CONFLICT (phone) DO NOTHING`,
    [AUTH_CODE, FIRST_PHONE, FIRST_PHONE + count - 1],
  );
}

async function throughput(
  port: number,
  connections: number,
): Promise<{ rate: number; acked: number; refused: number; connectMs: number; cpuUsPerFrame: number }> {
  const client = new LoadClientProcess();
  try {
    const connected = await client.ask<'connected'>({
      cmd: 'connect',
      port,
      count: connections,
      firstPhone: FIRST_PHONE,
      authCode: AUTH_CODE,
      concurrency: CONNECT_CONCURRENCY,
    });
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${connections} connections failed`);
    // CPU of this process (gateway, log, sinks and chDB threads; the terminals are in the child) during the
    // load phase only: on a shared machine it moves much less than the wall-clock rate.
    const cpuBefore = process.cpuUsage();
    const loaded = await client.ask<'loaded'>({
      cmd: 'load',
      seconds: SECONDS,
      window: WINDOW,
      framesPerTerminal: Math.min(
        FRAMES_PREPARED_MAX,
        Math.ceil((TARGET_FRAMES_PER_S * SECONDS) / connections) + WINDOW,
      ),
    });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuUsPerFrame = (cpu.user + cpu.system) / Math.max(1, loaded.acked);
    return {
      rate: loaded.acked / loaded.seconds,
      acked: loaded.acked,
      refused: loaded.refused,
      connectMs: connected.ms,
      cpuUsPerFrame,
    };
  } finally {
    await client.close();
  }
}

/** RSS and JS heap after full collections, with pauses so that freed pages are really given back. */
async function settledMemory(): Promise<{ rss: number; heap: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 500));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

/**
 * Marginal memory of idle connections: a first quarter is opened and measured, then the rest. Measuring from
 * the first quarter on keeps start-up garbage (module compilation, chDB and PGlite opening) and the first
 * growth of allocator arenas out of the figure, which a measurement from zero connections does not.
 */
async function idleMemory(
  port: number,
  connections: number,
): Promise<{ rssPerConnection: number; heapPerConnection: number; connected: number }> {
  const client = new LoadClientProcess();
  try {
    const warm = Math.floor(connections / 4);
    const first = await client.ask<'connected'>({
      cmd: 'connect',
      port,
      count: warm,
      firstPhone: FIRST_PHONE,
      authCode: AUTH_CODE,
      concurrency: CONNECT_CONCURRENCY,
    });
    await new Promise((r) => setTimeout(r, 2_000));
    const before = await settledMemory();
    const rest = await client.ask<'connected'>({
      cmd: 'connect',
      port,
      count: connections - warm,
      firstPhone: FIRST_PHONE + warm,
      authCode: AUTH_CODE,
      concurrency: CONNECT_CONCURRENCY,
    });
    // Let the buffers of the connection storm be released before measuring what idle connections keep.
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await settledMemory();
    const n = Math.max(1, rest.connected - first.connected);
    return {
      rssPerConnection: (after.rss - before.rss) / n,
      heapPerConnection: (after.heap - before.heap) / n,
      connected: rest.connected,
    };
  } finally {
    await client.close();
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function')
    console.warn('run with node --expose-gc for stable RSS figures');
  const results: Record<string, string> = {};
  // Idle memory first, while the heap holds nothing of a load run that a collection could give back.
  if (!args.includes('--skip-idle')) {
    const baseline = await startBaseline();
    const base = await idleMemory(baseline.port, IDLE);
    await baseline.close();
    console.log(
      `baseline: ${fmt(base.rssPerConnection)} bytes RSS, ${fmt(base.heapPerConnection)} bytes JS heap per idle connection (${base.connected} connections)`,
    );

    const node = await startGatewayNode({ partitions: 8 });
    try {
      await provision(node, IDLE);
      const gw = await idleMemory(node.port, IDLE);
      console.log(
        `gateway:  ${fmt(gw.rssPerConnection)} bytes RSS, ${fmt(gw.heapPerConnection)} bytes JS heap per idle authenticated connection (${gw.connected} sessions)`,
      );
      console.log(
        `          ratio gateway/baseline: RSS ${(gw.rssPerConnection / base.rssPerConnection).toFixed(2)}, heap ${(gw.heapPerConnection / base.heapPerConnection).toFixed(2)}`,
      );
      results.idle = `RSS ${fmt(gw.rssPerConnection)} (baseline ${fmt(base.rssPerConnection)}), heap ${fmt(gw.heapPerConnection)} (baseline ${fmt(base.heapPerConnection)}) bytes per idle connection, ${gw.connected} connections`;
    } finally {
      await node.close();
    }
  }
  if (!args.includes('--skip-throughput')) {
    const baseline = await startBaseline();
    const base = await throughput(baseline.port, CONNECTIONS);
    await baseline.close();
    const baseRate = base.rate;
    console.log(`baseline: ${fmt(base.rate)} acked frames/s over ${CONNECTIONS} connections (window ${WINDOW})`);

    const node = await startGatewayNode({ partitions: 8 });
    try {
      await provision(node, CONNECTIONS);
      const gw = await throughput(node.port, CONNECTIONS);
      const rows = Number((await node.query('SELECT count() FROM telemetry'))[0][0]);
      console.log(
        `gateway:  ${fmt(gw.rate)} acked frames/s over ${CONNECTIONS} connections (window ${WINDOW}), ${gw.refused} refused, connect+auth ${gw.connectMs} ms, ${gw.cpuUsPerFrame.toFixed(1)} µs CPU per acked frame`,
      );
      console.log(`          rows in ClickHouse ${fmt(rows)} ≥ acked ${fmt(gw.acked)}: ${rows >= gw.acked}`);
      console.log(`          ratio gateway/baseline ${(gw.rate / base.rate).toFixed(3)}`);
      const text = node.metrics.render();
      const metric = (name: string): number =>
        Number(new RegExp(`^${name}\\{table="telemetry"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
      const inserts = metric('vigil_sink_insert_seconds_count');
      console.log(
        `          telemetry inserts ${inserts}, ${fmt(metric('vigil_sink_rows_total') / inserts)} rows and ${fmt((metric('vigil_sink_insert_seconds_sum') / inserts) * 1000)} ms each`,
      );
      results.throughput = `${fmt(gw.rate)} vs baseline ${fmt(base.rate)} frames/s (ratio ${(gw.rate / base.rate).toFixed(3)})`;
    } finally {
      await node.close();
    }
    // The gateway's own ceiling: the same run with the log acknowledging on append (no ClickHouse).
    const bare = await startGatewayNode({ partitions: 8, durable: false });
    try {
      await provision(bare, CONNECTIONS);
      const gw = await throughput(bare.port, CONNECTIONS);
      console.log(
        `gateway without durability (log acks on append, no ClickHouse): ${fmt(gw.rate)} frames/s, ratio to baseline ${(gw.rate / baseRate).toFixed(3)}, ${gw.cpuUsPerFrame.toFixed(1)} µs CPU per acked frame`,
      );
      results.ceiling = `${fmt(gw.rate)} frames/s without durability`;
    } finally {
      await bare.close();
    }
  }
  console.log(JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, window: WINDOW, idle: IDLE, ...results }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
