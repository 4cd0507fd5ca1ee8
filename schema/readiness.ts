/**
 * Readiness: whether this node can do its work right now, part by part. Parts that fail report it here (a sink
 * whose inserts fail, the operational store not answering, the disk below its bound) and clear it when they
 * recover; cheap in-memory conditions (the event log's queues at their bound) are watched and read on demand.
 * `/api/health/ready` serves it; liveness is only "the process answers" and needs nothing from here.
 *
 * Parts are named by the code (`sink:telemetry`, `disk`, …), never by input, so their number is bounded by the
 * code itself. A reason is a fixed snake_case code, safe to show on the unauthenticated endpoint; the detail
 * (an error's text, a path) goes to the log and stays off that endpoint.
 */

export interface ReadinessProblem {
  part: string;
  /** A fixed code: `inserts_failing`, `not_answering`, `below_free_bytes_min`, `queue_full`, `starting`, … */
  reason: string;
  /** For the log and operators, never for the public endpoint. */
  detail: string;
  /** When the part started failing, epoch ms. */
  sinceMs: number;
}

type Watch = () => { reason: string; detail: string } | undefined;

export class Readiness {
  readonly #failing = new Map<string, ReadinessProblem>();
  readonly #watches = new Map<string, Watch>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Marks a part as failing; a part already failing keeps the time it started failing. */
  fail(part: string, reason: string, detail: string): void {
    const since = this.#failing.get(part)?.sinceMs ?? this.#now();
    this.#failing.set(part, { part, reason, detail, sinceMs: since });
  }

  /** The part works again. */
  recover(part: string): void {
    this.#failing.delete(part);
  }

  /** A condition read at every check (it must be cheap: the endpoint is public and may be polled often). */
  watch(part: string, condition: Watch): void {
    this.#watches.set(part, condition);
  }

  isFailing(part: string): boolean {
    return this.#failing.has(part);
  }

  /** Every failing part, sorted by name. */
  problems(): ReadinessProblem[] {
    const now = this.#now();
    const problems = [...this.#failing.values()];
    for (const [part, condition] of this.#watches) {
      const problem = condition();
      if (problem) problems.push({ part, ...problem, sinceMs: now });
    }
    return problems.sort((a, b) => (a.part < b.part ? -1 : a.part > b.part ? 1 : 0));
  }

  get ready(): boolean {
    return this.problems().length === 0;
  }
}
