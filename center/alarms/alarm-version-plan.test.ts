import { describe, expect, it } from 'vitest';
import type { AlarmRow } from '../../schema/index.js';
import { planAlarmVersions } from './alarm-version-plan.js';

function version(alarmId: string, v: number): AlarmRow {
  return {
    alarm_id: alarmId,
    rule: 'overspeed',
    rule_version: 1,
    severity: 'warning',
    terminal_id: '013900000001',
    plate: '豫A10001',
    started_at: 0,
    ended_at: null,
    org_code: '410105',
    lat: 34.8,
    lon: 113.65,
    late: 0,
    details: '{}',
    version: v,
    updated_at: 0,
  };
}

describe('planAlarmVersions', () => {
  it('inserts the first version of an unknown alarm, updates with newer ones in order and drops replays', () => {
    const batch = [
      version('stored', 2), // not newer than what is stored
      version('new', 1),
      version('stored', 3),
      version('new', 1), // the same version again in the batch
      version('new', 3),
      version('new', 2), // older than the batch's own version 3
      version('other', 5),
    ];
    const plan = planAlarmVersions(batch, new Map([['stored', 2]]));
    expect(plan.applied).toEqual([false, true, true, false, true, false, true]);
    expect(plan.alarms.map((a) => [a.alarmId, a.insert?.version ?? null, a.updates.map((u) => u.version)])).toEqual([
      ['new', 1, [3]],
      ['stored', null, [3]],
      ['other', 5, []],
    ]);
  });

  it('plans nothing for a batch that is all replays', () => {
    const plan = planAlarmVersions([version('a', 1), version('a', 1)], new Map([['a', 4]]));
    expect(plan).toEqual({ alarms: [], applied: [false, false] });
  });
});
