/**
 * The queue's filters as the officer sets them, and the `GET /api/alarms` query they make. Pure, so the mapping
 * from what is on screen to what is asked is tested without a browser (queue-query.test.ts).
 */
import { chinaDayStart } from './console-time.js';

export type QueueView = 'open' | 'new' | 'acknowledged' | 'escalated' | 'all';
export type QueueWindow = 'all' | '1h' | 'today' | '24h' | '7d';

export interface QueueFilters {
  view: QueueView;
  severity: string;
  rule: string;
  org_code: string;
  department: string;
  window: QueueWindow;
  plate: string;
}

export const DEFAULT_FILTERS: QueueFilters = {
  view: 'open',
  severity: '',
  rule: '',
  org_code: '',
  department: '',
  window: 'all',
  plate: '',
};

/** Rows per page: one screen at 1920×1080 with room to scroll a little. */
export const QUEUE_PAGE_ROWS = 50;

const VIEW_STATES: Readonly<Record<QueueView, readonly string[] | null>> = {
  open: ['new', 'acknowledged'],
  new: ['new'],
  acknowledged: ['acknowledged'],
  escalated: ['new'],
  all: null,
};

/** The states a view shows; null for every state. */
export function viewStates(view: QueueView): readonly string[] | null {
  return VIEW_STATES[view];
}

const HOUR_MS = 3_600_000;

/** The received window's start for `now`, or null when unbounded. */
export function windowStart(window: QueueWindow, now: number): number | null {
  switch (window) {
    case 'all':
      return null;
    case '1h':
      return now - HOUR_MS;
    case 'today':
      return chinaDayStart(now);
    case '24h':
      return now - 24 * HOUR_MS;
    case '7d':
      return now - 7 * 24 * HOUR_MS;
  }
}

/** The filter part of the list query (no paging), sorted by urgency. */
export function queueParams(filters: QueueFilters, now: number): URLSearchParams {
  const params = new URLSearchParams({ sort: 'urgency' });
  const states = viewStates(filters.view);
  if (states !== null) params.set('state', states.join(','));
  if (filters.view === 'escalated') params.set('escalated', 'true');
  if (filters.severity !== '') params.set('severity', filters.severity);
  if (filters.rule !== '') params.set('rule', filters.rule);
  if (filters.org_code !== '') params.set('org_code', filters.org_code);
  if (filters.department !== '') params.set('department', filters.department);
  const plate = filters.plate.trim();
  if (plate !== '') params.set('plate', plate);
  const from = windowStart(filters.window, now);
  if (from !== null) params.set('from', String(from));
  return params;
}
