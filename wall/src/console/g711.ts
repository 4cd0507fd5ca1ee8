/**
 * G.711 expansion (ITU-T G.711, 1988): an 8-bit A-law or μ-law code to a linear sample, for the sound of a
 * vehicle's camera, which terminals send as G.711 at 8 kHz (JT/T 1078 table 12: 6 A-law, 7 μ-law). Each code
 * is a sign, a 3-bit segment and a 4-bit step; the value is the middle of the code's interval, in 16-bit units.
 * Pure functions: no Web Audio here (audio-output.ts plays what they make).
 */

/** A-law: the even bits are inverted on the line; sign bit 1 is positive. Segments 0 and 1 share step 2. */
export function alawToLinear(code: number): number {
  const a = (code ^ 0x55) & 0xff;
  const segment = (a >> 4) & 0x07;
  const step = a & 0x0f;
  // In 13-bit units: segment 0 is 2·step + 1; segment s ≥ 1 starts at 2^(s+4), steps of 2^s. ×8 for 16 bits.
  const magnitude = segment === 0 ? (step << 4) + 8 : ((step << 4) + 0x108) << (segment - 1);
  return (a & 0x80) !== 0 ? magnitude : -magnitude;
}

/** μ-law: every bit is inverted on the line; sign bit 1 (after inversion 0) is positive. Bias 33 (×4: 132). */
export function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const segment = (u >> 4) & 0x07;
  const step = u & 0x0f;
  const magnitude = (((step << 3) + 0x84) << segment) - 0x84;
  return (u & 0x80) !== 0 ? -magnitude : magnitude;
}

/** JT/T 1078 table 12 payload types of G.711. */
export const G711_PAYLOAD_TYPE = { alaw: 6, ulaw: 7 } as const;

const ALAW = Float32Array.from({ length: 256 }, (_, code) => alawToLinear(code) / 32768);
const ULAW = Float32Array.from({ length: 256 }, (_, code) => ulawToLinear(code) / 32768);

/** Samples in −1…1 of G.711 bytes (payload type 6 A-law or 7 μ-law); undefined for another payload type. */
export function decodeG711(payloadType: number, bytes: Uint8Array): Float32Array<ArrayBuffer> | undefined {
  const table =
    payloadType === G711_PAYLOAD_TYPE.alaw ? ALAW : payloadType === G711_PAYLOAD_TYPE.ulaw ? ULAW : undefined;
  if (table === undefined) return undefined;
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]];
  return out;
}
