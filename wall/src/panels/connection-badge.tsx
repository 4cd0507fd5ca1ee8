/** The connection state, always visible so anyone can tell a quiet province from a dead feed. */
import type { ConnectionState } from '../feed/feed-client.js';
import type { Messages } from '../i18n/messages.js';

export interface ConnectionBadgeProps {
  state: ConnectionState;
  stale: boolean;
  messages: Messages;
}

export function ConnectionBadge({ state, stale, messages }: ConnectionBadgeProps) {
  const tone = state === 'live' && !stale ? 'ok' : state === 'unauthorized' ? 'bad' : 'warn';
  return (
    <div className={`connection connection-${tone}`} data-testid="connection-state" data-state={state}>
      <span className="connection-dot" />
      {messages.connection[state]}
    </div>
  );
}
