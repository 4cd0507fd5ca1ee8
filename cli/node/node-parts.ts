/**
 * The node's parts, started one named step at a time and stopped last first. A step that fails during start-up
 * stops every part already started before the error leaves `startNode`, so a refused start leaves no listener,
 * store session or timer behind, and the error names the step.
 */
import type { Logger } from '../../schema/index.js';

/** What a step started: the value later steps use, and how to stop it (nothing to stop when absent). */
export interface Started<T> {
  value: T;
  close?: () => Promise<void> | void;
}

/** Start-up failed at `step`; every part started before it has been stopped. */
export class NodeStartError extends Error {
  override readonly name = 'NodeStartError';
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`start-up failed at step "${step}": ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** One or more parts failed to stop; the others were stopped all the same. */
export class NodeStopError extends Error {
  override readonly name = 'NodeStopError';
  constructor(readonly failures: readonly { step: string; error: unknown }[]) {
    super(
      `stopping failed at ${failures
        .map(({ step, error }) => `step "${step}": ${error instanceof Error ? error.message : String(error)}`)
        .join('; ')}`,
    );
  }
}

export class NodeParts {
  private readonly running: { step: string; close: () => Promise<void> | void }[] = [];

  constructor(private readonly logger: Logger) {}

  /** Runs one step; on failure stops what earlier steps started and throws a NodeStartError naming this one. */
  async start<T>(step: string, begin: () => Promise<Started<T>> | Started<T>): Promise<T> {
    let started: Started<T>;
    try {
      started = await begin();
    } catch (error) {
      this.logger.error('start-up step failed; stopping what started before it', { step, error: String(error) });
      try {
        await this.close();
      } catch (stopError) {
        // The start-up error is what the operator must see; the stop failures are logged by close.
        this.logger.error('stopping after a failed start-up left parts open', { error: String(stopError) });
      }
      throw new NodeStartError(step, error);
    }
    if (started.close) this.running.push({ step, close: started.close });
    return started.value;
  }

  /** The steps started and still running, first started first. */
  steps(): readonly string[] {
    return this.running.map((part) => part.step);
  }

  /**
   * Stops every running part, last started first. A part that fails to stop does not keep the ones before it
   * open; the failures are thrown together at the end. Calling it again stops nothing twice.
   */
  async close(): Promise<void> {
    const failures: { step: string; error: unknown }[] = [];
    for (let part = this.running.pop(); part !== undefined; part = this.running.pop()) {
      try {
        await part.close();
        this.logger.info('part stopped', { step: part.step });
      } catch (error) {
        this.logger.error('part failed to stop', { step: part.step, error: String(error) });
        failures.push({ step: part.step, error });
      }
    }
    if (failures.length > 0) throw new NodeStopError(failures);
  }
}
