/** A whole-screen notice: refused token, console placeholder, crash. Large enough to read from the back of a room. */
export interface FullScreenMessageProps {
  testId: string;
  title: string;
  body: string;
  tone: 'info' | 'error';
}

export function FullScreenMessage({ testId, title, body, tone }: FullScreenMessageProps) {
  return (
    <div
      className={`full-screen full-screen-${tone}`}
      data-testid={testId}
      role={tone === 'error' ? 'alert' : undefined}
    >
      <div className="full-screen-title">{title}</div>
      <div className="full-screen-body">{body}</div>
    </div>
  );
}
