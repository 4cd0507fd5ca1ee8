/**
 * The parts of the dialogs that assign work to a unit (派单 of an alarm, 下发工单): the unit and department choice
 * and the two steps, the form and then the confirmation naming unit, department and deadline.
 */
import type { ReactNode } from 'react';
import { AssignmentConfirmation, DepartmentSelect, UnitOptions } from './assignment-fields.js';
import type { DialogAction } from './dialog-action.js';
import { useWorkspace, type Department } from './workspace-context.js';

/** The unit (indented by level) and, below it, one of the unit's departments; test ids `<testId>-unit`, `-department`. */
export function UnitDepartmentFields({
  testId,
  units,
  unit,
  onUnit,
  departments,
  department,
  onDepartment,
}: {
  testId: string;
  units: readonly { code: string; name: string; level?: string }[];
  unit: string;
  onUnit: (code: string) => void;
  departments: readonly Department[];
  department: string;
  onDepartment: (code: string) => void;
}) {
  const { m } = useWorkspace();
  return (
    <>
      <label>
        {m.dispatch.unit}
        <select data-testid={`${testId}-unit`} value={unit} onChange={(e) => onUnit(e.target.value)}>
          <UnitOptions units={units} />
        </select>
      </label>
      <label>
        {m.dispatch.department}
        <DepartmentSelect
          testId={`${testId}-department`}
          departments={departments}
          value={department}
          onChange={onDepartment}
        />
      </label>
    </>
  );
}

/**
 * An assignment's two steps: the form (`children`, then 取消 and 下一步), and once it is submitted the confirmation
 * sentence naming unit, department and deadline, whose 确认 runs `send`. `testId` prefixes the buttons' test ids
 * (`<testId>-next`, `<testId>-confirm`).
 */
export function AssignmentSteps<T>({
  action,
  unit,
  department,
  hours,
  title,
  nextDisabled,
  onClose,
  send,
  testId,
  children,
}: {
  action: DialogAction<T>;
  unit: string;
  department: string;
  hours: number | null;
  title: string;
  nextDisabled: boolean;
  onClose: () => void;
  send: () => Promise<T>;
  testId: string;
  children: ReactNode;
}) {
  const { m } = useWorkspace();
  if (action.confirming)
    return (
      <AssignmentConfirmation
        unit={unit}
        department={department}
        hours={hours}
        title={title}
        busy={action.busy}
        onBack={action.back}
        onConfirm={() => action.run(send)}
        testId={testId}
      />
    );
  return (
    <form
      className="console-form"
      onSubmit={(e) => {
        e.preventDefault();
        action.confirm();
      }}
    >
      {children}
      <div className="console-form-buttons">
        <button type="button" onClick={onClose}>
          {m.cancel}
        </button>
        <button type="submit" className="primary" data-testid={`${testId}-next`} disabled={nextDisabled}>
          {m.dispatch.next}
        </button>
      </div>
    </form>
  );
}
