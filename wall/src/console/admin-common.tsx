/** What the administration page's sections share: refusals as sentences, the confirm dialog, a step's result. */
import type { ReactNode } from 'react';
import { ADMIN_MESSAGES, type AdminMessages } from './admin-messages.js';
import { ApiError } from './console-api.js';
import { errorSentence } from './error-text.js';
import { Modal } from './modal.js';
import { useWorkspace, type Workspace } from './workspace-context.js';

export type StepOutcome = { text: string; tone: 'ok' | 'error' };

/**
 * A refusal as a sentence: the password policy's own sentence in the console's language, this page's sentences
 * for the refusals it knows, else the console's.
 */
export function adminRefusal(failure: unknown, ws: Workspace, a: AdminMessages): string {
  if (failure instanceof ApiError) {
    const own = ws.lang === 'en' ? failure.extra.message_en : failure.extra.message_zh;
    if (typeof own === 'string' && own !== '') return own;
    if (Object.hasOwn(a.refusals, failure.reason)) return a.refusals[failure.reason];
  }
  return errorSentence(failure, ws.m);
}

/** A step that needs a second look: what it does, the confirm button, and the server's refusal if it comes. */
export function ConfirmDialog({
  title,
  text,
  confirmLabel,
  danger = false,
  onConfirm,
  onClose,
  children,
  error,
  busy,
}: {
  title: string;
  text: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  children?: ReactNode;
  error: string | null;
  busy: boolean;
}) {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  return (
    <Modal title={title} onClose={onClose} closeLabel={a.close} testId="admin-confirm">
      <form
        className="admin-dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm();
        }}
      >
        <p data-testid="admin-confirm-text">{text}</p>
        {children}
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="admin-confirm-error">
            {error}
          </p>
        ) : null}
        <div className="admin-dialog-buttons">
          <button type="button" onClick={onClose}>
            {a.cancel}
          </button>
          <button
            type="submit"
            className={danger ? 'primary admin-danger' : 'primary'}
            data-testid="admin-confirm-ok"
            disabled={busy}
          >
            {confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The server's answer to the last step, kept on the page until the next one (a toast also says it). */
export function StepResult({ result }: { result: StepOutcome | null }) {
  if (result === null) return null;
  return (
    <p
      className={result.tone === 'ok' ? 'admin-result' : 'admin-result admin-result-error'}
      role={result.tone === 'error' ? 'alert' : 'status'}
      data-testid="admin-result"
    >
      {result.text}
    </p>
  );
}
