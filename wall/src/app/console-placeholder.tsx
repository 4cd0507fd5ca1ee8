/** `/console` is routed already so links and bookmarks work; the duty console itself needs login and comes later. */
import type { Lang } from '../i18n/locale.js';
import { MESSAGES } from '../i18n/messages.js';
import { FullScreenMessage } from '../panels/full-screen-message.js';

export function ConsolePlaceholder({ lang }: { lang: Lang }) {
  const messages = MESSAGES[lang];
  return <FullScreenMessage testId="console-placeholder" title={messages.consoleTitle} body={messages.consoleBody} tone="info" />;
}
