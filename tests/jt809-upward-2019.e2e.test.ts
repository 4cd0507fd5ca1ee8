/**
 * The upward link speaking JT/T 809-2019 (`--jt809-upward-edition 2019`) to a test upper platform written from
 * the standard: the 2019 login (the access code after the password) in a 30-byte header carrying Vigil's UTC time
 * and the configured version, encrypted with the upper platform's keys; a terminal's positions go up as 2019
 * locations (a JT/T 808 0x0200 body and three platform alarm pairs), and the overspeed alarm, whose 2019 body
 * Vigil does not write, is counted as dropped instead of being sent in the 2011 layout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { location2019Of, UpperPlatform } from './support/jt809-upper-platform.js';
import { driveOverspeedEpisode } from './support/overspeed-episode.js';
import { eventually, startVigil, until, type VigilProcess } from './support/vigil-process.js';

const KEYS = { m1: 30_000_000, ia1: 20_000_000, ic1: 10_000_000 };
const ACCESS_CODE = 41_000_002;
const USER_ID = 4_102;
const PASSWORD = 'hn2019pw';
const PLATE = '豫A9U809';

let upper: UpperPlatform;
let vigil: VigilProcess;
beforeAll(async () => {
  upper = new UpperPlatform({
    keys: KEYS,
    edition: 2019,
    loginResult: (userId, password) => (userId === USER_ID && password === PASSWORD ? 0 : 4),
  });
  const port = await upper.listen();
  vigil = await startVigil({
    args: [
      ...['--jt809-upward', `127.0.0.1:${port}`, '--jt809-upward-access-code', String(ACCESS_CODE)],
      ...['--jt809-upward-user-id', String(USER_ID), '--jt809-upward-keys', `${KEYS.m1},${KEYS.ia1},${KEYS.ic1}`],
      ...['--jt809-upward-edition', '2019', '--jt809-upward-version', '1.2.15'],
      '--no-require-terminal-auth',
    ],
    env: { VIGIL_JT809_UPWARD_PASSWORD: PASSWORD },
  });
}, 120_000);
afterAll(async () => {
  await vigil?.stop();
  await upper?.close();
});

describe('JT/T 809-2019 upward link', () => {
  it('logs in with the 2019 login and header, and reports positions as 2019 locations', async () => {
    await until(() => upper.of(0x1001).length >= 1, 20_000, 'the login (0x1001)');
    const login = upper.of(0x1001)[0];
    expect(login.body).toHaveLength(50);
    expect(login.body.readUInt32BE(0)).toBe(USER_ID);
    expect(login.body.subarray(4, 12).toString('latin1')).toBe(PASSWORD);
    expect(login.body.readUInt32BE(12)).toBe(ACCESS_CODE);
    expect(login.version).toEqual([1, 2, 15]);
    expect(Math.abs((login.timeS ?? 0) - Date.now() / 1000)).toBeLessThan(60);

    const startedAt = Date.now();
    await driveOverspeedEpisode(vigil.jt808Port, '013912348092', PLATE);
    const positions = await eventually(
      async () => {
        const mine = upper.envelopesOf(0x1200, PLATE);
        return mine.length >= 4 ? mine : undefined;
      },
      30_000,
      'four positions upward (0x1202)',
    );
    for (const p of positions) expect(p.dataType).toBe(0x1202);
    const fastest = positions.map((p) => location2019Of(p.data)).sort((a, b) => b.speedKmh - a.speedKmh)[0];
    // 2019 keeps JT/T 808's 0.1 km/h; the three PLATFORM_ID/ALARM pairs (45 bytes) follow the 0x0200 body.
    expect(fastest.speedKmh).toBe(133.5);
    expect(fastest.lon).toBeCloseTo(113.66, 5);
    expect(fastest.time).toBeGreaterThan(startedAt - 5_000);
    expect(fastest.rest).toBe(45);

    const metrics = await eventually(
      async () => {
        const text = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
        return /vigil_jt809_upward_dropped_total\{reason="unsupported_in_2019"\} [1-9]/.test(text) ? text : undefined;
      },
      30_000,
      'the overspeed alarm counted as not sent in 2019',
    );
    expect(metrics).toMatch(/vigil_jt809_upward_logged_in 1/);
    expect(upper.of(0x1400)).toEqual([]);
    // Keep-alives and answers go on in 2019: the upper platform parsed every frame at the 2019 offsets.
    for (const m of upper.messages) expect(m.timeS).toBeGreaterThan(1_546_300_800);
  }, 150_000);
});
