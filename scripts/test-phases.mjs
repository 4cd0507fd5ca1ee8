#!/usr/bin/env node
/**
 * `npm run test:vitest`: the test files in their three phases (vitest.config.ts says why there are three), then one
 * summary of every phase and every failed test with the first lines of its error.
 *
 * A full run prints tens of thousands of lines, and a CI log is often read from its end only. Without the summary a
 * failure in the first phase was out of sight under the two phases that passed after it.
 *
 *   phase 1: the shared files
 *   phase 2: the Kafka files beside the unit files, each project's output printed whole when it ends
 *   phase 3: the exclusive files, one at a time
 *
 * Every phase runs even when an earlier one failed, so one run shows every failure. Each writes vitest's JSON report
 * next to its usual output, into a temporary directory; the summary is read from those reports.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const reports = mkdtempSync(path.join(tmpdir(), 'vigil-test-phases-'));
const report = (name) => path.join(reports, `${name}.json`);
const vitest = (project) => [
  'vitest',
  'run',
  '--project',
  project,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report(project)}`,
];

/**
 * Runs a command, resolving to its exit code and duration. With `held`, its output is kept and printed whole when it
 * ends, under its name, so that two commands run side by side do not interleave their lines.
 */
function run(command, args, held = false) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    const chunks = [];
    child.stdout?.on('data', (d) => chunks.push(d));
    child.stderr?.on('data', (d) => chunks.push(d));
    const end = (code) => {
      const seconds = (Date.now() - started) / 1000;
      if (held)
        process.stdout.write(
          `\n── ${args.join(' ')}: exit ${code} in ${seconds.toFixed(1)} s\n${Buffer.concat(chunks)}`,
        );
      resolve({ code, seconds });
    };
    child.on('error', (error) => {
      chunks.push(Buffer.from(`${command}: ${error.message}\n`));
      end(127);
    });
    child.on('close', (code, signal) => end(code ?? (signal ? 128 : 1)));
  });
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const phases = [];
phases.push({ name: 'shared files', projects: ['shared'], ...(await run(npx, vitest('shared'))) });
{
  const started = Date.now();
  const both = await Promise.all([run(npx, vitest('kafka'), true), run(npx, vitest('unit'), true)]);
  phases.push({
    name: 'Kafka files beside the unit files',
    projects: ['kafka', 'unit'],
    code: both.find((r) => r.code !== 0)?.code ?? 0,
    seconds: (Date.now() - started) / 1000,
  });
}
phases.push({ name: 'exclusive files', projects: ['exclusive'], ...(await run(npx, vitest('exclusive'))) });

/** Every failed test (or file that failed outside its tests) in one project's JSON report. */
function failures(project) {
  let json;
  try {
    json = JSON.parse(readFileSync(report(project), 'utf8'));
  } catch (error) {
    return [{ file: `(no report from the ${project} project: ${error.code ?? error.message})`, test: '', error: '' }];
  }
  const found = [];
  for (const file of json.testResults ?? []) {
    const relative = path.relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failed)
      found.push({ file: relative, test: t.fullName, error: (t.failureMessages ?? []).join('\n') });
    if (failed.length === 0 && file.status === 'failed')
      found.push({ file: relative, test: '(the file itself)', error: file.message ?? '' });
  }
  return found;
}

const firstLines = (text, n) =>
  text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, n)
    .map((line) => `      ${line.slice(0, 300)}`)
    .join('\n');

let out = '\n══ npm test: the phases ══\n';
for (const phase of phases) {
  out += `  ${phase.code === 0 ? 'passed' : `FAILED (exit ${phase.code})`}  ${phase.name}, ${phase.seconds.toFixed(0)} s\n`;
}
const failed = phases.flatMap((phase) => phase.projects.flatMap(failures));
if (failed.length === 0 && phases.some((phase) => phase.code !== 0)) {
  out += "  No test failed: look in the failed phase's output for errors vitest reports outside any test.\n";
}
if (failed.length > 0) {
  out += `\n══ ${failed.length} failed ══\n`;
  for (const f of failed) out += `  ${f.file}\n    ${f.test}\n${firstLines(f.error, 8)}\n`;
}
process.stdout.write(out);
rmSync(reports, { recursive: true, force: true });
process.exit(phases.every((phase) => phase.code === 0) ? 0 : 1);
