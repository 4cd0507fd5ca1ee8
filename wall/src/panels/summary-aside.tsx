/** When the summary's figures were fetched; amber once polls have failed for a while (the figures are then old). */
import type { Messages } from '../i18n/messages.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';
import type { SummaryView } from '../summary/summary-poll.js';

export interface SummaryAsideProps {
  view: SummaryView;
  messages: Messages;
}

export function SummaryAside({ view, messages }: SummaryAsideProps) {
  if (view.fetchedAt === null || view.summary === null) return null;
  // The server's time of the figures, not the kiosk's clock, which may be wrong.
  const clock = shanghaiClock(view.summary.generated_at);
  return (
    <span
      className={view.stale ? 'summary-stale' : 'summary-fresh'}
      data-testid="summary-freshness"
      data-stale={view.stale}
    >
      {view.stale ? messages.summaryStale(clock) : messages.summaryAsOf(clock)}
    </span>
  );
}
