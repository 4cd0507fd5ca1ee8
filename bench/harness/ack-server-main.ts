/** Runs the baseline acknowledging server in its own process and prints `{"port":N}` once listening. */
import { startAckServer } from './ack-server.js';

const server = await startAckServer(0);
console.log(JSON.stringify({ port: server.port }));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
