import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { COMMON, UNIT_ISOLATE, UNIT_TESTS } from './vitest.config.js';

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
    // These files mostly wait on sockets, timers and child processes: two at a time on two cores halves the
    // wall-clock time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        // The unit files share their processes, as in `npm test` (vitest.config.ts says why that holds).
        test: {
          name: 'unit',
          include: UNIT_TESTS,
          exclude: [...COMMON.exclude, ...NEEDS_A_SERVER],
          isolate: UNIT_ISOLATE,
        },
      },
      // Each integration file in a forked process of its own.
      { extends: true, test: { name: 'quick', include: QUICK_INTEGRATION_TESTS } },
    ],
  },
});
