/**
 * What the console's dialogs that post one action share (派单, 误报排除, 下发工单): the action is sent once at a time
 * (`busy`), the server's refusal is shown as a sentence inside the dialog, which stays open so nothing typed is
 * lost, and — for an assignment (assignment-dialog.tsx) — a confirmation step between the form and the send, left
 * for the form again when the server refuses.
 */
import { useState } from 'react';
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
