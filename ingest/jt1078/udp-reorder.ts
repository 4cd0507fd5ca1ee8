/**
 * Puts a channel's packets that came over UDP back in sequence order: datagrams may arrive swapped or not at all.
 * Up to `windowMax` packets are held while an earlier one is missing; when the window is full the missing one is
 * given up (the frame assembler then sees the gap and drops that frame, as for a gap on TCP). A packet far from
 * the expected number (a terminal that restarted its count, or one that numbers audio and video apart) starts
 * the order again from itself: packets then pass in the order they came, and nothing is lost by waiting.
 */
import type { RtpPacket } from './rtp-packet.js';

export interface Reordered {
  /** Packets to assemble, in order. */
  packets: RtpPacket[];
  /** Sequence numbers given up as lost. */
  lost: number;
  /** A packet that came after its place was given up, or twice: dropped. */
  late: boolean;
}

const HALF = 0x8000;
/** Further than this many windows from the expected number, a packet starts the order again. */
const FAR = 4;

export class ReorderWindow {
  private expected: number | undefined;
  private readonly held = new Map<number, RtpPacket>();

  constructor(private readonly windowMax: number) {}

  get heldCount(): number {
    return this.held.size;
  }

  push(p: RtpPacket): Reordered {
    const out: Reordered = { packets: [], lost: 0, late: false };
    if (this.expected === undefined) this.expected = p.sequence;
    const ahead = (p.sequence - this.expected) & 0xffff;
    if (ahead >= HALF) {
      // Behind the expected number: late or doubled when near, a new count when far.
      if (0x10000 - ahead <= this.windowMax * FAR) {
        out.late = true;
        return out;
      }
      this.restart(p, out);
      return out;
    }
    if (ahead > this.windowMax * FAR) {
      this.restart(p, out);
      return out;
    }
    if (this.held.has(p.sequence)) {
      out.late = true;
      return out;
    }
    this.held.set(p.sequence, p);
    this.drain(out);
    while (this.held.size > this.windowMax) {
      // The window is full: give up the missing numbers up to the first packet held.
      const next = this.nearest();
      out.lost += (next - this.expected) & 0xffff;
      this.expected = next;
      this.drain(out);
    }
    return out;
  }

  /** Everything held, in order, the missing numbers given up (the stream ends). */
  flush(): RtpPacket[] {
    const out: Reordered = { packets: [], lost: 0, late: false };
    while (this.held.size > 0) {
      this.expected = this.nearest();
      this.drain(out);
    }
    return out.packets;
  }

  private restart(p: RtpPacket, out: Reordered): void {
    out.packets.push(...this.flush());
    out.packets.push(p);
    this.expected = (p.sequence + 1) & 0xffff;
  }

  private drain(out: Reordered): void {
    let next = this.held.get(this.expected!);
    while (next !== undefined) {
      this.held.delete(next.sequence);
      out.packets.push(next);
      this.expected = (this.expected! + 1) & 0xffff;
      next = this.held.get(this.expected);
    }
  }

  /** The held sequence number nearest ahead of the expected one. */
  private nearest(): number {
    let best = -1;
    let bestAhead = Infinity;
    for (const sequence of this.held.keys()) {
      const ahead = (sequence - this.expected!) & 0xffff;
      if (ahead < bestAhead) {
        bestAhead = ahead;
        best = sequence;
      }
    }
    return best;
  }
}
