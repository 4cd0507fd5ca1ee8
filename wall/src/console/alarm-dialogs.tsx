/**
 * The two alarm steps that need more than a click: 派单 (choose the unit, department and deadline, then confirm)
 * and 误报排除 (a reason is required). Both post to the server and report its answer; a refusal is shown as a
 * sentence inside the dialog, which stays open so nothing typed is lost.
 */
import { useState } from 'react';
import type { FeedAlarmCase } from '../../../schema/feed.js';
import type { AlarmQueueRow } from '../../../schema/handling.js';
import { ruleName } from '../i18n/rule-names.js';
import { AssignmentSteps, UnitDepartmentFields } from './assignment-dialog.js';
import { DeadlineSelect, useUnitDepartments } from './assignment-fields.js';
import { DialogError, useDialogAction } from './dialog-action.js';
import { Modal } from './modal.js';
import { useWorkspace } from './workspace-context.js';

const DEADLINE_CHOICES_HOURS = [2, 4, 8, 12, 24, 48, 72, 168] as const;
const TITLE_CHARS_MAX = 200;
const TEXT_CHARS_MAX = 4000;
const REASON_CHARS_MIN = 2;
const REASON_CHARS_MAX = 2000;

export function DispatchDialog({
  alarm,
  onClose,
  onDone,
}: {
  alarm: AlarmQueueRow;
  onClose: () => void;
  onDone: (result: FeedAlarmCase) => void;
}) {
  const ws = useWorkspace();
  const { m } = ws;
  const unitChoices = ws.units.length > 0 ? ws.units : [{ code: alarm.org_code, name: ws.placeName(alarm.org_code) }];
  const [unit, setUnit] = useState(
    unitChoices.some((u) => u.code === alarm.org_code) ? alarm.org_code : unitChoices[0].code,
  );
  const [hours, setHours] = useState<number | null>(null);
  const [title, setTitle] = useState(`${ruleName(alarm.rule, 'zh')} ${alarm.plate || alarm.terminal_id}`);
  const [description, setDescription] = useState('');
  const action = useDialogAction(onDone);
  const { departments, department, setDepartment } = useUnitDepartments(unit, alarm.department, {
    onError: action.fail,
  });
  const send = () => {
    const body: Record<string, unknown> = { org_code: unit, department, title: title.trim() };
    if (description.trim() !== '') body.description = description.trim();
    if (hours !== null) body.deadline_hours = hours;
    return ws.api.post<FeedAlarmCase>(`/api/alarms/${encodeURIComponent(alarm.alarm_id)}/dispatch`, body);
  };
  return (
    <Modal
      title={`${m.dispatch.title} · ${ruleName(alarm.rule, ws.lang)} ${alarm.plate}`}
      onClose={onClose}
      closeLabel={m.close}
      testId="dispatch-dialog"
    >
      <AssignmentSteps
        action={action}
        unit={unit}
        department={department}
        hours={hours}
        title={title}
        nextDisabled={title.trim() === '' || departments.length === 0}
        onClose={onClose}
        send={send}
        testId="dispatch"
      >
        <UnitDepartmentFields
          testId="dispatch"
          units={unitChoices}
          unit={unit}
          onUnit={setUnit}
          departments={departments}
          department={department}
          onDepartment={setDepartment}
        />
        <label>
          {m.dispatch.deadline}
          <DeadlineSelect
            testId="dispatch-deadline"
            choices={DEADLINE_CHOICES_HOURS}
            hours={hours}
            onChange={setHours}
          />
        </label>
        <label>
          {m.dispatch.enterprise}
          <span className="console-value">
            {alarm.enterprise_id === null ? m.dispatch.noEnterprise : ws.enterpriseName(alarm.enterprise_id)}
          </span>
        </label>
        <label>
          {m.dispatch.orderTitle}
          <input
            data-testid="dispatch-title"
            value={title}
            maxLength={TITLE_CHARS_MAX}
            required
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <label>
          {m.dispatch.description}
          <textarea
            value={description}
            maxLength={TEXT_CHARS_MAX}
            rows={3}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
      </AssignmentSteps>
      <DialogError error={action.error} />
    </Modal>
  );
}

export function DismissDialog({
  alarm,
  onClose,
  onDone,
}: {
  alarm: AlarmQueueRow;
  onClose: () => void;
  onDone: (result: FeedAlarmCase) => void;
}) {
  const ws = useWorkspace();
  const { m } = ws;
  const [reason, setReason] = useState('');
  const action = useDialogAction(onDone);
  const enough = reason.trim().length >= REASON_CHARS_MIN;
  const send = () =>
    ws.api.post<FeedAlarmCase>(`/api/alarms/${encodeURIComponent(alarm.alarm_id)}/dismiss`, { reason: reason.trim() });
  return (
    <Modal
      title={`${m.dismiss.title} · ${ruleName(alarm.rule, ws.lang)} ${alarm.plate}`}
      onClose={onClose}
      closeLabel={m.close}
      testId="dismiss-dialog"
    >
      <form
        className="console-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (enough) action.run(send);
        }}
      >
        <label>
          {m.dismiss.reason}
          <textarea
            data-testid="dismiss-reason"
            value={reason}
            rows={3}
            maxLength={REASON_CHARS_MAX}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <div className="console-chips">
          {m.dismiss.quickReasons.map((text) => (
            <button key={text} type="button" className="console-chip" onClick={() => setReason(text)}>
              {text}
            </button>
          ))}
        </div>
        {!enough ? <p className="console-dim">{m.dismiss.tooShort}</p> : null}
        <div className="console-form-buttons">
          <button type="button" onClick={onClose}>
            {m.cancel}
          </button>
          <button type="submit" className="primary" data-testid="confirm-dismiss" disabled={action.busy || !enough}>
            {m.dismiss.confirm}
          </button>
        </div>
      </form>
      <DialogError error={action.error} />
    </Modal>
  );
}
