import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** What every test run shares (`npm test` here, `npm run test:fast` in vitest.fast.config.ts). */
export const COMMON = {
  // chDB runs one ClickHouse engine per process, so test files run in forked processes, never threads; files that share
  // a process (the unit and shared projects) run one after the other there, each closing its engine before the next.
  pool: 'forks' as const,
  exclude: ['**/node_modules/**', 'data/**', 'wall/dist/**', 'dist/**'],
  // Budgets, not waits: a case that passes goes on at once. They are sized for `npm test` on a loaded 2-core machine,
  // where three files share the cores with whatever else runs there: at a load average of 30, a case that takes
  // 20 s alone (three node starts in `storage-health.e2e`) took more than a minute, and the setup of `api-matrix`
  // more than two. A case that hangs still fails, only later.
  testTimeout: 180_000,
  hookTimeout: 300_000,
  // Almost every node and harness a test starts makes a new PostgreSQL store: copying one migrated cluster instead
  // of running initdb and every migration each time saves 2–5 s of CPU per store (store/pglite-template.ts). Nodes
  // the tests start inherit it through their environment.
  env: { VIGIL_PGLITE_TEMPLATE_DIR: path.join(tmpdir(), 'vigil-pglite-templates') },
};

/**
 * Files that must have the machine to themselves because they compare times: latency bounds, descriptor
 * budgets, login timings that must not depend on whether a user exists, a heavy query that must not delay
 * others. They run one at a time, after the rest, so that nothing else competes with them and their bounds
 * stay what they claim on a 2-core machine.
 */
export const EXCLUSIVE = [
  'tests/alarm-latency.e2e.test.ts',
  'tests/http-fd-limit.e2e.test.ts',
  'tests/jt808-fd-limit.e2e.test.ts',
  'tests/auth-login.test.ts',
  'tests/jt809-login-throttle.test.ts',
  'tests/sql-sandbox.e2e.test.ts',
  // The event loop's longest gap while a snapshot is written, against what serializing at once blocks: with two other
  // files on the two cores, the process was once not scheduled for 218 ms (bound 157) through no fault of its own.
  'tests/rules-snapshot-stall.test.ts',
];

/**
 * Files that start an Apache Kafka broker (a JVM of about 330 MB, 6–7 CPU-s from start to a group's first read with
 * the test broker's settings in scripts/kafka.sh) and whose failovers wait on Kafka's session timeouts: after the
 * shared files, two at a time beside the unit tests (when first measured: 346 s one at a time, 275 s two at a time
 * on 2 cores; on 2026-12-07 the whole phase, unit files beside, took 206–214 s). Beside the shared files, with
 * Chromium and the accuracy run taking both cores, a failover's alarm was once not stored within its minute.
 */
export const KAFKA_FILES = [
  'stream/log/kafka-log.test.ts',
  'tests/kafka-broker.test.ts',
  'tests/kafka-node.e2e.test.ts',
  'tests/kafka-roles.e2e.test.ts',
  'tests/kafka-stream-failover.e2e.test.ts',
  'tests/kafka-gateway-failover.e2e.test.ts',
  'tests/kafka-centres.e2e.test.ts',
  'tests/kafka-rules-partitions.e2e.test.ts',
  'tests/kafka-driver-handover.e2e.test.ts',
  'tests/kafka-rules-handover.e2e.test.ts',
];

/**
 * The unit tests beside the code: in-process, no server, no node, no browser; about a hundred files of a second or
 * two each, most of it forking a process and importing. `npm test` runs them while the Kafka files run (package.json),
 * whose broker waits on its session timeouts and leaves a core mostly idle, instead of among the shared files, which
 * keep both cores busy. `npm run test:fast` runs them too (vitest.fast.config.ts).
 */
export const UNIT_TESTS = ['{center,cli,ingest,schema,store,stream,wall/src}/**/*.test.ts'];

/**
 * The unit files run one after the other in each of their processes instead of a fresh process each: forking and
 * importing was most of their cost (143 → 87 CPU-s for the hundred files, 2026-12-08). It holds because a unit test
 * puts back what it changes of its process (an environment variable, fake timers) and opens its embedded stores on
 * temporary directories of its own; a unit test that cannot must say so here and move to `tests/`.
 */
export const UNIT_ISOLATE = false;

/**
 * Every other file mostly waits — on sockets, child processes, a PostgreSQL server, Chromium — so several run at
 * once: three on two cores cut the run to about half. Each is still its own forked process with its own
 * temporary directory and loopback ports chosen by the system, so they cannot meet.
 */
const SHARED_WORKERS = Math.max(3, availableParallelism() + 1);

/**
 * The shared files run one after the other in each of their three processes instead of a fresh process each, so that
 * what a file imports (the product, chDB, PGlite, playwright) is loaded once per process, not once per file. Measured
 * on 2026-12-08 on the 56 in-process files of `tests/` (all but the accuracy run and the memory test): 375 → 251 CPU-s;
 * the 65 files that start a node or a browser passed the same way. It holds because a file closes what it opened
 * (its nodes, browsers, servers and embedded stores, each on a temporary directory and a system-chosen port of its
 * own) and puts back what it changes of its process; a file that cannot must say so here and go to `EXCLUSIVE`.
 */
const SHARED_ISOLATE = false;

export default defineConfig({
  test: {
    ...COMMON,
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['**/*.test.ts'],
          exclude: [...COMMON.exclude, ...UNIT_TESTS, ...EXCLUSIVE, ...KAFKA_FILES],
          maxWorkers: SHARED_WORKERS,
          isolate: SHARED_ISOLATE,
          // The nodes of these files keep their accounts on one PostgreSQL server (tests/support/test-postgres.ts).
          globalSetup: ['tests/support/test-postgres.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'kafka',
          include: KAFKA_FILES,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'exclusive',
          include: EXCLUSIVE,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'unit',
          include: UNIT_TESTS,
          exclude: [...COMMON.exclude, ...KAFKA_FILES],
          // Beside the Kafka files' one process: two more on two cores, as in the shared files' three.
          maxWorkers: 2,
          isolate: UNIT_ISOLATE,
          // Last when `vitest run` runs every project in one process; `npm test` runs this one beside the Kafka files.
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
