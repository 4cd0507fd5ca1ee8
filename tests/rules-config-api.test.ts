/**
 * The configuration API over real HTTP with the operational store (PGlite in memory): only a province
 * administrator changes the rules; every change and every refusal lands in the audit log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HENAN_PROVINCE_CODE } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import type { RulesRunner } from '../stream/index.js';
import { Accounts, Router, registerRulesConfigRoutes, seedOrgUnits } from '../center/index.js';
import { rulesOnMemoryLog } from './support/in-process-rules.js';

let sql: Sql;
let server: Server;
let base: string;
let adminToken: string;
let runner: RulesRunner;

beforeAll(async () => {
  sql = await openOperational({ kind: 'memory' });
  await seedOrgUnits(sql);
  const accounts = new Accounts(sql);
  await accounts.ensureAdmin(HENAN_PROVINCE_CODE, 'correct horse battery staple');
  adminToken = (await accounts.login('admin', 'correct horse battery staple', 'test')).token;
  // Never started: the routes read and change its configuration, kept in memory.
  runner = rulesOnMemoryLog({}).runner;
  const router = new Router(1 << 20);
  registerRulesConfigRoutes(router, { accounts, sql, rules: runner });
  server = createServer((req, res) => void router.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await sql?.close();
});

async function put(body: unknown, token = adminToken): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/api/rules`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('PUT /api/rules', () => {
  it('audits an accepted change with its version and comment, and a refused one with its problems', async () => {
    const config = structuredClone(runner.current().config);
    config.rules.night_ban.routeLengthKmMin = 150;
    expect(await put({ config, comment: 'provincial notice 12' })).toEqual({ status: 200, json: { version: 2 } });
    config.rules.night_ban.startHour = 25;
    const refused = await put({ config });
    expect(refused.status).toBe(400);
    expect(refused.json.detail).toBe('rules.night_ban.startHour value 25 is greater than max allowed 23');
    expect(runner.current().version).toBe(2);
    const audit = await sql.query<{ action: string; actor: string; detail: Record<string, unknown> }>(
      `SELECT action, actor, detail FROM audit_log WHERE action LIKE 'rules.%' ORDER BY id`,
    );
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['rules.config.update', 'admin'],
      ['rules.config.refused', 'admin'],
    ]);
    expect(audit[0].detail).toMatchObject({ version: 2, previous_version: 1, comment: 'provincial notice 12' });
    expect(audit[1].detail).toMatchObject({
      problems: ['rules.night_ban.startHour value 25 is greater than max allowed 23'],
    });
  });

  it('refuses requests without a token and bodies without a config', async () => {
    expect((await put({ config: {} }, 'not-a-token')).status).toBe(401);
    expect((await put({ comment: 'no config' })).json).toMatchObject({ error: 'bad_request' });
  });
});

describe('GET /api/rules/versions and actions', () => {
  it('lists who saved which version, newest first, and offers saving only to a province administrator', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
      return (await res.json()) as Record<string, unknown>;
    };
    const config = structuredClone(runner.current().config);
    config.zones = [{ id: 'z1', name: '校区', kind: 'restricted', circle: { center: [113.65, 34.75], radiusM: 300 } }];
    const saved = await put({ config, comment: 'a school' });
    expect(saved.status).toBe(200);
    const { versions } = (await get('/api/rules/versions?limit=2')) as {
      versions: { version: number; saved_by: string; comment: string; zones: number }[];
    };
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({
      version: saved.json.version,
      saved_by: 'admin',
      comment: 'a school',
      zones: 1,
    });
    expect(versions[1].version).toBeLessThan(versions[0].version);
    expect((await get('/api/rules')).actions).toEqual(['update']);
    const badLimit = await fetch(`${base}/api/rules/versions?limit=0`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(badLimit.status).toBe(400);
  });

  it('refuses a zone outside the province with its named code', async () => {
    const config = structuredClone(runner.current().config);
    config.zones = [{ id: 'far', name: '上海', kind: 'restricted', circle: { center: [121.47, 31.23], radiusM: 300 } }];
    const refused = await put({ config });
    expect(refused.status).toBe(400);
    expect(refused.json.problems).toEqual([
      expect.objectContaining({ key: 'zones[0].circle.center', code: 'position_outside_province' }),
    ]);
  });
});
