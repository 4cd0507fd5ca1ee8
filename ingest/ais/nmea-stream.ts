/**
 * One NMEA stream as a receiving station or aggregator sends it (a TCP connection, or the datagrams of one UDP
 * peer) cut into AIS records: lines, bounded in length, then messages, their fragments put back together across
 * lines and chunks. A record is what the HTTP `ais` kind takes (docs/sources/ais.md): the message's sentences,
 * the time it was heard and the station.
 *
 * Nothing is judged here that the normalizer judges: a sentence this stream cannot place (bad checksum, not a
 * sentence at all, a fragment without its first, a message left incomplete) becomes a record of its own, which
 * the normalizer refuses with its named reason (`nmea_checksum_mismatch`, `bad_nmea`, `bad_fragments`), so
 * it is dead-lettered and counted like a bad record posted over HTTP. Only what is no record at all (a line
 * longer than any sentence) is refused here, as `line_too_long`.
 *
 * The time is the NMEA 4.10 tag block's `c:` (UNIX seconds or milliseconds) when a line carries one, else when
 * the line arrived; the station is the tag block's `s:`, else the stream's own name (its peer address).
 */
import { nmeaChecksum, parseSentence, type Sentence } from './nmea.js';
import { AisProblem } from './sixbit.js';

/** A record for the `ais` kind: `{sentences, time, station_id}`. */
export interface AisStreamRecord {
  sentences: string[];
  time: string;
  station_id: string;
}

export interface NmeaStreamOptions {
  /** Bytes of one line at most, tag block included; a longer line is refused and skipped to its end. */
  lineBytesMax: number;
  /** Messages waiting for their next fragment at most; beyond, the oldest is given up (refused whole). */
  pendingMessagesMax: number;
  /** A message whose next fragment has not come for this long is given up. */
  fragmentTimeoutMs: number;
}

export interface NmeaStreamSink {
  record(record: AisStreamRecord): void;
  /** A line that is no record: its reason, what was wrong, and its first bytes. */
  refused(reason: 'line_too_long', detail: string, raw: string): void;
}

/** A tag block `\c:…,s:…*hh\` before the sentence: its checksum is the XOR of what lies between `\` and `*`. */
const TAG_BLOCK = /^\\([^\\*]*)\*([0-9A-Fa-f]{2})\\(.*)$/;
/** Longest station id the tables keep. */
const STATION_CHARS_MAX = 64;

interface Pending {
  key: string;
  count: number;
  sentences: string[];
  time: string;
  station: string;
  startedMs: number;
}

export class NmeaStream {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Skipping the rest of a line already refused as too long. */
  private skipping = false;
  /** Messages waiting for fragments, by count, sequence id and channel, oldest first. */
  private readonly pending = new Map<string, Pending>();

  constructor(
    /** The stream's own name, the station of records whose line names none (`tcp:10.1.2.3`). */
    private readonly name: string,
    private readonly options: NmeaStreamOptions,
    private readonly sink: NmeaStreamSink,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes of a TCP stream: lines may be split anywhere between chunks. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, newline));
      this.endLine();
      start = newline + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  /** One UDP datagram: one or more whole lines, the last perhaps without its line end. */
  pushDatagram(datagram: Buffer): void {
    this.push(datagram);
    this.endLine();
  }

  /** The stream ended: messages still waiting for fragments are given up. */
  end(): void {
    this.endLine();
    for (const pending of [...this.pending.values()]) this.giveUp(pending);
  }

  /** Gives up the messages whose next fragment is overdue; called on every line and by the listener's sweep. */
  expire(): void {
    const overdueBefore = this.now() - this.options.fragmentTimeoutMs;
    for (const pending of this.pending.values()) {
      if (pending.startedMs > overdueBefore) break;
      this.giveUp(pending);
    }
  }

  private append(bytes: Buffer): void {
    if (this.skipping || bytes.length === 0) return;
    if (this.partialBytes + bytes.length > this.options.lineBytesMax) {
      const head = Buffer.concat([...this.partial, bytes])
        .subarray(0, 80)
        .toString('latin1');
      this.sink.refused(
        'line_too_long',
        `a line longer than ${this.options.lineBytesMax} bytes is no NMEA sentence; skipped to its end`,
        head,
      );
      this.partial = [];
      this.partialBytes = 0;
      this.skipping = true;
      return;
    }
    this.partial.push(bytes);
    this.partialBytes += bytes.length;
  }

  private endLine(): void {
    const wasSkipping = this.skipping;
    this.skipping = false;
    if (wasSkipping || this.partialBytes === 0) return;
    const line = Buffer.concat(this.partial).toString('latin1').trim();
    this.partial = [];
    this.partialBytes = 0;
    if (line !== '') this.line(line);
  }

  private line(text: string): void {
    this.expire();
    const nowMs = this.now();
    const { sentence, time, station } = this.untagged(text, nowMs);
    let parsed: Sentence;
    try {
      parsed = parseSentence(sentence);
    } catch (error) {
      if (!(error instanceof AisProblem)) throw error;
      // The normalizer refuses it again, with the same reason, as a record of its own.
      this.emit([sentence], time, station);
      return;
    }
    if (parsed.count <= 1) {
      this.emit([sentence], time, station);
      return;
    }
    const key = `${parsed.count}/${parsed.sequenceId}/${parsed.channel}`;
    const waiting = this.pending.get(key);
    if (parsed.number === 1) {
      if (waiting) this.giveUp(waiting);
      this.wait({ key, count: parsed.count, sentences: [sentence], time, station, startedMs: nowMs });
      return;
    }
    if (!waiting || waiting.sentences.length !== parsed.number - 1) {
      // A fragment out of its place: its message cannot be made; both are refused as `bad_fragments`.
      if (waiting) this.giveUp(waiting);
      this.emit([sentence], time, station);
      return;
    }
    waiting.sentences.push(sentence);
    if (waiting.sentences.length === waiting.count) {
      this.pending.delete(key);
      this.emit(waiting.sentences, waiting.time, waiting.station);
    }
  }

  private wait(pending: Pending): void {
    if (this.pending.size >= this.options.pendingMessagesMax) {
      const oldest = this.pending.values().next().value;
      if (oldest) this.giveUp(oldest);
    }
    this.pending.set(pending.key, pending);
  }

  /** A message left incomplete goes to the normalizer as it is, which refuses it as `bad_fragments`. */
  private giveUp(pending: Pending): void {
    this.pending.delete(pending.key);
    this.emit(pending.sentences, pending.time, pending.station);
  }

  private emit(sentences: string[], time: string, station: string): void {
    this.sink.record({ sentences, time, station_id: station });
  }

  /** The sentence without its tag block, and the time and station the block gives (else arrival and stream). */
  private untagged(text: string, nowMs: number): { sentence: string; time: string; station: string } {
    const fallback = { sentence: text, time: new Date(nowMs).toISOString(), station: this.name };
    const match = TAG_BLOCK.exec(text);
    // A block whose checksum is wrong is left on the line, which the normalizer then refuses as `bad_nmea`.
    if (!match || nmeaChecksum(match[1]).toUpperCase() !== match[2].toUpperCase()) return fallback;
    let { time, station } = fallback;
    for (const field of match[1].split(',')) {
      const [name, value] = [field.slice(0, 2), field.slice(2)];
      if (name === 'c:' && /^\d{9,13}$/.test(value)) {
        const n = Number(value);
        time = new Date(value.length >= 12 ? n : n * 1000).toISOString();
      } else if (name === 's:' && value !== '') station = value.slice(0, STATION_CHARS_MAX);
    }
    return { sentence: match[3], time, station };
  }
}
