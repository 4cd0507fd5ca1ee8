/**
 * AIS as receiving stations and aggregators deliver it: `!AIVDM` lines over TCP (a shore station or an
 * aggregator's feed connecting to Vigil) and UDP datagrams of one or more sentences. The listeners cut each
 * stream into records (nmea-stream.ts) and hand them, in batches, to the HTTP ingestion as if the `ais` source
 * key they are bound to had posted them, like the GTFS-Realtime poller: the same per-record verdicts, scope (the
 * key's org unit), deduplication, rate, dead letters and key accounting, and a revoked key stops the writes.
 *
 * Bounds: open TCP connections and their idle time (tcp-connections.ts), the length of a line, the messages
 * waiting for fragments per stream, the UDP peers remembered, and the records queued for ingestion: beyond that
 * queue TCP connections are paused (the sender's TCP window fills) and UDP datagrams are dropped and counted.
 */
import dgram from 'node:dgram';
import type net from 'node:net';
import type { Counter, Logger, Metrics } from '../../schema/index.js';
import type { IngestRequest, IngestResponse, IngestResult } from '../http/index.js';
import { TcpConnections, type TcpConnection } from '../tcp-connections.js';
import { NmeaStream, type AisStreamRecord, type NmeaStreamOptions } from './nmea-stream.js';

export interface AisListenersOptions extends NmeaStreamOptions {
  host: string;
  /** TCP port for NMEA streams; undefined: none (0 = any free port). */
  tcpPort?: number;
  /** UDP port for NMEA datagrams; undefined: none (0 = any free port). */
  udpPort?: number;
  /** The `ais` source key the records are ingested with: its org unit scopes them. */
  key: string;
  /** Open TCP connections at most. */
  connectionsMax: number;
  /** A TCP connection, or a UDP peer's reassembly state, silent this long is closed (forgotten). */
  idleTimeoutMs: number;
  /** UDP peers whose fragments are being reassembled at most; beyond, the least recently heard is forgotten. */
  udpPeersMax: number;
  /** Records per ingestion batch at most. */
  batchRecordsMax: number;
  /** Batches being ingested at once at most: while one waits for ClickHouse, the next is validated. */
  batchesInFlightMax: number;
  /** Records waiting for ingestion at most before TCP is paused and UDP dropped. */
  queuedRecordsMax: number;
}

export const AIS_LISTENERS_DEFAULTS: Omit<AisListenersOptions, 'key'> = {
  host: '0.0.0.0',
  // An NMEA 0183 sentence is at most 82 characters; a tag block adds a few dozen.
  lineBytesMax: 512,
  pendingMessagesMax: 64,
  // Fragments of one message are sent back to back; a second covers a slow link.
  fragmentTimeoutMs: 5_000,
  connectionsMax: 100,
  // A station's feed is continuous (a busy river has several messages a second); minutes of silence mean it is gone.
  idleTimeoutMs: 5 * 60_000,
  udpPeersMax: 1_000,
  batchRecordsMax: 1_000,
  batchesInFlightMax: 4,
  queuedRecordsMax: 20_000,
};

const BOUNDS: Record<string, [number, number]> = {
  lineBytesMax: [100, 65_536],
  pendingMessagesMax: [1, 10_000],
  fragmentTimeoutMs: [100, 600_000],
  connectionsMax: [1, 100_000],
  idleTimeoutMs: [1_000, 86_400_000],
  udpPeersMax: [1, 1_000_000],
  batchRecordsMax: [1, 5_000],
  batchesInFlightMax: [1, 64],
  queuedRecordsMax: [1, 10_000_000],
};

/** Fails on options that cannot work, naming the option, its value and the bound. */
export function checkAisListenersOptions(options: AisListenersOptions): void {
  for (const name of ['tcpPort', 'udpPort'] as const) {
    const port = options[name];
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
      throw new Error(`ais listener option ${name} value ${port} is outside [0, 65535]`);
  }
  if (options.tcpPort === undefined && options.udpPort === undefined)
    throw new Error('ais listener options tcpPort and udpPort are both unset: nothing to listen on');
  if (options.key.trim() === '') throw new Error('ais listener option key value "" is empty: an ais source key');
  for (const [name, [min, max]] of Object.entries(BOUNDS)) {
    const value = options[name as keyof typeof BOUNDS & keyof AisListenersOptions] as number;
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`ais listener option ${name} value ${value} is outside [${min}, ${max}]`);
  }
  if (options.batchRecordsMax > options.queuedRecordsMax)
    throw new Error(
      `ais listener option batchRecordsMax value ${options.batchRecordsMax} is greater than queuedRecordsMax ${options.queuedRecordsMax}`,
    );
}

export interface AisListenersDeps {
  ingest: { handle(request: IngestRequest): Promise<IngestResponse> };
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

type Transport = 'tcp' | 'udp';

interface Connection extends TcpConnection {
  stream: NmeaStream;
}

interface UdpPeer {
  stream: NmeaStream;
  lastActiveMs: number;
}

/** Why the key could not be used; thrown by `listen` so a start-up with a wrong key names it. */
export class AisKeyRefused extends Error {}

const RETRY_AFTER_MS_DEFAULT = 1_000;
const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export class AisListeners {
  private readonly tcp: TcpConnections<Connection> | undefined;
  private udp: dgram.Socket | undefined;
  private readonly udpPeers = new Map<string, UdpPeer>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly queue: AisStreamRecord[] = [];
  /** The batches being ingested. */
  private readonly inFlight = new Set<Promise<void>>();
  private paused = false;
  /** A kick is waiting for the next tick. */
  private scheduled = false;
  private closed = false;
  private readonly now: () => number;
  private readonly refusedCounter: Counter;
  private readonly recordsCounter: Counter;

  constructor(
    private readonly options: AisListenersOptions,
    private readonly deps: AisListenersDeps,
  ) {
    checkAisListenersOptions(options);
    this.now = deps.now ?? Date.now;
    this.refusedCounter = deps.metrics.counter(
      'vigil_ais_feed_refused_total',
      'AIS stream input refused before it became a record (line_too_long, queue_full), by transport',
      ['transport', 'reason'],
    );
    this.recordsCounter = deps.metrics.counter(
      'vigil_ais_feed_records_total',
      'AIS records of the TCP/UDP listeners by outcome (accepted, duplicate, rejected) and reason of rejection',
      ['outcome', 'reason'],
    );
    deps.metrics.onCollect(() => {
      deps.metrics.gauge('vigil_ais_feed_connections', 'Open AIS TCP connections').set(undefined, this.tcp?.size ?? 0);
      deps.metrics
        .gauge('vigil_ais_feed_queued_records', 'AIS records waiting for ingestion')
        .set(undefined, this.queue.length);
    });
    if (options.tcpPort !== undefined)
      this.tcp = new TcpConnections<Connection>(
        {
          host: options.host,
          port: options.tcpPort,
          connectionsMax: options.connectionsMax,
          idleTimeoutMs: options.idleTimeoutMs,
        },
        {
          open: (socket, peer) => this.openConnection(socket, peer),
          data: (connection, chunk) => connection.stream.push(chunk),
          closed: (connection) => connection.stream.end(),
          idle: () => this.deps.logger.debug('ais connection idle, closed', {}),
        },
        { server: 'ais', metrics: deps.metrics, logger: deps.logger },
        this.now,
      );
  }

  /**
   * Checks the key (a revoked or wrong one fails here, naming it, not on the first message), then listens; the
   * ports it listens on.
   */
  async listen(): Promise<{ tcpPort?: number; udpPort?: number }> {
    await this.checkKey();
    const tcpPort = this.tcp ? await this.tcp.listen() : undefined;
    const udpPort = this.options.udpPort === undefined ? undefined : await this.listenUdp(this.options.udpPort);
    const sweepMs = Math.max(50, Math.min(this.options.fragmentTimeoutMs, this.options.idleTimeoutMs) / 4);
    this.sweepTimer = setInterval(() => this.sweep(), sweepMs);
    this.sweepTimer.unref();
    return { tcpPort, udpPort };
  }

  /** Stops listening, gives up the fragments still waiting, and ingests what was queued. */
  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.tcp?.close();
    if (this.udp) await new Promise<void>((resolve) => this.udp?.close(() => resolve()));
    for (const peer of this.udpPeers.values()) peer.stream.end();
    this.udpPeers.clear();
    await this.settled();
    this.closed = true;
  }

  /** Resolves once every record queued so far has been through the ingestion (tests, benchmarks). */
  async settled(): Promise<void> {
    this.kick();
    while (this.scheduled || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async checkKey(): Promise<void> {
    const answer = await this.send([], 'ais:check');
    if (answer.status === 401 || answer.status === 403) {
      const body = answer.body as { error: string; detail: string };
      throw new AisKeyRefused(`the ais listeners' source key is refused: ${body.error} (${body.detail})`);
    }
  }

  private openConnection(socket: net.Socket, peer: string): Connection {
    const name = `tcp:${(socket.remoteAddress ?? '').replace(/^::ffff:/, '')}`;
    const connection: Connection = { socket, lastActiveMs: this.now(), stream: this.streamOf(name, 'tcp') };
    if (this.paused) socket.pause();
    this.deps.logger.debug('ais connection opened', { peer });
    return connection;
  }

  private streamOf(name: string, transport: Transport): NmeaStream {
    return new NmeaStream(
      name,
      this.options,
      {
        record: (record) => this.enqueue(record),
        refused: (reason, detail, raw) => {
          this.refusedCounter.inc({ transport, reason });
          this.deps.logger.debug('ais line refused', { stream: name, reason, detail, raw });
        },
      },
      this.now,
    );
  }

  private async listenUdp(port: number): Promise<number> {
    // A large receive buffer rides out a burst while the event loop is busy (the kernel caps it at rmem_max).
    const socket = dgram.createSocket({
      type: this.options.host.includes(':') ? 'udp6' : 'udp4',
      recvBufferSize: UDP_RECEIVE_BUFFER_BYTES,
    });
    socket.on('message', (datagram, remote) => this.datagram(datagram, remote.address, remote.port));
    // A datagram socket's errors after bind (an ICMP unreachable, a full buffer) cost that datagram only.
    socket.on('error', (error) => this.deps.logger.warn('ais udp socket error', { error: error.message }));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.udp = socket;
    return socket.address().port;
  }

  private datagram(datagram: Buffer, address: string, port: number): void {
    if (this.queue.length >= this.options.queuedRecordsMax) {
      this.refusedCounter.inc({ transport: 'udp', reason: 'queue_full' });
      return;
    }
    // Fragments are reassembled per sender: one aggregator may split a message over two datagrams.
    const key = `${address}:${port}`;
    let peer = this.udpPeers.get(key);
    if (peer) this.udpPeers.delete(key);
    else {
      if (this.udpPeers.size >= this.options.udpPeersMax) {
        const [oldestKey, oldest] = this.udpPeers.entries().next().value as [string, UdpPeer];
        this.udpPeers.delete(oldestKey);
        oldest.stream.end();
      }
      peer = { stream: this.streamOf(`udp:${address.replace(/^::ffff:/, '')}`, 'udp'), lastActiveMs: 0 };
    }
    peer.lastActiveMs = this.now();
    this.udpPeers.set(key, peer);
    peer.stream.pushDatagram(datagram);
  }

  private sweep(): void {
    if (this.tcp) for (const connection of this.tcp) connection.stream.expire();
    const silentSince = this.now() - this.options.idleTimeoutMs;
    for (const [key, peer] of this.udpPeers) {
      peer.stream.expire();
      if (peer.lastActiveMs <= silentSince) {
        this.udpPeers.delete(key);
        peer.stream.end();
      }
    }
  }

  private enqueue(record: AisStreamRecord): void {
    this.queue.push(record);
    if (this.queue.length >= this.options.queuedRecordsMax && !this.paused) this.setPaused(true);
    this.kick();
  }

  /** TCP senders wait while the queue is full; their kernel buffers and TCP windows hold what they send. */
  private setPaused(paused: boolean): void {
    this.paused = paused;
    if (!this.tcp) return;
    for (const connection of this.tcp) {
      if (paused) connection.socket.pause();
      else connection.socket.resume();
    }
  }

  /**
   * Starts ingesting queued records, up to the batches in flight allowed. Records queued within one tick go in one
   * batch: a busy feed makes few large requests, a quiet one small ones.
   */
  private kick(): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.inFlight.size < this.options.batchesInFlightMax) {
        const batch = this.queue.splice(0, this.options.batchRecordsMax);
        if (this.paused && this.queue.length < this.options.queuedRecordsMax / 2) this.setPaused(false);
        const ingesting: Promise<void> = this.ingest(batch).finally(() => {
          this.inFlight.delete(ingesting);
          if (this.queue.length > 0) this.kick();
        });
        this.inFlight.add(ingesting);
      }
    });
  }

  /** One batch through the ingestion; a rate-limited batch waits its turn and goes again, never lost. */
  private async ingest(batch: AisStreamRecord[]): Promise<void> {
    for (;;) {
      let answer: IngestResponse;
      try {
        answer = await this.send(batch, 'ais:feed');
      } catch (error) {
        // The event log refused (the node stopping, a broker gone): the batch is lost and said so.
        this.deps.logger.error('ais records not ingested', { records: batch.length, error: (error as Error).message });
        this.recordsCounter.inc({ outcome: 'lost', reason: 'ingest_failed' }, batch.length);
        return;
      }
      if (answer.status === 429 && !this.closed) {
        const retryAfterS = Number(answer.headers?.['retry-after'] ?? 0);
        await new Promise((resolve) =>
          setTimeout(resolve, retryAfterS > 0 ? retryAfterS * 1000 : RETRY_AFTER_MS_DEFAULT),
        );
        continue;
      }
      if (answer.status !== 200) {
        const body = answer.body as { error: string; detail: string };
        this.deps.logger.error('ais records refused', { records: batch.length, status: answer.status, ...body });
        this.recordsCounter.inc({ outcome: 'lost', reason: body.error }, batch.length);
        return;
      }
      const result = answer.body as IngestResult;
      this.recordsCounter.inc({ outcome: 'accepted', reason: '' }, result.accepted - result.duplicates);
      this.recordsCounter.inc({ outcome: 'duplicate', reason: '' }, result.duplicates);
      for (const rejected of result.rejected) this.recordsCounter.inc({ outcome: 'rejected', reason: rejected.reason });
      return;
    }
  }

  private send(records: AisStreamRecord[], peer: string): Promise<IngestResponse> {
    return this.deps.ingest.handle({
      kind: 'ais',
      authorization: `Bearer ${this.options.key}`,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify(records)),
      peer,
    });
  }
}
