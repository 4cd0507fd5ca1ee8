/**
 * The flag declarations: one list per command makes its `--help`, is what parsing checks, and types the values.
 * Every command's help names every flag with its default and its bounds; a value out of bounds, of the wrong
 * kind or not among the choices is refused naming the flag, the value and the bound.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { BENCH_FLAGS, BENCH_SUMMARY } from './commands/bench.js';
import { GENERATE_FLAGS, GENERATE_SUMMARY } from './commands/generate.js';
import { REPLAY_FLAGS, REPLAY_SUMMARY } from './commands/replay.js';
import { ConfigError, defineFlags, envName, helpText, parseFlags, type FlagSpec } from './flags.js';
import { START_FLAGS } from './start-flags.js';

const FLAGS = defineFlags([
  { name: 'port', kind: 'integer', default: 8080, min: 1, max: 65535, description: 'a port' },
  { name: 'count', kind: 'integer', min: 0, max: 10, description: 'how many, no default' },
  { name: 'level', kind: 'string', default: 'info', choices: ['info', 'warn'], description: 'a level' },
  { name: 'name', kind: 'string', description: 'a name, no default' },
  { name: 'fast', kind: 'boolean', default: false, description: 'go fast' },
  { name: 'url', kind: 'url', description: 'a URL' },
]);

function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseFlags(FLAGS, argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('flag declarations', () => {
  it('type the parsed values from the declaration', () => {
    const { values, positionals } = parseFlags(FLAGS, ['--port', '9000', '--level=warn', '--fast', 'x'], {});
    expect(values).toEqual({
      port: 9000,
      count: undefined,
      level: 'warn',
      name: undefined,
      fast: true,
      url: undefined,
    });
    expect(positionals).toEqual(['x']);
    expectTypeOf(values.port).toEqualTypeOf<number>();
    expectTypeOf(values.count).toEqualTypeOf<number | undefined>();
    expectTypeOf(values.level).toEqualTypeOf<'info' | 'warn'>();
    expectTypeOf(values.name).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.fast).toEqualTypeOf<boolean>();
    expectTypeOf(values.url).toEqualTypeOf<string | undefined>();
  });

  it('take defaults, then the environment, then the command line', () => {
    expect(parseFlags(FLAGS, [], {}).values.port).toBe(8080);
    expect(parseFlags(FLAGS, [], { VIGIL_PORT: '81' }).values.port).toBe(81);
    expect(parseFlags(FLAGS, ['--port=82'], { VIGIL_PORT: '81' }).values.port).toBe(82);
    expect(parseFlags(FLAGS, ['--no-fast'], { VIGIL_FAST: 'true' }).values.fast).toBe(false);
  });

  it('refuse a bad value naming the flag, its variable, the value and the bound', () => {
    expect(refusal(['--port', '0'])).toBe('--port (VIGIL_PORT) value 0 is less than min allowed 1');
    expect(refusal(['--port', '65536'])).toBe('--port (VIGIL_PORT) value 65536 is greater than max allowed 65535');
    expect(refusal([], { VIGIL_COUNT: '11' })).toBe('--count (VIGIL_COUNT) value 11 is greater than max allowed 10');
    expect(refusal(['--port', '1.5'])).toBe('--port (VIGIL_PORT) value "1.5" is not an integer');
    expect(refusal(['--level', 'loud'])).toBe('--level (VIGIL_LEVEL) value "loud" is not one of info, warn');
    expect(refusal(['--fast=maybe'])).toBe('--fast (VIGIL_FAST) value "maybe" is not a boolean (true/false)');
    expect(refusal(['--url', 'ftp://x'])).toBe('--url (VIGIL_URL) value "ftp://x" must be http:// or https://');
    expect(refusal(['--prot', '1'])).toBe('unknown flag --prot (see --help)');
    expect(refusal(['--name'])).toBe('flag --name needs a value');
  });

  it('refuse a declaration whose integer has no bounds or whose default breaks them', () => {
    expect(() => defineFlags([{ name: 'n', kind: 'integer', min: 0, description: 'n' }])).toThrow(/bounds/);
    expect(() => defineFlags([{ name: 'n', kind: 'integer', default: 5, min: 0, max: 3, description: 'n' }])).toThrow(
      ConfigError,
    );
  });
});

/** Each command's declared flags and the help made from them. */
const COMMANDS: [string, string, readonly FlagSpec[]][] = [
  ['start', 'Start a Vigil node.', START_FLAGS],
  ['generate', GENERATE_SUMMARY, GENERATE_FLAGS],
  ['replay DIR', REPLAY_SUMMARY, REPLAY_FLAGS],
  ['bench', BENCH_SUMMARY, BENCH_FLAGS],
  ['test', 'a test command', FLAGS],
];

describe.each(COMMANDS)('vigil %s --help', (command, summary, flags) => {
  const help = helpText(command, summary, flags);
  const lines = help.split('\n');

  it('lists every flag with its variable, default and bounds', () => {
    for (const flag of flags) {
      const at = lines.findIndex(
        (line) => line.startsWith(`  --${flag.name}`) && !line.startsWith(`  --${flag.name}-`),
      );
      expect(at, `--${flag.name}`).toBeGreaterThan(0);
      const line = lines[at];
      if (flag.default !== undefined) expect(line, flag.name).toContain(`(default ${String(flag.default)})`);
      if (flag.kind === 'integer') expect(line, flag.name).toContain(`[${flag.min}..${flag.max}]`);
      if (flag.choices) expect(line, flag.name).toContain(`[${flag.choices.join('|')}]`);
      if (flag.kind === 'boolean') expect(line, flag.name).toContain(`--no-${flag.name}`);
      expect(lines[at + 1], flag.name).toContain(flag.description);
      expect(lines[at + 1], flag.name).toContain(`[${envName(flag.name)}]`);
    }
  });

  it('refuses an out-of-bounds value of each integer flag, naming it', () => {
    for (const flag of flags.filter((f) => f.kind === 'integer')) {
      const over = String((flag.max ?? 0) + 1);
      expect(() => parseFlags(flags, [`--${flag.name}`, over], {}), flag.name).toThrow(
        `--${flag.name} (${envName(flag.name)}) value ${over} is greater than max allowed ${flag.max}`,
      );
    }
  });
});
