/**
 * A benchmark's flags, declared and checked as the CLI's are (`cli/flags.ts`): one `defineFlags` list types the
 * values (an integer is a `number`, bounded), refuses an unknown flag or a value out of bounds naming flag, value and
 * bound, and makes `--help`. Each flag may also be given as its VIGIL_<NAME> environment variable, as the CLI's.
 */
import { ConfigError, defineFlags, helpText, parseFlags, type FlagSpec, type FlagValues } from '../cli/flags.js';

export { defineFlags };

/**
 * The JT/T 808 load of the Kafka benchmarks (bench/kafka-roles.ts, bench/kafka-partitions.ts): terminals in a load
 * client keeping a window of 0x0200 frames in flight each, and terminals sampled for the alarm latency.
 */
export const KAFKA_LOAD_FLAGS = defineFlags([
  { name: 'terminals', description: 'terminals of the load', kind: 'integer', default: 200, min: 1, max: 100_000 },
  {
    name: 'window',
    description: '0x0200 frames in flight per terminal',
    kind: 'integer',
    default: 4,
    min: 1,
    max: 256,
  },
  { name: 'seconds', description: 'length of the measured load', kind: 'integer', default: 10, min: 1, max: 3_600 },
  {
    name: 'alarm-samples',
    description: 'terminals whose alarm latency is sampled',
    kind: 'integer',
    default: 20,
    min: 0,
    max: 1_000,
  },
]);

/**
 * The values of `specs` from this process's command line; `--help` prints them and exits, a bad flag exits 2 with
 * its message. `script` is the benchmark's path from the repository root (`bench/kafka-roles.ts`).
 */
export function benchFlags<const S extends readonly FlagSpec[]>(
  script: string,
  summary: string,
  specs: S,
): FlagValues<S> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    // helpText names a `vigil` command; a benchmark is run by its script.
    const [, ...rest] = helpText('', summary, specs).split('\n');
    console.log([`Usage: npx tsx ${script} [flags]`, ...rest].join('\n'));
    process.exit(0);
  }
  try {
    return parseFlags(specs, argv, process.env).values;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${script}: ${error.message}`);
    process.exit(2);
  }
}
