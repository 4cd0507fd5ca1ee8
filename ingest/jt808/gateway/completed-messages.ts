/**
 * Subpackaged messages a terminal completed recently, so that a packet it sends again afterwards is answered
 * as its message was instead of starting a reassembly that can only time out (a pointless 0x8003 to the
 * terminal and a false `reassembly_timeout` for the duty officer). Terminals resend a packet when they did not
 * get, or did not wait for, its answer, often on a new connection since a broken connection is the usual
 * reason; so the memory is per terminal (its phone number), across its connections.
 *
 * A message is known by its message id, its packet count and the flow number of its packet 1 (packets of one
 * message carry consecutive flow numbers, in every edition), and each of its packets by a CRC-32 of its body.
 * The CRC matters: a terminal that restarted its numbering sends new messages under old flow numbers, and
 * taking one of those for a resend would acknowledge something never stored. A packet whose body differs is
 * not a resend.
 *
 * Bounds: `completedMessagesPerTerminalMax` messages per terminal (the oldest forgotten first), each for
 * `completedMessageAgeMsMax` after it completed, and over all terminals `completedMessagesTotalMax` messages
 * (about 400 bytes each) and `completedPacketsTotalMax` packets (4 bytes of CRC each), the oldest forgotten first. A forgotten message only loses the shortcut: a
 * late packet of it starts a reassembly as it would without this memory.
 */
import { crc32 } from 'node:zlib';

/** The answer a message got, which a late packet of it gets again. */
export type MessageAnswer =
  /** 0x8001 with this result. */
  | { kind: 'result'; result: number }
  /** 0x8800 with this media id and no packet to resend: the upload is stored. */
  | { kind: 'upload'; mediaId: number }
  /** Answered by another message (0x8100, a command's answer) or not at all: nothing to repeat. */
  | { kind: 'none' };

/**
 * Late packets of one message waiting for its answer at most. Only the connection holding the terminal's live
 * session matters; beyond the bound the oldest waiter, a connection since replaced, is dropped.
 */
const WAITERS_PER_MESSAGE_MAX = 4;

export class CompletedMessage {
  /** Undefined while the message is being made durable. */
  answer: MessageAnswer | undefined;
  private waiters: ((answer: MessageAnswer) => void)[] | undefined;

  constructor(
    readonly phone: string,
    readonly key: string,
    readonly crcs: Uint32Array,
    readonly completedAtMs: number,
  ) {}

  /** Whether `body` is packet `index` (1-based) of this message. */
  has(index: number, body: Buffer): boolean {
    return index >= 1 && index <= this.crcs.length && this.crcs[index - 1] === crc32(body);
  }

  /** Calls `answer` with the message's answer: now when it has one, else once it is settled. */
  whenAnswered(answer: (answer: MessageAnswer) => void): void {
    if (this.answer !== undefined) {
      answer(this.answer);
      return;
    }
    const waiters = (this.waiters ??= []);
    if (waiters.length >= WAITERS_PER_MESSAGE_MAX) waiters.shift();
    waiters.push(answer);
  }

  settle(answer: MessageAnswer): void {
    if (this.answer !== undefined) return;
    this.answer = answer;
    const waiters = this.waiters;
    this.waiters = undefined;
    if (waiters) for (const waiter of waiters) waiter(answer);
  }
}

export interface CompletedMessagesBounds {
  perTerminalMax: number;
  messagesTotalMax: number;
  packetsTotalMax: number;
  ageMsMax: number;
}

export class CompletedMessages {
  private readonly byTerminal = new Map<string, CompletedMessage[]>();
  /** Every remembered message, oldest first (insertion order is completion order). */
  private readonly byAge = new Set<CompletedMessage>();
  /** Packets (CRCs) remembered over all terminals. */
  packets = 0;

  constructor(
    private readonly bounds: CompletedMessagesBounds,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.byAge.size;
  }

  /** The remembered message packet `index` of which has this key and body, if any. */
  find(phone: string, key: string, index: number, body: Buffer): CompletedMessage | undefined {
    const messages = this.byTerminal.get(phone);
    if (messages === undefined) return undefined;
    for (const message of messages) {
      if (message.key !== key) continue;
      if (this.now() - message.completedAtMs > this.bounds.ageMsMax) {
        this.forget(message);
        return undefined;
      }
      return message.has(index, body) ? message : undefined;
    }
    return undefined;
  }

  /**
   * Remembers a message just completed from `parts` (its packet bodies). An earlier message with the same key
   * (the terminal's numbering came round to it again) is replaced. A message with more packets than all may
   * have is not remembered, but its record still collects its answer.
   */
  remember(phone: string, key: string, parts: readonly Buffer[]): CompletedMessage {
    const crcs = new Uint32Array(parts.length);
    for (let i = 0; i < parts.length; i++) crcs[i] = crc32(parts[i]);
    const message = new CompletedMessage(phone, key, crcs, this.now());
    if (parts.length > this.bounds.packetsTotalMax) return message;
    const same = this.byTerminal.get(phone)?.find((m) => m.key === key);
    if (same) this.forget(same);
    let messages = this.byTerminal.get(phone);
    if (messages === undefined) this.byTerminal.set(phone, (messages = []));
    messages.push(message);
    this.byAge.add(message);
    this.packets += crcs.length;
    if (messages.length > this.bounds.perTerminalMax) this.forget(messages[0]);
    for (const oldest of this.byAge) {
      if (this.packets <= this.bounds.packetsTotalMax && this.byAge.size <= this.bounds.messagesTotalMax) break;
      this.forget(oldest);
    }
    return message;
  }

  /** Forgets a message: a packet of it is then reassembled again (the message failed, or it is too old). */
  forget(message: CompletedMessage): void {
    if (!this.byAge.delete(message)) return;
    this.packets -= message.crcs.length;
    const messages = this.byTerminal.get(message.phone);
    if (messages === undefined) return;
    const at = messages.indexOf(message);
    if (at >= 0) messages.splice(at, 1);
    if (messages.length === 0) this.byTerminal.delete(message.phone);
  }

  /** Forgets the messages older than the age bound; call it now and then. */
  expire(): void {
    const oldestKeptMs = this.now() - this.bounds.ageMsMax;
    for (const message of this.byAge) {
      if (message.completedAtMs >= oldestKeptMs) break;
      this.forget(message);
    }
  }
}
