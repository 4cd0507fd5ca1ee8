/**
 * The duty console's HTTP calls: JSON with the officer's bearer token. A refusal keeps the server's reason and
 * its extra fields (`held_by`, `state`, `field`…) so the console can say it as a sentence (error-text.ts).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    /** Fields the server added to the error (held_by, held_since, state, field, …). */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail === '' ? reason : `${reason}: ${detail}`);
  }
}

export interface ConsoleUser {
  id?: number;
  username: string;
  display_name?: string;
  role: string;
  org_code: string;
  enterprise_id?: string | null;
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

async function send(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
}

async function refusal(response: Response): Promise<ApiError> {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(await response.text()) as unknown;
    if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status alone must do.
  }
  const { error, reason, detail, ...extra } = parsed;
  const code = typeof error === 'string' ? error : typeof reason === 'string' ? reason : `http_${response.status}`;
  return new ApiError(response.status, code, typeof detail === 'string' ? detail : '', extra);
}

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await send(method, path, token, body);
  if (!response.ok) throw await refusal(response);
  const text = await response.text();
  return (text === '' ? null : JSON.parse(text)) as T;
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

  async put<T>(path: string, body: unknown = {}): Promise<T> {
    return this.guard(call<T>('PUT', path, this.token, body));
  }

  async delete<T>(path: string): Promise<T> {
    return this.guard(call<T>('DELETE', path, this.token));
  }

  /** Sends a file as the request body (an upload); the answer as JSON with its status (201 applied, 200 repeated). */
  async postFile<T>(path: string, file: Blob): Promise<{ status: number; body: T }> {
    return this.guard(
      (async () => {
        let response: Response;
        try {
          response = await fetch(path, {
            method: 'POST',
            headers: {
              Accept: 'application/json',
              Authorization: `Bearer ${this.token}`,
              'Content-Type': 'application/octet-stream',
            },
            body: file,
          });
        } catch (error) {
          throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
        }
        if (!response.ok) throw await refusal(response);
        return { status: response.status, body: (await response.json()) as T };
      })(),
    );
  }

  /** A file (an attachment, a photo) as a blob, fetched with the token in the header, never in the URL. */
  async blob(path: string): Promise<Blob> {
    return this.guard(
      (async () => {
        const response = await send('GET', path, this.token);
        if (!response.ok) throw await refusal(response);
        return response.blob();
      })(),
    );
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
