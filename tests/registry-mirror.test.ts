/**
 * The registry in ClickHouse (chDB) for analysts: org units, enterprises and vehicles are copied from the
 * operational store (PGlite), copied again only when they changed, the latest copy of a row wins, and an
 * analyst of one city sees that city's enterprises and vehicles only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics, silentLogger } from '../schema/index.js';
import { openAnalytics, openOperational, type Analytics, type Sql } from '../store/index.js';
import { seedOrgUnits } from '../center/index.js';
import { RegistryMirror } from '../center/mirror/registry-mirror.js';
import { CenterMirror } from '../center/mirror/center-mirror.js';
import { alarmRow } from './support/center-harness.js';
import { eventually } from './support/vigil-process.js';

let analytics: Analytics;
let sql: Sql;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-registry-mirror-'));

beforeAll(async () => {
  analytics = await openAnalytics({ kind: 'embedded', dataDir });
  sql = await openOperational({ kind: 'memory' });
  await seedOrgUnits(sql);
  await sql.query(
    `INSERT INTO enterprises (id, name, org_code) VALUES ('E-ZZ', '郑州客运', '410105'), ('E-LY', '洛阳危运', '410302')`,
  );
  await sql.query(
    `INSERT INTO vehicles (plate, plate_color, vehicle_class, enterprise_id, terminal_id, home_org_code, permit_valid_until)
     VALUES ('豫A10001', 2, 'coach', 'E-ZZ', '13900000001', '410105', '2027-01-31T16:00:00Z'),
            ('豫C20002', 2, 'dangerous_goods', 'E-LY', '13900000002', '', NULL),
            ('豫A30003', 1, 'taxi', '', '', '410102', NULL)`,
  );
});

afterAll(async () => {
  await sql?.close();
  await analytics?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function rows(query: string): Promise<unknown[][]> {
  return (await analytics.queryInternal(query)).rows;
}

describe('registry mirror', () => {
  it('copies the three tables, then nothing until one changes, and the latest copy wins', async () => {
    let clockMs = Date.UTC(2026, 11, 1, 0, 0, 0);
    // Pages of two rows, so that the copy of each table takes several pages.
    const mirror = new RegistryMirror(
      { sql, writer: analytics.writer, logger: silentLogger, metrics: new Metrics() },
      { pageRowsMax: 2 },
      () => clockMs,
    );
    const units = Number((await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM org_units'))[0]!.n);
    expect(units).toBeGreaterThan(150);
    expect(await mirror.pass()).toBe(units + 2 + 3);
    expect(await mirror.pass()).toBe(0);

    expect(
      await rows(`SELECT code, name, level, parent_code FROM org_units FINAL WHERE code IN ('410000', '410105')`),
    ).toEqual([
      ['410000', '河南省', 'province', ''],
      ['410105', '金水区', 'county', '410100'],
    ]);
    expect(await rows(`SELECT count() FROM org_units FINAL`)).toEqual([[units]]);
    expect(
      await rows(
        `SELECT plate, plate_color, vehicle_class, enterprise_org_code, home_org_code, toString(permit_valid_until) FROM vehicles FINAL ORDER BY plate`,
      ),
    ).toEqual([
      ['豫A10001', 2, 'coach', '410105', '410105', '2027-02-01 00:00:00.000'],
      ['豫A30003', 1, 'taxi', '', '410102', null],
      ['豫C20002', 2, 'dangerous_goods', '410302', '', null],
    ]);

    // One vehicle changes class: only the vehicles are copied again, and FINAL shows the new class.
    clockMs += 60_000;
    await sql.query(`UPDATE vehicles SET vehicle_class = 'bus', updated_at = now() WHERE plate = '豫A30003'`);
    expect(await mirror.pass()).toBe(3);
    expect(await mirror.pass()).toBe(0);
    expect(await rows(`SELECT vehicle_class FROM vehicles FINAL WHERE plate = '豫A30003'`)).toEqual([['bus']]);
    expect(await rows(`SELECT count() FROM vehicles FINAL`)).toEqual([[3]]);

    // The centres bind the taxi to the Luoyang enterprise, then that enterprise moves to 涧西区: each time the
    // vehicles are copied again with their enterprise's unit.
    clockMs += 60_000;
    await sql.query(`INSERT INTO enterprise_vehicles (plate, enterprise_id) VALUES ('豫A30003', 'E-LY')`);
    expect(await mirror.pass()).toBe(3);
    expect(
      await rows(`SELECT enterprise_id, enterprise_org_code FROM vehicles FINAL WHERE plate = '豫A30003'`),
    ).toEqual([['E-LY', '410302']]);
    clockMs += 60_000;
    await sql.query(`UPDATE enterprises SET org_code = '410305' WHERE id = 'E-LY'`);
    expect(await mirror.pass()).toBe(2 + 3);
    expect(
      await rows(`SELECT plate, enterprise_org_code FROM vehicles FINAL WHERE enterprise_id = 'E-LY' ORDER BY plate`),
    ).toEqual([
      ['豫A30003', '410305'],
      ['豫C20002', '410305'],
    ]);
    await sql.query(`UPDATE enterprises SET org_code = '410302' WHERE id = 'E-LY'`);
    await sql.query(`DELETE FROM enterprise_vehicles WHERE plate = '豫A30003'`);
    clockMs += 60_000;
    expect(await mirror.pass()).toBe(2 + 3);

    // A node restarting copies everything once more; the tables still hold one row per key.
    const restarted = new RegistryMirror({
      sql,
      writer: analytics.writer,
      logger: silentLogger,
      metrics: new Metrics(),
    });
    clockMs += 60_000;
    expect(await restarted.pass()).toBe(units + 2 + 3);
    expect(await rows(`SELECT count() FROM enterprises FINAL`)).toEqual([[2]]);
    expect(await rows(`SELECT vehicle_class FROM vehicles FINAL WHERE plate = '豫A30003'`)).toEqual([['bus']]);
  });

  it("scopes the registry to the analyst's org subtree", async () => {
    const zhengzhou = { userKey: 'zz', orgCodes: ['410100', '410102', '410105'] };
    const plates = await analytics.analysts.run('SELECT DISTINCT plate FROM vehicles ORDER BY plate', zhengzhou);
    expect(plates.rows).toEqual([['豫A10001'], ['豫A30003']]);
    const enterprises = await analytics.analysts.run('SELECT DISTINCT name FROM enterprises', zhengzhou);
    expect(enterprises.rows).toEqual([['郑州客运']]);
    const units = await analytics.analysts.run('SELECT DISTINCT code FROM org_units ORDER BY code', zhengzhou);
    expect(units.rows).toEqual([['410100'], ['410102'], ['410105']]);
    const province = await analytics.analysts.run('SELECT count(DISTINCT plate) FROM vehicles', {
      userKey: 'p',
      orgCodes: 'all',
    });
    expect(province.rows).toEqual([[3]]);
  });

  it("answers the documented 'alarms today by city' example in Beijing days, with the cities' names", async () => {
    const dayMs = 86_400_000;
    const chinaOffsetMs = 8 * 3_600_000;
    // 00:00 of today in Beijing, as an instant; the alarms sit either side of it.
    const beijingMidnightMs = Math.floor((Date.now() + chinaOffsetMs) / dayMs) * dayMs - chinaOffsetMs;
    const at = (ms: number, org_code: string, plate: string) =>
      alarmRow({ alarm_id: `today-${org_code}-${ms}`, started_at: ms, updated_at: ms, org_code, plate });
    await analytics.client.insert({
      table: 'alarms',
      values: [
        at(beijingMidnightMs + 60_000, '410105', '豫A10001'),
        at(beijingMidnightMs + 120_000, '410102', '豫A30003'),
        at(beijingMidnightMs + 180_000, '410302', '豫C20002'),
        // A minute before Beijing midnight: yesterday in China, though the same UTC date as the others.
        at(beijingMidnightMs - 60_000, '410302', '豫C20002'),
      ],
      format: 'JSONEachRow',
    });
    const example = `SELECT city.name AS city, count() AS alarms FROM alarms_current AS a
      INNER JOIN org_units AS county FINAL ON county.code = a.org_code
      INNER JOIN org_units AS city FINAL
        ON city.code = if(county.level = 'county' AND NOT county.directly_administered, county.parent_code, county.code)
      WHERE a.started_at >= today() GROUP BY city ORDER BY alarms DESC, city`;
    const province = await analytics.analysts.run(example, { userKey: 'p', orgCodes: 'all' });
    expect(province.rows).toEqual([
      ['郑州市', 2],
      ['洛阳市', 1],
    ]);
    const classes = await analytics.analysts.run(
      `SELECT v.vehicle_class, e.name AS enterprise, count() AS alarms FROM alarms_current AS a
        INNER JOIN vehicles AS v FINAL ON v.plate = a.plate
        LEFT JOIN enterprises AS e FINAL ON e.enterprise_id = v.enterprise_id
        WHERE a.started_at >= today() GROUP BY v.vehicle_class, enterprise ORDER BY v.vehicle_class`,
      { userKey: 'p', orgCodes: 'all' },
    );
    expect(classes.rows).toEqual([
      ['bus', '', 1],
      ['coach', '郑州客运', 1],
      ['dangerous_goods', '洛阳危运', 1],
    ]);
  });

  it("reaches analysts through the command centres' mirror loop, checked every registryCheckMs", async () => {
    const mirror = new CenterMirror(
      { sql, writer: analytics.writer, logger: silentLogger, metrics: new Metrics() },
      { batchRowsMax: 100, idleMs: 50, idleMsMax: 50, retryDelayMs: 50, registryCheckMs: 100 },
    );
    mirror.start();
    try {
      await sql.query(`INSERT INTO enterprises (id, name, org_code) VALUES ('E-KF', '开封货运', '410202')`);
      const seen = await eventually(
        async () => {
          const found = await rows(`SELECT org_code FROM enterprises FINAL WHERE enterprise_id = 'E-KF'`);
          return found.length > 0 ? found : undefined;
        },
        15_000,
        'the new enterprise in ClickHouse',
      );
      expect(seen).toEqual([['410202']]);
    } finally {
      await mirror.stop();
    }
  });
});
