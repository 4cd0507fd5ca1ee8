/**
 * What the console's dialogs that post one action share (派单, 误报排除, 下发工单): the action is sent once at a time
 * (`busy`), the server's refusal is shown as a sentence inside the dialog, which stays open so nothing typed is
 * lost, and — for an assignment — a confirmation step between the form and the send, left for the form again when
 * the server refuses.
 */
import { useState, type ReactNode } from 'react';
import { AssignmentConfirmation } from './assignment-fields.js';
import { errorSentence } from './error-text.js';
import { useWorkspace } from './workspace-context.js';

export interface DialogAction<T> {
  busy: boolean;
  /** The server's refusal (or a failed load the dialog reported), as a sentence; null when none. */
  error: string | null;
  /** Whether the confirmation step is shown instead of the form. */
  confirming: boolean;
  confirm(): void;
  back(): void;
  /** Shows `failure` as the dialog's error sentence. */
  fail(failure: unknown): void;
  /** Sends the action; its answer goes to the dialog's `onDone`, a refusal to `error` (back to the form). */
  run(send: () => Promise<T>): void;
}

export function useDialogAction<T>(onDone: (result: T) => void): DialogAction<T> {
  const { m } = useWorkspace();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (failure: unknown) => setError(errorSentence(failure, m));
  const run = async (send: () => Promise<T>) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await send());
    } catch (failure) {
      fail(failure);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return {
    busy,
    error,
    confirming,
    confirm: () => setConfirming(true),
    back: () => setConfirming(false),
    fail,
    run: (send) => void run(send),
  };
}

/** The dialog's error sentence, where the browser tests and screen readers look for it. */
export function DialogError({ error }: { error: string | null }) {
  return error !== null ? (
    <p className="console-error" role="alert" data-testid="dialog-error">
      {error}
    </p>
  ) : null;
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
