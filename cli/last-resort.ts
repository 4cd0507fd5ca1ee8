/**
 * The process's last resort for errors nothing else caught, installed by `vigil start` before the node starts.
 * Every request, frame and record has its own error path (the router's, the gateways', the sinks'); what reaches
 * here is a bug or a socket nobody listened to, and the node serves a province 7×24, so:
 *
 * - `unhandledRejection`: a promise failed and nobody awaited it. The work it stood for is lost, but it held no
 *   lock or half-written state of its own (a step that did would have awaited it). Logged with its stack and
 *   counted; the process goes on.
 * - `uncaughtException` of a socket (a reset, a broken pipe, a write after the peer left: `SOCKET_ERROR_CODES`)
 *   with no error listener: that one connection is gone, nothing else is touched. Logged, counted, goes on.
 * - any other `uncaughtException`: code threw synchronously out of a callback, part-way through whatever it was
 *   doing, so the state it was changing is unknown (Node's own documentation: "it is not safe to resume normal
 *   operation after 'uncaughtException'"). Logged with its stack and counted, then the node is closed in order
 *   within `FATAL_SHUTDOWN_MS` (acknowledged data is already durable; this flushes what is in flight) and the
 *   process exits with status 1, for the service manager to start it again.
 *
 * Its own output is guarded too (`guardedOutput`): when whatever reads the process's stdout or stderr goes away (a
 * log collector that died, `vigil start | head`), a write fails with EPIPE. Unguarded, that failure reached the last
 * resort, which logged it to the same dead stream, which failed again: the node spun at a full core for as long as
 * it ran. Now the stream's failure is counted and every later line to it is dropped and counted; the node goes on.
 */
import type { Logger, Metrics } from '../schema/index.js';

/** Error codes of a single connection's failure: survivable, whatever listener was missing. */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_SOCKET_CLOSED',
]);

/** How long an orderly close may take after a fatal exception before the process exits anyway. */
export const FATAL_SHUTDOWN_MS = 10_000;

export type LastResortOutcome = 'survived' | 'exited';

/** Whether an uncaught exception leaves the process in a known state: only a single socket's failure does. */
export function survivable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SOCKET_ERROR_CODES.has(code);
}

export interface LastResortDeps {
  logger: Logger;
  metrics: Metrics;
  /** Closes the node in order (may be called before the node exists: then it has nothing to close). */
  stop(): Promise<void>;
  /** Ends the process; `process.exit` but for tests. */
  exit(code: number): void;
}

/** Installs the handlers on `process`; returns a function that removes them. */
export function installLastResort(deps: LastResortDeps): () => void {
  const counter = deps.metrics.counter(
    'vigil_process_unhandled_errors_total',
    'Errors that reached the process-level last resort, by kind and outcome (survived, exited)',
    ['kind', 'outcome'],
  );
  let stopping = false;
  const onRejection = (reason: unknown): void => {
    counter.inc({ kind: 'unhandled_rejection', outcome: 'survived' });
    deps.logger.error('unhandled promise rejection; the process goes on', describe(reason));
  };
  const onException = (error: unknown): void => {
    if (survivable(error)) {
      counter.inc({ kind: 'uncaught_exception', outcome: 'survived' });
      deps.logger.error('uncaught socket error; the process goes on', describe(error));
      return;
    }
    counter.inc({ kind: 'uncaught_exception', outcome: 'exited' });
    deps.logger.error('uncaught exception; state unknown, closing the node and exiting', describe(error));
    if (stopping) return deps.exit(1);
    stopping = true;
    setTimeout(() => deps.exit(1), FATAL_SHUTDOWN_MS);
    deps.stop().then(
      () => deps.exit(1),
      (closeError: unknown) => {
        deps.logger.error('closing after an uncaught exception failed', describe(closeError));
        deps.exit(1);
      },
    );
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as NodeJS.ErrnoException).code;
  return { error: `${error.name}: ${error.message}`, ...(code ? { code } : {}), stack: error.stack };
}

/** A write to the process's own output that gives up quietly, and counts, once the stream's reader has gone. */
export type OutputWriter = (line: string) => void;

/**
 * Writes lines to one of the process's own streams until it fails (its reader went away), then drops and counts
 * them (`vigil_process_output_lost_lines_total{stream}`). The stream's error is handled here, so it never reaches the
 * last resort, whose log would go to the same dead stream.
 */
export function guardedOutput(
  stream: NodeJS.WritableStream & { destroyed?: boolean },
  name: 'stdout' | 'stderr',
  metrics: Metrics,
): OutputWriter {
  const lost = metrics.counter(
    'vigil_process_output_lost_lines_total',
    "Lines the process could not write to its own stdout or stderr because the stream's reader had gone",
    ['stream'],
  );
  let gone = false;
  stream.on('error', () => {
    if (!gone) lost.inc({ stream: name });
    gone = true;
  });
  return (line) => {
    if (gone || stream.destroyed === true) {
      lost.inc({ stream: name });
      return;
    }
    stream.write(line);
  };
}
