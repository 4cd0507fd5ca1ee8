/**
 * What a batch of alarm versions does to the desk, decided before any write: per alarm, in the order its versions
 * came, the first one an unknown alarm brings is inserted, each later one with a higher version updates it, and
 * anything not newer than what is stored (or already taken earlier in the batch) is a replay. The same outcome as
 * taking the versions one at a time, so a batch and a version-by-version run store the same rows.
 */
import type { AlarmRow } from '../../schema/index.js';

export interface AlarmVersionSteps {
  alarmId: string;
  /** The version that creates the case, when the alarm is not stored yet. */
  insert: AlarmRow | null;
  /** Newer versions, in the order they came, each newer than the one before. */
  updates: AlarmRow[];
}

export interface AlarmVersionPlan {
  /** One entry per alarm that has anything to apply, in the order of its first version in the batch. */
  alarms: AlarmVersionSteps[];
  /** Per version of the batch, in its order: true when it changes the case, false for a replay. */
  applied: boolean[];
}

/** `stored`: the version each already-stored alarm of the batch has (alarms absent from it are new). */
export function planAlarmVersions(
  versions: readonly AlarmRow[],
  stored: ReadonlyMap<string, number>,
): AlarmVersionPlan {
  const latest = new Map(stored);
  const steps = new Map<string, AlarmVersionSteps>();
  const applied = versions.map((version) => {
    const known = latest.get(version.alarm_id);
    if (known !== undefined && version.version <= known) return false;
    latest.set(version.alarm_id, version.version);
    let entry = steps.get(version.alarm_id);
    if (!entry) {
      entry = { alarmId: version.alarm_id, insert: null, updates: [] };
      steps.set(version.alarm_id, entry);
    }
    if (known === undefined) entry.insert = version;
    else entry.updates.push(version);
    return true;
  });
  return { alarms: [...steps.values()], applied };
}
