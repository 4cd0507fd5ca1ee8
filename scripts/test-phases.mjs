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
 * Every phase runs even when an earlier one failed, so one run shows every failure. Each project's run writes what
 * failed (scripts/failure-reporter.mjs) into a temporary directory; the summary is read from there.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { npmBin, runCommand } from './run-command.mjs';

const npx = npmBin('npx');
const reports = mkdtempSync(path.join(tmpdir(), 'vigil-test-phases-'));
const report = (project) => path.join(reports, `${project}.json`);
const REPORTER = './scripts/failure-reporter.mjs';
const vitest = (project) => ['vitest', 'run', '--project', project, '--reporter=default', `--reporter=${REPORTER}`];
const failuresFile = (project) => ({ VIGIL_TEST_FAILURES_FILE: report(project) });
/** One project's vitest run; `held` keeps its output until it ends (two projects run side by side). */
const runProject = (project, held = false) =>
  runCommand(npx, vitest(project), { held, env: failuresFile(project), label: `vitest run --project ${project}` });

const phases = [];
phases.push({
  name: 'shared files',
  projects: ['shared'],
  ...(await runProject('shared')),
});
{
  const started = Date.now();
  const both = await Promise.all([runProject('kafka', true), runProject('unit', true)]);
  phases.push({
    name: 'Kafka files beside the unit files',
    projects: ['kafka', 'unit'],
    code: both.find((r) => r.code !== 0)?.code ?? 0,
    seconds: (Date.now() - started) / 1000,
  });
}
phases.push({
  name: 'exclusive files',
  projects: ['exclusive'],
  ...(await runProject('exclusive')),
});

/** What one project's run failed on, as scripts/failure-reporter.mjs wrote it. */
function failures(project) {
  try {
    return JSON.parse(readFileSync(report(project), 'utf8'));
  } catch (error) {
    // The run ended before its reporter wrote (vitest itself failed to start, or was killed).
    return [{ file: `(the ${project} project wrote no summary: ${error.code ?? error.message})`, what: '', error: '' }];
  }
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
  out += "  Nothing failed that the reporter saw: look in the failed phase's output.\n";
}
if (failed.length > 0) {
  out += `\n══ ${failed.length} failed ══\n`;
  for (const f of failed) out += `  ${f.file}\n    ${f.what}\n${firstLines(f.error, 8)}\n`;
}
process.stdout.write(out);
rmSync(reports, { recursive: true, force: true });
process.exit(phases.every((phase) => phase.code === 0) ? 0 : 1);
