/**
 * JT/T 808 decode throughput: parseFrame + decodeMessage of a typical 0x0200 (2013 header, six
 * additional items), single thread. Run: npx tsx bench/jt808-decode.ts [seconds]
 * Target: 2 M frames/s per core. Frames are pre-built (64 variants with different serials, positions and
 * one escaped byte in a quarter of them) so the loop measures decoding, not encoding.
 */
import type { Jt808Message } from '../ingest/jt808/codec/index.js';
import { decodeMessage, encodeMessage, parseFrame } from '../ingest/jt808/codec/index.js';

const VARIANTS = 64;
const seconds = Number(process.argv[2] ?? 3);

function typicalLocation(i: number): Jt808Message {
  return {
    msgId: 0x0200,
    body: {
      alarmBits: 0, statusBits: 0x000c0003, latRaw: 34_746_000 + i * 13, lonRaw: 113_625_000 + i * 17,
      lat: 0, lon: 0, altitudeM: 110, speedKmh: 62.5, directionDeg: 90, time: Date.UTC(2024, 5, 1, 2, 0, i % 60),
      alarms: [], status: {} as never,
      extras: { mileageKm: 12345.6, fuelL: 80.5, extendedSignalBits: 0, analogRaw: 0, signalStrength: 25, gnssSatellites: 12, others: [] },
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

run(200_000); // warm-up: let the JIT settle before measuring
let total = 0;
const start = process.hrtime.bigint();
let elapsedS = 0;
while (elapsedS < seconds) {
  total += run(500_000) > 0 ? 500_000 : 0;
  elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
}
const perSecond = total / elapsedS;
console.log(`jt808 parseFrame+decodeMessage 0x0200 (${frames[1].length} bytes, 6 extras): ${(perSecond / 1e6).toFixed(2)} M frames/s (${total} frames in ${elapsedS.toFixed(2)} s, node ${process.version})`);
