/** Worker thread of `runAccuracyAtScale`: plans the run once, then runs the vehicle groups it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { planTraffic, type TrafficOptions } from '../../fixtures/generator/index.js';
import { runGroup } from './shard.js';

const plan = planTraffic(workerData as TrafficOptions);
const deviceIndex = new Map(plan.network.devices.map((d, i) => [d.device_id, i]));

parentPort!.on('message', (group: { from: number; to: number }) => {
  try {
    const result = runGroup(plan, group.from, group.to, deviceIndex);
    parentPort!.postMessage({ ok: true, result }, [result.sightings.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: (error as Error).stack ?? String(error) });
  }
});
