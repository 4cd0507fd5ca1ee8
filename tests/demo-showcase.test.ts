/**
 * `vigil start --demo` shows every rule within its first ten minutes: the showcase (cli/demo/showcase.ts)
 * schedules one labelled case of each rule id, and each must raise its alarm, for its own vehicle or device,
 * by demo second 600. The node runs with `--demo-speed 10`, so those ten minutes of demo time pass in one real
 * minute; everything the demo sends is stamped with the same clock, so the run shows what a real-time demo
 * shows, sooner. The demo's clock start is read from its log line, and each case's demo time is taken when
 * this test first sees its alarm (a late alarm of last night's run counts when it appears, as on the wall).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmKeys } from '../fixtures/generator/index.js';
import { SHOWCASE_CASES } from '../cli/demo/showcase.js';
import { ALL_RULES } from '../stream/rules/all-rules.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const DEMO_SPEED = 10;
const DEMO_WINDOW_S = 600;

let vigil: VigilProcess;

beforeAll(async () => {
  vigil = await startVigil({
    args: ['--demo', '--demo-vehicles', '20', '--demo-speed', String(DEMO_SPEED), '--log-level', 'info'],
  });
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

interface AlarmLine {
  rule: string;
  terminal_id: string;
  plate: string;
  details: string;
}

describe('vigil start --demo: every rule within the first ten minutes', () => {
  it('schedules a case of every rule id inside the ten minutes', () => {
    expect(new Set(SHOWCASE_CASES.map((c) => c.rule))).toEqual(new Set(ALL_RULES.map((r) => r.id)));
    for (const c of SHOWCASE_CASES) expect(c.atS).toBeLessThan(DEMO_WINDOW_S);
  });

  it('raises an alarm for each case, for its own subject, by demo second 600', async () => {
    const clockStart = await eventually(
      async () => {
        const line = vigil
          .stderr()
          .split('\n')
          .find((l) => l.includes('"clock_start_ms"'));
        return line ? (JSON.parse(line) as { clock_start_ms: number }).clock_start_ms : undefined;
      },
      60_000,
      "the demo's clock start in its log",
    );
    const demoS = (): number => ((Date.now() - clockStart) * DEMO_SPEED) / 1000;
    const seenAt = new Map<string, number>();
    const key = (c: (typeof SHOWCASE_CASES)[number]): string => `${c.rule}:${c.plate || c.device_id}`;
    // Polled until every case is seen or the ten minutes are over, whichever is first.
    while (seenAt.size < SHOWCASE_CASES.length && demoS() <= DEMO_WINDOW_S) {
      const now = demoS();
      const { rows } = await vigil.sql<[string, string, string, string]>(
        'SELECT rule, terminal_id, plate, details FROM alarms',
      );
      const alarms: AlarmLine[] = rows.map(([rule, terminal_id, plate, details]) => ({
        rule,
        terminal_id,
        plate,
        details,
      }));
      for (const c of SHOWCASE_CASES) {
        if (seenAt.has(key(c))) continue;
        const subject = [c.terminal_id, c.plate, c.device_id].filter((k) => k !== '');
        const hit = alarms.some(
          (a) =>
            a.rule === c.rule &&
            alarmKeys({ ...a, alarm_id: '', version: 0, started_at: 0, ended_at: null }).some((k) =>
              subject.includes(k),
            ),
        );
        if (hit) seenAt.set(key(c), now);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(
      'demo second each case was first seen:',
      Object.fromEntries([...seenAt].map(([k, s]) => [k, Math.round(s)])),
    );
    const missing = SHOWCASE_CASES.filter((c) => !seenAt.has(key(c))).map(
      (c) => `${c.rule} (${c.plate || c.device_id})`,
    );
    expect(missing, `cases without an alarm by demo second ${DEMO_WINDOW_S}`).toEqual([]);
    for (const c of SHOWCASE_CASES) expect(seenAt.get(key(c))).toBeLessThanOrEqual(DEMO_WINDOW_S);
    expect(vigil.stderr()).not.toContain('demo showcase case failed');
    expect(vigil.stderr()).not.toContain('demo showcase failed');
  });

  it('loads the sample zones as a rules-configuration version', async () => {
    const token = await vigil.login();
    const answer = (await (
      await fetch(`${vigil.baseUrl}/api/rules`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { version: number; comment: string; config: { zones: { id: string; kind: string }[] } };
    expect(answer.version).toBeGreaterThan(1);
    expect(answer.config.zones.map((z) => z.id)).toEqual(
      expect.arrayContaining(['zone-410105', 'zone-410303', 'zone-411302']),
    );
    // The sample's zones are dangerous-goods no-go areas; the showcase adds one zone of each kind its cases need.
    expect(answer.config.zones.filter((z) => z.id.startsWith('zone-')).every((z) => z.kind === 'restricted')).toBe(
      true,
    );
    expect(answer.config.zones.filter((z) => z.id.startsWith('showcase-')).map((z) => z.kind)).toEqual([
      'no_parking',
      'route',
      'area',
    ]);
  });
});
