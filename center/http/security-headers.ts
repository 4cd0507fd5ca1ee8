/**
 * The security headers of every answer, in one place so that a new route cannot forget them.
 *
 * - `COMMON_HEADERS` on everything: no MIME sniffing (an uploaded attachment or a JSON answer is never run as a
 *   script or shown as a page), no Referer leaving the wall (its URL carries the kiosk token), no framing.
 * - `API_HEADERS` on API answers (JSON, /metrics, attachments): nothing cached, and a policy under which a
 *   browser that opens one renders nothing active.
 * - `PAGE_CSP` on the wall's and the console's HTML: see the comment on it.
 */

export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export const API_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

/**
 * The Content-Security-Policy of the single-page app (wall and duty console), the tightest under which it
 * works, checked in Chromium by the browser tests (`tests/browser-*.test.ts` fail on any CSP violation):
 * - scripts, styles, fonts and data only from Vigil itself: the wall talks to nothing else (DESIGN.md: no vendor
 *   cloud), and the build has no inline script or style element;
 * - `connect-src 'self'`: the API and the WebSocket feed (CSP 3 lets 'self' cover ws: of the same host);
 * - `worker-src blob:`: maplibre-gl starts its tile workers from a blob: URL it makes of its own bundled code;
 * - `img-src data: blob:`: maplibre's and deck.gl's textures (icon atlases, the empty favicon `data:,`);
 * - nothing may frame the app, no plugin, no `<base>` rewriting, forms only to Vigil.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "child-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
