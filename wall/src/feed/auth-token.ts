/**
 * The kiosk token. The server prints a `/wall?token=…` address; the token is kept in sessionStorage as well so
 * that a reload (ours after a WebGL loss, or the kiosk browser's own) keeps working even if the query is lost.
 */
const TOKEN_STORAGE_KEY = 'vigil.kiosk_token';

/** Storage can throw (disabled storage, privacy modes); the wall must then still work from the URL alone. */
function readStored(storage: Storage | undefined): string | null {
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function writeStored(storage: Storage | undefined, token: string): void {
  try {
    storage?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Nothing to do: the token still works for this page's lifetime.
  }
}

/** The token from `?token=` (remembered for reloads) or, failing that, the one remembered earlier. */
export function resolveKioskToken(search: string, storage: Storage | undefined): string | null {
  const fromUrl = new URLSearchParams(search).get('token');
  if (fromUrl !== null && fromUrl !== '') {
    writeStored(storage, fromUrl);
    return fromUrl;
  }
  return readStored(storage);
}

/**
 * `ws(s)://<host>/ws?token=…&positions=binary&protocol=4`, same host and scheme family as the page so it passes
 * proxies the page passed; positions and the vehicle table come as binary frames (feed protocol 4: 3, and a vehicle leaving the wall's area is taken off its map).
 */
export function feedSocketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}&positions=binary&protocol=4`;
}
