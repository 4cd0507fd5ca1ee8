/**
 * Live video end to end through a real `vigil start`: a terminal over JT/T 808 is asked for a channel (0x9101),
 * streams real H.264 (ffmpeg's test pattern) as JT/T 1078 packets to the media port, and a viewer's WebSocket
 * receives fMP4 that ffmpeg decodes back into whole frames of the right size. Also: tickets are single-use, a
 * second viewer joins without a second 0x9101, a stream nobody watches is closed with 0x9102, garbage on the
 * media port costs nothing, and who may watch what. A terminal that sends G.711 between its video packets: a viewer
 * that asks for audio gets it byte for byte, and the video still decodes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import {
  accessUnits,
  packetize,
  testPatternH264,
  toneG711,
  VideoAnswers,
  VideoSender,
  type AccessUnit,
  type AudioTrack,
} from './support/jt1078-test-terminal.js';
import { AUDIO_MESSAGE_HEADER_BYTES, AUDIO_MESSAGE_KIND, PAYLOAD_TYPE } from '../ingest/jt1078/index.js';

const VIEWERLESS_CLOSE_MS = 1_500;
const PATTERN = { width: 320, height: 240, fps: 25, gop: 25, seconds: 4 };
let vigil: VigilProcess;
let token: string;
let units: AccessUnit[];
let workDir: string;

beforeAll(async () => {
  units = accessUnits(testPatternH264(PATTERN));
  workDir = mkdtempSync(path.join(tmpdir(), 'vigil-video-'));
  vigil = await startVigil({
    args: [
      ...['--video-viewerless-close-ms', String(VIEWERLESS_CLOSE_MS)],
      ...['--jt1078-live-udp-port', '0', '--jt1078-playback-udp-port', '0'],
    ],
  });
  token = await vigil.login();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** A registered terminal that answers video commands by streaming the test pattern (and a tone, if given). */
async function videoTerminal(phone: string, plate: string, audio?: AudioTrack): Promise<VideoAnswers> {
  const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
  expect(await terminal.authenticate(await terminal.register(plate))).toBe(0);
  return new VideoAnswers(terminal, units, PATTERN.fps, [], audio);
}

async function openLive(
  terminalId: string,
  body: unknown,
  bearer = token,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${vigil.baseUrl}/api/vehicles/${terminalId}/video/live`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Watched {
  texts: Record<string, unknown>[];
  binary: Buffer[];
  closed: Promise<{ code: number; reason: string }>;
  socket: WebSocket;
}

function watch(wsPath: string): Watched {
  const socket = new WebSocket(`ws://127.0.0.1:${vigil.httpPort}${wsPath}`);
  const texts: Record<string, unknown>[] = [];
  const binary: Buffer[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) binary.push(Buffer.from(data as Buffer));
    else texts.push(JSON.parse(String(data)) as Record<string, unknown>);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return { texts, binary, closed, socket };
}

/** What ffprobe reads of a file: decoded frames and the picture size. */
function probe(file: string): { frames: number; width: number; height: number; codec: string } {
  const out = execFileSync('/usr/bin/ffprobe', [
    ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
    ...['-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file],
  ]).toString();
  const s = (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0];
  return {
    frames: Number(s.nb_read_frames),
    width: Number(s.width),
    height: Number(s.height),
    codec: String(s.codec_name),
  };
}

/** ISO/IEC 14496-12 sample_flags of a sync sample (sample_depends_on = 2). */
const SYNC_SAMPLE = 0x02000000;

/** The sample_flags of a one-sample media segment's trun (flags 0x701: offset, duration, size, flags). */
function sampleFlags(segment: Buffer): number {
  const trun = segment.indexOf('trun', 0, 'latin1');
  return segment.readUInt32BE(trun + 24);
}

describe('live video (JT/T 1078) through the media server', () => {
  it('streams real H.264 from a terminal to a viewer as fMP4 that decodes whole', async () => {
    const terminal = await videoTerminal('013800001078', '豫A10780');
    try {
      const opened = await openLive('013800001078', { channel: 2, stream: 'main' });
      expect(opened.status).toBe(200);
      expect(opened.body).toMatchObject({ kind: 'live', terminal_id: '013800001078', channel: 2 });
      expect(terminal.liveRequests).toEqual([
        {
          server: { host: '127.0.0.1', tcpPort: vigil.jt1078LivePort, udpPort: expect.any(Number) },
          channel: 2,
          dataType: 0, // audio and video
          streamType: 0,
        },
      ]);
      const viewer = watch(String(opened.body.ws_path));
      // Three seconds of video: the init segment and at least 60 frames.
      await eventually(async () => (viewer.binary.length >= 61 ? true : undefined), 20_000, '61 segments');
      viewer.socket.close();
      const description = viewer.texts.find((t) => t.type === 'stream');
      expect(description).toMatchObject({ codec: expect.stringMatching(/^avc1\.42/), width: 320, height: 240 });
      const file = path.join(workDir, 'live.mp4');
      writeFileSync(file, Buffer.concat(viewer.binary));
      const decoded = probe(file);
      expect(decoded).toMatchObject({ codec: 'h264', width: 320, height: 240 });
      expect(decoded.frames).toBeGreaterThanOrEqual(60);
      // ffmpeg decodes every frame without a complaint: no frame was cut or misplaced on the way.
      const errors = execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
      expect(errors).toBe('');
    } finally {
      terminal.close();
    }
  });

  it('sends the G.711 audio interleaved with the video to a viewer who asks for it, HiSilicon header stripped', async () => {
    // Two seconds of a 700 Hz tone, μ-law, behind the 4-byte header some terminals add.
    const tone = toneG711('mulaw', 700, 2);
    const terminal = await videoTerminal('013800001082', '豫A10820', {
      payloadType: PAYLOAD_TYPE.g711u,
      data: tone,
      hisilicon: true,
    });
    // The terminal sends nothing until the listener is attached, so that it hears the tone from its start.
    const startCamera = terminal.holdStreams();
    try {
      const opened = await openLive('013800001082', { channel: 1 });
      expect(opened.status).toBe(200);
      const listener = watch(`${String(opened.body.ws_path)}&audio=1`);
      await eventually(async () => (listener.texts.length > 0 ? true : undefined), 10_000, 'the listener attached');
      startCamera();
      const audio = (w: Watched) => w.binary.filter((b) => b[0] === AUDIO_MESSAGE_KIND);
      const video = (w: Watched) => w.binary.filter((b) => b[0] === 0x00);
      await eventually(
        async () => (video(listener).length >= 51 && audio(listener).length >= 100 ? true : undefined),
        20_000,
        '2 s of audio and 50 frames',
      );
      listener.socket.close();
      expect(listener.texts).toContainEqual(
        expect.objectContaining({ type: 'audio', payload_type: 7, codec: 'G.711U', playable: true, sample_rate: 8000 }),
      );
      const messages = audio(listener);
      // Every message: payload type 7, 160 bytes of audio (the header gone), timestamps 20 ms apart.
      expect(messages.every((m) => m[1] === 7 && m.length === AUDIO_MESSAGE_HEADER_BYTES + 160)).toBe(true);
      const stamps = messages.map((m) => Number(m.readBigUInt64BE(2)));
      expect(stamps.slice(1).map((t, i) => t - stamps[i])).toEqual(stamps.slice(1).map(() => 20));
      // The bytes are the tone's, in order, from its start: nothing lost, doubled or left of the header.
      const heard = Buffer.concat(messages.map((m) => m.subarray(AUDIO_MESSAGE_HEADER_BYTES)));
      expect(heard.subarray(0, tone.length).equals(tone.subarray(0, Math.min(tone.length, heard.length)))).toBe(true);
      // The video between the audio packets still decodes whole: interleaving cost no frame.
      const file = path.join(workDir, 'with-audio.mp4');
      writeFileSync(file, Buffer.concat(video(listener)));
      expect(probe(file).frames).toBeGreaterThanOrEqual(50);

      // A viewer who did not ask for audio gets what viewers always got: no audio text, no audio message.
      const second = await openLive('013800001082', { channel: 1 });
      const plain = watch(String(second.body.ws_path));
      await eventually(async () => (plain.binary.length > 30 ? true : undefined), 20_000, 'a plain viewer');
      plain.socket.close();
      expect(plain.binary.every((b) => b[0] === 0x00)).toBe(true);
      expect(plain.texts.some((t) => t.type === 'audio')).toBe(false);
    } finally {
      terminal.close();
    }
  });

  it('takes a stream over UDP: datagrams swapped are put back in order, a lost one costs its frame only', async () => {
    const terminal = await videoTerminal('013800001083', '豫A10830');
    // Frame 25 (a key frame, many packets): its first two datagrams swapped; frame 50 (key): its second lost.
    terminal.udp = { swapInFrame: 25, dropInFrame: 50 };
    try {
      const opened = await openLive('013800001083', { channel: 3 });
      expect(opened.status).toBe(200);
      const udpPort = terminal.liveRequests[0].server.udpPort;
      expect(udpPort).toBeGreaterThan(0);
      // The port the node announced as ready, the one 0x9101 offers.
      expect(udpPort).toBe(vigil.jt1078LiveUdpPort);
      const viewer = watch(String(opened.body.ws_path));
      await eventually(async () => (viewer.binary.length >= 91 ? true : undefined), 30_000, '90 frames over UDP');
      const sender = terminal.udpSenders[0];
      // Bad datagrams: garbage, half a packet, a SIM nobody asked for; each named and kept, the stream goes on.
      sender.send(Buffer.from('no packet in this datagram'));
      const whole = packetize(units[1], {
        sim: '013800001083',
        channel: 3,
        sequence: 60_000,
        timestampMs: 1,
        sinceKeyMs: 0,
        frameMs: 40,
      })[0];
      sender.send(whole.subarray(0, 40));
      const stranger = packetize(units[1], {
        sim: '013899998888',
        channel: 3,
        sequence: 0,
        timestampMs: 1,
        sinceKeyMs: 0,
        frameMs: 40,
      })[0];
      sender.send(stranger);
      // The right SIM on a channel nobody asked for.
      const otherChannel = packetize(units[1], {
        sim: '013800001083',
        channel: 7,
        sequence: 0,
        timestampMs: 1,
        sinceKeyMs: 0,
        frameMs: 40,
      })[0];
      sender.send(otherChannel);
      const before = viewer.binary.length;
      await eventually(async () => (viewer.binary.length > before + 25 ? true : undefined), 20_000, 'more frames');
      viewer.socket.close();
      // Frames 0-89 less the one lost: ffmpeg decodes the swapped key frame's group whole.
      const file = path.join(workDir, 'udp.mp4');
      writeFileSync(file, Buffer.concat(viewer.binary.slice(0, 50)));
      const decoded = probe(file);
      expect(decoded).toMatchObject({ codec: 'h264', width: 320, height: 240 });
      expect(decoded.frames).toBe(49);
      const errors = execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
      expect(errors).toBe('');
      const metrics = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/vigil_video_udp_packets_total\{outcome="lost"\} [1-9]/);
      expect(metrics).not.toMatch(/vigil_video_udp_packets_total\{outcome="late"\}/);
      // The frame that lost a datagram was dropped whole (the assembler saw the gap), not shown broken.
      expect(metrics).toMatch(/vigil_video_frames_dropped_total\{reason="sequence_gap"\} [1-9]/);
      const rejects = await eventually(async () => {
        const r = await vigil.sql<[string]>(
          "SELECT DISTINCT reason FROM ingest_rejects WHERE source = 'jt1078' AND peer LIKE '127.0.0.1:%' ORDER BY reason",
        );
        const reasons = r.rows.map((row) => row[0]);
        const expected = ['garbage', 'truncated_datagram', 'unknown_sim', 'unrequested_stream'];
        return expected.every((x) => reasons.includes(x)) ? reasons : undefined;
      }, 15_000);
      expect(rejects).toEqual(
        expect.arrayContaining(['garbage', 'truncated_datagram', 'unknown_sim', 'unrequested_stream']),
      );
    } finally {
      terminal.close();
    }
  });

  it('lets a second viewer join without asking the terminal again, refuses a used ticket, and closes an unwatched stream with 0x9102', async () => {
    const terminal = await videoTerminal('013800001079', '豫A10790');
    // The camera stays silent until the first viewer is attached, so that it is attached before the key frame.
    const startCamera = terminal.holdStreams();
    try {
      const first = await openLive('013800001079', { channel: 1 });
      const second = await openLive('013800001079', { channel: 1 });
      expect(second.body.stream_id).toBe(first.body.stream_id);
      expect(terminal.liveRequests).toHaveLength(1);
      expect(terminal.liveRequests[0].streamType).toBe(1); // sub stream by default

      const a = watch(String(first.body.ws_path));
      // Before the terminal's first key frame a viewer is told to wait.
      await eventually(async () => (a.texts.length > 0 ? true : undefined), 10_000, 'the first viewer attached');
      expect(a.texts[0]).toMatchObject({ type: 'waiting' });
      startCamera();
      // Half-way through a group of pictures, a second viewer joins.
      await eventually(async () => (a.binary.length > 37 ? true : undefined), 20_000, 'the first viewer watching');
      const b = watch(String(second.body.ws_path));
      await eventually(async () => (b.binary.length > 5 ? true : undefined), 20_000, 'the second viewer watching');
      // It starts with the codec, the init segment and the group's key frame, not with a frame it cannot decode.
      expect(b.texts[0]).toMatchObject({ type: 'stream', width: 320, height: 240 });
      expect(b.binary[0].subarray(4, 8).toString('latin1')).toBe('ftyp');
      expect(sampleFlags(b.binary[1])).toBe(SYNC_SAMPLE);
      expect(sampleFlags(b.binary[2])).not.toBe(SYNC_SAMPLE);

      const reused = watch(String(first.body.ws_path));
      expect(await reused.closed).toEqual({ code: 4401, reason: 'bad_ticket' });
      expect(reused.texts[0]).toMatchObject({ type: 'error', reason: 'bad_ticket' });

      a.socket.close();
      b.socket.close();
      const stop = await eventually(async () => terminal.stops[0], 10_000, '0x9102 after the viewers left');
      expect(stop.message.body).toEqual({ channel: 1, command: 0, closeType: 0, streamType: 0 });
      await terminal.senders[0].closed;
      const streams = await fetch(`${vigil.baseUrl}/api/vehicles/013800001079/video`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await streams.json()) as { streams: unknown[] }).streams).toEqual([]);
    } finally {
      terminal.close();
    }
  });

  it('passes over garbage and packets nobody asked for on the media port, and keeps streaming', async () => {
    const terminal = await videoTerminal('013800001080', '豫A10800');
    try {
      const opened = await openLive('013800001080', { channel: 1 });
      const viewer = watch(String(opened.body.ws_path));
      await eventually(async () => (viewer.binary.length > 3 ? true : undefined), 20_000, 'first segments');
      const sender = terminal.senders[0];
      sender.write(Buffer.from('not a packet at all, and a frame flag 01cd with nothing after it'));
      const before = viewer.binary.length;
      await eventually(async () => (viewer.binary.length > before + 25 ? true : undefined), 20_000, 'more segments');
      // A stranger on the port who names no requested stream is closed at once.
      const stranger = new VideoSender('127.0.0.1', vigil.jt1078LivePort, units, {
        sim: '013899999999',
        channel: 1,
        fps: 25,
      });
      await stranger.connected;
      stranger.start();
      await stranger.closed;
      expect(stranger.closedByServer).toBe(true);
      const rejects = await eventually(async () => {
        const r = await vigil.sql<[string, string]>(
          "SELECT reason, count() FROM ingest_rejects WHERE source = 'jt1078' GROUP BY reason ORDER BY reason",
        );
        return r.rows.length >= 2 ? r.rows : undefined;
      }, 15_000);
      expect(rejects.map((r) => r[0])).toEqual(expect.arrayContaining(['garbage', 'unknown_sim']));
      viewer.socket.close();
    } finally {
      terminal.close();
    }
  });

  it('refuses bad requests with a named reason, and vehicles out of scope as not found', async () => {
    const terminal = await videoTerminal('013800001081', '豫A10810');
    try {
      expect(await openLive('013800001081', { channel: 0 })).toMatchObject({
        status: 400,
        body: { error: 'bad_field' },
      });
      expect(await openLive('013800001081', { channel: 1, speed: 3 })).toMatchObject({
        status: 400,
        body: { error: 'unknown_field' },
      });
      expect(await openLive('013899990000', { channel: 1 })).toMatchObject({ status: 404 });
      // A county in another city may not watch a Zhengzhou (豫A) vehicle that is not on its roads.
      const admin = token;
      const created = await fetch(`${vigil.baseUrl}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: JSON.stringify({
          username: 'luoyang_duty',
          password: 'ferry lantern copper meadow',
          role: 'duty_officer',
          org_code: '410300',
          display_name: '洛阳值班员',
        }),
      });
      expect(created.status).toBe(201);
      const luoyang = await vigil.login('luoyang_duty', 'ferry lantern copper meadow');
      expect(await openLive('013800001081', { channel: 1 }, luoyang)).toMatchObject({
        status: 404,
        body: { error: 'not_found' },
      });
      expect(terminal.liveRequests).toHaveLength(0);
      // Every request that reached a terminal is in the audit log with its outcome.
      const audit = await fetch(`${vigil.baseUrl}/api/audit?action=video.live`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(audit.status).toBe(200);
      const entries = (
        (await audit.json()) as { entries: { actor: string; target: string; detail: Record<string, unknown> }[] }
      ).entries;
      expect(entries.map((e) => [e.actor, e.target, e.detail.channel])).toEqual(
        expect.arrayContaining([
          ['admin', '013800001078', 2],
          ['admin', '013800001079', 1],
          ['admin', '013800001080', 1],
        ]),
      );
      expect(entries.every((e) => typeof e.detail.stream_id === 'string')).toBe(true);
    } finally {
      terminal.close();
    }
  });
});
