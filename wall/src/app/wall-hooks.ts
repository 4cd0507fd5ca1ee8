/** The React side of the feed: each hook owns one long-lived resource and cleans it up. */
import { useEffect, useState } from 'react';
import { feedSocketUrl } from '../feed/auth-token.js';
import { reconnectDelayMs } from '../feed/backoff.js';
import { FeedClient, type ConnectionState } from '../feed/feed-client.js';
import type { FeedState } from '../feed/feed-state.js';
import { PROVINCE_GEO_PATH, fetchJsonWithToken, isProvinceGeo, type ProvinceGeo } from '../feed/http-api.js';
import { DESIGN_HEIGHT_PX } from './wall-layout.js';
import { summarizeFeed, type WallSummary } from '../feed/wall-summary.js';
import type { CentreFlows, CentreTrends } from '../../../schema/summary.js';

const TRENDS_PATH = '/api/summary/trends';
const FLOWS_PATH = '/api/summary/flows';
/** Survey stations report every 5 minutes at the most often, vessels every few seconds: 15 s keeps both current. */
const FLOWS_POLL_MS = 15_000;
/** Thirty days move slowly: a trend read once a minute is as good as one read every second. */
const TRENDS_POLL_MS = 60_000;
/** Panels re-render once a second whatever the message rate ... */
const PANEL_TICK_MS = 1_000;
/** ... and at once when an alarm arrives, at most this often during a burst of alarms. */
const ALARM_REDRAW_MS_MIN = 100;

export interface GeoLoad {
  geo: ProvinceGeo | null;
  unauthorized: boolean;
}

/** Retries a read with backoff for as long as it takes (the wall may boot before the server), then keeps it. */
function useReadOnce<T>(path: string, token: string, accept: (body: unknown) => T | null): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const attempt = async (attemptNumber: number): Promise<void> => {
      const outcome = await fetchJsonWithToken<unknown>(path, token, controller.signal);
      if (controller.signal.aborted) return;
      const accepted = outcome.kind === 'ok' ? accept(outcome.body) : null;
      if (accepted !== null) {
        setValue(accepted);
        return;
      }
      timer = setTimeout(() => void attempt(attemptNumber + 1), reconnectDelayMs(attemptNumber, Math.random()));
    };
    void attempt(0);
    return () => {
      controller.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [path, token, accept]);
  return value;
}

function orgCodeOf(body: unknown): string | null {
  const code = (body as { org_code?: unknown } | null)?.org_code;
  return typeof code === 'string' && code !== '' ? code : null;
}

/** The kiosk token's unit (`GET /api/me`): whose wall this is. */
export function useWallOrgCode(token: string): string | null {
  return useReadOnce('/api/me', token, orgCodeOf);
}

/** Loads the divisions, retrying with backoff for as long as it takes: the wall may boot before the server. */
export function useProvinceGeo(token: string): GeoLoad {
  const [load, setLoad] = useState<GeoLoad>({ geo: null, unauthorized: false });
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const attempt = async (attemptNumber: number): Promise<void> => {
      const outcome = await fetchJsonWithToken<unknown>(PROVINCE_GEO_PATH, token, controller.signal);
      if (controller.signal.aborted) return;
      if (outcome.kind === 'ok' && isProvinceGeo(outcome.body)) {
        setLoad({ geo: outcome.body, unauthorized: false });
        return;
      }
      setLoad({ geo: null, unauthorized: outcome.kind === 'unauthorized' });
      timer = setTimeout(() => void attempt(attemptNumber + 1), reconnectDelayMs(attemptNumber, Math.random()));
    };
    void attempt(0);
    return () => {
      controller.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [token]);
  return load;
}

/** Asks over HTTP whether the token is refused, reading only the status line of a cheap request. */
async function tokenRefused(token: string): Promise<boolean> {
  const controller = new AbortController();
  try {
    const response = await fetch(PROVINCE_GEO_PATH, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    return response.status === 401 || response.status === 403;
  } catch {
    return false;
  } finally {
    controller.abort();
  }
}

/** Runs the WebSocket for as long as the wall is mounted. */
export function useFeedConnection(state: FeedState, token: string): ConnectionState {
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  useEffect(() => {
    const client = new FeedClient({
      url: feedSocketUrl(window.location, token),
      onMessage: (message) => state.handle(message, Date.now()),
      onFrame: (frame) => state.handleFrame(frame, Date.now()),
      onStateChange: setConnection,
      resumeMessage: () => state.resumeMessage(),
      checkUnauthorized: () => tokenRefused(token),
    });
    client.start();
    return () => client.stop();
  }, [state, token]);
  return connection;
}

/**
 * The panels' summary, recomputed on a fixed one-second beat and as soon as an alarm changes them: a new alarm is on
 * the list (and a critical one in the callout) without waiting for the beat.
 */
export function usePanelSummary(state: FeedState): WallSummary {
  const [summary, setSummary] = useState<WallSummary>(() => summarizeFeed(state, Date.now()));
  useEffect(() => {
    let lastAt = 0;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const refresh = (): void => {
      const now = Date.now();
      lastAt = now;
      state.tick(now);
      setSummary(summarizeFeed(state, now));
    };
    const timer = setInterval(refresh, PANEL_TICK_MS);
    const unsubscribe = state.onAlarmsChanged(() => {
      if (pending !== null) return;
      pending = setTimeout(
        () => {
          pending = null;
          refresh();
        },
        Math.max(0, lastAt + ALARM_REDRAW_MS_MIN - Date.now()),
      );
    });
    return () => {
      clearInterval(timer);
      unsubscribe();
      if (pending !== null) clearTimeout(pending);
    };
  }, [state]);
  return summary;
}

/** The scope's trends (`GET /api/summary/trends`), re-read every TRENDS_POLL_MS; the last good answer stays. */
export function useCentreTrends(token: string): CentreTrends | null {
  const [trends, setTrends] = useState<CentreTrends | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async (): Promise<void> => {
      const outcome = await fetchJsonWithToken<CentreTrends>(TRENDS_PATH, token, controller.signal);
      if (controller.signal.aborted) return;
      if (outcome.kind === 'ok' && Array.isArray(outcome.body.days) && outcome.body.month !== undefined)
        setTrends(outcome.body);
      timer = setTimeout(() => void poll(), TRENDS_POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [token]);
  return trends;
}

/**
 * The scope's road, rail, vessel, bus and taxi figures (`GET /api/summary/flows`), re-read every FLOWS_POLL_MS; the last good
 * answer stays through a failed poll, like the summary's.
 */
export function useCentreFlows(token: string): CentreFlows | null {
  const [flows, setFlows] = useState<CentreFlows | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async (): Promise<void> => {
      const outcome = await fetchJsonWithToken<CentreFlows>(FLOWS_PATH, token, controller.signal);
      if (controller.signal.aborted) return;
      const body = outcome.kind === 'ok' ? outcome.body : null;
      if (
        body !== null &&
        Array.isArray(body.roads) &&
        Array.isArray(body.hubs) &&
        Array.isArray(body.vessels) &&
        Array.isArray(body.buses) &&
        Array.isArray(body.bus_routes) &&
        Array.isArray(body.taxis)
      )
        setFlows(body);
      timer = setTimeout(() => void poll(), FLOWS_POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      if (timer !== null) clearTimeout(timer);
    };
  }, [token]);
  return flows;
}

/** Wall height over the design height, following window resizes. */
export function useWallScale(): number {
  const [scale, setScale] = useState(() => window.innerHeight / DESIGN_HEIGHT_PX);
  useEffect(() => {
    const onResize = () => setScale(window.innerHeight / DESIGN_HEIGHT_PX);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return scale;
}
