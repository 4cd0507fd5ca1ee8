/** Entry point for both `/wall` and `/console`: pick the page from the path, the language from `?lang=`. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveKioskToken } from '../feed/auth-token.js';
import { langFromSearch } from '../i18n/locale.js';
import { MESSAGES } from '../i18n/messages.js';
import { FullScreenMessage } from '../panels/full-screen-message.js';
import { ConsoleApp } from '../console/console-app.js';
import { CrashGuard } from './crash-guard.js';
import { routeOf } from './route.js';
import { WallApp } from './wall-app.js';
import './wall.css';
import '../console/console.css';

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
    return <ConsoleApp lang={lang} />;
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
      <WallApp lang={lang} token={token} />
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
