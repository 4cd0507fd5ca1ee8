/** Polls the command-centre summary for as long as the wall is mounted, surviving server restarts. */
import { useEffect, useState } from 'react';
import { fetchJsonWithToken } from '../feed/http-api.js';
import {
  afterPoll,
  NO_SUMMARY,
  SUMMARY_PATH,
  SUMMARY_POLL_MS,
  SUMMARY_REQUEST_TIMEOUT_MS,
  type SummaryView,
} from './summary-poll.js';

export function useCentreSummary(token: string): SummaryView {
  const [view, setView] = useState<SummaryView>(NO_SUMMARY);
  useEffect(() => {
    let current = NO_SUMMARY;
    let stopped = false;
    let request: AbortController | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async (): Promise<void> => {
      request = new AbortController();
      const abandon = setTimeout(() => request?.abort(), SUMMARY_REQUEST_TIMEOUT_MS);
      const outcome = await fetchJsonWithToken<unknown>(SUMMARY_PATH, token, request.signal);
      clearTimeout(abandon);
      if (stopped) return;
      current = afterPoll(current, outcome.kind === 'ok' ? outcome.body : undefined, Date.now());
      setView(current);
      timer = setTimeout(() => void poll(), SUMMARY_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      request?.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [token]);
  return view;
}
