/**
 * Command-line flags with their environment variables, defaults and bounds. Every flag can also be given as
 * VIGIL_<NAME> (dashes become underscores). A bad value stops start-up with the flag, the value and the
 * bound; an unknown flag is an error too, so a typo never silently runs with a default.
 *
 * A command declares its flags once, with `defineFlags([...])`: the same list makes its `--help`, is what
 * `parseFlags` reads and checks, and types what it returns (`FlagValues`): an integer flag is a `number`, a
 * boolean a `boolean`, a string with choices the union of its choices, and a flag without a default may be
 * `undefined`. No caller casts a flag's value.
 */
export type FlagValue = string | number | boolean | undefined;

export interface FlagSpec {
  name: string;
  description: string;
  kind: 'string' | 'integer' | 'boolean' | 'url';
  default?: FlagValue;
  min?: number;
  max?: number;
  choices?: readonly string[];
}

export class ConfigError extends Error {}

/** A command's flags, with the literal types of their names, kinds, choices and defaults kept. */
export function defineFlags<const S extends readonly FlagSpec[]>(specs: S): S {
  for (const spec of specs) {
    if (spec.kind === 'integer' && (spec.min === undefined || spec.max === undefined))
      throw new Error(`flag --${spec.name}: an integer flag declares its bounds (min and max)`);
    if (spec.default !== undefined) convert(spec, String(spec.default));
  }
  return specs;
}

/** The value one flag declaration yields. */
export type FlagValueOf<F extends FlagSpec> =
  | (F['kind'] extends 'integer'
      ? number
      : F['kind'] extends 'boolean'
        ? boolean
        : F extends { choices: readonly (infer C)[] }
          ? C
          : string)
  | (F extends { default: string | number | boolean } ? never : undefined);

/** The typed values of a command's flags, by flag name. */
export type FlagValues<S extends readonly FlagSpec[]> = { [F in S[number] as F['name']]: FlagValueOf<F> };

export function envName(flag: string): string {
  return `VIGIL_${flag.toUpperCase().replace(/-/g, '_')}`;
}

export function parseFlags<const S extends readonly FlagSpec[]>(
  specs: S,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { values: FlagValues<S>; positionals: string[] } {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const raw = new Map<string, string | boolean>();
  const positionals: string[] = [];
  for (const spec of specs) {
    const fromEnv = env[envName(spec.name)];
    if (fromEnv !== undefined && fromEnv !== '') raw.set(spec.name, fromEnv);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    let [name, inline] = splitOnce(arg.slice(2), '=');
    let negated = false;
    if (!byName.has(name) && name.startsWith('no-') && byName.get(name.slice(3))?.kind === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = byName.get(name);
    if (!spec) throw new ConfigError(`unknown flag --${name} (see --help)`);
    if (spec.kind === 'boolean') {
      raw.set(name, negated ? false : inline === undefined ? true : inline);
      continue;
    }
    if (inline === undefined) {
      inline = argv[++i];
      if (inline === undefined) throw new ConfigError(`flag --${name} needs a value`);
    }
    raw.set(name, inline);
  }
  const values: Record<string, FlagValue> = {};
  for (const spec of specs) values[spec.name] = convert(spec, raw.get(spec.name));
  // The one place the declarations' types meet the values: each value was made by `convert` from its own
  // declaration (its kind, its choices, its default), which is what `FlagValues` says of it.
  return { values: values as FlagValues<S>, positionals };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function convert(spec: FlagSpec, value: string | boolean | undefined): FlagValue {
  if (value === undefined) return spec.default;
  const where = `--${spec.name} (${envName(spec.name)})`;
  switch (spec.kind) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
      if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
      throw new ConfigError(`${where} value ${JSON.stringify(value)} is not a boolean (true/false)`);
    }
    case 'integer': {
      const text = String(value);
      if (!/^-?\d+$/.test(text)) throw new ConfigError(`${where} value ${JSON.stringify(text)} is not an integer`);
      const n = Number(text);
      if (spec.min !== undefined && n < spec.min)
        throw new ConfigError(`${where} value ${n} is less than min allowed ${spec.min}`);
      if (spec.max !== undefined && n > spec.max)
        throw new ConfigError(`${where} value ${n} is greater than max allowed ${spec.max}`);
      return n;
    }
    case 'url': {
      const text = String(value);
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw new ConfigError(`${where} value ${JSON.stringify(text)} is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ConfigError(`${where} value ${JSON.stringify(text)} must be http:// or https://`);
      return text;
    }
    case 'string': {
      const text = String(value);
      if (spec.choices && !spec.choices.includes(text))
        throw new ConfigError(`${where} value ${JSON.stringify(text)} is not one of ${spec.choices.join(', ')}`);
      return text;
    }
  }
}

export function helpText(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const lines = [`Usage: vigil ${command} [flags]`, '', summary, '', 'Flags (each also as an environment variable):'];
  for (const s of specs) {
    const bounds =
      s.min !== undefined || s.max !== undefined
        ? ` [${s.min ?? ''}..${s.max ?? ''}]`
        : s.choices
          ? ` [${s.choices.join('|')}]`
          : '';
    const def = s.default !== undefined ? ` (default ${String(s.default)})` : '';
    const neg = s.kind === 'boolean' ? `, --no-${s.name}` : '';
    lines.push(`  --${s.name}${neg}${bounds}${def}`, `      ${s.description}  [${envName(s.name)}]`);
  }
  return lines.join('\n');
}
