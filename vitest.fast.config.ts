import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { COMMON, UNIT_TESTS } from './vitest.config.js';

/**
 * `npm run test:fast`: the unit tests beside the code and the quick integration tests of `tests/` (in-process,
 * no browser, no PostgreSQL server, no Kafka broker, no `vigil start`, each file under about 10 s). Everything
 * else runs only in `npm test`. Listed here and nowhere else; CONTRIBUTING.md says what each tier runs.
 */
const QUICK_INTEGRATION_TESTS = [
  'tests/jt808-read-batch.test.ts',
  'tests/jt808-rsa.test.ts',
  'tests/jt808-wire-faults.test.ts',
  'tests/jt809-sub-link.test.ts',
  'tests/last-resort.test.ts',
  'tests/replay-lockstep.test.ts',
  'tests/rules-config.test.ts',
  'tests/rules-device-offline-short-run.test.ts',
  'tests/rules-engine.test.ts',
  'tests/rules-runner.test.ts',
  'tests/rules-scenarios.test.ts',
  'tests/rules-drivers.test.ts',
  'tests/rules-driver-handover.test.ts',
  'tests/rules-zones.test.ts',
  'tests/traffic-generate-workers.test.ts',
  'tests/traffic-generator.test.ts',
  'tests/traffic-labels.test.ts',
  'tests/upload-templates.test.ts',
];

/** Needs a Kafka broker (scripts/kafka.sh). */
const NEEDS_A_SERVER = ['stream/log/kafka-log.test.ts'];

export default defineConfig({
  test: {
    ...COMMON,
    include: [...UNIT_TESTS, ...QUICK_INTEGRATION_TESTS],
    exclude: [...COMMON.exclude, ...NEEDS_A_SERVER],
    // These files mostly wait on sockets, timers and child processes: two at a time on two cores halves the
    // wall-clock time. Each is still its own forked process (one chDB engine per process).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
