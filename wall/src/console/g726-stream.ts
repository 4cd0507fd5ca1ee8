/**
 * A camera's G.726 stream as the player receives it: packets with the terminal's timestamps, neither the rate
 * (16–40 kbit/s) nor the packing of the codes announced (JT/T 1078 names the coding, payload type 8, and nothing
 * more). The first packets are held until three durations in a row agree on the rate (bitsFromDuration) and the
 * sound says which packing it is (guessPacking); they are then decoded from the first, and every later packet as
 * it comes, by one decoder whose state runs from packet to packet. Held sound that never settles (silence, a
 * stream of gaps) is dropped after a second's worth, and the guessing starts again.
 */
import {
  bitsFromDuration,
  G726_PAYLOAD_TYPE,
  G726Decoder,
  guessPacking,
  type G726Bits,
  type G726Packing,
} from './g726.js';

/** Durations that must agree before the rate is taken. */
const AGREEING_DURATIONS = 3;
/** Packets held at most while the rate and packing are unknown (about a second of 20 ms packets). */
const HELD_PACKETS_MAX = 50;

export interface DecodedPacket {
  timestampMs: number;
  samples: Float32Array<ArrayBuffer>;
}

export class G726Stream {
  static readonly PAYLOAD_TYPE = G726_PAYLOAD_TYPE;
  private held: { timestampMs: number; bytes: Uint8Array }[] = [];
  private decoder: G726Decoder | undefined;
  private packing: G726Packing = 'lsb';

  /** The packets decodable after this one arrives (none while the stream's rate or packing is still unknown). */
  push(timestampMs: number, bytes: Uint8Array): DecodedPacket[] {
    if (this.decoder !== undefined) return [{ timestampMs, samples: this.decoder.decode(bytes, this.packing) }];
    this.held.push({ timestampMs, bytes: bytes.slice() });
    const bits = this.agreedBits();
    const packing =
      bits === undefined
        ? undefined
        : guessPacking(
            this.held.map((p) => p.bytes),
            bits,
          );
    if (bits === undefined || packing === undefined) {
      if (this.held.length >= HELD_PACKETS_MAX) this.held = [];
      return [];
    }
    this.decoder = new G726Decoder(bits);
    this.packing = packing;
    const decoded = this.held.map((p) => ({
      timestampMs: p.timestampMs,
      samples: this.decoder!.decode(p.bytes, packing),
    }));
    this.held = [];
    return decoded;
  }

  /** The rate the newest durations agree on. */
  private agreedBits(): G726Bits | undefined {
    const n = this.held.length;
    if (n <= AGREEING_DURATIONS) return undefined;
    let agreed: G726Bits | undefined;
    for (let i = n - 1 - AGREEING_DURATIONS; i < n - 1; i++) {
      const bits = bitsFromDuration(this.held[i].bytes.length, this.held[i + 1].timestampMs - this.held[i].timestampMs);
      if (bits === undefined || (agreed !== undefined && bits !== agreed)) return undefined;
      agreed = bits;
    }
    return agreed;
  }
}
