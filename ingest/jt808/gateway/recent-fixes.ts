/**
 * The replay guard: per terminal (not per connection), the device times and fingerprints of its latest
 * positions, so that a position the terminal sends again because it never saw our reply is acknowledged
 * without a second row. It is keyed by the terminal's phone number and outlives the connection, because the
 * usual reason a terminal missed our reply is that its connection broke: it reconnects and resends.
 *
 * A position being written is remembered with the promise of its write, so a retransmission arriving before
 * it is durable waits for the same write. Once durable it moves into a ring of `fixesPerTerminalMax` (device
 * time, fingerprint) pairs kept in typed arrays: 12 bytes a position instead of an object and a promise each.
 * A failed write is forgotten, so that the retransmission tries again.
 *
 * Terminals are kept in least-recently-attached order and the oldest is forgotten beyond `terminalsMax`. A
 * forgotten terminal loses only this shortcut: `telemetry` is a ReplacingMergeTree on (terminal_id, ts), so a
 * second row of the same position is still folded by `FINAL` and by the next merge.
 */

/** Answer of `TerminalFixes.find`: the earlier write to wait for, `DURABLE` when it is done, or undefined. */
export const DURABLE = 'durable' as const;

interface PendingFix {
  fingerprint: number;
  durable: Promise<void>;
}

export class TerminalFixes {
  private times: Float64Array | undefined;
  private fingerprints: Uint32Array | undefined;
  private count = 0;
  private next = 0;
  private pending: Map<number, PendingFix> | undefined;

  constructor(private readonly fixesMax: number) {}

  /** The earlier write of an identical position (same device time and fingerprint), if remembered. */
  find(ts: number, fingerprint: number): Promise<void> | typeof DURABLE | undefined {
    const pending = this.pending?.get(ts);
    if (pending !== undefined && pending.fingerprint === fingerprint) return pending.durable;
    const times = this.times;
    if (times === undefined) return undefined;
    const fingerprints = this.fingerprints as Uint32Array;
    for (let i = 0; i < this.count; i++) if (times[i] === ts && fingerprints[i] === fingerprint) return DURABLE;
    return undefined;
  }

  /** Remembers positions being made durable by one write. */
  remember(times: readonly number[], fingerprints: readonly number[], durable: Promise<void>): void {
    const pending = (this.pending ??= new Map());
    for (let i = 0; i < times.length; i++) pending.set(times[i], { fingerprint: fingerprints[i], durable });
    durable.then(
      () => {
        for (let i = 0; i < times.length; i++) {
          if (pending.get(times[i])?.durable === durable) pending.delete(times[i]);
          this.keep(times[i], fingerprints[i]);
        }
      },
      () => {
        for (const ts of times) if (pending.get(ts)?.durable === durable) pending.delete(ts);
      },
    );
  }

  private keep(ts: number, fingerprint: number): void {
    const times = (this.times ??= new Float64Array(this.fixesMax));
    const fingerprints = (this.fingerprints ??= new Uint32Array(this.fixesMax));
    times[this.next] = ts;
    fingerprints[this.next] = fingerprint;
    this.next = (this.next + 1) % this.fixesMax;
    if (this.count < this.fixesMax) this.count++;
  }
}

export class RecentFixes {
  private readonly terminals = new Map<string, TerminalFixes>();

  constructor(
    private readonly fixesPerTerminalMax: number,
    private readonly terminalsMax: number,
  ) {}

  get size(): number {
    return this.terminals.size;
  }

  /** The memory of a terminal, made most recent; the least recent terminal is forgotten beyond the bound. */
  of(phone: string): TerminalFixes {
    let fixes = this.terminals.get(phone);
    if (fixes === undefined) fixes = new TerminalFixes(this.fixesPerTerminalMax);
    else this.terminals.delete(phone);
    this.terminals.set(phone, fixes);
    if (this.terminals.size > this.terminalsMax) this.terminals.delete(this.terminals.keys().next().value as string);
    return fixes;
  }
}
