/**
 * Puts a channel's packets back together into whole frames: an atomic packet is a frame; first, middle… and
 * last packets are concatenated. A gap in the packet sequence or a packet out of place drops the frame being
 * built (a decoder fed half a frame shows garbage until the next I frame), and the reason is reported.
 *
 * A channel's video and audio are assembled apart (one assembler each), since terminals put audio packets between
 * the packets of a video frame. Some number all their packets in one sequence (table 19: "plus one for each packet
 * sent"), others each medium apart: the packets of the other medium that came in between are told with
 * `passedOver`, and a step of one, or of one more than those, is no gap.
 */
import { SUBPACKAGE, type RtpPacket } from './rtp-packet.js';

export interface MediaFrame {
  /** DATA_TYPE: I, P or B frame, audio or pass-through. */
  dataType: number;
  payloadType: number;
  timestampMs: number;
  data: Buffer;
}

export type AssemblyDropReason = 'sequence_gap' | 'frame_too_large' | 'orphan_packet';

/** What one packet completed and what it cost: a frame, a dropped partial frame, both, or neither. */
export interface Assembly {
  frame?: MediaFrame;
  drop?: { reason: AssemblyDropReason; detail: string };
}

const NOTHING: Assembly = Object.freeze({});

export class FrameAssembler {
  private parts: Buffer[] = [];
  private bytes = 0;
  private first: RtpPacket | undefined;
  private lastSequence = -1;
  /** After a drop, the rest of that frame's packets are passed over quietly until the next frame begins. */
  private discarding = false;
  /** Packets of the other medium since this assembler's last packet. */
  private otherPackets = 0;

  constructor(private readonly frameBytesMax: number) {}

  /** A packet of the channel's other medium arrived (it may have taken a number of the shared sequence). */
  passedOver(): void {
    this.otherPackets++;
  }

  push(p: RtpPacket): Assembly {
    const gap =
      this.lastSequence >= 0 &&
      p.sequence !== ((this.lastSequence + 1) & 0xffff) &&
      p.sequence !== ((this.lastSequence + 1 + this.otherPackets) & 0xffff);
    const previous = this.lastSequence;
    this.lastSequence = p.sequence;
    this.otherPackets = 0;
    if (p.subpackage === SUBPACKAGE.atomic || p.subpackage === SUBPACKAGE.first) {
      const drop =
        this.first === undefined
          ? undefined
          : this.dropPartial('sequence_gap', `packet ${p.sequence} began a frame before the last one ended`);
      this.discarding = false;
      if (p.subpackage === SUBPACKAGE.atomic) return { frame: frameOf(p, Buffer.from(p.payload)), drop };
      this.first = p;
      this.parts = [Buffer.from(p.payload)];
      this.bytes = p.payload.length;
      return drop ? { drop } : NOTHING;
    }
    // A middle or last packet.
    if (this.first === undefined) {
      if (this.discarding) {
        if (p.subpackage === SUBPACKAGE.last) this.discarding = false;
        return NOTHING;
      }
      return { drop: { reason: 'orphan_packet', detail: `packet ${p.sequence} continues no frame` } };
    }
    if (gap) return { drop: this.dropPartial('sequence_gap', `packet ${p.sequence} came after ${previous}`) };
    this.bytes += p.payload.length;
    if (this.bytes > this.frameBytesMax)
      return { drop: this.dropPartial('frame_too_large', `a frame longer than ${this.frameBytesMax} bytes`) };
    this.parts.push(Buffer.from(p.payload));
    if (p.subpackage === SUBPACKAGE.middle) return NOTHING;
    const frame = frameOf(this.first, Buffer.concat(this.parts, this.bytes));
    this.reset();
    return { frame };
  }

  private dropPartial(reason: AssemblyDropReason, detail: string): { reason: AssemblyDropReason; detail: string } {
    this.reset();
    this.discarding = true;
    return { reason, detail };
  }

  private reset(): void {
    this.first = undefined;
    this.parts = [];
    this.bytes = 0;
  }
}

function frameOf(first: RtpPacket, data: Buffer): MediaFrame {
  return { dataType: first.dataType, payloadType: first.payloadType, timestampMs: first.timestampMs, data };
}
