/**
 * A process that starts a node in-process with its HTTP port already taken (argv: data dir, taken HTTP port,
 * JT/T 808 port), so start-up fails at its last listening step. It prints one JSON line: the step the error
 * names, and whether the JT/T 808 port an earlier step listened on can be bound again. Then it returns without
 * exiting: if anything the node started were still open the process would stay alive, and after a while the
 * unref'd timer prints what is (`process.getActiveResourcesInfo()`) and exits 3. Run by
 * tests/node-start-failure.test.ts.
 */
import net from 'node:net';
import { NodeStartError, startNode } from '../../cli/node.js';
import { createLogger, Metrics } from '../../schema/index.js';

const [dataDir, takenPort, jt808Port] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const LINGER_REPORT_MS = 20_000;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

try {
  await startNode(
    {
      dataDir: dataDir!,
      httpHost: '127.0.0.1',
      httpPort: takenPort,
      jt808Host: '127.0.0.1',
      jt808Port,
      jt809Host: '127.0.0.1',
      jt809Port: 0,
      jt1078Host: '127.0.0.1',
      jt1078LivePort: 0,
      jt1078PlaybackPort: 0,
      attachmentPort: 0,
      logPartitions: 2,
      requireTerminalAuth: false,
      adminPassword: 'correct horse battery staple',
    },
    createLogger((line) => process.stderr.write(line), 'info'),
    new Metrics(),
  );
  process.stdout.write(`${JSON.stringify({ started: true })}\n`);
  process.exit(4);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({
      step: error instanceof NodeStartError ? error.step : null,
      message: String(error instanceof Error ? error.message : error),
      jt808PortFree: await canListen(jt808Port),
    })}\n`,
  );
}
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ stillOpen: process.getActiveResourcesInfo() })}\n`);
  process.exit(3);
}, LINGER_REPORT_MS).unref();
