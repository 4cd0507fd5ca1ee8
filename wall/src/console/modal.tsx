/** A dialog over the console: Esc or the close button cancels it, the first field takes the focus. */
import { useEffect, useRef, type ReactNode } from 'react';

export function Modal({
  title,
  onClose,
  closeLabel,
  testId,
  wide = false,
  children,
}: {
  title: string;
  onClose: () => void;
  closeLabel: string;
  testId: string;
  wide?: boolean;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    const first = box.current?.querySelector<HTMLElement>('textarea, input, select, button.primary');
    first?.focus();
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="console-modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={`console-modal${wide ? ' console-modal-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        ref={box}
      >
        <header>
          <h2>{title}</h2>
          <button type="button" className="console-icon-button" aria-label={closeLabel} onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
