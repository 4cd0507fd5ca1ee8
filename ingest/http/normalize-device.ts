/** Roadside equipment health reports → `DeviceStatus`. */
import {
  checkRecord,
  DEVICE_STATUS,
  retentionProblem,
  type DeviceState,
  type DeviceStatus,
} from '../../schema/index.js';
import {
  asRecord,
  coordinates,
  eventTime,
  normalizeWith,
  optionalText,
  orgCodeOf,
  RecordProblem,
  requiredText,
  type Outcome,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';

const DEVICE_KINDS: readonly DeviceStatus['device_kind'][] = ['camera', 'wim', 'gantry', 'other'];
const STATES: readonly DeviceState[] = ['online', 'offline', 'fault'];

export function normalizeDeviceStatus(value: unknown, ctx: NormalizeContext): Outcome<DeviceStatus> {
  return normalizeWith(() => {
    const record = asRecord(value);
    const deviceId = requiredText(record, ['device_id'], 'missing_device_id', 64);
    const deviceKind = (optionalText(record, ['device_kind'], 16) || 'other') as DeviceStatus['device_kind'];
    if (!DEVICE_KINDS.includes(deviceKind))
      throw new RecordProblem(
        'bad_device_kind',
        `device_kind ${JSON.stringify(deviceKind)} is not one of ${DEVICE_KINDS.join(', ')}`,
      );
    const status = requiredText(record, ['status'], 'missing_status', 16) as DeviceState;
    if (!STATES.includes(status))
      throw new RecordProblem('bad_status', `status ${JSON.stringify(status)} is not one of ${STATES.join(', ')}`);
    const ts = eventTime(record, ctx.receivedAt, ctx.futureSkewMsMax);
    const { lat, lon } = coordinates(record);
    // A health report without an id is identified by device and time: the same report sent twice is one row.
    const eventId = optionalText(record, ['event_id', 'id'], 128) || `${deviceId}@${ts}`;
    const row: DeviceStatus = {
      event_id: eventId,
      device_id: deviceId,
      device_kind: deviceKind,
      status,
      ts,
      received_at: ctx.receivedAt,
      org_code: orgCodeOf(record, ctx.keyOrgCode, lon, lat),
      detail: optionalText(record, ['detail'], 1024),
      source: ctx.source,
    };
    const fields = row as unknown as Record<string, unknown>;
    const problem =
      checkRecord(DEVICE_STATUS.columns, fields) ?? retentionProblem(DEVICE_STATUS, fields, ctx.receivedAt);
    if (problem) throw new RecordProblem(problem.reason, problem.detail);
    return row;
  });
}
