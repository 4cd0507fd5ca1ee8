/**
 * A fingerprint of the accuracy run's verdicts: the SHA-256 of every alarm and of every label (each sorted, as
 * JSON), with the run's counts and CPU time. Two versions of the engine that give the same hashes judged the same
 * traffic the same way, which is what a change meant only to make the engine faster must show.
 *
 *   npx tsx bench/accuracy/verdict-hash.ts [vehicles 1000] [workers 0]
 *
 * The traffic is that of tests/rules-accuracy-scale.test.ts: 24 h from 2026-11-02 03:00 China time, seed 20261128,
 * groups of 100 vehicles. Run it in the checkout to measure (e.g. the commit before a change and after).
 */
import { createHash } from 'node:crypto';
import { formatAccuracy } from '../../fixtures/generator/index.js';
import { runAccuracyAtScale } from './scale-run.js';

const vehicles = Number(process.argv[2] ?? 1_000);
const workers = Number(process.argv[3] ?? 0);
const cpuBefore = process.cpuUsage();
const run = await runAccuracyAtScale({
  vehicles,
  hours: 24,
  seed: 20_261_128,
  startMs: Date.parse('2026-11-02T03:00:00+08:00'),
  workers,
  groupVehicles: 100,
});
const cpu = process.cpuUsage(cpuBefore);
const sha256 = (rows: readonly unknown[]): string =>
  createHash('sha256')
    .update(
      rows
        .map((row) => JSON.stringify(row))
        .sort()
        .join('\n'),
    )
    .digest('hex');
console.log(formatAccuracy(run.match));
console.log(
  `positions ${run.positions} camera ${run.cameraEvents} statuses ${run.deviceStatuses} ` +
    `alarms ${run.alarms.length} ${sha256(run.alarms)} labels ${run.labels.length} ${sha256(run.labels)}`,
);
// CPU of the whole process, worker threads included.
console.log(
  `elapsed ${(run.elapsedMs / 1000).toFixed(1)} s, cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (process)`,
);
