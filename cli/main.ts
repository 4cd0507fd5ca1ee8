/**
 * `vigil`: the command line. `vigil start` runs a node; `vigil help` lists the commands.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createLogger, Metrics, type LogLevel } from '../schema/index.js';
import { DemoTraffic, DEMO_DEFAULTS } from './demo/demo-traffic.js';
import { ConfigError, helpText, parseFlags, type FlagSpec } from './flags.js';
import { startNode } from './node.js';

const START_FLAGS: readonly FlagSpec[] = [
  { name: 'data-dir', kind: 'string', default: './data', description: 'where the embedded ClickHouse (chDB) and PostgreSQL (PGlite) keep their files' },
  { name: 'http-host', kind: 'string', default: '0.0.0.0', description: 'address the API, wall and feed listen on' },
  { name: 'http-port', kind: 'integer', default: 8080, min: 0, max: 65535, description: 'port of the API, /metrics, the wall and the WebSocket feed (0 = any free port)' },
  { name: 'jt808-host', kind: 'string', default: '0.0.0.0', description: 'address the JT/T 808 gateway listens on' },
  { name: 'jt808-port', kind: 'integer', default: 6808, min: 0, max: 65535, description: 'JT/T 808 TCP port for GPS terminals (0 = any free port)' },
  { name: 'clickhouse-url', kind: 'url', description: 'a ClickHouse server (http://user:pass@host:8123/db) instead of the embedded chDB' },
  { name: 'demo', kind: 'boolean', default: false, description: 'drive simulated vehicles into this node over JT/T 808' },
  { name: 'demo-vehicles', kind: 'integer', default: DEMO_DEFAULTS.vehicles, min: 1, max: 20_000, description: 'simulated vehicles of the demo' },
  { name: 'require-terminal-auth', kind: 'boolean', default: true, description: 'refuse terminal data before 0x0102 authentication' },
  { name: 'log-partitions', kind: 'integer', default: 8, min: 1, max: 256, description: 'partitions of each topic of the embedded event log' },
  { name: 'log-level', kind: 'string', default: 'info', choices: ['debug', 'info', 'warn', 'error'], description: 'least severe log level written to stderr' },
  { name: 'admin-password', kind: 'string', description: 'password of the province admin created at first start (default: generated and printed once)' },
];

const COMMANDS: Record<string, string> = {
  start: 'Start a Vigil node: JT/T 808 gateway, rules, API, wall and feed, embedded by default.',
  help: 'Show this help, or `vigil help <command>`.',
};

function usage(): string {
  return ['Usage: vigil <command> [flags]', '', 'Commands:', ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(8)} ${d}`), '', 'Run `vigil <command> --help` for its flags.'].join('\n');
}

async function start(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText('start', COMMANDS.start, START_FLAGS));
    return;
  }
  const { values, positionals } = parseFlags(START_FLAGS, argv, process.env);
  if (positionals.length > 0) throw new ConfigError(`unexpected argument ${JSON.stringify(positionals[0])} (see vigil start --help)`);
  const logger = createLogger((line) => process.stderr.write(line), values['log-level'] as LogLevel);
  const metrics = new Metrics();
  const dataDir = path.resolve(values['data-dir'] as string);
  mkdirSync(dataDir, { recursive: true });
  const startedAt = performance.now();
  const node = await startNode(
    {
      dataDir,
      httpHost: values['http-host'] as string,
      httpPort: values['http-port'] as number,
      jt808Host: values['jt808-host'] as string,
      jt808Port: values['jt808-port'] as number,
      clickhouseUrl: values['clickhouse-url'] as string | undefined,
      adminPassword: (values['admin-password'] as string | undefined) ?? undefined,
      logPartitions: values['log-partitions'] as number,
      requireTerminalAuth: values['require-terminal-auth'] as boolean,
    },
    logger,
    metrics,
  );
  const startupMs = Math.round(performance.now() - startedAt);
  const host = (values['http-host'] as string) === '0.0.0.0' ? 'localhost' : (values['http-host'] as string);
  const base = `http://${host}:${node.httpPort}`;
  const ready = { event: 'ready', http_port: node.httpPort, jt808_port: node.jt808Port, startup_ms: startupMs, wall_url: `${base}/wall?token=${node.wallToken}` };
  console.log(`Vigil is running (started in ${startupMs} ms, data in ${dataDir})`);
  console.log(`  Video wall:   ${ready.wall_url}`);
  console.log(`  Duty console: ${base}/console`);
  console.log(`  API:          ${base}/api   (health: ${base}/api/health, metrics: ${base}/metrics)`);
  console.log(`  JT/T 808:     tcp://${host}:${node.jt808Port}`);
  if (node.generatedAdminPassword) console.log(`  First start: user "admin", password "${node.generatedAdminPassword}" (shown once; set VIGIL_ADMIN_PASSWORD to choose it)`);
  console.log(JSON.stringify(ready));

  let demo: DemoTraffic | undefined;
  if (values.demo) {
    demo = new DemoTraffic({ ...DEMO_DEFAULTS, host: '127.0.0.1', port: node.jt808Port, vehicles: values['demo-vehicles'] as number }, logger.child({ component: 'demo' }));
    demo.start().catch((error: unknown) => logger.error('demo traffic failed', { error: String(error) }));
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    demo?.stop();
    node.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      if (rest[0] === 'start') console.log(helpText('start', COMMANDS.start, START_FLAGS));
      else console.log(usage());
      return;
    default:
      throw new ConfigError(`unknown command ${JSON.stringify(command)}\n\n${usage()}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`vigil: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
