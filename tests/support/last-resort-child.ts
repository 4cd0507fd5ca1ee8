/**
 * A process with Vigil's last resort installed (cli/last-resort.ts) that fails the way argv[2] says, then prints
 * its metrics and `alive` if it is still running; run by tests/last-resort.test.ts.
 */
import { installLastResort } from '../../cli/last-resort.js';
import { createLogger, Metrics } from '../../schema/index.js';

const metrics = new Metrics();
installLastResort({
  logger: createLogger((line) => process.stderr.write(line), 'info'),
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
// Still here after the failure had its turn (the rejection's at the end of this tick, the throws' in the first
// check phase, an exit in the microtasks right after): say so, with what was counted.
setImmediate(() =>
  setImmediate(() => {
    process.stdout.write(`${metrics.render()}alive\n`);
    process.exit(0);
  }),
);
