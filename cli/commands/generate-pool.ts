/**
 * Worker threads for `vigil generate`: each plans the run and produces chunks of encoded vehicles on request.
 * A chunk goes to the worker with the fewest chunks outstanding; the generator bounds how many are in flight.
 */
import type { Worker } from 'node:worker_threads';
import type { EncodedVehicle, ProduceVehicles, TrafficOptions } from '../../fixtures/generator/index.js';
import type { ChunkReply } from './generate-worker.js';
import { startTsWorker } from './ts-worker.js';

export const GENERATE_WORKERS_MAX = 64;
/**
 * V8 old space of each worker, MB: a worker holds the run's plan and one chunk at a time (a few MB), and V8
 * otherwise lets garbage grow to hundreds of MB per thread before collecting it.
 */
export const GENERATE_WORKER_HEAP_MB_MAX = 128;

interface Pending {
  resolve: (vehicles: EncodedVehicle[]) => void;
  reject: (error: Error) => void;
}

export class GeneratePool {
  private readonly workers: { worker: Worker; pending: Map<number, Pending> }[];
  private nextId = 0;
  private failure: Error | undefined;

  constructor(count: number, traffic: TrafficOptions) {
    if (!Number.isInteger(count) || count < 1 || count > GENERATE_WORKERS_MAX)
      throw new RangeError(`workers value ${count} is not an integer in [1, ${GENERATE_WORKERS_MAX}]`);
    this.workers = Array.from({ length: count }, () => {
      const worker = startTsWorker(new URL('./generate-worker.ts', import.meta.url), {
        workerData: traffic,
        resourceLimits: { maxOldGenerationSizeMb: GENERATE_WORKER_HEAP_MB_MAX },
      });
      const slot = { worker, pending: new Map<number, Pending>() };
      worker.on('message', (reply: ChunkReply) => {
        const p = slot.pending.get(reply.id);
        if (!p) return;
        slot.pending.delete(reply.id);
        if (reply.ok) p.resolve(reply.vehicles);
        else p.reject(new Error(`generate worker failed: ${reply.error}`));
      });
      const fail = (error: Error): void => {
        this.failure ??= error;
        for (const p of slot.pending.values()) p.reject(error);
        slot.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`generate worker exited with code ${code}`)));
      return slot;
    });
  }

  readonly produce: ProduceVehicles = (from, to) => {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<EncodedVehicle[]>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, from, to });
    });
  };

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
