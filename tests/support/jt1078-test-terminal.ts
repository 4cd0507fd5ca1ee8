/**
 * The video side of a test terminal: real H.264 made by Debian's ffmpeg (a moving test pattern), cut into
 * access units, packetized as JT/T 1078 stream packets (table 19: 950-byte payloads, first/middle/last marks,
 * millisecond timestamps, I-frame and frame intervals) and sent over TCP to the media server at the frame rate,
 * the way a terminal answers 0x9101 or 0x9201. With an audio track (G.711 made by ffmpeg from a sine tone), each
 * frame's 40 ms of audio goes along as two 20 ms audio packets (data type 3), put between the packets of the video
 * frame and numbered in the one sequence in the order sent, optionally behind a HiSilicon header. Nothing here comes from Vigil's media server except the packet
 * encoder, whose byte layout is tested against frames written from the standard.
 */
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { DATA_TYPE, encodeRtpPacket, PAYLOAD_TYPE, SUBPACKAGE, type SimBytes } from '../../ingest/jt1078/index.js';
import type {
  Jt808Message,
  LiveVideoRequest,
  PlaybackControl,
  PlaybackRequest,
  VideoResource,
} from '../../ingest/jt808/codec/index.js';
import type { Received, TestTerminal } from './jt808-test-terminal.js';

export const FFMPEG = '/usr/bin/ffmpeg';
/** The payload of one packet: JT/T 1078 says at most 950 bytes. */
const PAYLOAD_BYTES = 950;

export interface TestPattern {
  width: number;
  height: number;
  fps: number;
  /** Frames between key frames. */
  gop: number;
  seconds: number;
}

export interface AccessUnit {
  key: boolean;
  /** Annex B bytes of the frame: its NAL units with start codes, SPS and PPS before a key frame. */
  data: Buffer;
}

/** H.264 Annex B of ffmpeg's moving test pattern (testsrc2), constrained baseline, no B frames. */
export function testPatternH264(p: TestPattern): Buffer {
  if (!existsSync(FFMPEG))
    throw new Error(`the video tests need Debian's ffmpeg at ${FFMPEG} (apt-get install -y ffmpeg); it is missing`);
  return execFileSync(
    FFMPEG,
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `testsrc2=size=${p.width}x${p.height}:rate=${p.fps}`, '-t', String(p.seconds)],
      ...['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', String(p.gop), '-bf', '0'],
      ...['-x264-params', 'slices=1:keyint_min=' + p.gop, '-f', 'h264', '-'],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

/** The access units (frames) of an Annex B stream: each begins at a non-VCL NAL or a slice with first_mb 0. */
export function accessUnits(stream: Buffer): AccessUnit[] {
  const starts: number[] = [];
  for (let i = 0; i + 3 < stream.length; i++)
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) starts.push(i + 3);
  const units: AccessUnit[] = [];
  let current: Buffer[] = [];
  let key = false;
  let hasSlice = false;
  starts.forEach((start, n) => {
    // Each NAL unit keeps a 4-byte start code in front, as terminals send them.
    const end = n + 1 < starts.length ? starts[n + 1] - 3 : stream.length;
    const nal = stream.subarray(start, end);
    const type = nal[0] & 0x1f;
    const slice = type === 1 || type === 5;
    const begins = slice ? (nal[1] & 0x80) !== 0 : true;
    if (begins && hasSlice) {
      units.push({ key, data: Buffer.concat(current) });
      current = [];
      key = false;
      hasSlice = false;
    }
    current.push(Buffer.from([0, 0, 0, 1]), trimZeros(nal));
    if (type === 5) key = true;
    if (slice) hasSlice = true;
  });
  if (hasSlice) units.push({ key, data: Buffer.concat(current) });
  return units;
}

function trimZeros(nal: Buffer): Buffer {
  let end = nal.length;
  while (end > 1 && nal[end - 1] === 0) end--;
  return nal.subarray(0, end);
}

/** Raw G.711 (`alaw` or `mulaw`, 8 kHz mono) of a sine tone, encoded by ffmpeg. */
export function toneG711(codec: 'alaw' | 'mulaw', hz: number, seconds: number): Buffer {
  return execFileSync(
    FFMPEG,
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `sine=frequency=${hz}:sample_rate=8000:duration=${seconds}`],
      ...['-ar', '8000', '-ac', '1', '-f', codec, '-'],
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

/**
 * G.726 of a sine tone at 8 kHz, `bits` per code (4: 32 kbit/s), encoded by ffmpeg; `packing` 'lsb' is RFC 3551's
 * (ffmpeg's g726le), 'msb' the first code in the high bits (ffmpeg's g726).
 */
export function toneG726(hz: number, seconds: number, bits: 2 | 3 | 4 | 5, packing: 'lsb' | 'msb'): Buffer {
  const format = packing === 'lsb' ? 'g726le' : 'g726';
  return execFileSync(
    FFMPEG,
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `sine=frequency=${hz}:sample_rate=8000:duration=${seconds}`],
      ...['-ar', '8000', '-ac', '1', '-c:a', format, '-b:a', `${bits * 8}k`, '-f', format, '-'],
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

/** AAC-LC of a sine tone in ADTS frames (1,024 samples each), encoded by ffmpeg. */
export function toneAacAdts(hz: number, seconds: number, sampleRate: number): Buffer {
  return execFileSync(
    FFMPEG,
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', `sine=frequency=${hz}:sample_rate=${sampleRate}:duration=${seconds}`],
      ...['-ac', '1', '-c:a', 'aac', '-b:a', '32k', '-f', 'adts', '-'],
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

/** The ADTS frames of a stream, each whole, by the 13-bit frame length of its header. */
export function splitAdts(stream: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at + 7 <= stream.length;) {
    const length = ((stream[at + 3] & 0x03) << 11) | (stream[at + 4] << 3) | (stream[at + 5] >> 5);
    if (stream[at] !== 0xff || (stream[at + 1] & 0xf0) !== 0xf0 || length < 7)
      throw new Error(`no ADTS frame at ${at}`);
    frames.push(stream.subarray(at, at + length));
    at += length;
  }
  return frames;
}

/**
 * A terminal's audio track: coded bytes looped, `bytesPerMs` a millisecond (8 for G.711, the default), 20 ms a
 * packet; or, with `frameMs`, whole frames (AAC's ADTS frames) looped, one a packet, each lasting `frameMs`.
 */
export interface AudioTrack {
  payloadType:
    typeof PAYLOAD_TYPE.g711a | typeof PAYLOAD_TYPE.g711u | typeof PAYLOAD_TYPE.g726 | typeof PAYLOAD_TYPE.aac;
  data: Buffer;
  bytesPerMs?: number;
  frames?: Buffer[];
  frameMs?: number;
  /** Put the 4-byte HiSilicon header (00 01 n 00) in front of each packet's audio, as some terminals do. */
  hisilicon?: boolean;
}

/** Milliseconds of sound in one audio packet. */
const AUDIO_PACKET_MS = 20;

/** Bytes of a track in one millisecond. */
export function trackBytesPerMs(track: AudioTrack): number {
  return track.bytesPerMs ?? 8;
}

/**
 * The atomic audio packets of the `ms` of a track that begin `offsetMs` into it, each with the timestamp of its
 * first sample (`timestampMs` stands for `offsetMs`).
 */
export function audioPackets(
  track: AudioTrack,
  at: { sim: string; channel: number; sequence: number; timestampMs: number; offsetMs: number; ms: number },
  simBytes: SimBytes = 6,
): Buffer[] {
  const pieces: { afterMs: number; payload: Buffer }[] = [];
  if (track.frames !== undefined && track.frameMs !== undefined) {
    // The frames that begin within [offsetMs, offsetMs + ms).
    const frameMs = track.frameMs;
    for (let n = Math.ceil(at.offsetMs / frameMs); n * frameMs < at.offsetMs + at.ms; n++)
      pieces.push({ afterMs: n * frameMs - at.offsetMs, payload: track.frames[n % track.frames.length] });
  } else {
    const perMs = trackBytesPerMs(track);
    const packetBytes = AUDIO_PACKET_MS * perMs;
    const offset = at.offsetMs * perMs;
    for (let done = 0; done < at.ms * perMs; done += packetBytes) {
      const audio = Buffer.alloc(packetBytes);
      for (let i = 0; i < packetBytes; i++) audio[i] = track.data[(offset + done + i) % track.data.length];
      const payload = track.hisilicon
        ? Buffer.concat([Buffer.from([0x00, 0x01, packetBytes / 2, 0x00]), audio])
        : audio;
      pieces.push({ afterMs: done / perMs, payload });
    }
  }
  const packets: Buffer[] = [];
  for (const { afterMs, payload } of pieces)
    packets.push(
      encodeRtpPacket(
        {
          marker: true,
          payloadType: track.payloadType,
          sequence: (at.sequence + packets.length) & 0xffff,
          sim: at.sim,
          channel: at.channel,
          dataType: DATA_TYPE.audio,
          subpackage: SUBPACKAGE.atomic,
          timestampMs: at.timestampMs + afterMs,
          lastIFrameIntervalMs: 0,
          lastFrameIntervalMs: 0,
          payload,
        },
        simBytes,
      ),
    );
  return packets;
}

/** The JT/T 1078 packets of one frame. */
export function packetize(
  unit: AccessUnit,
  at: { sim: string; channel: number; sequence: number; timestampMs: number; sinceKeyMs: number; frameMs: number },
  simBytes: SimBytes = 6,
): Buffer[] {
  const parts: Buffer[] = [];
  for (let p = 0; p < unit.data.length; p += PAYLOAD_BYTES) parts.push(unit.data.subarray(p, p + PAYLOAD_BYTES));
  return parts.map((payload, i) =>
    encodeRtpPacket(
      {
        marker: i === parts.length - 1,
        payloadType: PAYLOAD_TYPE.h264,
        sequence: (at.sequence + i) & 0xffff,
        sim: at.sim,
        channel: at.channel,
        dataType: unit.key ? DATA_TYPE.iFrame : DATA_TYPE.pFrame,
        subpackage:
          parts.length === 1
            ? SUBPACKAGE.atomic
            : i === 0
              ? SUBPACKAGE.first
              : i === parts.length - 1
                ? SUBPACKAGE.last
                : SUBPACKAGE.middle,
        timestampMs: at.timestampMs,
        lastIFrameIntervalMs: at.sinceKeyMs,
        lastFrameIntervalMs: at.frameMs,
        payload,
      },
      simBytes,
    ),
  );
}

/**
 * Streams frames to a media port at `fps`, looping, until stopped or the server closes the connection. Counts what
 * it sent, and whether the server closed it.
 */
export class VideoSender {
  framesSent = 0;
  closedByServer = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly socket: net.Socket;
  readonly connected: Promise<void>;
  readonly closed: Promise<void>;

  constructor(
    host: string,
    port: number,
    private readonly units: AccessUnit[],
    private readonly at: { sim: string; channel: number; fps: number; simBytes?: SimBytes; audio?: AudioTrack },
  ) {
    this.socket = net.connect({ host, port });
    this.socket.on('error', () => undefined);
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        if (this.timer) this.closedByServer = true;
        this.stop();
        resolve();
      }),
    );
  }

  start(): void {
    const frameMs = Math.round(1000 / this.at.fps);
    let sequence = 0;
    let audioMs = 0;
    let lastKeyMs = 0;
    const t0 = Date.now();
    this.timer = setInterval(() => {
      const unit = this.units[this.framesSent % this.units.length];
      const timestampMs = t0 + this.framesSent * frameMs;
      if (unit.key) lastKeyMs = timestampMs;
      const packets = packetize(
        unit,
        {
          sim: this.at.sim,
          channel: this.at.channel,
          sequence,
          timestampMs,
          sinceKeyMs: timestampMs - lastKeyMs,
          frameMs,
        },
        this.at.simBytes,
      );
      const audio = this.at.audio;
      if (audio !== undefined) {
        // The frame's audio goes after the frame's first packet; all are numbered in the order they are sent.
        const sound = audioPackets(
          audio,
          { sim: this.at.sim, channel: this.at.channel, sequence: 0, timestampMs, offsetMs: audioMs, ms: frameMs },
          this.at.simBytes,
        );
        audioMs += frameMs;
        packets.splice(1, 0, ...sound);
        packets.forEach((packet, i) => packet.writeUInt16BE((sequence + i) & 0xffff, 6));
      }
      sequence += packets.length;
      this.socket.write(Buffer.concat(packets));
      this.framesSent++;
    }, frameMs);
  }

  /** Writes raw bytes (a hostile terminal's garbage). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.socket.destroy();
  }
}

/** What a UDP sender does to its datagrams: swap two of a frame, drop one (counted from 0 over the stream). */
export interface UdpMangling {
  /** Frame whose first two datagrams go out swapped. */
  swapInFrame?: number;
  /** Frame whose second datagram is never sent. */
  dropInFrame?: number;
}

/**
 * Streams frames over UDP, two packets to a datagram (a terminal may put one or several in each), at `fps`,
 * looping until stopped; optionally swapping or dropping datagrams, as a network does.
 */
export class UdpVideoSender {
  framesSent = 0;
  datagramsSent = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly socket = dgram.createSocket('udp4');

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly units: AccessUnit[],
    private readonly at: { sim: string; channel: number; fps: number; mangling?: UdpMangling },
  ) {
    this.socket.on('error', () => undefined);
  }

  start(): void {
    const frameMs = Math.round(1000 / this.at.fps);
    let sequence = 0;
    let lastKeyMs = 0;
    const t0 = Date.now();
    this.timer = setInterval(() => {
      const n = this.framesSent;
      const unit = this.units[n % this.units.length];
      const timestampMs = t0 + n * frameMs;
      if (unit.key) lastKeyMs = timestampMs;
      const packets = packetize(unit, {
        sim: this.at.sim,
        channel: this.at.channel,
        sequence,
        timestampMs,
        sinceKeyMs: timestampMs - lastKeyMs,
        frameMs,
      });
      sequence += packets.length;
      const datagrams: Buffer[] = [];
      for (let i = 0; i < packets.length; i += 2) datagrams.push(Buffer.concat(packets.slice(i, i + 2)));
      if (this.at.mangling?.swapInFrame === n && datagrams.length >= 2)
        [datagrams[0], datagrams[1]] = [datagrams[1], datagrams[0]];
      if (this.at.mangling?.dropInFrame === n && datagrams.length >= 2) datagrams.splice(1, 1);
      for (const d of datagrams) this.send(d);
      this.framesSent++;
    }, frameMs);
  }

  /** Sends raw bytes as one datagram (a hostile terminal's). */
  send(datagram: Buffer): void {
    this.datagramsSent++;
    this.socket.send(datagram, this.port, this.host);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * Answers the platform's video commands the way a JT/T 1078 terminal does: 0x9101 with 0x0001 and then the test
 * pattern streamed to the address it names; 0x9205 with 0x1205 listing `recordings`; 0x9201 with 0x1205 and the
 * pattern streamed to the playback address; 0x9102 and 0x9202 "end" by stopping. Everything else gets 0x0001.
 */
export class VideoAnswers {
  readonly senders: VideoSender[] = [];
  readonly udpSenders: UdpVideoSender[] = [];
  /** Set: live streams go over UDP to the port 0x9101 names, their datagrams mangled so. */
  udp: UdpMangling | undefined;
  readonly liveRequests: LiveVideoRequest[] = [];
  readonly playbackRequests: PlaybackRequest[] = [];
  readonly controls: PlaybackControl[] = [];
  readonly stops: Received[] = [];
  private readonly handled = new Set<Received>();
  private readonly timer: NodeJS.Timeout;
  /** Streams start once this settles: at once unless `holdStreams` was called. */
  private gate: Promise<void> = Promise.resolve();

  constructor(
    readonly terminal: TestTerminal,
    private readonly units: AccessUnit[],
    private readonly fps: number,
    private readonly recordings: VideoResource[] = [],
    /** The audio each stream carries along with its video, if any. */
    private readonly audio?: AudioTrack,
  ) {
    this.timer = setInterval(() => this.answer(), 20);
  }

  private answer(): void {
    for (const r of this.terminal.received) {
      if (this.handled.has(r) || r.msgId === 0x8001 || r.msgId === 0x8100) continue;
      this.handled.add(r);
      const message = r.message as Jt808Message;
      if (message.msgId === 0x9205 || message.msgId === 0x9201) {
        this.terminal.send({ msgId: 0x1205, body: { replySerial: r.serial, resources: this.recordings } });
      } else {
        this.terminal.send({ msgId: 0x0001, body: { replySerial: r.serial, replyMsgId: r.msgId, result: 0 } });
      }
      if (message.msgId === 0x9101) {
        this.liveRequests.push(message.body);
        if (this.udp !== undefined && message.body.server.udpPort > 0) {
          const sender = new UdpVideoSender(message.body.server.host, message.body.server.udpPort, this.units, {
            sim: this.terminal.phone,
            channel: message.body.channel,
            fps: this.fps,
            mangling: this.udp,
          });
          this.udpSenders.push(sender);
          sender.start();
        } else this.stream(message.body.server.host, message.body.server.tcpPort, message.body.channel);
      } else if (message.msgId === 0x9201) {
        this.playbackRequests.push(message.body);
        this.stream(message.body.server.host, message.body.server.tcpPort, message.body.channel);
      } else if (message.msgId === 0x9202) {
        this.controls.push(message.body);
      } else if (message.msgId === 0x9102) {
        this.stops.push(r);
        for (const s of this.senders) s.stop();
        for (const s of this.udpSenders) s.stop();
      }
    }
  }

  /**
   * Keeps the streams of later requests connected but silent until the returned function is called, as a terminal
   * whose camera is slow to start: lets a test see what a viewer is told before the first key frame, whatever the
   * machine's speed.
   */
  holdStreams(): () => void {
    let release: () => void = () => undefined;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return release;
  }

  private stream(host: string, port: number, channel: number): void {
    const sender = new VideoSender(host, port, this.units, {
      sim: this.terminal.phone,
      channel,
      fps: this.fps,
      audio: this.audio,
    });
    this.senders.push(sender);
    void Promise.all([sender.connected, this.gate])
      .then(() => sender.start())
      .catch(() => undefined);
  }

  close(): void {
    clearInterval(this.timer);
    for (const s of this.senders) s.stop();
    for (const s of this.udpSenders) s.stop();
    this.terminal.close();
  }
}
