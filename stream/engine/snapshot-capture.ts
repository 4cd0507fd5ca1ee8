/**
 * A rule-engine snapshot taken without stopping the engine. At 100,000 vehicles the JSON of all state is tens of
 * MB and a second of CPU: serialized in one go it would stall the node's event loop (the gateway's acknowledgements,
 * the feed, the alarms) for that long. So the engine fixes the moment (its list of subjects and its clocks, cheap to
 * copy) and serializes the subjects a slice at a time between turns of the event loop, copy-on-write: before the
 * engine changes a subject not yet serialized, it serializes that subject first (`keep`). Every subject's text is
 * thus its state at the moment the capture began, consistent with the log offsets taken at that moment.
 */

/** A subject of the engine's state (vehicle, driver, plate, device): which capture last serialized it. */
export interface CapturedSubject {
  capturedIn: number;
}

/** One array of the snapshot's JSON: its subjects as they were at the start, and how each is written. */
export interface CaptureSection {
  /** The JSON text before the array's items, e.g. `,"vehicles":[`. */
  open: string;
  items: readonly CapturedSubject[];
  /** The subject's JSON; undefined leaves it out (a subject without state). */
  text: (item: CapturedSubject) => string | undefined;
}

/** A section of subjects of one kind. */
export function captureSection<T extends CapturedSubject>(
  open: string,
  items: readonly T[],
  text: (item: T) => string | undefined,
): CaptureSection {
  return { open, items, text: (item) => text(item as T) };
}

/**
 * One JSON text of the snapshot, stored on its own (a part: the engine's shared state, or the vehicles of one log
 * partition), so no single string has to hold all state.
 */
export interface CaptureDocument {
  name: string;
  /** The JSON text before the first section (an object opened, its small fields), or ''. */
  head: string;
  sections: readonly CaptureSection[];
  /** The JSON text after the last section's array, made when the last section is done. */
  tail: () => string;
}

/** How often the slice loop reads the clock, in subjects. */
const CLOCK_EVERY = 32;

export class SnapshotCapture {
  /** Each document's JSON so far, in order; complete once `done`. */
  readonly documents: { name: string; pieces: string[] }[];
  private readonly early = new Map<CapturedSubject, string | undefined>();
  private document = 0;
  private section = 0;
  private index = 0;
  /** Whether the current section's array is opened, and has an item yet (a comma goes before the next). */
  private opened = false;
  private written = false;
  private finished = false;

  /**
   * @param id this capture's number; subjects with `capturedIn` below it are still to serialize.
   * @param onDone called once, when the last document is complete.
   */
  constructor(
    readonly id: number,
    private readonly parts: readonly CaptureDocument[],
    private readonly onDone: () => void = () => undefined,
  ) {
    this.documents = parts.map((d) => ({ name: d.name, pieces: [d.head] }));
  }

  get done(): boolean {
    return this.finished;
  }

  /** The engine is about to change `subject`: serialize it first unless it was already (or is newer than the start). */
  keep<T extends CapturedSubject>(subject: T, text: (item: T) => string | undefined): void {
    if (this.finished || subject.capturedIn >= this.id) return;
    this.early.set(subject, text(subject));
    subject.capturedIn = this.id;
  }

  /** Serializes for about `budgetMs` of wall time; true once the snapshot is complete. */
  step(budgetMs: number): boolean {
    // Finished already: by the engine (`finish`, before a new configuration) between two of its writer's slices.
    if (this.finished) return true;
    const until = performance.now() + budgetMs;
    while (this.document < this.parts.length) {
      const { sections, tail } = this.parts[this.document];
      const out: string[] = [];
      const pieces = this.documents[this.document].pieces;
      while (this.section < sections.length) {
        const { open, items, text } = sections[this.section];
        if (!this.opened) {
          out.push(open);
          this.opened = true;
        }
        while (this.index < items.length) {
          const item = items[this.index++];
          let json: string | undefined;
          if (item.capturedIn >= this.id) {
            json = this.early.get(item);
            this.early.delete(item);
          } else {
            json = text(item);
            item.capturedIn = this.id;
          }
          if (json !== undefined) {
            out.push(this.written ? `,${json}` : json);
            this.written = true;
          }
          if (this.index % CLOCK_EVERY === 0 && performance.now() >= until) {
            pieces.push(out.join(''));
            return false;
          }
        }
        out.push(']');
        this.section++;
        this.index = 0;
        this.opened = false;
        this.written = false;
      }
      out.push(tail());
      pieces.push(out.join(''));
      this.document++;
      this.section = 0;
    }
    this.finished = true;
    this.early.clear();
    this.onDone();
    return true;
  }

  /** Serializes the rest at once: the engine is about to change everything (a new configuration). */
  finish(): void {
    while (!this.step(Infinity));
  }

  /** Each document's text, by name (once `done`). */
  texts(): Map<string, string> {
    return new Map(this.documents.map((d) => [d.name, d.pieces.join('')]));
  }
}
