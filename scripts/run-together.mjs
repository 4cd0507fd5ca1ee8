#!/usr/bin/env node
/**
 * Runs npm scripts at the same time and fails if any fails: `node scripts/run-together.mjs typecheck lint build`.
 *
 * `npm test`'s checks (types, lint, the builds) each use about one core, so on a 2-core machine running them side
 * by side saves about a minute over one after the other. Each script's output is held and printed whole when it
 * ends, under its name and duration, so that an error reads as it would alone.
 */
import { npmBin, runCommand } from './run-command.mjs';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  process.stderr.write('usage: node scripts/run-together.mjs <npm script>...\n');
  process.exit(2);
}

const results = await Promise.all(
  scripts.map((script) =>
    runCommand(npmBin('npm'), ['run', '--silent', script], { held: true, label: `npm run ${script}` }),
  ),
);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
