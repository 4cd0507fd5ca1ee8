/**
 * The duty console (`/console`): log in, then the workspace of the caller's role. Staff (duty officers,
 * dispatchers, leaders; admins and analysts read-only) get the alarm queue, the work orders and the vehicle
 * page, the duty page (值班: shifts, handover, duty log, 查岗), the zones of the rules (区域与通道, drawn on the map;
 * saved only by whom the server allows) and the JT/T 809 page (下级平台: 查岗 and 督办 of lower platforms); an
 * enterprise account gets its own alarms, its rectification orders and its vehicles. Administrators and enterprise
 * accounts also get the upload page (数据上传: CSV or XLSX files of a source kind, applied in their scope). Lists
 * refresh as soon as the feed reports a change (a burst costs two refreshes), every 30 s anyway while the feed is
 * live (every 5 s without it, list-refresh.ts), and right after each step; the session survives a reload of the tab.
 * The header carries what must not be missed: unacknowledged critical alarms (also in the tab's title and icon, with
 * a sound), alarms escalated to the unit, and the sound and notification switches.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { FeedClient } from '../feed/feed-client.js';
import { PROVINCE_GEO_PATH, isProvinceGeo, type ProvinceGeo } from '../feed/http-api.js';
import type { Lang } from '../i18n/locale.js';
import { divisionNames } from '../map/division-geometry.js';
import { AlarmQueue } from './alarm-queue.js';
import { ASSESSMENT_MESSAGES } from './assessment-messages.js';
import { CREDIT_MESSAGES } from './credit-messages.js';
import { CreditPage } from './credit-page.js';
import { AssessmentPage } from './assessment-page.js';
import { ConsoleApi, loadSession, login, saveSession, type LoginAnswer } from './console-api.js';
import { CONSOLE_MESSAGES, named, type ConsoleMessages } from './console-messages.js';
import { DUTY_MESSAGES } from './duty-messages.js';
import { DutyPage } from './duty-page.js';
import { errorSentence } from './error-text.js';
import { feedChangeTrigger } from './feed-change-trigger.js';
import { JT809_MESSAGES } from './jt809-messages.js';
import { listRefreshMs } from './list-refresh.js';
import { Jt809Page } from './jt809-page.js';
import { REPORT_MESSAGES } from './report-messages.js';
import { ReportPage } from './report-page.js';
import { useAttention } from './use-attention.js';
import { VehiclePage } from './vehicle-page.js';
import { WorkOrdersPage } from './work-orders-page.js';
import { useWorkspace, WorkspaceProvider } from './workspace-context.js';
import { ZONE_MESSAGES } from './zone-messages.js';
import { ZonesPage } from './zones-page.js';
import { UPLOAD_MESSAGES } from './upload-messages.js';
import { UploadsPage } from './uploads-page.js';
import { ADMIN_MESSAGES } from './admin-messages.js';
import { AdminPage } from './admin-page.js';

/** The first feed message refreshes the lists at once; more arriving within this time cause one more refresh. */
const FEED_REFRESH_COALESCE_MS = 300;

type Tab =
  | 'alarms'
  | 'orders'
  | 'vehicle'
  | 'duty'
  | 'zones'
  | 'jt809'
  | 'assessment'
  | 'reports'
  | 'credit'
  | 'uploads'
  | 'admin';
/**
 * Zones: everyone on staff sees them; only those the server lets update the rules may change them. The JT/T 809
 * page's lists and steps are each the server's to allow (JT809_READERS/STAFF).
 */
const STAFF_TABS: readonly Tab[] = [
  'alarms',
  'orders',
  'vehicle',
  'duty',
  'zones',
  'jt809',
  'assessment',
  'reports',
  'credit',
  'uploads',
  'admin',
];
/** An enterprise keeps no duty post. */
// An enterprise reads its own credit (the server limits the answers to it) and uploads its own data.
const ENTERPRISE_TABS: readonly Tab[] = ['alarms', 'orders', 'vehicle', 'credit', 'uploads'];
/** Roles the server lets upload files (UPLOADER_ROLES of center/api/upload-routes.ts): others get no upload tab. */
const UPLOADER_ROLES: readonly string[] = ['admin', 'enterprise'];

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
          .catch((failure: unknown) => setError(messages.loginFailed(errorSentence(failure, messages))));
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
      <button type="submit" className="primary" data-testid="login">
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

/** Follows the feed without positions, only to learn that alarms or orders changed; true while it is live. */
function useFeedChanges(token: string, onChange: () => void): boolean {
  const [live, setLive] = useState(false);
  useEffect(() => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    let timer: ReturnType<typeof setTimeout> | null = null;
    let more = false;
    const changed = feedChangeTrigger();
    const coalesce = (): void => {
      timer = setTimeout(() => {
        timer = null;
        if (!more) return;
        more = false;
        onChange();
        coalesce();
      }, FEED_REFRESH_COALESCE_MS);
    };
    const client = new FeedClient({
      url: `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}&positions=none`,
      onMessage: (message) => {
        if (!changed(message.type)) return;
        if (timer !== null) {
          more = true;
          return;
        }
        onChange();
        coalesce();
      },
      onFrame: () => undefined,
      onStateChange: (state) => setLive(state === 'live'),
      resumeMessage: () => null,
      checkUnauthorized: async () => false,
    });
    client.start();
    return () => {
      client.stop();
      setLive(false);
      if (timer !== null) clearTimeout(timer);
    };
  }, [token, onChange]);
  return live;
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
  const [vehicleId, setVehicleId] = useState('');
  const [geo, setGeo] = useState<ProvinceGeo | null>(null);
  const geoNames = useMemo(
    () => (geo === null ? (new Map<string, string>() as ReadonlyMap<string, string>) : divisionNames(geo)),
    [geo],
  );
  useEffect(() => {
    api
      .get<unknown>(PROVINCE_GEO_PATH)
      .then((body) => isProvinceGeo(body) && setGeo(body))
      .catch(() => undefined);
  }, [api]);
  const showVehicle = useCallback((id: string) => {
    setVehicleId(id);
    setTab('vehicle');
  }, []);
  return (
    <WorkspaceProvider
      api={api}
      lang={lang}
      m={messages}
      session={session}
      geoNames={geoNames}
      onShowVehicle={showVehicle}
    >
      <WorkspaceBody
        tab={tab}
        setTab={setTab}
        vehicleId={vehicleId}
        setVehicleId={setVehicleId}
        geo={geo}
        onLogout={onLogout}
      />
    </WorkspaceProvider>
  );
}

function WorkspaceBody({
  tab,
  setTab,
  vehicleId,
  setVehicleId,
  geo,
  onLogout,
}: {
  tab: Tab;
  setTab: (tab: Tab) => void;
  vehicleId: string;
  setVehicleId: (id: string) => void;
  geo: ProvinceGeo | null;
  onLogout: () => void;
}) {
  const ws = useWorkspace();
  const { m, session } = ws;
  const [refreshNo, setRefreshNo] = useState(0);
  const refresh = useCallback(() => setRefreshNo((n) => n + 1), []);
  const listRefresh = listRefreshMs(useFeedChanges(session.token, refresh));
  const attention = useAttention(refreshNo, listRefresh, `Vigil · ${m.title}`);
  const enterprise = session.user.role === 'enterprise';
  const logout = () => {
    ws.api
      .post('/api/auth/logout')
      .catch(() => undefined)
      .finally(onLogout);
  };
  const tabName = (t: Tab) =>
    t === 'alarms'
      ? enterprise
        ? m.tabs.enterpriseAlarms
        : m.tabs.alarms
      : t === 'orders'
        ? enterprise
          ? m.tabs.enterpriseOrders
          : m.tabs.orders
        : t === 'duty'
          ? DUTY_MESSAGES[ws.lang].tab
          : t === 'zones'
            ? ZONE_MESSAGES[ws.lang].tab
            : t === 'jt809'
              ? JT809_MESSAGES[ws.lang].tab
              : t === 'assessment'
                ? ASSESSMENT_MESSAGES[ws.lang].tab
                : t === 'reports'
                  ? REPORT_MESSAGES[ws.lang].tab
                  : t === 'credit'
                    ? CREDIT_MESSAGES[ws.lang].tab
                    : t === 'uploads'
                      ? UPLOAD_MESSAGES[ws.lang].tab
                      : t === 'admin'
                        ? ADMIN_MESSAGES[ws.lang].tab
                        : m.tabs.vehicle;
  return (
    <div className="console" data-testid="console" data-role={session.user.role}>
      <header className="console-header">
        <h1>Vigil · {m.title}</h1>
        <nav>
          {(enterprise ? ENTERPRISE_TABS : STAFF_TABS)
            .filter((t) => t !== 'uploads' || UPLOADER_ROLES.includes(session.user.role))
            // 系统管理 is offered to whom the server lets administer accounts (it still scopes every answer).
            .filter((t) => t !== 'admin' || ws.abilities?.manage_accounts === true)
            .map((t) => (
              <button
                key={t}
                type="button"
                data-testid={`tab-${t}`}
                className={t === tab ? 'tab-active' : ''}
                onClick={() => setTab(t)}
              >
                {tabName(t)}
                {t === 'alarms' && attention.newCount !== null && attention.newCount > 0 ? (
                  <span className="tab-count" data-testid="new-count">
                    {attention.newCount}
                  </span>
                ) : null}
              </button>
            ))}
        </nav>
        {attention.criticalCount !== null && attention.criticalCount > 0 ? (
          <button
            // A new button for a new count, so that its pulse (console.css) starts again.
            key={attention.criticalCount}
            type="button"
            className="attention-chip attention-critical"
            data-testid="critical-chip"
            onClick={() => setTab('alarms')}
          >
            ⚠ {m.attention.criticalChip(attention.criticalCount)}
          </button>
        ) : null}
        {attention.escalatedCount !== null && attention.escalatedCount > 0 ? (
          <button
            type="button"
            className="attention-chip attention-escalated"
            data-testid="escalated-chip"
            onClick={() => setTab('alarms')}
          >
            ⇧ {m.attention.escalatedChip(attention.escalatedCount)}
          </button>
        ) : null}
        <button
          type="button"
          className="console-subtle"
          data-testid="sound-toggle"
          data-sound={attention.soundState}
          onClick={() => attention.sound.setMuted(!attention.sound.muted)}
        >
          {attention.sound.muted ? m.attention.soundOff : m.attention.soundOn}
        </button>
        {attention.notifications !== 'unsupported' ? (
          <button
            type="button"
            className="console-subtle"
            data-testid="notifications-toggle"
            disabled={attention.notifications === 'denied'}
            onClick={attention.toggleNotifications}
          >
            {attention.notifications === 'on'
              ? m.attention.notificationsOn
              : attention.notifications === 'denied'
                ? m.attention.notificationsDenied
                : m.attention.notificationsOff}
          </button>
        ) : null}
        <span className="console-user" data-testid="console-user" title={session.user.username}>
          {session.user.display_name || session.user.username} · {named(m.roleNames, session.user.role)} ·{' '}
          {ws.placeName(session.user.org_code)}
        </span>
        <button type="button" data-testid="logout" onClick={logout}>
          {m.logOut}
        </button>
      </header>
      {attention.soundState === 'needs_gesture' ? (
        <button
          type="button"
          className="console-sound-banner"
          data-testid="enable-sound"
          onClick={() => attention.sound.unlock()}
        >
          {m.attention.enableSound}
        </button>
      ) : null}
      <main className="console-main">
        {tab === 'alarms' ? <AlarmQueue refreshNo={refreshNo} refreshMs={listRefresh} enterprise={enterprise} /> : null}
        {tab === 'orders' ? <WorkOrdersPage refreshNo={refreshNo} enterprise={enterprise} /> : null}
        {tab === 'vehicle' ? <VehiclePage geo={geo} vehicleId={vehicleId} onVehicleId={setVehicleId} /> : null}
        {tab === 'duty' && !enterprise ? <DutyPage refreshNo={refreshNo} /> : null}
        {tab === 'zones' && !enterprise ? <ZonesPage geo={geo} /> : null}
        {tab === 'jt809' && !enterprise ? <Jt809Page refreshNo={refreshNo} /> : null}
        {tab === 'assessment' && !enterprise ? <AssessmentPage /> : null}
        {tab === 'reports' && !enterprise ? <ReportPage /> : null}
        {tab === 'credit' ? <CreditPage /> : null}
        {tab === 'uploads' ? <UploadsPage /> : null}
        {tab === 'admin' && ws.abilities?.manage_accounts === true ? <AdminPage /> : null}
      </main>
    </div>
  );
}

export function ConsoleApp({ lang }: { lang: Lang }) {
  const messages = CONSOLE_MESSAGES[lang];
  const [session, setSession] = useState<LoginAnswer | null>(() => loadSession(sessionStorageOrUndefined()));
  useEffect(() => {
    document.body.classList.add('console-mode');
    document.documentElement.classList.add('console-mode');
    return () => {
      document.body.classList.remove('console-mode');
      document.documentElement.classList.remove('console-mode');
    };
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
