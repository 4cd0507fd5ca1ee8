/**
 * Entry point for both `/wall` and `/console`: pick the page from the path, the language from `?lang=`.
 *
 * Each page is its own chunk, loaded only on its route: a wall kiosk never downloads the console's screens, and a
 * duty officer's console does not wait for the wall's panels.
 */
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveKioskToken } from '../feed/auth-token.js';
import { langFromSearch } from '../i18n/locale.js';
import { MESSAGES } from '../i18n/messages.js';
import { FullScreenMessage } from '../panels/full-screen-message.js';
import { CrashGuard } from './crash-guard.js';
import { routeOf } from './route.js';
import './wall.css';
import '../console/console.css';

const ConsoleApp = lazy(() => import('../console/console-app.js').then((m) => ({ default: m.ConsoleApp })));
const WallApp = lazy(() => import('./wall-app.js').then((m) => ({ default: m.WallApp })));

function readSessionStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function Page() {
  const lang = langFromSearch(window.location.search);
  const messages = MESSAGES[lang];
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  if (routeOf(window.location.pathname) === 'console') {
    document.title = `Vigil · ${messages.consoleTitle}`;
    return (
      <Suspense fallback={null}>
        <ConsoleApp lang={lang} />
      </Suspense>
    );
  }
  document.title = `Vigil · ${messages.title}`;
  const token = resolveKioskToken(window.location.search, readSessionStorage());
  if (token === null) {
    return (
      <FullScreenMessage
        testId="unauthorized"
        title={messages.unauthorizedTitle}
        body={messages.unauthorizedBody}
        tone="error"
      />
    );
  }
  return (
    <CrashGuard messages={messages}>
      <Suspense fallback={null}>
        <WallApp lang={lang} token={token} />
      </Suspense>
    </CrashGuard>
  );
}

const rootElement = document.getElementById('root');
if (rootElement === null) throw new Error('index.html has no #root element');
createRoot(rootElement).render(
  <StrictMode>
    <Page />
  </StrictMode>,
);
