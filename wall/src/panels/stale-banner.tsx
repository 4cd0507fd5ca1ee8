/** Shown when nothing arrived for a while, so nobody mistakes a frozen wall for a quiet province. */
import type { Messages } from '../i18n/messages.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';

export interface StaleBannerProps {
  /** Time of the last message (server clock), or null when nothing has arrived since the wall started. */
  lastMessageAt: number | null;
  stale: boolean;
  messages: Messages;
}

export function StaleBanner({ lastMessageAt, stale, messages }: StaleBannerProps) {
  if (lastMessageAt === null) {
    return (
      <div className="banner banner-waiting" data-testid="waiting-banner">
        {messages.waitingForData}
      </div>
    );
  }
  if (!stale) return null;
  return (
    <div className="banner banner-stale" data-testid="stale-banner" role="alert">
      {messages.staleSince(shanghaiClock(lastMessageAt))}
    </div>
  );
}
