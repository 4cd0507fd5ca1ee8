/**
 * The down link (从链路) of Vigil as a JT/T 809 lower platform: a real node started with --jt809-upward and
 * --jt809-upward-down-link-port names its down-link server in 0x1001; the test's upper platform (written from the
 * standard) connects back to it, logs in with the verify code it answered in 0x1002 and sends its requests there:
 * a 查岗 whose answer goes up on the main link, and alarm notices (0x9402 报警预警, 0x9403) the duty console lists
 * and an officer marks read. A wrong verify code is refused and the connection closed; frames that do not parse
 * are skipped without costing the connection; the down link closes with the main link and takes a new login after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shootForDocs } from './support/browser.js';
import { createPerson, openConsole } from './support/console-scenario.js';
import {
  downLinkOf,
  inspectionAnswerOf,
  inspectionRequestBody,
  UPPER_VERIFY_CODE,
  UpperDownLinkClient,
  UpperPlatform,
  warningNoticeBody,
} from './support/jt809-upper-platform.js';
import { eventually, startVigil, until, type VigilProcess } from './support/vigil-process.js';

const KEYS = { m1: 31_000_000, ia1: 21_000_000, ic1: 11_000_000 };
const ACCESS_CODE = 41_000_009;
const USER_ID = 4_109;
const PASSWORD = 'hndown';

interface UpperRequestView {
  id: number;
  kind: string;
  notice_kind: string | null;
  request_id: number;
  question: string | null;
  plate: string | null;
  warn_type: number | null;
  warn_time: string | null;
  answered_by: string | null;
}

let upper: UpperPlatform;
let vigil: VigilProcess;
let admin: string;
beforeAll(async () => {
  upper = new UpperPlatform({ keys: KEYS });
  const port = await upper.listen();
  vigil = await startVigil({
    args: [
      ...['--jt809-upward', `127.0.0.1:${port}`, '--jt809-upward-access-code', String(ACCESS_CODE)],
      ...['--jt809-upward-user-id', String(USER_ID), '--jt809-upward-keys', `${KEYS.m1},${KEYS.ia1},${KEYS.ic1}`],
      ...['--jt809-upward-down-link-port', '0'],
    ],
    env: { VIGIL_JT809_UPWARD_PASSWORD: PASSWORD },
  });
  admin = await vigil.login();
});
afterAll(async () => {
  await vigil?.stop({ removeData: true });
  await upper?.close();
});

async function requests(): Promise<UpperRequestView[]> {
  const response = await fetch(`${vigil.baseUrl}/api/jt809/upper/requests`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { requests: UpperRequestView[] }).requests;
}

async function answer(id: number, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${vigil.baseUrl}/api/jt809/upper/requests/${id}/answer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function metric(name: string): Promise<string[]> {
  const text = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

/** The down-link address of the newest login. */
async function address(): Promise<{ ip: string; port: number }> {
  await until(() => upper.of(0x1001).length >= 1, 20_000, 'the login (0x1001)');
  return downLinkOf(upper.of(0x1001).at(-1)!);
}

describe('JT/T 809 upward down link (从链路)', () => {
  it('names its down-link server in 0x1001 and refuses a login with a wrong verify code', async () => {
    const named = await address();
    // The main link reaches the upper platform over loopback, so that is the address the upper platform is given.
    expect(named.ip).toBe('127.0.0.1');
    expect(named.port).toBeGreaterThan(0);

    const wrong = await UpperDownLinkClient.connect(named, ACCESS_CODE, KEYS);
    wrong.login(UPPER_VERIFY_CODE ^ 1);
    await wrong.closed;
    expect(wrong.of(0x9002).map((f) => f.body[0])).toEqual([1]);
    expect(await metric('vigil_jt809_upward_down_link_logins_total{result="1"}')).toEqual([
      'vigil_jt809_upward_down_link_logins_total{result="1"} 1',
    ]);
  });

  it('takes a 查岗 on the down link, answers it on the main link, and keeps the link through bad frames', async () => {
    const link = await UpperDownLinkClient.connect(await address(), ACCESS_CODE, KEYS);
    try {
      // Bytes outside any frame, and a frame whose CRC is wrong, before the login: skipped, the connection stays.
      link.sendRaw(Buffer.from('not a frame'));
      link.send(0x9005, Buffer.alloc(0), { corruptCrc: true });
      link.login(UPPER_VERIFY_CODE);
      await until(() => link.of(0x9002).length === 1, 10_000, 'the 0x9002 answer');
      expect(link.of(0x9002)[0].body[0]).toBe(0);
      link.send(0x9005, Buffer.alloc(0));
      await until(() => link.of(0x9006).length === 1, 10_000, 'the keep-alive answer (0x9006)');

      link.send(0x9300, inspectionRequestBody('41000009', 7_001, '请报告值班人员（从链路）'));
      const asked = await eventually(
        async () => (await requests()).find((r) => r.kind === 'inspection' && r.request_id === 7_001),
        20_000,
        'the 查岗 in the list',
      );
      expect(asked.question).toBe('请报告值班人员（从链路）');
      expect((await answer(asked.id, { answer: '值班员赵六' })).status).toBe(200);
      const sent = await eventually(
        async () =>
          upper
            .of(0x1300)
            .map((m) => inspectionAnswerOf(m.body))
            .find((a) => a.infoId === 7_001),
        10_000,
        'the answer (0x1301) on the main link',
      );
      expect(sent.text).toBe('值班员赵六');
      expect(link.of(0x1300)).toEqual([]);
      expect(
        (await metric('vigil_jt809_upward_down_link_bad_frames_total')).some((line) => /\} [1-9]/.test(line)),
      ).toBe(true);
    } finally {
      link.close();
    }
  });

  it('lists the alarm notices (0x9402, 0x9403) once each, and lets an officer mark one read', async () => {
    const link = await UpperDownLinkClient.connect(await address(), ACCESS_CODE, KEYS);
    try {
      link.login(UPPER_VERIFY_CODE);
      await until(() => link.of(0x9002).length === 1, 10_000, 'the 0x9002 answer');
      const warnTimeMs = Date.UTC(2026, 11, 6, 2, 30, 0);
      const tip = warningNoticeBody('豫A9D809', 2, {
        warnType: 0x0001,
        warnTimeMs,
        content: '该车在G4京港澳高速连续超速，请核查',
      });
      link.send(0x9400, tip);
      link.send(0x9400, tip);
      link.send(
        0x9400,
        warningNoticeBody('豫B9D809', 1, { dataType: 0x9403, warnType: 0x0002, warnTimeMs, content: '疲劳驾驶' }),
      );
      // A notice whose content is cut short: refused, the ones after it still read.
      link.send(0x9400, warningNoticeBody('豫C9D809', 1, { warnType: 1, warnTimeMs, content: '完整' }).subarray(0, 40));
      link.send(0x9400, warningNoticeBody('豫D9D809', 1, { warnType: 1, warnTimeMs, content: '之后的一条' }));
      const notices = await eventually(
        async () => {
          const found = (await requests()).filter((r) => r.kind === 'warning');
          return found.length >= 3 ? found : undefined;
        },
        20_000,
        'three notices in the list',
      );
      expect(notices.map((n) => [n.notice_kind, n.plate, n.warn_type, n.question, n.warn_time]).sort()).toEqual(
        [
          ['tip', '豫A9D809', 1, '该车在G4京港澳高速连续超速，请核查', new Date(warnTimeMs).toISOString()],
          ['exchange', '豫B9D809', 2, '疲劳驾驶', new Date(warnTimeMs).toISOString()],
          ['tip', '豫D9D809', 1, '之后的一条', new Date(warnTimeMs).toISOString()],
        ].sort(),
      );
      const first = notices.find((n) => n.plate === '豫A9D809')!;
      const read = await answer(first.id, {});
      expect([read.status, read.body.answered_by]).toEqual([200, 'admin']);
      expect((await answer(first.id, {})).body.error).toBe('already_answered');
      // Nothing goes up for a notice: the standard has no answer to it.
      expect(upper.of(0x1400)).toEqual([]);
    } finally {
      link.close();
    }
  });

  it('shows a notice on the 下级平台 page for the duty officer to mark read', async () => {
    const link = await UpperDownLinkClient.connect(await address(), ACCESS_CODE, KEYS);
    const browser = await launchBrowser({ width: 1920, height: 1080 }, { locale: 'zh-CN' });
    try {
      link.login(UPPER_VERIFY_CODE);
      await until(() => link.of(0x9002).length === 1, 10_000, 'the 0x9002 answer');
      link.send(
        0x9400,
        warningNoticeBody('豫A7D809', 2, {
          warnType: 0x0001,
          warnTimeMs: Date.now() - 120_000,
          content: '部平台预警：该车近1小时超速3次',
        }),
      );
      const officer = await createPerson(vigil, admin, 'down_link_duty', 'duty_officer', '410000');
      const page = await openConsole(vigil, browser, officer, 'jt809');
      const row = page.locator('[data-testid="upper-request"][data-kind="warning"]', { hasText: '豫A7D809' });
      await row.waitFor({ timeout: 20_000 });
      // The panel names the upper platform and the state of both links.
      await page.locator('[data-testid="upper-link"][data-state="logged_in"][data-down-link="logged_in"]').waitFor();
      expect(await page.textContent('[data-testid="upper-link"]')).toContain('从链路已登录');
      expect(await row.locator('[data-testid="upper-notice"]').textContent()).toContain(
        '部平台预警：该车近1小时超速3次',
      );
      await shootForDocs(page, 'console-jt809-upper-notice');
      await row.locator('[data-testid="upper-mark-read"]').click();
      await row.locator('[data-testid="upper-answer"]').waitFor({ timeout: 10_000 });
      expect(await row.locator('[data-testid="upper-answer"]').textContent()).toContain('down_link_duty');
    } finally {
      await browser.close();
      link.close();
    }
  });

  it('closes the down link with the main link, and takes a new login once the main link is back', async () => {
    const link = await UpperDownLinkClient.connect(await address(), ACCESS_CODE, KEYS);
    link.login(UPPER_VERIFY_CODE);
    await until(() => link.of(0x9002).length === 1, 10_000, 'the 0x9002 answer');
    const logins = upper.of(0x1001).length;
    upper.dropLinks();
    await link.closed;
    await until(() => upper.of(0x1001).length > logins, 30_000, 'a new login on the main link');
    // The new 0x1002 may still be on its way to Vigil when the upper platform is quick: until it is in, a login is
    // answered 3 (main link not logged in) and closed, so each try is a new connection.
    const again = await eventually(
      async () => {
        const client = await UpperDownLinkClient.connect(await address(), ACCESS_CODE, KEYS);
        client.login(UPPER_VERIFY_CODE);
        await until(() => client.of(0x9002).length > 0, 5_000, 'a 0x9002 answer');
        if (client.of(0x9002)[0].body[0] === 0) return client;
        client.close();
        return undefined;
      },
      20_000,
      'a down-link login accepted after the main link came back',
    );
    try {
      again.send(0x9003, Buffer.from([0x24, 0x68, 0xac, 0xe0]));
      await again.closed;
      expect(again.of(0x9004)).toHaveLength(1);
    } finally {
      again.close();
    }
  });
});
