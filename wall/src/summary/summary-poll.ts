/**
 * The wall's copy of the command-centre summary (`GET /api/summary`), polled with the kiosk token. A failed poll
 * keeps the last good summary on screen and only marks it stale, so a server restart or a network cut never
 * blanks the tiles; the next successful poll replaces it.
 */
import type { CentreSummary } from '../../../schema/summary.js';

export const SUMMARY_PATH = '/api/summary';
/** The summary changes at the pace of duty officers' handling, not of positions: four polls a minute is plenty. */
export const SUMMARY_POLL_MS = 15_000;
/** Without a successful poll for this long the figures are marked stale (three polls missed). */
export const SUMMARY_STALE_AFTER_MS = 45_000;
/** A poll that has not answered by then is abandoned: a cut network often never fails a request by itself. */
export const SUMMARY_REQUEST_TIMEOUT_MS = 10_000;

export interface SummaryView {
  summary: CentreSummary | null;
  /** Kiosk time of the last successful poll, epoch ms; null before the first. */
  fetchedAt: number | null;
  stale: boolean;
}

export const NO_SUMMARY: SummaryView = { summary: null, fetchedAt: null, stale: false };

function isFigures(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const figures = value as Record<string, unknown>;
  return [
    'alarms_received',
    'alarms_handled',
    'work_orders_open',
    'work_orders_overdue',
    'vehicles_monitored',
    'vehicles_online',
  ].every((key) => typeof figures[key] === 'number');
}

/** True when the body has the shape the panels read; anything else is treated as a failed poll. */
export function isCentreSummary(body: unknown): body is CentreSummary {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as { totals?: unknown; units?: unknown; generated_at?: unknown };
  return (
    typeof candidate.generated_at === 'number' &&
    isFigures(candidate.totals) &&
    Array.isArray(candidate.units) &&
    candidate.units.every(isFigures)
  );
}

/** The view after a poll: a good body replaces the summary, anything else keeps it and may mark it stale. */
export function afterPoll(view: SummaryView, body: unknown, kioskNow: number): SummaryView {
  if (isCentreSummary(body)) return { summary: body, fetchedAt: kioskNow, stale: false };
  return { ...view, stale: isStale(view, kioskNow) };
}

/** Before the first good poll nothing is shown, so nothing is stale yet. */
export function isStale(view: SummaryView, kioskNow: number): boolean {
  return view.fetchedAt !== null && kioskNow - view.fetchedAt > SUMMARY_STALE_AFTER_MS;
}
