/**
 * Sessions against a real `vigil start`: a bearer token is taken from the Authorization header only, except on
 * the WebSocket upgrade; a revoked session's WebSocket is closed within a second with code 4401 (logout, an
 * admin revoking one session or all of a user, disabling the user); a wall's kiosk token cannot log out or
 * revoke sessions, an admin revokes it; a throttled login is answered 429 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PASSWORD = 'orchard tundra pebble violin';

let vigil: VigilProcess;
let admin: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  vigil = await startVigil();
  admin = await vigil.login();
});

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await vigil?.stop({ removeData: true });
});

async function api(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>,
    headers: res.headers,
  };
}

async function user(username: string, role: string, orgCode: string): Promise<{ id: number; token: string }> {
  const created = await api(admin, 'POST', '/api/users', { username, password: PASSWORD, role, org_code: orgCode });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { id: created.body.id as number, token: await vigil.login(username, PASSWORD) };
}

interface Feed {
  socket: WebSocket;
  snapshot: Promise<void>;
  closed: Promise<{ code: number; at: number; lastError: string | undefined }>;
}

/** A feed connection with the token in the URL, as the wall's browser makes it. */
function feed(token: string): Feed {
  const socket = new WebSocket(`ws://127.0.0.1:${vigil.httpPort}/ws?token=${encodeURIComponent(token)}`);
  sockets.push(socket);
  let lastError: string | undefined;
  let gotSnapshot: () => void = () => undefined;
  const snapshot = new Promise<void>((resolve) => (gotSnapshot = resolve));
  socket.on('message', (data: Buffer, binary: boolean) => {
    if (binary) return;
    const message = JSON.parse(data.toString()) as { type: string; reason?: string };
    if (message.type === 'snapshot') gotSnapshot();
    if (message.type === 'error') lastError = message.reason;
  });
  const closed = new Promise<{ code: number; at: number; lastError: string | undefined }>((resolve) =>
    socket.on('close', (code) => resolve({ code, at: performance.now(), lastError })),
  );
  return { socket, snapshot, closed };
}

/** Waits for the close, failing after `withinMs` rather than hanging. */
async function closedWithin(f: Feed, withinMs: number): Promise<{ code: number; at: number; lastError?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the feed stayed open ${withinMs} ms after the revocation`)), withinMs);
  });
  try {
    return await Promise.race([f.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('sessions', () => {
  it('takes an API token from the Authorization header only, never from ?token=', async () => {
    expect((await api(null, 'GET', `/api/me?token=${admin}`)).status).toBe(401);
    const post = await fetch(`${vigil.baseUrl}/api/users?token=${admin}`, {
      method: 'POST',
      body: JSON.stringify({ username: 'via-query', password: PASSWORD, role: 'analyst', org_code: '410100' }),
    });
    expect(post.status).toBe(401);
    expect((await api(admin, 'GET', '/api/me')).status).toBe(200);
    // The pages themselves are public files that read the token in the browser.
    expect((await fetch(`${vigil.baseUrl}/wall?token=${vigil.wallToken}`)).status).not.toBe(401);
  });

  it('closes the WebSocket of a logged-out session within a second, with 4401', async () => {
    const officer = await user('ws-logout', 'duty_officer', '410100');
    const f = feed(officer.token);
    await f.snapshot;
    const started = performance.now();
    expect((await api(officer.token, 'POST', '/api/auth/logout')).status).toBe(200);
    const closed = await closedWithin(f, 5_000);
    expect(closed.code).toBe(4401);
    expect(closed.lastError).toBe('unauthorized');
    expect(closed.at - started).toBeLessThan(1_000);
  });

  it('closes the WebSockets of sessions an admin revokes, one or all, and of a disabled user', async () => {
    const one = await user('ws-revoke-one', 'dispatcher', '410100');
    const other = await vigil.login('ws-revoke-one', PASSWORD);
    const f1 = feed(one.token);
    const f2 = feed(other);
    await Promise.all([f1.snapshot, f2.snapshot]);
    const sessions = (await api(admin, 'GET', '/api/sessions')).body.sessions as { id: number; username: string }[];
    const ids = sessions.filter((s) => s.username === 'ws-revoke-one').map((s) => s.id);
    expect(ids).toHaveLength(2);
    // Revoking one session closes only its socket (the newest session is `other`, listed first).
    expect((await api(admin, 'DELETE', `/api/sessions/${ids[0]}`)).status).toBe(200);
    expect((await closedWithin(f2, 1_000)).code).toBe(4401);
    expect(f1.socket.readyState).toBe(WebSocket.OPEN);
    expect((await api(admin, 'POST', `/api/users/${one.id}/revoke-sessions`)).status).toBe(200);
    expect((await closedWithin(f1, 1_000)).code).toBe(4401);

    const disabled = await user('ws-disabled', 'analyst', '410100');
    const f3 = feed(disabled.token);
    await f3.snapshot;
    expect((await api(admin, 'POST', `/api/users/${disabled.id}/disable`)).status).toBe(200);
    expect((await closedWithin(f3, 1_000)).code).toBe(4401);
    // A revoked token is refused at the next upgrade too.
    const again = feed(one.token);
    expect((await closedWithin(again, 5_000)).code).toBe(4401);
  });

  it('keeps a kiosk from logging out or revoking sessions; an admin revokes the wall explicitly', async () => {
    const wall = feed(vigil.wallToken);
    await wall.snapshot;
    const logout = await api(vigil.wallToken, 'POST', '/api/auth/logout');
    expect(logout).toMatchObject({ status: 403, body: { error: 'kiosk_logout_refused' } });
    expect((await api(vigil.wallToken, 'GET', '/api/sessions')).status).toBe(403);
    expect((await api(vigil.wallToken, 'DELETE', '/api/sessions/1')).status).toBe(403);
    expect((await api(vigil.wallToken, 'GET', '/api/me')).status).toBe(200);
    expect(wall.socket.readyState).toBe(WebSocket.OPEN);

    const sessions = (await api(admin, 'GET', '/api/sessions')).body.sessions as { id: number; username: string }[];
    const wallSession = sessions.find((s) => s.username === 'wall-410000');
    expect(wallSession).toBeDefined();
    expect((await api(admin, 'DELETE', `/api/sessions/${wallSession!.id}`)).status).toBe(200);
    expect((await closedWithin(wall, 1_000)).code).toBe(4401);
    expect((await api(vigil.wallToken, 'GET', '/api/me')).status).toBe(401);
  });

  it('answers a throttled login with 429 and Retry-After, for an unknown name as for a known one', async () => {
    for (const username of ['admin', 'nobody-at-all']) {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof api>> | undefined;
      for (let i = 0; i < 7; i++) {
        last = await api(null, 'POST', '/api/auth/login', { username, password: `guess number ${i}` });
        statuses.push(last.status);
      }
      expect(statuses, username).toEqual([401, 401, 401, 401, 401, 401, 429]);
      expect(last!.body.error).toBe('login_throttled');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // The first back-off is a second: the right password works again soon after.
    const ok = await eventually(async () => {
      const r = await api(null, 'POST', '/api/auth/login', { username: 'admin', password: vigil.adminPassword });
      return r.status === 200 ? r : undefined;
    }, 5_000);
    expect(ok.body.token).toEqual(expect.any(String));
  });
});
