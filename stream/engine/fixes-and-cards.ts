/**
 * One log partition's fixes and driver cards, handed to its engine in the order Vigil received them, whatever the
 * order their two topics are fetched in.
 *
 * A card says who drives from its time on: the engine applies it before the vehicle's first fix at or after it, and
 * one read only after such a fix was evaluated (the topics are fetched apart) from the next fix on. So a card read
 * late changed whose clock the fixes in between counted, and the alarm ids that follow: a worker that took the
 * partition over re-evaluated the same input in the order received (rules-runner.ts, `kafkaBacklog`) and raised the
 * same alarm under a second id. Here each batch of fixes waits until the cards' partition is read up to its end
 * offset as it is after the batch was fetched: a terminal sends its next report once the previous one is
 * acknowledged, which is once it is durable, so every card received before a fix of the batch is then in hand. The
 * cards received after the batch's last fix wait for the fixes received before them: for the next batch, or, when
 * no fix comes, until the fixes' partition is read to its end.
 *
 * What this cannot order: a card and a fix of one terminal in flight together (a terminal that does not wait for
 * acknowledgements), each durable in the other's order.
 */
import type { DriverEventRow, TelemetryRow } from '../../schema/index.js';
import { TOPICS, type Consumer, type EventLog, type LogRecord } from '../log/event-log.js';

/** How long a batch of fixes waits at most for the cards to be read to their end offset before it goes on. */
export const CARDS_CATCH_UP_MS_MAX = 30_000;

export type FixOrCard =
  | { topic: typeof TOPICS.telemetry; record: LogRecord<TelemetryRow> }
  | { topic: typeof TOPICS.drivers; record: LogRecord<DriverEventRow> };

/** Why the order could not be made sure of for a batch: it goes on in the order read. */
export type OrderProblem = 'offsets_unavailable' | 'cards_behind';

export interface FixesAndCardsDeps {
  fixes: Consumer<TelemetryRow>;
  cards: Consumer<DriverEventRow>;
  log: Required<Pick<EventLog, 'watermarks'>>;
  partition: number;
  /** The next offset of the cards' partition the reader gives (undefined: the first retained). */
  cardsFrom: number | undefined;
  /** The next offset of the fixes' partition not yet evaluated (undefined: the first retained). */
  fixesNext(): number | undefined;
  /** False once the runner stops: a batch waits no longer for the cards. */
  running(): boolean;
  onProblem(problem: OrderProblem, error?: unknown): void;
}

/** Orders by received time; on a tie a fix comes before a card, as the catch-up's sort of the same input does. */
function receivedOrder(a: FixOrCard, b: FixOrCard): number {
  const d = a.record.value.received_at - b.record.value.received_at;
  if (d !== 0) return d;
  return a.topic === b.topic ? 0 : a.topic === TOPICS.telemetry ? -1 : 1;
}

export class FixesAndCardsInOrder {
  /** Cards read and not yet handed on, in offset order. */
  private held: LogRecord<DriverEventRow>[] = [];
  private cardsNext: number | undefined;

  constructor(private readonly deps: FixesAndCardsDeps) {
    this.cardsNext = deps.cardsFrom;
  }

  /**
   * The offset of the cards' partition below which every card was handed on: the first one held, or the next to
   * read. A snapshot covers the cards up to it (those handed on out of offset order past it are read again after a
   * restart, and change nothing: the same card applied again leaves the driver as they are).
   */
  get cardsCovered(): number | undefined {
    return this.held.length > 0 ? this.held[0].offset : this.cardsNext;
  }

  /**
   * The next fixes read (as the runner commits them) and what to evaluate now, fixes and cards in received order.
   */
  async poll(recordsMax: number, waitMs: number): Promise<{ fixes: LogRecord<TelemetryRow>[]; inputs: FixOrCard[] }> {
    const fixes = await this.deps.fixes.poll(recordsMax, waitMs);
    if (fixes.length > 0) {
      await this.readCardsToEnd(recordsMax, waitMs);
      let upTo = -Infinity;
      for (const f of fixes) if (f.value.received_at > upTo) upTo = f.value.received_at;
      const inputs: FixOrCard[] = fixes.map((record) => ({ topic: TOPICS.telemetry, record }));
      for (const record of this.release((card) => card.value.received_at <= upTo))
        inputs.push({ topic: TOPICS.drivers, record });
      return { fixes, inputs: inputs.sort(receivedOrder) };
    }
    // No fix: the cards read wait for the fixes received before them, all in hand once the fixes' partition is read
    // to its end offset as it is after the cards were read.
    for (const card of await this.deps.cards.poll(recordsMax, 1)) this.hold(card);
    if (this.held.length === 0) return { fixes, inputs: [] };
    // Where no fix was evaluated yet, nothing says where the fixes' reader stands: the cards go on.
    const fixesNext = this.deps.fixesNext();
    if (fixesNext !== undefined)
      try {
        const { high } = await this.deps.log.watermarks(TOPICS.telemetry, this.deps.partition);
        if (fixesNext < high) return { fixes, inputs: [] };
      } catch (error) {
        this.deps.onProblem('offsets_unavailable', error);
      }
    const inputs: FixOrCard[] = this.release(() => true).map((record) => ({ topic: TOPICS.drivers, record }));
    return { fixes, inputs: inputs.sort(receivedOrder) };
  }

  private hold(card: LogRecord<DriverEventRow>): void {
    this.held.push(card);
    this.cardsNext = card.offset + 1;
  }

  private release(due: (card: LogRecord<DriverEventRow>) => boolean): LogRecord<DriverEventRow>[] {
    const out: LogRecord<DriverEventRow>[] = [];
    const kept: LogRecord<DriverEventRow>[] = [];
    for (const card of this.held) (due(card) ? out : kept).push(card);
    this.held = kept;
    return out;
  }

  /** Reads the cards' partition up to its end offset as it is now, within `CARDS_CATCH_UP_MS_MAX`. */
  private async readCardsToEnd(recordsMax: number, waitMs: number): Promise<void> {
    let low: number;
    let high: number;
    try {
      ({ low, high } = await this.deps.log.watermarks(TOPICS.drivers, this.deps.partition));
    } catch (error) {
      this.deps.onProblem('offsets_unavailable', error);
      return;
    }
    const deadline = Date.now() + CARDS_CATCH_UP_MS_MAX;
    while ((this.cardsNext ?? low) < high && this.deps.running()) {
      if (Date.now() > deadline) {
        this.deps.onProblem('cards_behind');
        return;
      }
      for (const card of await this.deps.cards.poll(recordsMax, waitMs)) this.hold(card);
    }
  }
}
