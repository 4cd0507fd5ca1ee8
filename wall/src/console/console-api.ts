/** The duty console's HTTP calls: JSON with the officer's bearer token; failures carry the server's reason. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
  ) {
    super(detail === '' ? reason : `${reason}: ${detail}`);
  }
}

export interface ConsoleUser {
  username: string;
  display_name?: string;
  role: string;
  org_code: string;
}

export interface LoginAnswer {
  token: string;
  expires_at: number;
  user: ConsoleUser;
}

const SESSION_KEY = 'vigil.console_session';

export function loadSession(storage: Storage | undefined): LoginAnswer | null {
  try {
    const raw = storage?.getItem(SESSION_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as LoginAnswer;
    return typeof session.token === 'string' && session.expires_at > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage | undefined, session: LoginAnswer | null): void {
  try {
    if (session === null) storage?.removeItem(SESSION_KEY);
    else storage?.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Without storage the session lasts as long as the page.
  }
}

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { error?: string; reason?: string; detail?: string };
    throw new ApiError(response.status, error.error ?? error.reason ?? `http_${response.status}`, error.detail ?? '');
  }
  return parsed as T;
}

export async function login(username: string, password: string): Promise<LoginAnswer> {
  return call<LoginAnswer>('POST', '/api/auth/login', null, { username, password });
}

export class ConsoleApi {
  constructor(
    readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  async get<T>(path: string): Promise<T> {
    return this.guard(call<T>('GET', path, this.token));
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.guard(call<T>('POST', path, this.token, body));
  }

  private async guard<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.onUnauthorized();
      throw error;
    }
  }
}

/** True when a list endpoint answered 404: a list has no item to miss, so the server does not offer the route. */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
