/**
 * The JT/T 1078-2016 stream packet (table 19, "RTP" in the standard, though it is not RFC 3550's): what a
 * terminal sends to the media server after 0x9101 or 0x9201, over TCP back to back (or one per UDP datagram).
 *
 *   0  frame flag DWORD 0x30 0x31 0x63 0x64 ("01cd")
 *   4  V(2) = 2, P(1), X(1), CC(4)                        BYTE, usually 0x81
 *   5  M(1) last packet of a frame, PT(7) payload type   BYTE (table 12: 98 H.264, 99 H.265, 6 G.711A, 7 G.711U, 19 AAC …)
 *   6  packet sequence number                             WORD
 *   8  SIM card number                                    BCD[6] (BCD[10] from terminals of JT/T 808-2019 that say so)
 *  14  logical channel                                    BYTE
 *  15  data type (high nibble: 0 I frame, 1 P frame, 2 B frame, 3 audio, 4 pass-through)
 *      and subpackage mark (low nibble: 0 atomic, 1 first, 2 last, 3 middle)   BYTE
 *  16  timestamp in ms                                    BYTE[8]   (absent for pass-through)
 *  24  ms since the last I frame                          WORD      (video only)
 *  26  ms since the last frame                            WORD      (video only)
 *  28  payload length                                     WORD (≤ 950 in the standard)
 *  30  payload
 *
 * Offsets are for a 6-byte SIM and a video packet; an audio packet lacks the two intervals, a pass-through
 * packet the timestamp too. Pure functions: no I/O.
 */
import { readBcdDigits, writeBcdDigits } from '../jt808/codec/bcd.js';

export const FRAME_FLAG = Buffer.from([0x30, 0x31, 0x63, 0x64]);
const FRAME_FLAG_U32 = 0x30316364;

export const DATA_TYPE = { iFrame: 0, pFrame: 1, bFrame: 2, audio: 3, passThrough: 4 } as const;
export const SUBPACKAGE = { atomic: 0, first: 1, last: 2, middle: 3 } as const;

/** Payload types of JT/T 1078 table 12 that Vigil knows by name. */
export const PAYLOAD_TYPE = { g711a: 6, g711u: 7, g726: 8, aac: 19, h264: 98, h265: 99 } as const;

/** Bytes of the SIM field: 6 (JT/T 1078-2016) or 10 (terminals of JT/T 808-2019 that widened it). */
export type SimBytes = 6 | 10;

export interface RtpPacket {
  /** Set on the last packet of a frame. */
  marker: boolean;
  payloadType: number;
  sequence: number;
  /** The SIM digits as on the wire (12 or 20). */
  sim: string;
  channel: number;
  /** DATA_TYPE. */
  dataType: number;
  /** SUBPACKAGE. */
  subpackage: number;
  /** Terminal's timestamp in ms; 0 for pass-through. */
  timestampMs: number;
  lastIFrameIntervalMs: number;
  lastFrameIntervalMs: number;
  payload: Buffer;
}

export type RtpRejectReason =
  'bad_flag' | 'bad_rtp_version' | 'bad_sim' | 'bad_data_type' | 'bad_subpackage' | 'payload_too_large';

export type RtpParse =
  | { status: 'packet'; packet: RtpPacket; bytes: number }
  | { status: 'need_more' }
  | { status: 'reject'; reason: RtpRejectReason; detail: string };

const VERSION_2 = 2;

/** Header bytes before the payload for a data type and SIM width. */
export function headerBytes(dataType: number, simBytes: SimBytes): number {
  const extra = simBytes - 6;
  if (dataType === DATA_TYPE.passThrough) return 18 + extra;
  if (dataType === DATA_TYPE.audio) return 26 + extra;
  return 30 + extra;
}

/**
 * Reads the packet starting at `at` (which must hold the frame flag, or fewer than 4 bytes). `payloadBytesMax`
 * bounds what a length field may claim, so that a corrupt length cannot make the reader wait for megabytes.
 */
export function parseRtpPacket(buf: Buffer, at: number, simBytes: SimBytes, payloadBytesMax: number): RtpParse {
  const fixed = 16 + simBytes - 6;
  if (buf.length - at < fixed) return { status: 'need_more' };
  if (buf.readUInt32BE(at) !== FRAME_FLAG_U32)
    return { status: 'reject', reason: 'bad_flag', detail: `no 0x30316364 frame flag at offset ${at}` };
  const vpxcc = buf[at + 4];
  if (vpxcc >> 6 !== VERSION_2)
    return { status: 'reject', reason: 'bad_rtp_version', detail: `version bits ${vpxcc >> 6}, not 2` };
  const sim = readBcdDigits(buf, at + 8, simBytes);
  if (sim === null) return { status: 'reject', reason: 'bad_sim', detail: 'the SIM number is not BCD' };
  const typeByte = buf[at + 9 + simBytes];
  const dataType = typeByte >> 4;
  const subpackage = typeByte & 0x0f;
  if (dataType > DATA_TYPE.passThrough)
    return { status: 'reject', reason: 'bad_data_type', detail: `data type ${dataType} is not 0-4` };
  if (subpackage > SUBPACKAGE.middle)
    return { status: 'reject', reason: 'bad_subpackage', detail: `subpackage mark ${subpackage} is not 0-3` };
  const head = headerBytes(dataType, simBytes);
  if (buf.length - at < head) return { status: 'need_more' };
  const length = buf.readUInt16BE(at + head - 2);
  if (length > payloadBytesMax)
    return {
      status: 'reject',
      reason: 'payload_too_large',
      detail: `payload of ${length} bytes is greater than max allowed ${payloadBytesMax}`,
    };
  if (buf.length - at < head + length) return { status: 'need_more' };
  const t = at + 10 + simBytes;
  const isVideo = dataType <= DATA_TYPE.bFrame;
  return {
    status: 'packet',
    bytes: head + length,
    packet: {
      marker: (buf[at + 5] & 0x80) !== 0,
      payloadType: buf[at + 5] & 0x7f,
      sequence: buf.readUInt16BE(at + 6),
      sim,
      channel: buf[at + 8 + simBytes],
      dataType,
      subpackage,
      timestampMs: dataType === DATA_TYPE.passThrough ? 0 : Number(buf.readBigUInt64BE(t)),
      lastIFrameIntervalMs: isVideo ? buf.readUInt16BE(t + 8) : 0,
      lastFrameIntervalMs: isVideo ? buf.readUInt16BE(t + 10) : 0,
      payload: buf.subarray(at + head, at + head + length),
    },
  };
}

/** The bytes of one packet (used by test terminals and the packetizer). */
export function encodeRtpPacket(p: RtpPacket, simBytes: SimBytes = 6): Buffer {
  const head = headerBytes(p.dataType, simBytes);
  const out = Buffer.alloc(head + p.payload.length);
  FRAME_FLAG.copy(out, 0);
  out[4] = 0x81;
  out[5] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequence & 0xffff, 6);
  writeBcdDigits(out, 8, simBytes, p.sim);
  out[8 + simBytes] = p.channel;
  out[9 + simBytes] = (p.dataType << 4) | p.subpackage;
  const t = 10 + simBytes;
  if (p.dataType !== DATA_TYPE.passThrough) out.writeBigUInt64BE(BigInt(p.timestampMs), t);
  if (p.dataType <= DATA_TYPE.bFrame) {
    out.writeUInt16BE(p.lastIFrameIntervalMs & 0xffff, t + 8);
    out.writeUInt16BE(p.lastFrameIntervalMs & 0xffff, t + 10);
  }
  out.writeUInt16BE(p.payload.length, head - 2);
  p.payload.copy(out, head);
  return out;
}

/** Where the next frame flag starts at or after `from`, or -1. */
export function nextFrameFlag(buf: Buffer, from: number): number {
  return buf.indexOf(FRAME_FLAG, from);
}
