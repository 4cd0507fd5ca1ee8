/**
 * A benchmark's flags, declared and checked as the CLI's are (`cli/flags.ts`): one `defineFlags` list types the
 * values (an integer is a `number`, bounded), refuses an unknown flag or a value out of bounds naming flag, value and
 * bound, and makes `--help`. Each flag may also be given as its VIGIL_<NAME> environment variable, as the CLI's.
 */
import { ConfigError, helpText, parseFlags, type FlagSpec, type FlagValues } from '../cli/flags.js';

export { defineFlags } from '../cli/flags.js';

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
