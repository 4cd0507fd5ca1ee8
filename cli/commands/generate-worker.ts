/**
 * Worker thread of `vigil generate --workers N`: plans the run once, then simulates and encodes the chunks of
 * vehicles it is sent, in the order sent. The main thread writes them in vehicle order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  encodeVehicle,
  planTraffic,
  type EncodedVehicle,
  type TrafficOptions,
} from '../../fixtures/generator/index.js';
import { encodeTerminalMessage } from './wire-codec.js';

export interface ChunkRequest {
  id: number;
  from: number;
  to: number;
}

export type ChunkReply =
  { id: number; ok: true; vehicles: EncodedVehicle[] } | { id: number; ok: false; error: string };

const plan = planTraffic(workerData as TrafficOptions);

parentPort!.on('message', ({ id, from, to }: ChunkRequest) => {
  try {
    const vehicles: EncodedVehicle[] = [];
    const transfer: ArrayBuffer[] = [];
    for (let i = from; i < to; i++) {
      const v = encodeVehicle(plan, i, encodeTerminalMessage);
      // Small blocks are cut from Node's shared buffer pool: copy each into its own buffer, then hand it over.
      const block = new Uint8Array(v.block);
      transfer.push(block.buffer);
      vehicles.push({ ...v, block });
    }
    parentPort!.postMessage({ id, ok: true, vehicles } satisfies ChunkReply, transfer);
  } catch (error) {
    parentPort!.postMessage({ id, ok: false, error: (error as Error).stack ?? String(error) } satisfies ChunkReply);
  }
});
