/**
 * The command centres in-process over real HTTP, on PGlite or a real PostgreSQL server, with a clock the test
 * moves. Accounts are created through the API by the province admin, as in production.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger, type AlarmRow } from '../../schema/index.js';
import { openOperational, type OperationalTarget, type Sql } from '../../store/index.js';
import { Accounts, ACCOUNTS_DEFAULTS, Router, seedOrgUnits, type AccountsOptions } from '../../center/index.js';
import { startCommandCentre, type CommandCentre, type CommandCentreDeps } from '../../center/command-centre.js';
import { createDatabase, startPostgresServer, type PostgresServer } from './postgres-server.js';
import { sharedServer } from './test-postgres.js';

export const ADMIN_PASSWORD = 'province horse lantern staple';
export const PASSWORD = 'a long enough password';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface CenterHarness {
  sql: Sql;
  centre: CommandCentre;
  accounts: Accounts;
  baseUrl: string;
  clock: { now: number };
  adminToken: string;
  call<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown): Promise<Reply<T>>;
  /** Creates an account through the API (as `creatorToken`, default the province admin) and logs it in. */
  user(
    username: string,
    role: string,
    orgCode: string,
    extra?: Record<string, unknown>,
    creatorToken?: string,
  ): Promise<{ id: number; token: string }>;
  close(): Promise<void>;
}

export async function startCenterHarness(
  target: OperationalTarget,
  options: Partial<CommandCentreDeps> = {},
  accountsOptions: Partial<AccountsOptions> = {},
  /** Adds routes of other parts (the foundation's) to the harness's router before it serves. */
  register?: (router: Router, accounts: Accounts, centre: CommandCentre, sql: Sql) => void,
): Promise<CenterHarness> {
  const sql = await openOperational(target);
  await seedOrgUnits(sql);
  const accounts = new Accounts(sql, { ...ACCOUNTS_DEFAULTS, ...accountsOptions });
  await accounts.ensureAdmin(HENAN_PROVINCE_CODE, ADMIN_PASSWORD);
  const clock = { now: Date.UTC(2026, 10, 28, 0, 0, 0) };
  const router = new Router(1 << 20);
  const centre = await startCommandCentre({
    sql,
    accounts,
    logger: silentLogger,
    metrics: new Metrics(),
    provinceCode: HENAN_PROVINCE_CODE,
    router,
    now: () => clock.now,
    supervisionIntervalMs: 0,
    // Tests run the daily credit run themselves (centre.credit), on the days they plan.
    creditCheckIntervalMs: 0,
    // Likewise the assessment rollup (centre.rollups.tick()).
    assessmentRollupIntervalMs: 0,
    // Likewise the scheduled documents (centre.documents.tick()).
    documentSchedule: { checkIntervalMs: 0 },
    ...options,
  });
  register?.(router, accounts, centre, sql);
  const server: Server = createServer((req, res) => void router.handle(req, res));
  // A test that works the stores for seconds between two calls must not find its kept-alive connection closed by
  // the server's idle timer (5 s by default) just as fetch reuses it: that is an ECONNRESET, not an answer.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const adminToken = (await accounts.login('admin', ADMIN_PASSWORD, 'test')).token;
  const call = async <T>(token: string, method: string, path: string, body?: unknown): Promise<Reply<T>> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T };
  };
  return {
    sql,
    centre,
    accounts,
    baseUrl,
    clock,
    adminToken,
    call,
    user: async (username, role, orgCode, extra = {}, creatorToken = adminToken) => {
      const created = await call<{ id: number }>(creatorToken, 'POST', '/api/users', {
        username,
        password: PASSWORD,
        role,
        org_code: orgCode,
        ...extra,
      });
      if (created.status !== 201)
        throw new Error(`creating ${username} failed: ${created.status} ${JSON.stringify(created.body)}`);
      return { id: created.body.id, token: (await accounts.login(username, PASSWORD, 'test')).token };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await centre.close();
      await sql.close();
    },
  };
}

export type StoreKind = 'pglite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['pglite', 'postgres'];

/** Starts a PostgreSQL server for the suite when it runs on `postgres` (failing, never skipping, without it). */
export function useStoreServer(kind: StoreKind): () => PostgresServer | undefined {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    // The run's server when it has one (tests/support/test-postgres.ts): the same PostgreSQL, without an initdb.
    if (kind === 'postgres') server = sharedServer() ?? (await startPostgresServer());
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => server;
}

/** A fresh database on the suite's server (or PGlite in memory). */
export async function freshTarget(
  kind: StoreKind,
  server: PostgresServer | undefined,
  name: string,
): Promise<OperationalTarget> {
  if (kind === 'pglite') return { kind: 'memory' };
  if (!server) throw new Error('the PostgreSQL server did not start');
  // Unique on a server other suites share: `name` says what the database is for.
  return { kind: 'server', url: await createDatabase(server, `${name}_${randomBytes(6).toString('hex')}`) };
}

let alarmSeq = 0;

/** An alarm version as the rules would publish it. */
export function alarmRow(overrides: Partial<AlarmRow> = {}): AlarmRow {
  const started = Date.UTC(2026, 10, 27, 23, 50, 0);
  return {
    alarm_id: `test-alarm-${++alarmSeq}`,
    rule: 'overspeed',
    rule_version: 1,
    severity: 'warning',
    terminal_id: '013900000001',
    plate: '豫A10001',
    started_at: started,
    ended_at: null,
    org_code: '410105',
    // 金水区, Zhengzhou
    lat: 34.80109,
    lon: 113.65453,
    late: 0,
    details: '{"speed_kmh":131}',
    version: 1,
    updated_at: started,
    ...overrides,
  };
}
