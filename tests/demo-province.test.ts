/**
 * `vigil start --demo` for a province supervised by configuration (the hand-made Hainan sample of
 * fixtures/provinces/hainan-sample: 海口市 琼A with 秀英区 and 龙华区, 三亚市 琼B with 海棠区, two pieces with a gap
 * between them): its vehicles carry 琼 plates and every fix lies in one of its counties (none stamped with the
 * province's code, which a fix outside every county gets), their overspeed alarms reach each city's own queue,
 * one restricted zone per city is in the rules configuration, and the log says once what of the demo (Henan's
 * sample, showcase and flows) is left out. Run at `--demo-speed 10`, so the vehicles' speeding minute comes soon.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedAlarmCase } from '../schema/index.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const SAMPLE = fileURLToPath(new URL('../fixtures/provinces/hainan-sample', import.meta.url));
const COUNTIES = ['460105', '460106', '460202'];
const PASSWORD = 'a long enough password';

let vigil: VigilProcess;
let admin: string;
let dataDir: string;

async function api<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${vigil.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-demo-province-'));
  copyFileSync(path.join(SAMPLE, 'divisions.json'), path.join(dataDir, 'divisions.json'));
  copyFileSync(path.join(SAMPLE, 'boundaries.json'), path.join(dataDir, 'boundaries.json'));
  writeFileSync(
    path.join(dataDir, 'province.json'),
    JSON.stringify({ divisions: 'divisions.json', boundaries: 'boundaries.json' }),
  );
  vigil = await startVigil({
    store: 'embedded',
    dataDir,
    args: ['--demo', '--demo-speed', '10', '--log-level', 'info'],
  });
  admin = await vigil.login();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil start --demo for a province by configuration', () => {
  it('says once what of the demo is Henan’s and left out', () => {
    const note =
      'demo for 460000 海南省: the generated sample, the showcase and the toll, rail, ship, bus and taxi sources';
    expect(vigil.stdout() + vigil.stderr()).toContain(note);
    expect((vigil.stdout() + vigil.stderr()).split(note)).toHaveLength(2);
  });

  it("drives vehicles with the province's plates, every fix inside one of its counties", async () => {
    const rows = await eventually(
      async () => {
        const { rows } = await vigil.sql<[string, string, string]>(
          'SELECT substringUTF8(plate, 1, 2) AS prefix, org_code, toString(count()) FROM telemetry GROUP BY prefix, org_code ORDER BY prefix, org_code',
        );
        const total = rows.reduce((n, r) => n + Number(r[2]), 0);
        return total >= 100 && COUNTIES.every((c) => rows.some((r) => r[1] === c)) ? rows : undefined;
      },
      90_000,
      'fixes in each of the three counties',
    );
    for (const [prefix, orgCode] of rows) {
      expect(['琼A', '琼B']).toContain(prefix);
      expect(COUNTIES).toContain(orgCode);
    }
  });

  it("routes the vehicles' overspeed alarms to each city's own queue", async () => {
    const users = await Promise.all(
      ['460100', '460200'].map(async (org_code) => {
        const username = `dispatcher-${org_code}`;
        await api(admin, 'POST', '/api/users', { username, password: PASSWORD, role: 'dispatcher', org_code });
        return { org_code, token: await vigil.login(username, PASSWORD) };
      }),
    );
    for (const user of users) {
      const alarms = await eventually(
        async () => {
          const { alarms } = await api<{ alarms: FeedAlarmCase[] }>(user.token, 'GET', '/api/alarms');
          return alarms.some((a) => a.rule === 'overspeed') ? alarms : undefined;
        },
        90_000,
        `an overspeed alarm in ${user.org_code}'s queue`,
      );
      for (const alarm of alarms) {
        expect(alarm.org_code.slice(0, 4)).toBe(user.org_code.slice(0, 4));
        expect(alarm.plate).toMatch(/^琼[AB]/);
      }
    }
  }, 200_000);

  it('loads one restricted zone per city, around its seat county', async () => {
    const rules = await api<{ config: { zones: { id: string; name: string; kind: string }[] } }>(
      admin,
      'GET',
      '/api/rules',
    );
    expect(rules.config.zones.map((z) => `${z.id} ${z.name} ${z.kind}`)).toEqual([
      'zone-460106 龙华区危险品禁行区 restricted',
      'zone-460202 海棠区危险品禁行区 restricted',
    ]);
  });
});
