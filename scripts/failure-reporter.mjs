/**
 * A vitest reporter that writes what failed in a run to the JSON file `VIGIL_TEST_FAILURES_FILE` names, for the
 * summary `scripts/test-phases.mjs` prints at the end of `npm test`: every failed test, every failed hook of a
 * suite or a file, every file that could not run, and every error thrown outside any test, each with its message.
 *
 * vitest's own JSON report was tried first: it keeps a timed-out test's stack without its message and has no
 * place for a `beforeAll` that failed, which are the two failures a loaded machine gives most.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** An error as the summary prints it: the message, then the stack's first frames inside the project. */
function describe(error) {
  const message = error?.message ?? String(error);
  const frames = (error?.stack ?? '')
    .split('\n')
    .filter((line) => line.trim().startsWith('at ') && !line.includes('node_modules') && !line.includes('node:'))
    .slice(0, 2);
  return [message, ...frames.map((line) => line.trim())].join('\n');
}

export default class FailureReporter {
  onTestRunEnd(testModules, unhandledErrors) {
    const file = process.env.VIGIL_TEST_FAILURES_FILE;
    if (!file) return;
    const failures = [];
    const push = (module, what, errors) => {
      for (const error of errors) {
        failures.push({ file: path.relative(process.cwd(), module.moduleId), what, error: describe(error) });
      }
    };
    for (const module of testModules) {
      push(module, '(the file: an error outside its tests, or a hook of the file)', module.errors());
      for (const suite of module.children.allSuites()) {
        push(module, `${suite.fullName} (a hook of the suite)`, suite.errors());
      }
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'failed') push(module, test.fullName, result.errors ?? []);
      }
    }
    for (const error of unhandledErrors) {
      failures.push({ file: '(outside any file)', what: 'an unhandled error', error: describe(error) });
    }
    writeFileSync(file, JSON.stringify(failures));
  }
}
