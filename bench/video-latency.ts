/**
 * The JT/T 1078 media server's own delay and cost per frame: real H.264 (ffmpeg's test pattern) packetized as a
 * terminal does and sent over loopback TCP to an in-process `Jt1078MediaServer`; a viewer records when each
 * frame's fMP4 segment leaves the server. Two phases:
 *
 * - paced at the frame rate (25 frames/s): the delay from the frame's last packet written to its segment handed to
 *   the viewer, p50/p95/max. It includes the one frame the server holds back to learn the frame's duration.
 * - the same run carries 40 ms of G.711 per frame (two 20 ms audio packets, written before the frame): the delay
 *   from an audio packet written to its audio message handed to the viewer, p50/p95/max. Audio is not held back.
 * - as fast as the socket goes: frames per second through the server and CPU ms per frame (server and client
 *   share the process, so the CPU figure is an upper bound for the server).
 *
 *   npx tsx bench/video-latency.ts [--frames 500] [--size 1280x720]
 */
import { createLogger, Metrics } from '../schema/index.js';
import { MemoryLog } from '../stream/index.js';
import { Jt1078MediaServer, MEDIA_SERVER_DEFAULTS, type MediaViewer } from '../ingest/index.js';
import {
  accessUnits,
  audioPackets,
  packetize,
  testPatternH264,
  toneG711,
  type AudioTrack,
} from '../tests/support/jt1078-test-terminal.js';
import { AUDIO_MESSAGE_KIND, PAYLOAD_TYPE } from '../ingest/jt1078/index.js';
import net from 'node:net';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const FRAMES = Number(flag('frames', '500'));
const [WIDTH, HEIGHT] = flag('size', '1280x720').split('x').map(Number);
const FPS = 25;
const PHONE = '013900001078';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function run(paced: boolean): Promise<void> {
  const units = accessUnits(testPatternH264({ width: WIDTH, height: HEIGHT, fps: FPS, gop: 50, seconds: 20 }));
  const log = new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10_000, durableGroups: {} });
  const media = new Jt1078MediaServer(
    {
      ...MEDIA_SERVER_DEFAULTS,
      host: '127.0.0.1',
      livePort: 0,
      playbackPort: 0,
      streamBytesPerSecondMax: 256 << 20,
      bytesPerSecondTotalMax: 256 << 20,
    },
    {
      link: { sendCommand: async () => ({ result: 0 }), sessionLocalAddress: () => '127.0.0.1' },
      log,
      logger: createLogger(() => undefined, 'error'),
      metrics: new Metrics(),
    },
  );
  const { livePort } = await media.listen();
  const stream = await media.openLive(PHONE, 1, 0);
  const received: number[] = [];
  const audioReceived: number[] = [];
  const audioSentAt: number[] = [];
  const track: AudioTrack = { payloadType: PAYLOAD_TYPE.g711a, data: toneG711('alaw', 1000, 2) };
  const viewer: MediaViewer = {
    audio: paced,
    send: (data) => {
      if (typeof data === 'string') return;
      if (data[0] === AUDIO_MESSAGE_KIND) audioReceived.push(performance.now());
      else if (data.toString('latin1', 4, 8) === 'moof') received.push(performance.now());
    },
    bufferedBytes: () => 0,
    close: () => undefined,
  };
  const detach = media.attachViewer(stream.id, viewer);
  const socket = net.connect({ host: '127.0.0.1', port: livePort });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.setNoDelay(true);
  const sentAt: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sequence = 0;
  for (let n = 0; n < FRAMES; n++) {
    const unit = units[n % units.length];
    const packets = packetize(unit, {
      sim: PHONE,
      channel: 1,
      sequence,
      timestampMs: 1_000_000 + n * 40,
      sinceKeyMs: 0,
      frameMs: 40,
    });
    sequence += packets.length;
    if (paced) {
      const sound = audioPackets(track, {
        sim: PHONE,
        channel: 1,
        sequence,
        timestampMs: 1_000_000 + n * 40,
        offsetMs: n * 40,
        ms: 40,
      });
      sequence += sound.length;
      socket.write(Buffer.concat(sound));
      audioSentAt.push(performance.now(), performance.now());
    }
    const ok = socket.write(Buffer.concat(packets));
    sentAt.push(performance.now());
    if (paced) await new Promise((r) => setTimeout(r, 1000 / FPS));
    else if (!ok) await new Promise((r) => socket.once('drain', r));
  }
  // The last frame leaves when the next one arrives, as on a live stream: wait for the others.
  const deadline = Date.now() + 10_000;
  while (received.length < FRAMES - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (paced) {
    // Segment n is frame n; its delay counts from frame n's last packet written.
    const delays = received.map((at, n) => at - sentAt[n]).sort((a, b) => a - b);
    console.log(
      `paced at ${FPS} frames/s, ${WIDTH}×${HEIGHT}: ${received.length} segments; delay p50 ${quantile(delays, 0.5).toFixed(1)} ms, p95 ${quantile(delays, 0.95).toFixed(1)} ms, max ${delays[delays.length - 1].toFixed(1)} ms`,
    );
    const audioDelays = audioReceived.map((at, n) => at - audioSentAt[n]).sort((a, b) => a - b);
    console.log(
      `audio (G.711A, 20 ms packets): ${audioReceived.length} messages; delay p50 ${quantile(audioDelays, 0.5).toFixed(2)} ms, p95 ${quantile(audioDelays, 0.95).toFixed(2)} ms, max ${audioDelays[audioDelays.length - 1].toFixed(2)} ms`,
    );
  } else {
    console.log(
      `unpaced, ${WIDTH}×${HEIGHT}: ${received.length} frames in ${elapsedMs.toFixed(0)} ms = ${((received.length * 1000) / elapsedMs).toFixed(0)} frames/s; CPU ${((cpu.user + cpu.system) / 1000 / received.length).toFixed(3)} ms per frame (server and sender together)`,
    );
  }
  detach();
  socket.destroy();
  await media.close();
  await log.close();
}

await run(true);
await run(false);
