/**
 * A process with Vigil's last resort installed (cli/last-resort.ts) that fails the way argv[2] says, then prints
 * its metrics and `alive` if it is still running; run by tests/last-resort.test.ts.
 */
import { guardedOutput, installLastResort } from '../../cli/last-resort.js';
import { createLogger, Metrics } from '../../schema/index.js';

const metrics = new Metrics();
const logger = createLogger(guardedOutput(process.stderr, 'stderr', metrics), 'info');
installLastResort({
  logger,
  metrics,
  stop: async () => {
    process.stdout.write('stopped\n');
  },
  exit: (code) => process.exit(code),
});

function socketError(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' });
}

switch (process.argv[2]) {
  case 'rejection':
    void Promise.reject(new Error('nobody awaited this'));
    break;
  case 'socket-error':
    setImmediate(() => {
      throw socketError();
    });
    break;
  case 'bug':
    setImmediate(() => {
      (undefined as unknown as { field: number }).field++;
    });
    break;
}
/** Still here after the failure had its turn: say so, with what was counted. */
function reportAlive(): void {
  process.stdout.write(`${metrics.render()}alive\n`);
  process.exit(0);
}

if (process.argv[2] === 'stderr-gone') {
  // One line for the parent to see, then, once it says it has closed its end of stderr, a hundred more log lines
  // into the closed pipe, a turn of the event loop apart, so that each write's failure has its turn.
  logger.info('logging to stderr');
  process.stdin.once('data', async () => {
    for (let i = 0; i < 100; i++) {
      logger.info('a line nobody reads', { i });
      await new Promise((resolve) => setImmediate(resolve));
    }
    reportAlive();
  });
} else
  // Still here after the failure had its turn (the rejection's at the end of this tick, the throws' in the first
  // check phase, an exit in the microtasks right after): say so, with what was counted.
  setImmediate(() => setImmediate(reportAlive));
