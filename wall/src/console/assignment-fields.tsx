/**
 * The fields that hand work to a unit, shared by 派单 (an alarm), 下发工单 (a new work order), 转办 (an order moved on)
 * and the administration page's unit pickers: the unit, its departments (loaded when the unit changes), the deadline,
 * and the confirmation that says in one sentence where the work goes before it is sent.
 */
import { useEffect, useRef, useState } from 'react';
import { chinaDateTime } from './console-time.js';
import type { ConsoleMessages } from './console-messages.js';
import { useWorkspace, type Department } from './workspace-context.js';

/** The units the caller may pick, each indented under its parent by its level (city one step, county two). */
export function UnitOptions({ units }: { units: readonly { code: string; name: string; level?: string }[] }) {
  return (
    <>
      {units.map((u) => (
        <option key={u.code} value={u.code}>
          {u.level === 'county' ? '\u3000\u3000' : u.level === 'city' ? '\u3000' : ''}
          {u.name}
        </option>
      ))}
    </>
  );
}

/**
 * The departments of `unit`, loaded again whenever it changes (not at all while `enabled` is false), and the one
 * chosen: kept when the new unit has it too, else the unit's first.
 */
export function useUnitDepartments(
  unit: string,
  initial: string,
  { enabled = true, onError }: { enabled?: boolean; onError?: (failure: unknown) => void } = {},
) {
  const ws = useWorkspace();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [department, setDepartment] = useState(initial);
  // The caller's error handler is made anew at each render; the list depends on the unit alone.
  const reportError = useRef(onError);
  reportError.current = onError;
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    ws.departmentsOf(unit)
      .then((list) => {
        if (cancelled) return;
        setDepartments(list);
        setDepartment((current) => (list.some((d) => d.code === current) ? current : (list[0]?.code ?? current)));
      })
      .catch((failure: unknown) => {
        if (!cancelled) reportError.current?.(failure);
      });
    return () => {
      cancelled = true;
    };
  }, [ws, unit, enabled]);
  return { departments, department, setDepartment };
}

export function DepartmentSelect({
  testId,
  departments,
  value,
  onChange,
}: {
  testId: string;
  departments: readonly Department[];
  value: string;
  onChange: (code: string) => void;
}) {
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
      {departments.map((d) => (
        <option key={d.code} value={d.code}>
          {d.name}
        </option>
      ))}
    </select>
  );
}

/** The deadline in hours, or null for the server's default (the unit's deadline for the rule or category). */
export function DeadlineSelect({
  testId,
  choices,
  hours,
  onChange,
}: {
  testId: string;
  choices: readonly number[];
  hours: number | null;
  onChange: (hours: number | null) => void;
}) {
  const { m } = useWorkspace();
  return (
    <select
      data-testid={testId}
      value={hours === null ? '' : String(hours)}
      onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
    >
      <option value="">{m.dispatch.deadlineDefault}</option>
      {choices.map((h) => (
        <option key={h} value={h}>
          {m.dispatch.hours(h)}
        </option>
      ))}
    </select>
  );
}

/** "24 小时（12-08 14:00）": the deadline as the confirmation states it, or the default's name. */
export function deadlineText(m: ConsoleMessages, hours: number | null, now = Date.now()): string {
  return hours === null
    ? m.dispatch.deadlineDefault
    : `${m.dispatch.hours(hours)}（${chinaDateTime(now + hours * 3_600_000)}）`;
}

/** The second step of sending work: where it goes, by when, under which title; back, or send. */
export function AssignmentConfirmation({
  unit,
  department,
  hours,
  title,
  busy,
  onBack,
  onConfirm,
  testId,
}: {
  unit: string;
  department: string;
  hours: number | null;
  title: string;
  busy: boolean;
  onBack: () => void;
  onConfirm: () => void;
  /** Prefix of the test ids: `<testId>-confirm` is the send button, `<testId>-confirm-text` the sentence. */
  testId: string;
}) {
  const ws = useWorkspace();
  const { m } = ws;
  return (
    <div className="console-form">
      <p className="console-confirm" data-testid={`${testId}-confirm-text`}>
        {m.dispatch.confirmText(ws.placeName(unit), ws.departmentName(department), deadlineText(m, hours))}
      </p>
      <p className="console-dim">{title}</p>
      <div className="console-form-buttons">
        <button type="button" onClick={onBack} disabled={busy}>
          {m.dispatch.back}
        </button>
        <button type="button" className="primary" data-testid={`${testId}-confirm`} disabled={busy} onClick={onConfirm}>
          {m.dispatch.confirm}
        </button>
      </div>
    </div>
  );
}
