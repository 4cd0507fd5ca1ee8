/**
 * What the media server needs of H.264 (ITU-T H.264): NAL units cut from the Annex B byte stream terminals send,
 * the sequence parameter set read for the picture size and the codec string, and the AVC decoder configuration
 * record (ISO/IEC 14496-15 5.3.3.1) that an MP4 `avcC` box carries.
 */

export const NAL_TYPE = { slice: 1, idr: 5, sei: 6, sps: 7, pps: 8, aud: 9 } as const;

/** The NAL units of an Annex B byte stream (start codes 00 00 01 or 00 00 00 01), as views of `data`. */
export function splitAnnexB(data: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let start = -1;
  let i = 0;
  const n = data.length;
  while (i + 2 < n) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) units.push(trimTrailingZeros(data, start, i));
      i += 3;
      start = i;
      continue;
    }
    i++;
  }
  if (start >= 0 && start < n) units.push(trimTrailingZeros(data, start, n));
  return units.filter((u) => u.length > 0);
}

/** A 4-byte start code leaves a zero before the next 00 00 01: it belongs to no NAL unit. */
function trimTrailingZeros(data: Buffer, start: number, end: number): Buffer {
  let e = end;
  while (e > start && data[e - 1] === 0) e--;
  return data.subarray(start, e);
}

export function nalType(nal: Buffer): number {
  return nal[0] & 0x1f;
}

/** The RBSP of a NAL unit: emulation prevention bytes (the 03 of 00 00 03) removed. */
function rbsp(nal: Buffer): Buffer {
  const out = Buffer.allocUnsafe(nal.length);
  let o = 0;
  let zeros = 0;
  for (let i = 0; i < nal.length; i++) {
    const b = nal[i];
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/** Reads bits and Exp-Golomb codes; reading past the end throws RangeError, caught by parseSps. */
class BitReader {
  private bit = 0;
  constructor(private readonly buf: Buffer) {}

  u(count: number): number {
    let v = 0;
    for (let i = 0; i < count; i++) {
      const byte = this.bit >> 3;
      if (byte >= this.buf.length) throw new RangeError('SPS ends early');
      v = v * 2 + ((this.buf[byte] >> (7 - (this.bit & 7))) & 1);
      this.bit++;
    }
    return v;
  }

  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      zeros++;
      if (zeros > 31) throw new RangeError('Exp-Golomb code longer than 32 bits');
    }
    return zeros === 0 ? 0 : 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

export interface SpsInfo {
  profileIdc: number;
  /** constraint_set flags and reserved bits: the second byte of the SPS. */
  constraintFlags: number;
  levelIdc: number;
  width: number;
  height: number;
}

/** Profiles whose SPS carries chroma format, bit depths and scaling matrices (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** The picture size and profile of an SPS NAL unit (with its header byte), or null when it cannot be read. */
export function parseSps(nal: Buffer): SpsInfo | null {
  if (nal.length < 4 || nalType(nal) !== NAL_TYPE.sps) return null;
  try {
    const r = new BitReader(rbsp(nal.subarray(1)));
    const profileIdc = r.u(8);
    const constraintFlags = r.u(8);
    const levelIdc = r.u(8);
    r.ue(); // seq_parameter_set_id
    let chromaFormatIdc = 1;
    let separateColourPlane = 0;
    if (HIGH_PROFILES.has(profileIdc)) {
      chromaFormatIdc = r.ue();
      if (chromaFormatIdc === 3) separateColourPlane = r.u(1);
      r.ue(); // bit_depth_luma_minus8
      r.ue(); // bit_depth_chroma_minus8
      r.u(1); // qpprime_y_zero_transform_bypass_flag
      if (r.u(1) === 1) {
        // seq_scaling_matrix_present_flag: skip each present scaling list.
        const lists = chromaFormatIdc === 3 ? 12 : 8;
        for (let i = 0; i < lists; i++) if (r.u(1) === 1) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
    r.ue(); // log2_max_frame_num_minus4
    const picOrderCntType = r.ue();
    if (picOrderCntType === 0) r.ue();
    else if (picOrderCntType === 1) {
      r.u(1);
      r.se();
      r.se();
      const cycle = r.ue();
      if (cycle > 255) return null;
      for (let i = 0; i < cycle; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.u(1); // gaps_in_frame_num_value_allowed_flag
    const widthMbs = r.ue() + 1;
    const heightMapUnits = r.ue() + 1;
    const frameMbsOnly = r.u(1);
    if (frameMbsOnly === 0) r.u(1); // mb_adaptive_frame_field_flag
    r.u(1); // direct_8x8_inference_flag
    let width = widthMbs * 16;
    let height = (2 - frameMbsOnly) * heightMapUnits * 16;
    if (r.u(1) === 1) {
      // frame_cropping_flag: offsets in chroma sample units (7.4.2.1.1).
      const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
      const arrayType = separateColourPlane === 1 ? 0 : chromaFormatIdc;
      const cropX = arrayType === 0 ? 1 : arrayType === 3 ? 1 : 2;
      const cropY = (arrayType === 0 || arrayType === 3 ? 1 : arrayType === 2 ? 1 : 2) * (2 - frameMbsOnly);
      width -= (left + right) * cropX;
      height -= (top + bottom) * cropY;
    }
    if (width <= 0 || height <= 0) return null;
    return { profileIdc, constraintFlags, levelIdc, width, height };
  } catch {
    return null;
  }
}

function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** The RFC 6381 codec string of an SPS, e.g. `avc1.64001f`, as Media Source Extensions want it. */
export function avcCodecString(sps: SpsInfo): string {
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `avc1.${hex(sps.profileIdc)}${hex(sps.constraintFlags)}${hex(sps.levelIdc)}`;
}

/** AVCDecoderConfigurationRecord with one SPS and one PPS, NAL lengths in 4 bytes. */
export function avcDecoderConfiguration(sps: Buffer, pps: Buffer): Buffer {
  const out = Buffer.alloc(11 + sps.length + pps.length);
  out[0] = 1; // configurationVersion
  out[1] = sps[1]; // AVCProfileIndication
  out[2] = sps[2]; // profile_compatibility
  out[3] = sps[3]; // AVCLevelIndication
  out[4] = 0xff; // reserved (6 bits) and lengthSizeMinusOne = 3
  out[5] = 0xe1; // reserved (3 bits) and one SPS
  out.writeUInt16BE(sps.length, 6);
  sps.copy(out, 8);
  let p = 8 + sps.length;
  out[p++] = 1; // one PPS
  out.writeUInt16BE(pps.length, p);
  pps.copy(out, p + 2);
  return out;
}

/** NAL units as MP4 samples store them: each preceded by its length in 4 bytes. */
export function lengthPrefixed(units: readonly Buffer[]): Buffer {
  let total = 0;
  for (const u of units) total += 4 + u.length;
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  for (const u of units) {
    out.writeUInt32BE(u.length, p);
    u.copy(out, p + 4);
    p += 4 + u.length;
  }
  return out;
}
