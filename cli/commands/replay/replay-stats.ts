/** Counters of a replay, shared by all its connections and HTTP senders. */
import { LatencyHistogram } from './latency-histogram.js';

const FAILURES_KEPT_MAX = 10;

export class ReplayStats {
  terminalsStarted = 0;
  terminalsDone = 0;
  /** Terminals whose registration or authentication failed, or whose connection broke. */
  terminalsFailed = 0;
  /** First transmissions of frames that expect a reply. */
  framesSent = 0;
  acknowledged = 0;
  /** Positions in the acknowledged frames (0x0200: one, 0x0704: its items): the telemetry rows they made. */
  positionsAcknowledged = 0;
  /** Replies with a result other than 0 (1 failure, 2 bad message, 3 unsupported). */
  rejected = 0;
  retransmitted = 0;
  /** Frames still unanswered after the last retransmission, or when their connection broke. */
  unanswered = 0;
  malformedSent = 0;
  /** HTTP batches posted again after a 429 or 503 answer (rate limit, not ready). */
  httpRetried = 0;
  readonly ackLatency = new LatencyHistogram();
  readonly http = new Map<string, { records: number; accepted: number; rejected: number }>();

  /** The first few failures, for the report: a replay that fails should say why. */
  readonly failures: string[] = [];

  noteFailure(phone: string, error: unknown): void {
    if (this.failures.length < FAILURES_KEPT_MAX)
      this.failures.push(`${phone}: ${error instanceof Error ? error.message : String(error)}`);
  }

  httpOf(kind: string): { records: number; accepted: number; rejected: number } {
    let entry = this.http.get(kind);
    if (!entry) this.http.set(kind, (entry = { records: 0, accepted: 0, rejected: 0 }));
    return entry;
  }
}
