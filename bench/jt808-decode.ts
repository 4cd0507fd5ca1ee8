/**
 * JT/T 808 decode throughput: parseFrame + decodeMessage of a typical 0x0200 (2013 header, six
 * additional items), single thread. Run: npx tsx bench/jt808-decode.ts [seconds]
 * Target: 2 M frames/s per core. Frames are pre-built (64 variants with different serials, positions and
 * one escaped byte in a quarter of them) so the loop measures decoding, not encoding.
 *
 * Rates are frames per CPU second of this process (process.cpuUsage), the "per core" figure, which holds
 * on a machine loaded by other work where wall-clock rates swing by a factor of three.
 *
 * Baseline, measured in the same run in alternating rounds: a loop that reads every byte of every frame once
 * and XORs it (what any decoder has to do at least). The ratio decode/baseline says what decoding costs on
 * whatever machine runs it.
 */
import type { Jt808Message } from '../ingest/jt808/codec/index.js';
import { decodeMessage, encodeMessage, parseFrame } from '../ingest/jt808/codec/index.js';

const VARIANTS = 64;
const seconds = Number(process.argv[2] ?? 3);

function typicalLocation(i: number): Jt808Message {
  return {
    msgId: 0x0200,
    body: {
      alarmBits: 0,
      statusBits: 0x000c0003,
      latRaw: 34_746_000 + i * 13,
      lonRaw: 113_625_000 + i * 17,
      lat: 0,
      lon: 0,
      altitudeM: 110,
      speedKmh: 62.5,
      directionDeg: 90,
      time: Date.UTC(2024, 5, 1, 2, 0, i % 60),
      alarms: [],
      status: {} as never,
      extras: {
        mileageKm: 12345.6,
        fuelL: 80.5,
        extendedSignalBits: 0,
        analogRaw: 0,
        signalStrength: 25,
        gnssSatellites: 12,
        others: [],
      },
    },
  };
}

const frames = Array.from({ length: VARIANTS }, (_, i) =>
  // Serial 0x7E7D in a quarter of the frames forces the un-escaping path.
  encodeMessage(typicalLocation(i), { version: 2013, phone: '013912345678', serial: i % 4 === 0 ? 0x7e7d : i }),
);

function run(count: number): number {
  let positioned = 0;
  for (let n = 0; n < count; n++) {
    const parsed = parseFrame(frames[n & (VARIANTS - 1)]);
    if (!parsed.ok) throw new Error(parsed.detail);
    const msg = decodeMessage(parsed.value);
    if (!msg.ok) throw new Error(msg.detail);
    if (msg.value.msgId === 0x0200 && msg.value.body.status.positioned) positioned++;
  }
  return positioned;
}

/** The floor: touch every byte of every frame once. */
function touch(count: number): number {
  let x = 0;
  for (let n = 0; n < count; n++) {
    const frame = frames[n & (VARIANTS - 1)];
    for (let i = 0; i < frame.length; i++) x ^= frame[i];
  }
  return x;
}

const ROUND_FRAMES = 500_000;
run(200_000); // warm-up: let the JIT settle before measuring
touch(200_000);
const decodeRates: number[] = [];
const touchRates: number[] = [];
let total = 0;
let sink = 0;
const start = process.hrtime.bigint();
let elapsedS = 0;
/** Frames per CPU second of `count` frames through `work`. */
function cpuRate(work: (count: number) => number, count: number): number {
  const before = process.cpuUsage();
  sink ^= work(count);
  const used = process.cpuUsage(before);
  return count / ((used.user + used.system) / 1e6);
}

while (elapsedS < seconds) {
  decodeRates.push(cpuRate(run, ROUND_FRAMES));
  total += ROUND_FRAMES;
  touchRates.push(cpuRate(touch, ROUND_FRAMES));
  elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
}
const median = (rates: number[]): number => [...rates].sort((a, b) => a - b)[rates.length >> 1];
const decodeRate = median(decodeRates);
const touchRate = median(touchRates);
console.log(
  `jt808 parseFrame+decodeMessage 0x0200 (${frames[1].length} bytes, 6 extras): ${(decodeRate / 1e6).toFixed(2)} M frames per CPU second, median of ${decodeRates.length} rounds (best ${(Math.max(...decodeRates) / 1e6).toFixed(2)}; ${total} frames, node ${process.version})`,
);
console.log(
  `baseline (read every byte once): ${(touchRate / 1e6).toFixed(2)} M frames per CPU second; decode/baseline ${(decodeRate / touchRate).toFixed(3)}${sink === -1 ? ' ' : ''}`,
);
