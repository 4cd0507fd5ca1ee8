/**
 * G.726 ADPCM decoding (ITU-T G.726, 12/90, section 4 "computational details"): the 2-, 3-, 4- and 5-bit codes of
 * 16, 24, 32 and 40 kbit/s at 8 kHz to linear samples, for the sound of vehicle cameras that send G.726 (JT/T 1078
 * table 12: payload type 8). Pure functions and one small state object per stream: no Web Audio here
 * (audio-output.ts plays what this makes).
 *
 * The decoder runs the recommendation's blocks in its fixed-point arithmetic: the adaptive quantizer's scale factor
 * (fast and locked, mixed by the speed control), the inverse quantizer, the pole-zero predictor (two poles, six
 * zeros, its inputs in the recommendation's 11-bit floating format), the tone and transition detectors. Its output
 * is the reconstructed signal SR, 14-bit, scaled to 16 bits; the recommendation's last step (compression to G.711
 * and the synchronous coding adjustment) is for tandem G.711 links and is left out, as a player wants linear PCM.
 *
 * libavcodec (FFmpeg's G.726, which some recorders embed) departs from the recommendation in three roundings: MIX
 * adds the locked scale factor's fraction before truncating, the transition threshold is 3·THR2/4 instead of
 * (THR2 + THR2/2)/2, and at 40 kbit/s the zero predictor leaks by 2^-8 instead of 2^-9. The decoder follows the
 * recommendation (`'itu'`); `'libavcodec'` reproduces FFmpeg's decoding bit for bit, for streams its encoder made.
 *
 * Codes are packed into bytes one of two ways, and the stream does not say which: RFC 3551's (the first code in
 * the least significant bits of the first byte, `'lsb'`) or ITU-T I.366.2 AAL2's (the first code in the most
 * significant bits, `'msb'`). `guessPacking` chooses by which one decodes to the smoother sound.
 */

/** Bits per code by rate: 16, 24, 32, 40 kbit/s at 8,000 codes a second. */
export type G726Bits = 2 | 3 | 4 | 5;
export type G726Packing = 'lsb' | 'msb';
export type G726Variant = 'itu' | 'libavcodec';

/** JT/T 1078 table 12: payload type of G.726. */
export const G726_PAYLOAD_TYPE = 8;

interface RateTables {
  /** Inverse quantizer: log2 of the normalized magnitude of each code, in 1/128 (−2048 for zero). */
  readonly dqln: readonly number[];
  /** Scale factor multiplier W(I), in 1/512. */
  readonly w: readonly number[];
  /** Speed control's transition function F(I), in 1/512. */
  readonly f: readonly number[];
}

/** Mirrors a table of the positive codes 0…2^(b−1)−1 onto the negative ones (sign bit set, magnitude inverted). */
function mirrored(positive: readonly number[]): number[] {
  return [...positive, ...[...positive].reverse()];
}

/** The recommendation's tables 1–4 (per rate: quantizer output, W and F), in the units above. */
const TABLES: Readonly<Record<G726Bits, RateTables>> = {
  2: { dqln: mirrored([116, 365]), w: mirrored([-704, 14048]), f: mirrored([0, 0xe00]) },
  3: {
    dqln: mirrored([-2048, 135, 273, 373]),
    w: mirrored([-128, 960, 4384, 18624]),
    f: mirrored([0, 0x200, 0x400, 0xe00]),
  },
  4: {
    dqln: mirrored([-2048, 4, 135, 213, 273, 323, 373, 425]),
    w: mirrored([-384, 576, 1312, 2048, 3584, 6336, 11360, 35904]),
    f: mirrored([0, 0, 0, 0x200, 0x200, 0x200, 0x600, 0xe00]),
  },
  5: {
    dqln: mirrored([-2048, -66, 28, 104, 169, 224, 274, 318, 358, 395, 429, 459, 488, 514, 539, 566]),
    w: mirrored([448, 448, 768, 1248, 1280, 1312, 1856, 3200, 4512, 5728, 7008, 8960, 11456, 14080, 16928, 22272]),
    f: mirrored([0, 0, 0, 0, 0, 0x200, 0x200, 0x200, 0x200, 0x200, 0x400, 0x600, 0x800, 0xa00, 0xc00, 0xc00]),
  },
};

/** Index of the first power of two above `value` (0…15): the exponent of the recommendation's floating format. */
function exponentOf(value: number): number {
  let e = 0;
  while (e < 15 && value >= 1 << e) e++;
  return e;
}

/** A magnitude (and its sign) in the 11-bit floating format: sign · 4-bit exponent · 6-bit mantissa. */
function toFloat(magnitude: number, negative: boolean): number {
  if (magnitude === 0) return negative ? 0x20 - 0x400 : 0x20;
  const e = exponentOf(magnitude);
  const f = (e << 6) + ((magnitude << 6) >> e);
  return negative ? f - 0x400 : f;
}

/** FMULT: a predictor coefficient (16-bit, two's complement) times a floating-format signal value. */
function fmult(coefficient: number, float: number): number {
  const an = coefficient >> 2;
  const magnitude = an > 0 ? an : -an & 0x1fff;
  const exponent = exponentOf(magnitude) - 6;
  const mantissa = magnitude === 0 ? 32 : exponent >= 0 ? magnitude >> exponent : magnitude << -exponent;
  const productExponent = exponent + ((float >> 6) & 0xf) - 13;
  const productMantissa = (mantissa * (float & 0x3f) + 0x30) >> 4;
  const product =
    productExponent >= 0 ? (productMantissa << productExponent) & 0x7fff : productMantissa >> -productExponent;
  return (an ^ float) < 0 ? -product : product;
}

/** The state of one stream's decoder: the recommendation's delayed variables, initialised as after a reset. */
export class G726Decoder {
  readonly bits: G726Bits;
  readonly variant: G726Variant;
  private readonly tables: RateTables;
  /** Locked (19-bit) and unlocked (13-bit) scale factors. */
  private yl = 34816;
  private yu = 544;
  /** Short- and long-term averages of F(I), and the speed control parameter. */
  private dms = 0;
  private dml = 0;
  private ap = 0;
  /** Pole and zero coefficients. */
  private readonly a = [0, 0];
  private readonly b = [0, 0, 0, 0, 0, 0];
  /** Signs of the last two partial reconstructed signals. */
  private readonly pk = [0, 0];
  /** The last six quantized differences and the last two reconstructed signals, in floating format. */
  private readonly dq = [0x20, 0x20, 0x20, 0x20, 0x20, 0x20];
  private readonly sr = [0x20, 0x20];
  /** Tone detected. */
  private td = 0;

  constructor(bits: G726Bits, variant: G726Variant = 'itu') {
    this.bits = bits;
    this.variant = variant;
    this.tables = TABLES[bits];
  }

  /** One code to its 16-bit linear sample. */
  decodeCode(code: number): number {
    const i = code & ((1 << this.bits) - 1);
    let sezi = 0;
    for (let k = 0; k < 6; k++) sezi += fmult(this.b[k], this.dq[k]);
    const sez = sezi >> 1;
    const se = (sezi + fmult(this.a[1], this.sr[1]) + fmult(this.a[0], this.sr[0])) >> 1;
    const y = this.scaleFactor();
    const negative = (i & (1 << (this.bits - 1))) !== 0;
    const dq = this.reconstruct(negative, this.tables.dqln[i], y);
    const sr = dq < 0 ? se - (dq & 0x7fff) : se + dq;
    this.update(y, this.tables.w[i], this.tables.f[i], dq, sr, sr - se + sez);
    return Math.max(-32768, Math.min(32767, sr * 4));
  }

  /** Samples in −1…1 of a packet's bytes, codes unpacked as `packing` says (whole codes only). */
  decode(bytes: Uint8Array, packing: G726Packing): Float32Array<ArrayBuffer> {
    const codes = unpackCodes(bytes, this.bits, packing);
    const out = new Float32Array(codes.length);
    for (let k = 0; k < codes.length; k++) out[k] = this.decodeCode(codes[k]) / 32768;
    return out;
  }

  /** MIX: the scale factor, the unlocked one weighted by the speed control against the locked one. */
  private scaleFactor(): number {
    if (this.ap >= 256) return this.yu;
    if (this.variant === 'libavcodec') return (this.yl + (this.yu - (this.yl >> 6)) * (this.ap >> 2)) >> 6;
    let y = this.yl >> 6;
    const dif = this.yu - y;
    const al = this.ap >> 2;
    if (dif > 0) y += (dif * al) >> 6;
    else if (dif < 0) y += (dif * al + 0x3f) >> 6;
    return y;
  }

  /** RECONST, ADDA, ANTILOG: the quantized difference, its sign as bit 15 (negative values are −0x8000 + |dq|). */
  private reconstruct(negative: boolean, dqln: number, y: number): number {
    const dql = dqln + (y >> 2);
    if (dql < 0) return negative ? -0x8000 : 0;
    const dex = (dql >> 7) & 15;
    const dqt = 128 + (dql & 127);
    const dq = (dqt << 7) >> (14 - dex);
    return negative ? dq - 0x8000 : dq;
  }

  /** Every delayed variable for the next code. */
  private update(y: number, wi: number, fi: number, dq: number, sr: number, dqsez: number): void {
    const pk0 = dqsez < 0 ? 1 : 0;
    const magnitude = dq & 0x7fff;
    // TRANS: a transition once a tone was detected and the difference jumps past the locked scale's threshold.
    const ylint = this.yl >> 15;
    const ylfrac = (this.yl >> 10) & 0x1f;
    const thr1 = (32 + ylfrac) << ylint;
    const thr2 = ylint > 9 ? 31 << 10 : thr1;
    const dqthr = this.variant === 'libavcodec' ? (3 * thr2) >> 2 : (thr2 + (thr2 >> 1)) >> 1;
    const tr = this.td !== 0 && magnitude > dqthr ? 1 : 0;
    // FUNCTW, FILTD, LIMB, FILTE: the scale factors.
    this.yu = Math.max(544, Math.min(5120, y + ((wi - y) >> 5)));
    this.yl += this.yu + (-this.yl >> 6);
    // UPA2, UPA1, LIMC, LIMD, UPB, XOR: the predictor's coefficients (reset on a transition).
    let a2p = 0;
    if (tr === 1) {
      this.a.fill(0);
      this.b.fill(0);
    } else {
      const pks1 = pk0 ^ this.pk[0];
      a2p = this.a[1] - (this.a[1] >> 7);
      if (dqsez !== 0) {
        const fa1 = pks1 ? this.a[0] : -this.a[0];
        if (fa1 < -8191) a2p -= 0x100;
        else if (fa1 > 8191) a2p += 0xff;
        else a2p += fa1 >> 5;
        if (pk0 ^ this.pk[1]) {
          if (a2p <= -12160) a2p = -12288;
          else if (a2p >= 12416) a2p = 12288;
          else a2p -= 0x80;
        } else if (a2p <= -12416) a2p = -12288;
        else if (a2p >= 12160) a2p = 12288;
        else a2p += 0x80;
      }
      this.a[1] = a2p;
      this.a[0] -= this.a[0] >> 8;
      if (dqsez !== 0) this.a[0] += pks1 === 0 ? 192 : -192;
      const a1ul = 15360 - a2p;
      if (this.a[0] < -a1ul) this.a[0] = -a1ul;
      else if (this.a[0] > a1ul) this.a[0] = a1ul;
      const leak = this.bits === 5 && this.variant === 'itu' ? 9 : 8;
      for (let k = 0; k < 6; k++) {
        this.b[k] -= this.b[k] >> leak;
        if (magnitude !== 0) this.b[k] += (dq ^ this.dq[k]) >= 0 ? 128 : -128;
      }
    }
    // FLOAT A and B, DELAY: the histories.
    for (let k = 5; k > 0; k--) this.dq[k] = this.dq[k - 1];
    this.dq[0] = toFloat(magnitude, dq < 0);
    this.sr[1] = this.sr[0];
    this.sr[0] = sr === 0 ? 0x20 : sr > 0 ? toFloat(sr, false) : sr > -32768 ? toFloat(-sr, true) : 0x20 - 0x400;
    this.pk[1] = this.pk[0];
    this.pk[0] = pk0;
    // TONE: a tone is a strongly resonant second pole.
    this.td = tr === 1 ? 0 : a2p < -11776 ? 1 : 0;
    // FILTA, FILTB, FILTC, SUBTC: the speed control.
    this.dms += (fi - this.dms) >> 5;
    this.dml += ((fi << 2) - this.dml) >> 7;
    if (tr === 1) this.ap = 256;
    else if (y < 1536 || this.td === 1 || Math.abs((this.dms << 2) - this.dml) >= this.dml >> 3)
      this.ap += (0x200 - this.ap) >> 4;
    else this.ap += -this.ap >> 4;
  }
}

/** The codes of `bytes`, `bits` each, in the order they were packed; a trailing partial code is dropped. */
export function unpackCodes(bytes: Uint8Array, bits: G726Bits, packing: G726Packing): Uint8Array {
  const count = Math.floor((bytes.length * 8) / bits);
  const codes = new Uint8Array(count);
  const mask = (1 << bits) - 1;
  let acc = 0;
  let held = 0;
  let n = 0;
  for (let k = 0; k < bytes.length && n < count; k++) {
    if (packing === 'lsb') {
      acc |= bytes[k] << held;
      held += 8;
      while (held >= bits && n < count) {
        codes[n++] = acc & mask;
        acc >>= bits;
        held -= bits;
      }
    } else {
      acc = ((acc << 8) | bytes[k]) & 0xffff;
      held += 8;
      while (held >= bits && n < count) {
        codes[n++] = (acc >> (held - bits)) & mask;
        held -= bits;
      }
    }
  }
  return codes;
}

/**
 * Bits per code from how long a packet lasts: a packet of `bytes` bytes followed `ms` later by the next one holds
 * 8·ms codes. Undefined when that is not one of the four rates (a lost packet, a gap in the stream).
 */
export function bitsFromDuration(bytes: number, ms: number): G726Bits | undefined {
  if (!(ms > 0)) return undefined;
  const bits = Math.round(bytes / ms);
  if (bits < 2 || bits > 5 || Math.abs(bytes / ms - bits) > 0.1) return undefined;
  return bits as G726Bits;
}

/**
 * Which packing decodes `packets` (the first ones of a stream, in order) to the smoother sound: the share of the
 * signal's energy in its sample-to-sample differences. Sound from a microphone has most of its energy well below
 * 4 kHz; codes read in the wrong order make an adaptive decoder's output close to white noise, whose share is about
 * 2. Undefined while the packets hold too little sound to tell (silence, or under 100 ms).
 */
export function guessPacking(packets: readonly Uint8Array[], bits: G726Bits): G726Packing | undefined {
  const roughness = (packing: G726Packing): number | undefined => {
    const decoder = new G726Decoder(bits);
    let energy = 0;
    let change = 0;
    let previous = 0;
    let samples = 0;
    for (const p of packets)
      for (const code of unpackCodes(p, bits, packing)) {
        const x = decoder.decodeCode(code);
        energy += x * x;
        change += (x - previous) * (x - previous);
        previous = x;
        samples++;
      }
    return samples < 800 || energy < samples * 64 * 64 ? undefined : change / energy;
  };
  const lsb = roughness('lsb');
  const msb = roughness('msb');
  if (lsb === undefined || msb === undefined) return undefined;
  return lsb <= msb ? 'lsb' : 'msb';
}
