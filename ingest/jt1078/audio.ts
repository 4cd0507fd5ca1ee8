/**
 * Audio of a JT/T 1078 stream for the viewers: which audio codings of table 12 the console plays, the 4-byte
 * header some terminals put in front of each audio payload, and the binary WebSocket message that carries one
 * audio packet to a browser. Pure functions: no I/O.
 *
 * The console decodes G.711 (A-law, μ-law) and G.726 to PCM itself (wall/src/console/g711.ts, g726.ts): Media
 * Source Extensions play none of the G.7xx codings, G.711 is one table lookup per byte and G.726 a few hundred
 * integer operations per sample, so the server forwards the bytes as they came instead of re-encoding them (which
 * would also cost it the bandwidth: PCM is 4–8 times G.726's).
 */
import { PAYLOAD_TYPE } from './rtp-packet.js';

/** The audio codings of JT/T 1078-2016 table 12 that Vigil names, by payload type. */
export const AUDIO_CODEC_NAMES: Readonly<Record<number, string>> = {
  1: 'G.721',
  2: 'G.722',
  3: 'G.723',
  4: 'G.728',
  5: 'G.729',
  [PAYLOAD_TYPE.g711a]: 'G.711A',
  [PAYLOAD_TYPE.g711u]: 'G.711U',
  [PAYLOAD_TYPE.g726]: 'G.726',
  9: 'G.729A',
  [PAYLOAD_TYPE.aac]: 'AAC',
};

/**
 * Payload types the console plays (JT/T 1078 table 12): G.711 A-law and μ-law and G.726 (6, 7, 8; 8 kHz mono), and
 * AAC (19) in ADTS frames, which the browser's Media Source Extensions take as they are (`audio/aac`).
 */
export function audioPlayable(payloadType: number): boolean {
  return (
    payloadType === PAYLOAD_TYPE.g711a ||
    payloadType === PAYLOAD_TYPE.g711u ||
    payloadType === PAYLOAD_TYPE.g726 ||
    payloadType === PAYLOAD_TYPE.aac
  );
}

/** ISO/IEC 14496-3's sampling frequency index, the index into this table. */
const ADTS_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export interface AdtsFrames {
  sampleRate: number;
  channels: number;
}

/**
 * The sample rate and channels of a packet that is whole ADTS frames (ISO/IEC 14496-3 1.A.2: a 12-bit syncword,
 * the frame's length in its header), or why it is not: raw AAC without its headers cannot be played without a
 * decoder configuration the stream does not carry, and a cut frame would make the browser refuse the rest.
 */
export function adtsFrames(packet: Buffer): AdtsFrames | { refused: string } {
  let first: AdtsFrames | undefined;
  let at = 0;
  while (at < packet.length) {
    if (packet.length - at < 7) return { refused: `${packet.length - at} bytes after the last frame` };
    if (packet[at] !== 0xff || (packet[at + 1] & 0xf6) !== 0xf0) return { refused: `no ADTS syncword at ${at}` };
    const index = (packet[at + 2] >> 2) & 0x0f;
    const rate = ADTS_SAMPLE_RATES[index];
    const channels = ((packet[at + 2] & 0x01) << 2) | (packet[at + 3] >> 6);
    const length = ((packet[at + 3] & 0x03) << 11) | (packet[at + 4] << 3) | (packet[at + 5] >> 5);
    if (rate === undefined) return { refused: `sampling frequency index ${index}` };
    if (length < 7 || at + length > packet.length) return { refused: `frame of ${length} bytes at ${at}` };
    first ??= { sampleRate: rate, channels };
    at += length;
  }
  return first ?? { refused: 'no frame' };
}

export function audioCodecName(payloadType: number): string {
  return AUDIO_CODEC_NAMES[payloadType] ?? `payload type ${payloadType}`;
}

/**
 * Strips the 4-byte header terminals built on HiSilicon encoders put in front of each audio frame:
 * `00 01 n 00`, where n is the length of the audio after the header in 16-bit words (160 bytes of G.711 → 0x50).
 * It is not part of JT/T 1078, and decoded as G.711 it would be a click, so it goes; it is recognised only when n
 * matches what follows, so that audio which happens to begin with 00 01 (two loud samples) is left alone.
 */
export function stripHisiliconHeader(payload: Buffer): Buffer {
  if (
    payload.length > 4 &&
    payload[0] === 0x00 &&
    payload[1] === 0x01 &&
    payload[3] === 0x00 &&
    payload[2] * 2 === payload.length - 4
  )
    return payload.subarray(4);
  return payload;
}

/** First byte of an audio message. An fMP4 message begins with a box size below 16 MiB, so with 0x00. */
export const AUDIO_MESSAGE_KIND = 0x01;
/** Bytes before the audio in an audio message. */
export const AUDIO_MESSAGE_HEADER_BYTES = 10;

/**
 * The binary WebSocket message of one audio packet (big-endian):
 *
 *   0  kind          BYTE    0x01 audio
 *   1  payload type  BYTE    JT/T 1078 table 12: 6 G.711A, 7 G.711U, 8 G.726, 19 AAC (whole ADTS frames)
 *   2  timestamp     UINT64  the terminal's timestamp of the packet, ms (the clock its video frames use)
 *  10  audio         the coded bytes as the terminal sent them, HiSilicon header removed
 */
export function audioMessage(payloadType: number, timestampMs: number, audio: Buffer): Buffer {
  const out = Buffer.allocUnsafe(AUDIO_MESSAGE_HEADER_BYTES + audio.length);
  out[0] = AUDIO_MESSAGE_KIND;
  out[1] = payloadType & 0xff;
  out.writeBigUInt64BE(BigInt(Math.max(0, Math.trunc(timestampMs))), 2);
  audio.copy(out, AUDIO_MESSAGE_HEADER_BYTES);
  return out;
}
