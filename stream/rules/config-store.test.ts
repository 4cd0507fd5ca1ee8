import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_RULES } from './all-rules.js';
import { RulesConfigStore } from './config-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the rules configuration history', () => {
  it('lists the versions on disk newest first with who, why and how many zones, across a restart', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-history-'));
    dirs.push(dir);
    const store = new RulesConfigStore(ALL_RULES, dir);
    expect(store.history(10)).toEqual([{ version: 1, saved_at: 0, saved_by: 'system', comment: 'defaults', zones: 0 }]);
    const config = structuredClone(store.current().config);
    store.save(config, 'alice', 'first');
    config.zones.push({ id: 'c', name: '圆', kind: 'restricted', circle: { center: [113.65, 34.75], radiusM: 300 } });
    store.save(config, 'bob', 'a circle');
    // A file edited by hand into something unreadable is left out, the others stay listed.
    writeFileSync(path.join(dir, 'v000004.json'), '{ not json');
    const reopened = new RulesConfigStore(ALL_RULES, dir);
    expect(reopened.history(10).map((v) => [v.version, v.saved_by, v.comment, v.zones])).toEqual([
      [3, 'bob', 'a circle', 1],
      [2, 'alice', 'first', 0],
    ]);
    expect(reopened.history(1)).toHaveLength(1);
  });

  it('keeps the history in memory without a directory', () => {
    const store = new RulesConfigStore(ALL_RULES);
    store.save(structuredClone(store.current().config), 'carol', 'in memory');
    expect(store.history(5).map((v) => [v.version, v.saved_by])).toEqual([
      [2, 'carol'],
      [1, 'system'],
    ]);
  });
});
