/**
 * The rules in a real `vigil start`: a terminal's emergency button becomes a `terminal_alarm` episode in
 * ClickHouse; the configuration API refuses walls and bad configurations and applies a good one live; the
 * configuration version and the engine snapshot survive a restart.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { locationBody } from '../cli/demo/location.js';
import { startVigil, eventually, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;

beforeAll(async () => {
  vigil = await startVigil();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

async function report(terminal: SimulatedTerminal, time: number, alarmBits: number): Promise<void> {
  const reply = await terminal.request({
    msgId: 0x0200,
    body: locationBody({ lat: 34.75, lon: 113.66, speedKmh: 40, directionDeg: 90, time, alarmBits }, 2013),
  });
  expect(reply.body).toMatchObject({ result: 0 });
}

interface RulesView {
  version: number;
  config: { rules: Record<string, Record<string, unknown>> };
  rules: { id: string }[];
}

async function api(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('rules end to end', () => {
  it('an emergency button press becomes a terminal_alarm episode that opens and closes', async () => {
    const phone = '013912345601';
    const terminal = new SimulatedTerminal({ phone, plate: '豫A60001', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    await terminal.logIn();
    // Recent device times: fixes dated in the future beyond the tolerance are not evaluated.
    const start = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    await report(terminal, start, 0);
    await report(terminal, start + 30_000, 1);
    await report(terminal, start + 60_000, 0);
    const rows = await eventually(
      async () => {
        const r = await vigil.sql<[string, string, number, number | null, string, number]>(
          `SELECT rule, severity, toUnixTimestamp64Milli(started_at), toUnixTimestamp64Milli(ended_at), org_code, rule_version FROM alarms_current WHERE terminal_id = '${phone}'`,
        );
        return r.rows.length === 1 && r.rows[0][3] !== null ? r.rows : undefined;
      },
      20_000,
      'closed terminal_alarm',
    );
    expect(rows[0]).toEqual([
      'terminal_alarm',
      'critical',
      start + 30_000,
      start + 60_000,
      expect.stringMatching(/^4101\d\d$/),
      1,
    ]);
    terminal.close();
  });

  it('serves the configuration, refuses walls and bad configurations, applies a good one live', async () => {
    const token = await vigil.login();
    const current = await api('GET', '/api/rules', token);
    expect(current.status).toBe(200);
    const view = current.json as unknown as RulesView;
    expect(view.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'overspeed',
        'fatigue',
        'night_ban',
        'offline',
        'gps_drift',
        'geofence',
        'cloned_plate',
        'overload',
        'adas',
        'dsm',
        'terminal_alarm',
        'unlicensed',
        'device_offline',
      ]),
    );

    const wall = await api('PUT', '/api/rules', vigil.wallToken, { config: view.config });
    expect(wall.status).toBe(403);

    const bad = structuredClone(view.config);
    bad.rules.fatigue.restMinutesMin = 0;
    const refused = await api('PUT', '/api/rules', token, { config: bad });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      error: 'config_invalid',
      problems: [{ key: 'rules.fatigue.restMinutesMin', value: 0, reason: 'is less than min allowed 1' }],
    });

    const good = structuredClone(view.config);
    (good.rules.terminal_alarm.bits as Record<string, string>)['9'] = 'info';
    const applied = await api('PUT', '/api/rules', token, { config: good, comment: 'LCD faults too' });
    expect(applied).toEqual({ status: 200, json: { version: view.version + 1 } });

    const phone = '013912345602';
    const terminal = new SimulatedTerminal({ phone, plate: '豫A60002', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    await terminal.logIn();
    await report(terminal, Math.floor(Date.now() / 1000) * 1000 - 60_000, 1 << 9);
    const rows = await eventually(
      async () => {
        const r = await vigil.sql<[string, string, number]>(
          `SELECT rule, severity, rule_version FROM alarms_current WHERE terminal_id = '${phone}'`,
        );
        return r.rows.length === 1 ? r.rows : undefined;
      },
      20_000,
      'LCD-fault alarm under the new configuration',
    );
    expect(rows[0]).toEqual(['terminal_alarm', 'info', view.version + 1]);
    terminal.close();
  });

  it('keeps the configuration version and the engine state across a restart', async () => {
    const token = await vigil.login();
    const before = (await api('GET', '/api/rules', token)).json.version;
    const dataDir = vigil.dataDir;
    await vigil.stop();
    expect(existsSync(path.join(dataDir, 'rules', 'engine-snapshot.json'))).toBe(true);
    vigil = await startVigil({ dataDir });
    const after = await api('GET', '/api/rules', await vigil.login());
    expect(after.json.version).toBe(before);
    expect(vigil.stderr()).toMatch(/rules state restored/);
  });
});
