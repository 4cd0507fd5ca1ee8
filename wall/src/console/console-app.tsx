/**
 * The duty console (`/console`): log in, then the unit's alarm queue, the work-order board and a vehicle page.
 * Lists refresh when the feed reports a new alarm, a handling step or a work-order change, every few seconds
 * anyway, and right after each action; the session survives a reload of the tab.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FeedAlarmCase, FeedWorkOrder } from '../../../schema/feed.js';
import { FeedClient } from '../feed/feed-client.js';
import { HENAN_GEO_PATH, isHenanGeo, type HenanGeo } from '../feed/http-api.js';
import type { Lang } from '../i18n/locale.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';
import { divisionNames } from '../map/division-geometry.js';
import { AlarmQueue } from './alarm-queue.js';
import {
  ApiError,
  ConsoleApi,
  isMissingRoute,
  loadSession,
  login,
  saveSession,
  type LoginAnswer,
} from './console-api.js';
import { CONSOLE_MESSAGES, type ConsoleMessages } from './console-messages.js';
import { VehiclePage } from './vehicle-page.js';
import { WorkOrderBoard } from './work-order-board.js';

const REFRESH_MS = 5_000;
/** Feed messages arriving in a burst cause one refresh. */
const FEED_REFRESH_DEBOUNCE_MS = 300;
const FEED_TRIGGERS: ReadonlySet<string> = new Set(['alarm', 'alarm_state', 'work_order']);
const LIST_LIMIT = 200;

type Tab = 'alarms' | 'orders' | 'vehicle';

function sessionStorageOrUndefined(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function LoginForm({
  messages,
  onLoggedIn,
}: {
  messages: ConsoleMessages;
  onLoggedIn: (session: LoginAnswer) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="console-login"
      data-testid="login-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        login(username, password)
          .then(onLoggedIn)
          .catch((failure: unknown) =>
            setError(messages.loginFailed(failure instanceof ApiError ? failure.reason : String(failure))),
          );
      }}
    >
      <h1>Vigil · {messages.title}</h1>
      <label>
        {messages.username}
        <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        {messages.password}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" data-testid="login">
        {messages.logIn}
      </button>
      {error !== null ? (
        <p className="console-error" role="alert" data-testid="login-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

interface Lists {
  alarms: FeedAlarmCase[] | null;
  orders: FeedWorkOrder[] | null;
  handlingAvailable: boolean;
  refreshedAt: number | null;
  error: string | null;
}

function Workspace({
  session,
  lang,
  messages,
  onLogout,
}: {
  session: LoginAnswer;
  lang: Lang;
  messages: ConsoleMessages;
  onLogout: () => void;
}) {
  const api = useMemo(() => new ConsoleApi(session.token, onLogout), [session.token, onLogout]);
  const [tab, setTab] = useState<Tab>('alarms');
  const [terminalId, setTerminalId] = useState('');
  const [geo, setGeo] = useState<HenanGeo | null>(null);
  const [lists, setLists] = useState<Lists>({
    alarms: null,
    orders: null,
    handlingAvailable: true,
    refreshedAt: null,
    error: null,
  });
  const [refreshNo, setRefreshNo] = useState(0);
  const refresh = useCallback(() => setRefreshNo((n) => n + 1), []);
  const places = useMemo(
    () => (geo === null ? (new Map<string, string>() as ReadonlyMap<string, string>) : divisionNames(geo)),
    [geo],
  );

  useEffect(() => {
    // The feed without positions: only to learn that the lists changed.
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const client = new FeedClient({
      url: `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(session.token)}&positions=none`,
      onMessage: (message) => {
        if (!FEED_TRIGGERS.has(message.type) || timer !== null) return;
        timer = setTimeout(() => {
          timer = null;
          refresh();
        }, FEED_REFRESH_DEBOUNCE_MS);
      },
      onFrame: () => undefined,
      onStateChange: () => undefined,
      resumeMessage: () => null,
      checkUnauthorized: async () => false,
    });
    client.start();
    return () => {
      client.stop();
      if (timer !== null) clearTimeout(timer);
    };
  }, [session.token, refresh]);

  useEffect(() => {
    api
      .get<unknown>(HENAN_GEO_PATH)
      .then((body) => isHenanGeo(body) && setGeo(body))
      .catch(() => undefined);
  }, [api]);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const [alarms, orders] = await Promise.all([
          api.get<{ alarms: FeedAlarmCase[] }>(`/api/alarms?limit=${LIST_LIMIT}`),
          api.get<{ work_orders: FeedWorkOrder[] }>(`/api/work-orders?limit=${LIST_LIMIT}`),
        ]);
        if (!cancelled)
          setLists({
            alarms: alarms.alarms,
            orders: orders.work_orders,
            handlingAvailable: true,
            refreshedAt: Date.now(),
            error: null,
          });
      } catch (failure) {
        if (cancelled) return;
        if (isMissingRoute(failure))
          setLists({ alarms: null, orders: null, handlingAvailable: false, refreshedAt: Date.now(), error: null });
        else
          setLists((prev) => ({
            ...prev,
            error: messages.failed(failure instanceof Error ? failure.message : String(failure)),
          }));
      }
    };
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, refreshNo, messages]);

  const logout = () => {
    api
      .post('/api/auth/logout')
      .catch(() => undefined)
      .finally(onLogout);
  };
  const showVehicle = (id: string) => {
    setTerminalId(id);
    setTab('vehicle');
  };
  return (
    <div className="console" data-testid="console">
      <header className="console-header">
        <h1>Vigil · {messages.title}</h1>
        <nav>
          {(['alarms', 'orders', 'vehicle'] as const).map((t) => (
            <button
              key={t}
              type="button"
              data-testid={`tab-${t}`}
              className={t === tab ? 'tab-active' : ''}
              onClick={() => setTab(t)}
            >
              {messages.tabs[t]}
              {t === 'alarms' && lists.alarms !== null
                ? ` (${lists.alarms.filter((a) => a.state === 'new').length})`
                : ''}
            </button>
          ))}
        </nav>
        <span className="console-user" data-testid="console-user">
          {session.user.display_name ?? session.user.username} ·{' '}
          {places.get(session.user.org_code) ?? session.user.org_code}
        </span>
        <button type="button" data-testid="logout" onClick={logout}>
          {messages.logOut}
        </button>
      </header>
      <main className="console-main">
        {lists.error !== null ? <p className="console-error">{lists.error}</p> : null}
        {tab === 'alarms' ? (
          <>
            <h2>{messages.alarmQueue}</h2>
            <AlarmQueue
              api={api}
              alarms={lists.alarms}
              available={lists.handlingAvailable}
              lang={lang}
              messages={messages}
              places={places}
              onChanged={refresh}
              onShowVehicle={showVehicle}
            />
          </>
        ) : null}
        {tab === 'orders' ? (
          <>
            <h2>{messages.orderBoard}</h2>
            <WorkOrderBoard
              orders={lists.orders}
              available={lists.handlingAvailable}
              now={Date.now()}
              messages={messages}
              places={places}
            />
          </>
        ) : null}
        {tab === 'vehicle' ? (
          <VehiclePage
            api={api}
            geo={geo}
            terminalId={terminalId}
            lang={lang}
            messages={messages}
            onTerminalId={setTerminalId}
          />
        ) : null}
      </main>
      <footer className="console-footer">
        {lists.refreshedAt !== null ? messages.refreshed(shanghaiClock(lists.refreshedAt)) : ''}
      </footer>
    </div>
  );
}

export function ConsoleApp({ lang }: { lang: Lang }) {
  const messages = CONSOLE_MESSAGES[lang];
  const [session, setSession] = useState<LoginAnswer | null>(() => loadSession(sessionStorageOrUndefined()));
  useEffect(() => {
    document.body.classList.add('console-mode');
    return () => document.body.classList.remove('console-mode');
  }, []);
  const onLogout = useCallback(() => {
    saveSession(sessionStorageOrUndefined(), null);
    setSession(null);
  }, []);
  if (session === null) {
    return (
      <LoginForm
        messages={messages}
        onLoggedIn={(answer) => {
          saveSession(sessionStorageOrUndefined(), answer);
          setSession(answer);
        }}
      />
    );
  }
  return <Workspace session={session} lang={lang} messages={messages} onLogout={onLogout} />;
}
