/**
 * The runner on a real in-process event log: telemetry in, alarm versions out, configuration applied live,
 * and a restart in the middle of an episode that continues the same alarm from the snapshot on disk.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RulesConfigError } from '../stream/index.js';
import { startInProcessRules } from './support/in-process-rules.js';
import { T0, details, fix } from './support/rules-trace.js';
import { eventually } from './support/vigil-process.js';

const SECOND = 1_000;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-runner-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const node = () => startInProcessRules({ dataDir });

describe('rules runner', () => {
  it('continues an episode across a restart from the snapshot, under the same id', async () => {
    const first = await node();
    await first.send([fix('9', T0), fix('9', T0 + 30 * SECOND, { speed_kmh: 140 })]);
    const opened = await eventually(
      async () => first.alarms.find((a) => a.rule === 'overspeed'),
      10_000,
      'overspeed opened',
    );
    expect(opened).toMatchObject({ version: 1, ended_at: null });
    await first.stop();
    expect(existsSync(path.join(dataDir, 'rules', 'engine-snapshot.json'))).toBe(true);

    const second = await node();
    await second.send([fix('9', T0 + 60 * SECOND, { speed_kmh: 60 })]);
    const closed = await eventually(
      async () => second.alarms.find((a) => a.rule === 'overspeed'),
      10_000,
      'overspeed closed',
    );
    expect(closed).toMatchObject({ alarm_id: opened.alarm_id, version: 2, ended_at: T0 + 60 * SECOND });
    expect(second.alarms.filter((a) => a.rule === 'overspeed')).toHaveLength(1);
    await second.stop();
  });

  it('applies a new configuration live and refuses a bad one, keeping the old', async () => {
    const n = await node();
    const config = structuredClone(n.runner.current().config);
    (config.rules.overspeed.limitKmhByClass as Record<string, number>).other = 60;
    const before = n.runner.current().version;
    const saved = n.runner.update(config, 'admin', 'test');
    expect(saved.version).toBe(before + 1);
    const bad = structuredClone(config);
    bad.rules.overspeed.sustainSeconds = 'thirty';
    expect(() => n.runner.update(bad, 'admin', '')).toThrow(RulesConfigError);
    expect(n.runner.current().version).toBe(saved.version);
    await n.send([fix('10', T0, { speed_kmh: 75 }), fix('10', T0 + 30 * SECOND, { speed_kmh: 40 })]);
    const alarm = await eventually(
      async () => n.alarms.find((a) => a.terminal_id === '10'),
      10_000,
      'overspeed at the new limit',
    );
    expect(alarm.rule_version).toBe(saved.version);
    expect(details(alarm)).toMatchObject({ limit_kmh: 60 });
    await n.stop();
  });
});
