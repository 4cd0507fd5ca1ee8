/**
 * A real single-node Kafka (KRaft) for tests: `scripts/kafka.sh start` in a temp dir, ready once it answers a
 * Metadata request naming itself as a broker, stopped and removed by the suite that started it. When the jars
 * are missing the start fails with what to run: a suite that claims to test against Kafka must never pass
 * without one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaMetadata } from './kafka-wire.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'kafka.sh');
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const PROBE_INTERVAL_MS = 200;

export interface KafkaBroker {
  /** `host:port` of the broker's listener, for `--kafka-brokers`. */
  brokers: string;
  host: string;
  port: number;
  /** The broker's own log (log4j2), for failure messages. */
  log(): string;
  /** The broker's `log.dirs`: one directory per topic partition (`<topic>-<n>`) holding its segment files. */
  dataDir: string;
  /** Stops the broker (SIGTERM, then SIGKILL after a bound) and removes its store. */
  stop(): Promise<void>;
}

function jarsReady(): boolean {
  const cache = process.env.VIGIL_KAFKA_CACHE ?? path.join(homedir(), '.cache', 'vigil', 'kafka-4.4.0');
  return existsSync(path.join(cache, '.complete'));
}

/**
 * How many times a start is made when the broker could not bind its ports: `scripts/kafka.sh` picks free ports and
 * closes them before the JVM binds them, and a process started meanwhile (another file's node binding port 0) may
 * have been given one of them.
 */
const BIND_ATTEMPTS = 3;

export async function startKafkaBroker(): Promise<KafkaBroker> {
  if (!jarsReady()) {
    const where = process.env.CI ? 'CI must fetch them (.ci/run does)' : 'run `scripts/kafka.sh fetch` once';
    throw new Error(`Kafka's jars are not in the cache; ${where}`);
  }
  if (spawnSync('java', ['-version']).status !== 0) throw new Error('java not found: a JRE 17+ runs the test broker');
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === BIND_ATTEMPTS) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(): Promise<KafkaBroker> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-kafka-'));
  // `start` execs the JVM, so this child is the broker itself and signals reach it.
  const child: ChildProcess = spawn('bash', [SCRIPT, 'start', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const serverLog = (): string => {
    try {
      return readFileSync(path.join(dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
      await Promise.race([exited, timer]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let lastError = 'no answer yet';
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const why = `the Kafka broker exited before ready:\n${stderr}\n${serverLog().slice(-4_000)}`;
        throw /Failed to bind|Address already in use/.test(serverLog()) ? new PortTakenError(why) : new Error(why);
      }
      if (Date.now() > deadline)
        throw new Error(
          `the Kafka broker was not ready in ${START_TIMEOUT_MS} ms (${lastError}):\n${serverLog().slice(-4_000)}`,
        );
      const match = /^VIGIL_KAFKA_BROKERS=([\d.]+):(\d+)$/m.exec(stdout);
      if (match) {
        const host = match[1];
        const port = Number(match[2]);
        try {
          const metadata = await kafkaMetadata(host, port, PROBE_INTERVAL_MS * 5);
          if (metadata.brokers.some((b) => b.port === port))
            return { brokers: `${host}:${port}`, host, port, log: serverLog, dataDir: path.join(dir, 'data'), stop };
          lastError = 'metadata names no broker yet';
        } catch (error) {
          lastError = (error as Error).message;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
