/**
 * The JT/T 1078 media server: asks a terminal for a stream over its JT/T 808 session (0x9101 live, 0x9201
 * playback), takes the stream the terminal then sends over TCP to the live or the playback port, and hands the
 * frames to the browsers watching it (VideoStream). Streams nobody watches, streams that stall and streams that
 * never arrive are closed, and the terminal is told to stop (0x9102, 0x9202). Every count is bounded: streams,
 * bandwidth per stream and in total, viewers, bytes held per connection, frame and group-of-pictures sizes.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import type net from 'node:net';
import type { IngestRejectRow, Logger, Metrics } from '../../schema/index.js';
import { TOPICS, type EventLog } from '../../stream/index.js';
import { TcpConnections, type TcpConnection } from '../tcp-connections.js';
import type { Jt808Message, LiveVideoRequest, PlaybackRequest, VideoResource } from '../jt808/codec/index.js';
import type { CommandAnswer } from '../jt808/gateway/connection.js';
import { FrameAssembler } from './frame-assembler.js';
import { checkMediaServerOptions, type MediaServerOptions } from './options.js';
import { RtpReader } from './rtp-reader.js';
import { ReorderWindow } from './udp-reorder.js';
import { DATA_TYPE, type RtpPacket, type SimBytes } from './rtp-packet.js';
import { VideoStream, type FrameDropReason, type MediaViewer, type StreamKind } from './video-stream.js';

/** What the media server needs of the JT/T 808 gateway: implemented by `Jt808Gateway`. */
export interface VideoTerminalLink {
  sendCommand(phone: string, message: Jt808Message): Promise<CommandAnswer>;
  /** The local address of the terminal's live JT/T 808 connection (where it reaches this node). */
  sessionLocalAddress(phone: string): string | undefined;
}

export interface MediaServerDeps {
  link: VideoTerminalLink;
  log: EventLog;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

export type MediaFailure =
  | 'video_streams_full'
  | 'video_bandwidth_full'
  | 'viewers_full'
  | 'stream_not_found'
  | 'terminal_refused'
  | 'channel_busy';

export class MediaError extends Error {
  constructor(
    readonly reason: MediaFailure,
    detail: string,
  ) {
    super(detail);
  }
}

export interface PlaybackParams {
  channel: number;
  start: number;
  end: number;
  /** 0 audio and video (default), 1 audio, 2 video, 3 audio or video. */
  mediaType?: number;
  /** 0 either (default), 1 main, 2 sub. */
  streamType?: number;
  /** 0 either (default), 1 main, 2 disaster backup. */
  storage?: number;
}

/** What a stream is, for the API: never its viewers or its bytes. */
export interface StreamSummary {
  stream_id: string;
  kind: StreamKind;
  terminal_id: string;
  channel: number;
  state: string;
  viewers: number;
  codec: string | null;
  width: number | null;
  height: number | null;
  started_at: number;
  frames: number;
  bytes: number;
}

/** 0x0001 results as the API names them. */
const TERMINAL_RESULTS = ['ok', 'fail', 'bad_message', 'unsupported'];

/** Where a stream's packets come from: a TCP connection, or the datagrams of one SIM on a UDP port. */
interface MediaSource {
  readonly kind: StreamKind;
  /** The terminal's address (the last datagram's, for UDP). */
  peer: string;
  /** The stream and the frame assemblers (video, audio) of each channel this source carries. */
  readonly channels: Map<number, ChannelAssembly>;
  rejectRows: number;
  /** Ends the source once it carries no stream: closes the connection, forgets the UDP flow. */
  close(): void;
  readonly closed: boolean;
}

class MediaConnection implements TcpConnection, MediaSource {
  lastActiveMs = 0;
  readonly reader: RtpReader;
  readonly channels = new Map<number, ChannelAssembly>();
  rejectRows = 0;

  close(): void {
    this.socket.destroy();
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  constructor(
    readonly socket: net.Socket,
    readonly peer: string,
    readonly kind: StreamKind,
    server: Jt1078MediaServer,
    options: MediaServerOptions,
  ) {
    this.reader = new RtpReader(
      { payloadBytesMax: options.packetPayloadBytesMax, bufferedBytesMax: options.bufferedBytesPerConnectionMax },
      (sim6, sim10) => server.simWidthFor(kind, sim6, sim10),
    );
  }
}

/** A channel's packets put back together: video frames and audio frames apart, as terminals interleave them. */
interface ChannelAssembly {
  stream: VideoStream;
  video: FrameAssembler;
  audio: FrameAssembler;
  /** UDP only: the packets put back in sequence order first. */
  reorder?: ReorderWindow;
}

/** The datagrams of one terminal (by SIM) on one UDP port: a stream is named by SIM and channel, not a connection. */
class UdpFlow implements MediaSource {
  readonly channels = new Map<number, ChannelAssembly>();
  rejectRows = 0;
  closed = false;

  constructor(
    readonly kind: StreamKind,
    readonly key: string,
    public peer: string,
    private readonly forget: (flow: UdpFlow) => void,
  ) {}

  close(): void {
    this.closed = true;
    this.forget(this);
  }
}

/** UDP datagrams that name no requested stream: their reject rows are bounded per port and per minute. */
const STRAY_REJECT_WINDOW_MS = 60_000;

/** The counter of UDP packets given up or dropped by the reorder window. */
const UDP_PACKETS: [string, string, string[]] = [
  'vigil_video_udp_packets_total',
  'JT/T 1078 packets over UDP not assembled: lost (given up by the reorder window) or late (after their place)',
  ['outcome'],
];

/** How often streams are checked for their timeouts. */
const SWEEP_MS = 500;
const BANDWIDTH_WINDOW_MS = 1_000;

export class Jt1078MediaServer {
  private readonly live: TcpConnections<MediaConnection>;
  private readonly playback: TcpConnections<MediaConnection>;
  private readonly streams = new Map<string, VideoStream>();
  /** Open streams by kind, terminal (leading zeros dropped) and channel. */
  private readonly byKey = new Map<string, VideoStream>();
  private readonly connectionsOf = new Map<VideoStream, Set<MediaSource>>();
  /** UDP sockets (when configured) and their flows by kind and SIM. */
  private readonly udp = new Map<StreamKind, dgram.Socket>();
  private readonly udpFlows = new Map<string, UdpFlow>();
  private readonly stray = { live: { rows: 0, since: 0 }, playback: { rows: 0, since: 0 } };
  private viewersTotal = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private ports = { live: 0, playback: 0, liveUdp: 0, playbackUdp: 0 };
  private readonly producer: ReturnType<EventLog['producer']>;

  constructor(
    private readonly options: MediaServerOptions,
    private readonly deps: MediaServerDeps,
  ) {
    checkMediaServerOptions(options);
    this.now = deps.now ?? Date.now;
    this.producer = deps.log.producer();
    const handlers = (kind: StreamKind) => ({
      open: (socket: net.Socket, peer: string) => new MediaConnection(socket, peer, kind, this, options),
      data: (c: MediaConnection, chunk: Buffer) => this.onData(c, chunk),
      closed: (c: MediaConnection) => this.onClosed(c),
      idle: () => undefined,
    });
    const tcp = (port: number) => ({
      host: options.host,
      port,
      connectionsMax: options.connectionsMax,
      idleTimeoutMs: options.dataTimeoutMs,
    });
    this.live = new TcpConnections(tcp(options.livePort), handlers('live'), {
      server: 'jt1078-live',
      metrics: deps.metrics,
      logger: deps.logger,
    });
    this.playback = new TcpConnections(tcp(options.playbackPort), handlers('playback'), {
      server: 'jt1078-playback',
      metrics: deps.metrics,
      logger: deps.logger,
    });
    deps.metrics.onCollect(() => {
      for (const kind of ['live', 'playback'] as const)
        deps.metrics
          .gauge('vigil_video_streams', 'Open JT/T 1078 streams by kind', ['kind'])
          .set({ kind }, [...this.streams.values()].filter((s) => s.kind === kind).length);
      deps.metrics.gauge('vigil_video_viewers', 'Browsers watching a stream').set(undefined, this.viewersTotal);
    });
  }

  async listen(): Promise<{ livePort: number; playbackPort: number; liveUdpPort?: number; playbackUdpPort?: number }> {
    this.ports.live = await this.live.listen();
    this.ports.playback = await this.playback.listen();
    if (this.options.liveUdpPort !== undefined)
      this.ports.liveUdp = await this.listenUdp('live', this.options.liveUdpPort);
    if (this.options.playbackUdpPort !== undefined)
      this.ports.playbackUdp = await this.listenUdp('playback', this.options.playbackUdpPort);
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
    return {
      livePort: this.ports.live,
      playbackPort: this.ports.playback,
      ...(this.udp.has('live') ? { liveUdpPort: this.ports.liveUdp } : {}),
      ...(this.udp.has('playback') ? { playbackUdpPort: this.ports.playbackUdp } : {}),
    };
  }

  private async listenUdp(kind: StreamKind, port: number): Promise<number> {
    const socket = dgram.createSocket({ type: this.options.host.includes(':') ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (error) => this.deps.logger.error('JT/T 1078 UDP socket error', { kind, error: String(error) }));
    socket.on('message', (datagram, from) => this.onDatagram(kind, datagram, `${from.address}:${from.port}`));
    this.udp.set(kind, socket);
    return socket.address().port;
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const stream of [...this.streams.values()])
      this.endStream(stream, 'server_stopping', 'the node is stopping', false);
    await this.live.close();
    await this.playback.close();
    for (const socket of this.udp.values()) await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.udp.clear();
  }

  /**
   * Opens (or joins) the live stream of a terminal's channel: 0x9101 unless the channel already streams live.
   * Resolves once the terminal accepted the request; the stream itself arrives on the live port afterwards.
   */
  async openLive(phone: string, channel: number, streamType: 0 | 1): Promise<VideoStream> {
    const key = streamKey('live', phone, channel);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    this.admit();
    const request: LiveVideoRequest = {
      server: this.addressFor(phone, 'live'),
      channel,
      // Audio and video: a stream is shared by its viewers, and any of them may turn the sound on. A terminal
      // without a microphone sends video alone; G.711 costs 8 KB/s.
      dataType: 0,
      streamType,
    };
    const stream = this.register('live', phone, channel);
    try {
      await this.expectOk(phone, { msgId: 0x9101, body: request });
    } catch (error) {
      this.endStream(stream, 'request_failed', String((error as Error).message), false);
      throw error;
    }
    return stream;
  }

  /**
   * Asks the terminal to play a recording back (0x9201) to the playback port. The terminal answers with the
   * recordings it found (0x1205); the stream then arrives like a live one. One playback per channel at a time.
   */
  async openPlayback(
    phone: string,
    params: PlaybackParams,
  ): Promise<{ stream: VideoStream; resources: VideoResource[] }> {
    const key = streamKey('playback', phone, params.channel);
    if (this.byKey.has(key))
      throw new MediaError(
        'channel_busy',
        `channel ${params.channel} of terminal ${phone} already plays a recording back`,
      );
    this.admit();
    const request: PlaybackRequest = {
      server: this.addressFor(phone, 'playback'),
      channel: params.channel,
      mediaType: params.mediaType ?? 0,
      streamType: params.streamType ?? 0,
      storage: params.storage ?? 0,
      mode: 0,
      speed: 0,
      start: params.start,
      end: params.end,
    };
    const stream = this.register('playback', phone, params.channel);
    try {
      const answer = await this.deps.link.sendCommand(phone, { msgId: 0x9201, body: request });
      const resources = answer.message?.msgId === 0x1205 ? answer.message.body.resources : [];
      if (answer.message?.msgId !== 0x1205 && answer.result !== 0)
        throw new MediaError('terminal_refused', `terminal ${phone} answered 0x9201 with ${resultName(answer.result)}`);
      return { stream, resources };
    } catch (error) {
      this.endStream(stream, 'request_failed', String((error as Error).message), false);
      throw error;
    }
  }

  /** The recordings a terminal holds on a channel (0 = all) in a window: 0x9205, answered 0x1205. */
  async queryResources(
    phone: string,
    query: { channel: number; start: number; end: number },
  ): Promise<VideoResource[]> {
    const answer = await this.deps.link.sendCommand(phone, {
      msgId: 0x9205,
      body: { ...query, alarmBits: 0, videoAlarmBits: 0, mediaType: 0, streamType: 0, storage: 0 },
    });
    if (answer.message?.msgId === 0x1205) return answer.message.body.resources;
    throw new MediaError('terminal_refused', `terminal ${phone} answered 0x9205 with ${resultName(answer.result)}`);
  }

  /** 0x9202 for a playback stream: pause, resume, fast forward, rewind, seek; `end` also closes the stream. */
  async controlPlayback(streamId: string, control: number, speed: number, position: number | null): Promise<number> {
    const stream = this.streams.get(streamId);
    if (!stream || stream.kind !== 'playback')
      throw new MediaError('stream_not_found', `no playback stream ${streamId}`);
    const answer = await this.deps.link.sendCommand(stream.phone, {
      msgId: 0x9202,
      body: { channel: stream.channel, control, speed, position },
    });
    if (control === 2) this.endStream(stream, 'ended_by_user', 'the playback was ended', false);
    return answer.result;
  }

  stream(streamId: string): VideoStream | undefined {
    return this.streams.get(streamId);
  }

  summary(stream: VideoStream): StreamSummary {
    const codec = stream.codec?.type === 'stream' ? stream.codec : undefined;
    return {
      stream_id: stream.id,
      kind: stream.kind,
      terminal_id: stream.phone,
      channel: stream.channel,
      state: stream.state,
      viewers: stream.viewerCount,
      codec: codec?.codec ?? null,
      width: codec?.width ?? null,
      height: codec?.height ?? null,
      started_at: stream.createdAtMs,
      frames: stream.framesShown,
      bytes: stream.bytesReceived,
    };
  }

  /** Streams of one terminal (live and playback). */
  streamsOf(phone: string): VideoStream[] {
    const key = phoneKey(phone);
    return [...this.streams.values()].filter((s) => phoneKey(s.phone) === key);
  }

  /** Adds a browser to a stream; returns what detaches it. */
  attachViewer(streamId: string, viewer: MediaViewer): () => void {
    const stream = this.streams.get(streamId);
    if (!stream || stream.state === 'closed') throw new MediaError('stream_not_found', `no open stream ${streamId}`);
    if (stream.viewerCount >= this.options.viewersPerStreamMax)
      throw new MediaError(
        'viewers_full',
        `stream ${streamId} has ${stream.viewerCount} viewers, max allowed ${this.options.viewersPerStreamMax}`,
      );
    if (this.viewersTotal >= this.options.viewersTotalMax)
      throw new MediaError(
        'viewers_full',
        `${this.viewersTotal} viewers watch video, max allowed ${this.options.viewersTotalMax}`,
      );
    this.viewersTotal++;
    const detach = stream.addViewer(viewer);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.viewersTotal--;
      detach();
    };
  }

  /** Which SIM width names a stream this server asked for (RtpReader's first packet). */
  simWidthFor(kind: StreamKind, sim6: string | null, sim10: string | null): SimBytes | undefined {
    const requested = (sim: string | null): boolean =>
      sim !== null && [...this.byKey.values()].some((s) => s.kind === kind && phoneKey(s.phone) === phoneKey(sim));
    if (requested(sim6)) return 6;
    if (requested(sim10)) return 10;
    return undefined;
  }

  private admit(): void {
    if (this.streams.size >= this.options.streamsMax)
      throw new MediaError(
        'video_streams_full',
        `${this.streams.size} streams are open, max allowed ${this.options.streamsMax}`,
      );
    const reserved = (this.streams.size + 1) * this.options.streamBytesPerSecondMax;
    if (reserved > this.options.bytesPerSecondTotalMax)
      throw new MediaError(
        'video_bandwidth_full',
        `another stream would reserve ${reserved} bytes/s, max allowed ${this.options.bytesPerSecondTotalMax}`,
      );
  }

  private register(kind: StreamKind, phone: string, channel: number): VideoStream {
    const stream = new VideoStream(
      randomBytes(9).toString('base64url'),
      kind,
      phone,
      channel,
      this.now,
      this.options.gopBytesMax,
      this.options.viewerBufferedBytesMax,
      {
        dropped: (reason: FrameDropReason, frames = 1) =>
          this.counter('vigil_video_frames_dropped_total', 'Video frames not shown, by reason', ['reason']).inc(
            { reason },
            frames,
          ),
        audioSent: (codec: string) =>
          this.counter(
            'vigil_video_audio_packets_total',
            'Audio packets sent to the viewers who take audio (once per packet), by coding',
            ['codec'],
          ).inc({ codec }),
        shown: (frames: number) =>
          this.counter(
            'vigil_video_frames_total',
            'Video frames sent to viewers (once per frame, whatever the viewers)',
          ).inc(undefined, frames),
      },
    );
    this.streams.set(stream.id, stream);
    this.byKey.set(streamKey(kind, phone, channel), stream);
    return stream;
  }

  private async expectOk(phone: string, message: Jt808Message): Promise<void> {
    const answer = await this.deps.link.sendCommand(phone, message);
    if (answer.result !== 0)
      throw new MediaError(
        'terminal_refused',
        `terminal ${phone} answered 0x${message.msgId.toString(16)} with ${resultName(answer.result)}`,
      );
  }

  /** The address in 0x9101/0x9201: TCP always, UDP when configured (0 tells the terminal there is none). */
  private addressFor(phone: string, kind: StreamKind): { host: string; tcpPort: number; udpPort: number } {
    const local = this.options.advertisedHost ?? this.deps.link.sessionLocalAddress(phone) ?? '127.0.0.1';
    const [tcpPort, udpPort] =
      kind === 'live' ? [this.ports.live, this.ports.liveUdp] : [this.ports.playback, this.ports.playbackUdp];
    return { host: local.replace(/^::ffff:/, ''), tcpPort, udpPort };
  }

  /**
   * One datagram: one or more whole packets (a packet cut at the datagram's end is `truncated_datagram`). Its
   * SIM and channel name the stream; the packets of each channel are put back in order before assembly.
   */
  private onDatagram(kind: StreamKind, datagram: Buffer, peer: string): void {
    let flow: UdpFlow | undefined;
    const reader = new RtpReader(
      { payloadBytesMax: this.options.packetPayloadBytesMax, bufferedBytesMax: datagram.length },
      (sim6, sim10) => this.simWidthFor(kind, sim6, sim10),
    );
    for (const item of reader.push(datagram)) {
      if (item.reject !== undefined) {
        this.rejectDatagram(kind, flow, peer, item.reject, item.detail, item.raw);
        if (item.reject === 'unknown_sim') return;
        continue;
      }
      const packet = item.packet;
      const key = `${kind}:${phoneKey(packet.sim)}`;
      flow = this.udpFlows.get(key);
      if (flow === undefined) {
        // A flow is made only for a requested stream, so that datagrams naming nothing cost no state.
        const stream = this.byKey.get(streamKey(kind, packet.sim, packet.channel));
        if (stream === undefined || stream.state === 'closed') {
          const detail = `channel ${packet.channel} of ${packet.sim} was not asked for`;
          this.rejectDatagram(kind, undefined, peer, 'unrequested_stream', detail, packet.payload.subarray(0, 32));
          continue;
        }
        flow = new UdpFlow(kind, key, peer, (gone) => this.udpFlows.delete(gone.key));
        this.udpFlows.set(key, flow);
      }
      flow.peer = peer;
      this.onPacket(flow, packet);
      // Its streams ended (the bandwidth bound): the flow is gone, the rest of the datagram finds none.
      if (flow.closed) flow = undefined;
    }
    if (reader.bufferedBytes > 0)
      this.rejectDatagram(
        kind,
        flow,
        peer,
        'truncated_datagram',
        `${reader.bufferedBytes} bytes at the end of the datagram are not a whole packet`,
        datagram.subarray(datagram.length - reader.bufferedBytes),
      );
  }

  private rejectDatagram(
    kind: StreamKind,
    flow: UdpFlow | undefined,
    peer: string,
    reason: string,
    detail: string,
    raw: Buffer,
  ): void {
    if (flow !== undefined) {
      this.reject(flow, reason, detail, raw, undefined);
      return;
    }
    // Datagrams of no stream: their rows are bounded per port and minute, like a connection's.
    const stray = this.stray[kind];
    const nowMs = this.now();
    if (nowMs - stray.since > STRAY_REJECT_WINDOW_MS) {
      stray.since = nowMs;
      stray.rows = 0;
    }
    const source = { peer, rejectRows: stray.rows };
    this.reject(source, reason, detail, raw, undefined);
    stray.rows = source.rejectRows;
  }

  private onData(c: MediaConnection, chunk: Buffer): void {
    for (const item of c.reader.push(chunk)) {
      if (item.reject !== undefined) {
        this.reject(c, item.reject, item.detail, item.raw, undefined);
        if (item.reject === 'unknown_sim') {
          c.socket.destroy();
          return;
        }
        continue;
      }
      this.onPacket(c, item.packet);
      if (c.socket.destroyed) return;
    }
  }

  private onPacket(c: MediaSource, packet: RtpPacket): void {
    let entry = c.channels.get(packet.channel);
    if (entry === undefined || entry.stream.state === 'closed') {
      const stream = this.byKey.get(streamKey(c.kind, packet.sim, packet.channel));
      if (stream === undefined || stream.state === 'closed') {
        this.reject(
          c,
          'unrequested_stream',
          `channel ${packet.channel} of ${packet.sim} was not asked for`,
          packet.payload.subarray(0, 32),
          packet.sim,
        );
        return;
      }
      entry = {
        stream,
        video: new FrameAssembler(this.options.frameBytesMax),
        audio: new FrameAssembler(this.options.frameBytesMax),
        reorder: c instanceof UdpFlow ? new ReorderWindow(this.options.udpReorderPackets) : undefined,
      };
      c.channels.set(packet.channel, entry);
      let connections = this.connectionsOf.get(stream);
      if (!connections) this.connectionsOf.set(stream, (connections = new Set()));
      connections.add(c);
      stream.state = 'streaming';
    }
    if (entry.reorder === undefined) {
      this.assemble(entry, packet);
      return;
    }
    const reordered = entry.reorder.push(packet);
    if (reordered.late) this.counter(...UDP_PACKETS).inc({ outcome: 'late' });
    if (reordered.lost > 0) this.counter(...UDP_PACKETS).inc({ outcome: 'lost' }, reordered.lost);
    for (const p of reordered.packets) {
      this.assemble(entry, p);
      if (entry.stream.state === 'closed') return;
    }
  }

  private assemble(entry: ChannelAssembly, packet: RtpPacket): void {
    const { stream } = entry;
    const nowMs = this.now();
    stream.lastDataMs = nowMs;
    stream.bytesReceived += packet.payload.length;
    this.counter('vigil_video_bytes_received_total', 'Payload bytes of JT/T 1078 streams received').inc(
      undefined,
      packet.payload.length,
    );
    if (nowMs - stream.windowStartMs >= BANDWIDTH_WINDOW_MS) {
      stream.windowStartMs = nowMs;
      stream.windowBytes = 0;
    }
    stream.windowBytes += packet.payload.length;
    if (stream.windowBytes > this.options.streamBytesPerSecondMax) {
      this.endStream(
        stream,
        'stream_bandwidth',
        `more than ${this.options.streamBytesPerSecondMax} bytes in one second, the bound of one stream`,
        true,
      );
      return;
    }
    const audio = packet.dataType === DATA_TYPE.audio;
    const assembler = audio ? entry.audio : entry.video;
    (audio ? entry.video : entry.audio).passedOver();
    const assembly = assembler.push(packet);
    if (assembly.drop)
      this.counter('vigil_video_frames_dropped_total', 'Video frames not shown, by reason', ['reason']).inc({
        reason: assembly.drop.reason,
      });
    if (assembly.frame) stream.onFrame(assembly.frame);
  }

  private onClosed(c: MediaSource): void {
    for (const { stream } of c.channels.values()) {
      const connections = this.connectionsOf.get(stream);
      connections?.delete(c);
      // A terminal that hangs up has ended its stream (a playback at the end of the recording).
      if (connections?.size === 0 && stream.state === 'streaming')
        this.endStream(stream, 'terminal_closed', 'the terminal closed the stream', false);
    }
  }

  private sweep(): void {
    const nowMs = this.now();
    for (const stream of [...this.streams.values()]) {
      if (stream.state === 'requested' && nowMs - stream.createdAtMs > this.options.connectTimeoutMs)
        this.endStream(
          stream,
          'terminal_did_not_connect',
          `no stream within ${this.options.connectTimeoutMs} ms of the request`,
          true,
        );
      else if (stream.state === 'streaming' && nowMs - stream.lastDataMs > this.options.dataTimeoutMs)
        this.endStream(stream, 'stream_stalled', `nothing received for ${this.options.dataTimeoutMs} ms`, true);
      else if (stream.viewerCount === 0 && nowMs - stream.viewerlessSinceMs > this.options.viewerlessCloseMs)
        this.endStream(stream, 'no_viewers', `nobody watched for ${this.options.viewerlessCloseMs} ms`, true);
    }
  }

  /** Closes a stream: its viewers are told why, its connections closed, the terminal told to stop when asked. */
  private endStream(stream: VideoStream, reason: string, detail: string, tellTerminal: boolean): void {
    if (!this.streams.has(stream.id)) return;
    this.streams.delete(stream.id);
    const key = streamKey(stream.kind, stream.phone, stream.channel);
    if (this.byKey.get(key) === stream) this.byKey.delete(key);
    stream.end(reason, detail);
    for (const c of this.connectionsOf.get(stream) ?? []) {
      c.channels.delete(stream.channel);
      if (c.channels.size === 0) c.close();
    }
    this.connectionsOf.delete(stream);
    this.counter('vigil_video_streams_closed_total', 'JT/T 1078 streams closed, by reason', ['reason']).inc({ reason });
    this.deps.logger.info('video stream closed', {
      stream_id: stream.id,
      kind: stream.kind,
      terminal: stream.phone,
      channel: stream.channel,
      reason,
    });
    if (!tellTerminal) return;
    const stop: Jt808Message =
      stream.kind === 'live'
        ? { msgId: 0x9102, body: { channel: stream.channel, command: 0, closeType: 0, streamType: 0 } }
        : { msgId: 0x9202, body: { channel: stream.channel, control: 2, speed: 0, position: null } };
    // The terminal may be gone already; its answer changes nothing here.
    this.deps.link.sendCommand(stream.phone, stop).catch((error: unknown) => {
      this.deps.logger.info('could not tell the terminal to stop its stream', {
        terminal: stream.phone,
        error: String(error),
      });
    });
  }

  private reject(
    c: Pick<MediaSource, 'peer' | 'rejectRows'>,
    reason: string,
    detail: string,
    raw: Buffer,
    terminalId: string | undefined,
  ): void {
    this.counter('vigil_ingest_rejects_total', 'Rejected frames and records by reason', ['source', 'reason']).inc({
      source: 'jt1078',
      reason,
    });
    // A broken stream can send megabytes of garbage a second: only its first rejects become rows.
    if (c.rejectRows >= this.options.rejectRowsPerConnectionMax) return;
    c.rejectRows++;
    const row: IngestRejectRow = {
      received_at: this.now(),
      source: 'jt1078',
      reason,
      detail,
      raw: raw.toString('hex'),
      peer: c.peer,
      terminal_id: terminalId ?? '',
    };
    this.producer
      .send(TOPICS.rejects, [{ key: row.terminal_id || c.peer, value: row }])
      .catch((error: unknown) => this.deps.logger.error('could not store a reject', { reason, error: String(error) }));
  }

  private counter(name: string, help: string, labels: string[] = []) {
    return this.deps.metrics.counter(name, help, labels);
  }
}

function phoneKey(phone: string): string {
  return phone.replace(/^0+/, '');
}

function streamKey(kind: StreamKind, phone: string, channel: number): string {
  return `${kind}:${phoneKey(phone)}:${channel}`;
}

function resultName(result: number): string {
  return `result ${result} (${TERMINAL_RESULTS[result] ?? 'unknown'})`;
}
