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
 * The Content-Security-Policy of the single-page app (wall and duty console): the tightest under which both work
 * in Chromium, with the map drawn by maplibre and by deck.gl (WebGL needs no directive). The browser tests
 * (`tests/browser-*.test.ts`, `tests/wall-summary-browser.test.ts`) fail on any violation; loosening one of these
 * was tried and each is needed as it stands:
 * - nothing by default; scripts, styles and fonts only from Vigil itself, none inline: the build has no inline
 *   script or style element, and the wall talks to no vendor's cloud (DESIGN.md);
 * - `connect-src 'self'`: the API, the map's tiles and geography, and the WebSocket feed (CSP 3 lets 'self'
 *   cover ws: of the same host);
 * - `worker-src blob:`: maplibre-gl starts its tile workers from a blob: URL of its own bundled code (without
 *   it, "Creating a worker from 'blob:…' violates … worker-src");
 * - `img-src 'self' data: blob:`: the empty favicon `data:,` that keeps kiosks from asking for /favicon.ico, and
 *   the terminals' photos, which the console fetches with its bearer token and shows from a blob: URL (an
 *   `<img src>` cannot carry the token, and a token in the URL would end up in logs);
 * - `media-src blob:`: live video plays from a Media Source Extensions object URL (`blob:`), fed over the
 *   WebSocket; nothing else is a media source;
 * - nothing may frame the app, no `<base>` rewriting, forms only to Vigil.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  'media-src blob:',
  "font-src 'self'",
  "connect-src 'self'",
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
