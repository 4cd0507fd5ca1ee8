/**
 * The configuration API over real HTTP with the operational store (PGlite in memory): only a province
 * administrator changes the rules; every change and every refusal lands in the audit log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import { MemoryLog, RulesRunner } from '../stream/index.js';
import { Accounts, Router, registerRulesConfigRoutes, seedOrgUnits } from '../center/index.js';

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
  runner = new RulesRunner({
    log: new MemoryLog({ partitions: 1, backlogPerPartitionMax: 10, durableGroups: {} }),
    logger: silentLogger,
    metrics: new Metrics(),
  });
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
