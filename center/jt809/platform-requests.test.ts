/**
 * The one request/answer lifecycle of 查岗 and 督办 on PGlite: for both kinds the first answer wins; a repeat is
 * counted, and audited only when it says something else; an answer to no request is refused; an answer after the
 * deadline is kept while the status stays late. The platform's link is a recording stand-in for the JT/T 809
 * server (tests/jt809-requests.e2e.test.ts runs the real one).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger } from '../../schema/index.js';
import { openOperational, type Sql } from '../../store/index.js';
import { Accounts, ACCOUNTS_DEFAULTS } from '../auth/accounts.js';
import type { Principal } from '../auth/accounts.js';
import { seedOrgUnits } from '../org/org-units.js';
import { Jt809Requests } from './jt809-requests.js';
import type { Jt809RequestLink } from './platform-requests.js';

const ACCESS_CODE = 41_000_077;
const ADMIN_PASSWORD = 'province lantern horse staple';
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-jt809-requests-'));
let sql: Sql;
let admin: Principal;
const metrics = new Metrics();
const sent: { msgId: number; body: Buffer }[] = [];
const link: Jt809RequestLink = {
  linkState: () => 'logged_in',
  sendToPlatform: (_code, msgId, body) => {
    sent.push({ msgId, body });
    return { link: 'main' };
  },
};
let requests: Jt809Requests;

beforeAll(async () => {
  sql = await openOperational({ kind: 'embedded', dataDir });
  await seedOrgUnits(sql);
  const accounts = new Accounts(sql, ACCOUNTS_DEFAULTS);
  await accounts.ensureAdmin(HENAN_PROVINCE_CODE, ADMIN_PASSWORD);
  admin = (await accounts.login('admin', ADMIN_PASSWORD, '127.0.0.1')).principal;
  await sql.query(
    `INSERT INTO jt809_platforms (access_code, user_id, password_hash, name, org_code) VALUES ($1, 1, 'x', '测试平台', '410100')`,
    [ACCESS_CODE],
  );
  requests = new Jt809Requests({ sql, link, logger: silentLogger, metrics });
}, 120_000);

afterAll(async () => {
  await sql?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function repeatedCount(msgId: string): number {
  const line = metrics
    .render()
    .split('\n')
    .find((l) => l.startsWith(`vigil_jt809_answers_repeated_total{msg_id="${msgId}"} `));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function audits(action: string): Promise<unknown[]> {
  const rows = await sql.query<{ actor: string; detail: unknown }>(
    'SELECT actor, detail FROM audit_log WHERE action = $1 ORDER BY id',
    [action],
  );
  return rows.map((r) => ({ actor: r.actor, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }));
}

describe('JT/T 809 requests: one lifecycle for 查岗 and 督办', () => {
  it('查岗: the first answer wins; repeats are counted, and audited when they differ', async () => {
    const view = await requests.inspections.send(admin, ACCESS_CODE, { question: '请报值班人员姓名' }, 'test');
    expect(view).toMatchObject({ status: 'sent', answer: null, link: 'main' });
    expect(sent.at(-1)?.msgId).toBe(0x9300);
    const answer = (text: string) => ({ objectType: 1, objectId: '', infoId: view.info_id, text });
    expect(await requests.inspectionAnswered(ACCESS_CODE, answer('值班员张三'))).toBe(true);
    expect(await requests.inspectionAnswered(ACCESS_CODE, answer('值班员张三'))).toBe(true);
    expect(await requests.inspectionAnswered(ACCESS_CODE, answer('值班员李四'))).toBe(true);
    const [listed] = await requests.inspections.list(admin, ACCESS_CODE);
    expect(listed).toMatchObject({ status: 'answered', answer: '值班员张三', answered_by: String(ACCESS_CODE) });
    expect(repeatedCount('0x1301')).toBe(2);
    expect(await audits('jt809_inspection.answer_repeated')).toEqual([
      {
        actor: `jt809_platform:${ACCESS_CODE}`,
        detail: {
          info_id: view.info_id,
          first: { answer: '值班员张三', answered_by: String(ACCESS_CODE) },
          repeated: { answer: '值班员李四', answered_by: String(ACCESS_CODE) },
        },
      },
    ]);
    // An answer to an inspection never sent is refused, for the server to dead-letter.
    expect(await requests.inspectionAnswered(ACCESS_CODE, { ...answer('无此查岗'), infoId: 4_000_000_000 })).toBe(
      false,
    );
  });

  it('督办: the first result wins (处理中 stays after 已处理); repeats are counted, and audited when they differ', async () => {
    const view = await requests.supervisions.send(
      admin,
      ACCESS_CODE,
      { plate: '豫A80912', plate_color: 2, warn_type: 1, deadline_minutes: 30 },
      'test',
    );
    expect(view).toMatchObject({ status: 'sent', result: null });
    expect(sent.at(-1)?.msgId).toBe(0x9400);
    const answer = (result: number) => ({ supervisionId: view.supervision_id, result });
    expect(await requests.supervisionAnswered(ACCESS_CODE, answer(1))).toBe(true);
    const [first] = await requests.supervisions.list(admin, ACCESS_CODE);
    expect(await requests.supervisionAnswered(ACCESS_CODE, answer(0))).toBe(true);
    expect(await requests.supervisionAnswered(ACCESS_CODE, answer(1))).toBe(true);
    const [listed] = await requests.supervisions.list(admin, ACCESS_CODE);
    expect(listed).toMatchObject({ status: 'answered', result: 1, answered_at: first.answered_at });
    expect(repeatedCount('0x1401')).toBe(2);
    expect(await audits('jt809_supervision.answer_repeated')).toEqual([
      {
        actor: `jt809_platform:${ACCESS_CODE}`,
        detail: { supervision_id: view.supervision_id, first: { result: 1 }, repeated: { result: 0 } },
      },
    ]);
    expect(await requests.supervisionAnswered(ACCESS_CODE, { supervisionId: 4_000_000_000, result: 0 })).toBe(false);
  });

  it('keeps an answer after the deadline while the status stays late, for both kinds', async () => {
    const inspection = await requests.inspections.send(
      admin,
      ACCESS_CODE,
      { question: '在吗', deadline_minutes: 0.05 },
      'test',
    );
    const supervision = await requests.supervisions.send(
      admin,
      ACCESS_CODE,
      { plate: '豫A80913', plate_color: 2, warn_type: 1, deadline_minutes: 0.05 },
      'test',
    );
    // Past both deadlines (3 s), as the sweep sees them.
    await sql.query(`UPDATE jt809_inspections SET deadline_at = now() - interval '1 second' WHERE id = $1`, [
      inspection.id,
    ]);
    await sql.query(`UPDATE jt809_supervisions SET deadline_at = now() - interval '1 second' WHERE id = $1`, [
      supervision.id,
    ]);
    expect(await requests.inspections.expire()).toBe(1);
    expect(await requests.supervisions.expire()).toBe(1);
    await requests.inspectionAnswered(ACCESS_CODE, {
      objectType: 1,
      objectId: '',
      infoId: inspection.info_id,
      text: '迟到的应答',
    });
    await requests.supervisionAnswered(ACCESS_CODE, { supervisionId: supervision.supervision_id, result: 0 });
    const inspections = await requests.inspections.list(admin, ACCESS_CODE);
    const supervisions = await requests.supervisions.list(admin, ACCESS_CODE);
    expect(inspections.find((i) => i.id === inspection.id)).toMatchObject({
      status: 'unanswered',
      answer: '迟到的应答',
    });
    expect(supervisions.find((s) => s.id === supervision.id)).toMatchObject({ status: 'overdue', result: 0 });
  });
});
