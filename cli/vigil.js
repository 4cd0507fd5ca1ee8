#!/usr/bin/env node
/**
 * The `vigil` executable. It runs the node's `main` — compiled in dist/ when that build is current, otherwise
 * `cli/main.ts` through tsx (cli/entry-point.js) — in a Node process started with the V8 flags Vigil is tuned for,
 * which can only be given when a process starts:
 *
 * - `--max-semi-space-size=64` (MB): the gateway, the log and the sinks make short-lived objects for every frame
 *   and row; with V8's default young generation they are scavenged so often that collection took about half of
 *   the main thread in the durable path. 64 MB semi-spaces gave 15–20 % more acknowledged JT/T 808 frames per
 *   second end to end (bench/README.md, "Young generation"), for at most a few hundred MB of address space.
 *
 * - `UV_THREADPOOL_SIZE=64` in its environment (cli/entry-point.js, `THREADPOOL_SIZE`): on Kafka, node-rdkafka's
 *   polls hold libuv's pool threads while they wait, and with the default four nothing else that needs the pool
 *   (file writes, chDB, password hashing) gets a turn.
 *
 * A flag the operator already set (on this command line's node or in NODE_OPTIONS), or UV_THREADPOOL_SIZE in the
 * environment, wins over these defaults.
 * Signals are passed on and the exit code is the command's own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { entryPoint, tunedEnvironment } from './entry-point.js';

const TUNED_FLAGS = ['--max-semi-space-size=64'];

const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
const flags = TUNED_FLAGS.filter((flag) => !given.includes(flag.split('=')[0]));
const entry = entryPoint(fileURLToPath(new URL('..', import.meta.url)));
if (entry.stale)
  process.stderr.write(
    'vigil: dist/ is older than the sources, running from source (npm run build:node compiles it)\n',
  );
const loader = entry.compiled ? [] : ['--import', import.meta.resolve('tsx')];
const child = spawn(
  process.execPath,
  [...process.execArgv, ...flags, ...loader, entry.script, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: tunedEnvironment(process.env),
  },
);

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // A terminal's Ctrl-C reaches both processes; the command shuts itself down and this one waits for it.
  process.on(signal, () => {
    if (signal !== 'SIGINT') child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so that whoever started `vigil` sees what happened to it.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
