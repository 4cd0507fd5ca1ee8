/**
 * The rules configuration: validated completely with key, value and reason; stored as versions that are
 * never edited; a bad version (sent or found on disk) is refused and the last good one keeps running.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ALL_RULES,
  RulesConfigError,
  RulesConfigStore,
  checkRulesConfig,
  defaultRulesConfig,
  type RulesConfig,
} from '../stream/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function changed(edit: (c: RulesConfig) => void): RulesConfig {
  const config = defaultRulesConfig(ALL_RULES);
  edit(config);
  return config;
}

describe('validation', () => {
  it('accepts the defaults', () => {
    expect(checkRulesConfig(defaultRulesConfig(ALL_RULES), ALL_RULES)).toEqual([]);
  });

  it('names the key, the value and the bound of a value out of range', () => {
    const problems = checkRulesConfig(
      changed((c) => (c.rules.overspeed.nightFactor = 2)),
      ALL_RULES,
    );
    expect(problems).toEqual([
      { key: 'rules.overspeed.nightFactor', value: 2, reason: 'is greater than max allowed 1' },
    ]);
  });

  it('refuses unknown keys, unknown rules, missing keys, bad classes, cities and zones', () => {
    const problems = checkRulesConfig(
      changed((c) => {
        c.rules.fatigue.restMinutesMinimum = 20;
        delete c.rules.fatigue.restMinutesMin;
        c.rules.speeding = { enabled: true };
        (c.rules.overspeed.limitKmhByClass as Record<string, number>).tank = 40;
        c.cities['410101'] = { overspeed: { sustainSeconds: 10 } };
        c.cities['410300'] = { overspeed: { sustainSeconds: -1 } };
        c.zones.push({
          id: 'z',
          name: 'zone',
          kind: 'restricted',
          polygon: [
            [113, 34],
            [114, 34],
          ],
        });
      }),
      ALL_RULES,
    );
    expect(problems.map((p) => p.key).sort()).toEqual(
      [
        'cities.410101',
        'cities.410300.overspeed.sustainSeconds',
        'rules.fatigue.restMinutesMin',
        'rules.fatigue.restMinutesMinimum',
        'rules.overspeed.limitKmhByClass.tank',
        'rules.speeding',
        'zones[0].polygon',
      ].sort(),
    );
    expect(problems.find((p) => p.key === 'rules.fatigue.restMinutesMin')?.reason).toBe('is required');
  });

  it('accepts partial per-city overrides', () => {
    expect(
      checkRulesConfig(
        changed(
          (c) =>
            (c.cities['419001'] = { fatigue: { restMinutesMin: 30 }, overspeed: { limitKmhByClass: { coach: 90 } } }),
        ),
        ALL_RULES,
      ),
    ).toEqual([]);
  });
});

describe('versions', () => {
  it('stores each accepted version, refuses a bad one keeping the old, and reloads the newest', () => {
    const dir = tempDir();
    const store = new RulesConfigStore(ALL_RULES, dir);
    expect(store.current().version).toBe(1);
    const saved = store.save(
      changed((c) => (c.rules.overspeed.sustainSeconds = 10)),
      'admin',
      'tighter',
    );
    expect(saved.version).toBe(2);
    expect(() =>
      store.save(
        changed((c) => (c.rules.overspeed.sustainSeconds = -5)),
        'admin',
      ),
    ).toThrow(RulesConfigError);
    expect(store.current().version).toBe(2);
    expect(readdirSync(dir)).toEqual(['v000002.json']);
    const reopened = new RulesConfigStore(ALL_RULES, dir);
    expect(reopened.current()).toMatchObject({ version: 2, saved_by: 'admin', comment: 'tighter' });
    expect(reopened.current().config.rules.overspeed.sustainSeconds).toBe(10);
  });

  it('skips a version edited by hand into an invalid one, and never overwrites it', () => {
    const dir = tempDir();
    new RulesConfigStore(ALL_RULES, dir).save(defaultRulesConfig(ALL_RULES), 'admin');
    const broken = {
      version: 3,
      saved_at: 0,
      saved_by: 'hand',
      comment: '',
      config: changed((c) => (c.engine.disorderBoundSeconds = 99_999)),
    };
    writeFileSync(path.join(dir, 'v000003.json'), JSON.stringify(broken));
    const store = new RulesConfigStore(ALL_RULES, dir);
    expect(store.current().version).toBe(2);
    expect(store.skipped[0]).toMatchObject({ file: 'v000003.json' });
    expect(store.skipped[0].reason).toMatch(/engine.disorderBoundSeconds value 99999 is greater than max allowed 600/);
    expect(store.save(defaultRulesConfig(ALL_RULES), 'admin').version).toBe(4);
  });

  it('keeps a version saved before a field existed, with that field at its default; the API still requires it', () => {
    const dir = tempDir();
    const older = changed((c) => (c.rules.overspeed.sustainSeconds = 12));
    delete older.rules.overspeed.nightCapClasses;
    writeFileSync(
      path.join(dir, 'v000002.json'),
      JSON.stringify({ version: 2, saved_at: 0, saved_by: 'admin', comment: 'before', config: older }),
    );
    const store = new RulesConfigStore(ALL_RULES, dir);
    expect(store.skipped).toEqual([]);
    expect(store.current().version).toBe(2);
    expect(store.current().config.rules.overspeed).toMatchObject({
      sustainSeconds: 12,
      nightCapClasses: ['coach', 'bus', 'taxi'],
    });
    expect(store.filled).toEqual({ file: 'v000002.json', keys: ['rules.overspeed.nightCapClasses'] });
    expect(() => store.save(older, 'admin')).toThrow(/rules.overspeed.nightCapClasses value undefined is required/);
  });
});
