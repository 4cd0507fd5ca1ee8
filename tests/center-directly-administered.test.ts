/**
 * 省直管县 commanded by the province (guideline 二(三), G4): an alarm in 巩义 (410181, statistically under 郑州)
 * escalates to the province, the province ranks 巩义 beside its cities, Zhengzhou sees 巩义's alarms read-only
 * where the province allows it, and the rule is configuration (`directly_administered`), changed live through the
 * API: the province can hide a county from its city, or hand command back to the cities.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmListAnswer, CentreSummary } from '../schema/index.js';
import { alarmRow, startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

const GONGYI = '410181';
const ZHENGZHOU = '410100';
const PROVINCE = '410000';
const GONGYI_SEAT = { lon: 113.01609, lat: 34.74907 };
const MINUTE_MS = 60_000;

let h: CenterHarness;
let provinceOfficer: string;
let cityOfficer: string;
let cityAdmin: string;

beforeAll(async () => {
  h = await startCenterHarness(await harnessStore());
  provinceOfficer = (await h.user('sheng-duty', 'duty_officer', PROVINCE)).token;
  cityOfficer = (await h.user('zz-duty', 'duty_officer', ZHENGZHOU)).token;
  cityAdmin = (await h.user('zz-admin', 'admin', ZHENGZHOU)).token;
});

afterAll(async () => {
  await h?.close();
});

async function setPolicy(value: Record<string, unknown>): Promise<void> {
  const put = await h.call(h.adminToken, 'PUT', '/api/config/directly_administered', { value });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}

async function summaryOf(token: string): Promise<CentreSummary> {
  const reply = await h.call<CentreSummary>(token, 'GET', '/api/summary');
  expect(reply.status).toBe(200);
  return reply.body;
}

describe('省直管县 under the default policy (the province commands, the city views)', () => {
  const alarm = alarmRow({ org_code: GONGYI, ...GONGYI_SEAT, plate: '豫A77701' });

  it('routes an alarm in 巩义 to 巩义 and escalates it to the province, not to Zhengzhou', async () => {
    await h.centre.desk.ingest(alarm);
    const detail = await h.call<{ alarm: { org_code: string } }>(
      provinceOfficer,
      'GET',
      `/api/alarms/${alarm.alarm_id}`,
    );
    expect(detail.body.alarm.org_code).toBe(GONGYI);
    h.clock.now += 31 * MINUTE_MS;
    expect((await h.centre.supervise()).alarms).toBeGreaterThanOrEqual(1);
    const escalated = await h.call<AlarmListAnswer>(provinceOfficer, 'GET', '/api/alarms?escalated=true');
    expect(escalated.body.alarms.map((a) => a.alarm_id)).toContain(alarm.alarm_id);
    const toCity = await h.call<AlarmListAnswer>(cityOfficer, 'GET', '/api/alarms?escalated=true');
    expect(toCity.body.alarms.map((a) => a.alarm_id)).not.toContain(alarm.alarm_id);
  });

  it('ranks 巩义 beside the cities at the province, and not inside Zhengzhou', async () => {
    const province = await summaryOf(provinceOfficer);
    const codes = province.units.map((u) => u.org_code);
    expect(codes).toHaveLength(28); // 17 cities + 济源 + 10 省直管县
    const gongyi = province.units.find((u) => u.org_code === GONGYI)!;
    expect(gongyi).toMatchObject({ directly_administered: true, view_only: false, alarms_received: 1 });
    expect(province.units.find((u) => u.org_code === ZHENGZHOU)!.alarms_received).toBe(0);
  });

  it('lets Zhengzhou see 巩义 read-only: listed without steps, a step refused, a view-only row in its ranking', async () => {
    const list = await h.call<AlarmListAnswer>(cityOfficer, 'GET', '/api/alarms');
    const row = list.body.alarms.find((a) => a.alarm_id === alarm.alarm_id);
    expect(row?.actions).toEqual([]);
    const refused = await h.call(cityOfficer, 'POST', `/api/alarms/${alarm.alarm_id}/acknowledge`, {});
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('out_of_scope');
    const city = await summaryOf(cityOfficer);
    expect(city.units.find((u) => u.org_code === GONGYI)).toMatchObject({ view_only: true, alarms_received: 1 });
    expect(city.totals.alarms_received).toBe(1);
    const province = await h.call<AlarmListAnswer>(provinceOfficer, 'GET', '/api/alarms');
    expect(province.body.alarms.find((a) => a.alarm_id === alarm.alarm_id)?.actions).toContain('acknowledge');
  });

  it('keeps accounts of 巩义 with the province: the city admin may not create one', async () => {
    const refused = await h.call(cityAdmin, 'POST', '/api/users', {
      username: 'gy-duty',
      password: 'a long enough password',
      role: 'duty_officer',
      org_code: GONGYI,
    });
    expect(refused.status).toBe(403);
  });

  it('routes an alarm "to the city" of 巩义 to 巩义 itself, which has a city’s powers', async () => {
    const routing = await h.call<{ value: Record<string, unknown> }>(h.adminToken, 'GET', '/api/config/alarm_routing');
    await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', {
      value: { ...routing.body.value, level: { '*': 'city' } },
    });
    const atCity = alarmRow({ org_code: GONGYI, ...GONGYI_SEAT, plate: '豫A77702' });
    const inCity = alarmRow({ plate: '豫A77703' });
    await h.centre.desk.ingest(atCity);
    await h.centre.desk.ingest(inCity);
    const read = async (id: string) =>
      (await h.call<{ alarm: { org_code: string } }>(h.adminToken, 'GET', `/api/alarms/${id}`)).body.alarm.org_code;
    expect(await read(atCity.alarm_id)).toBe(GONGYI);
    expect(await read(inCity.alarm_id)).toBe(ZHENGZHOU);
    await h.call(h.adminToken, 'PUT', '/api/config/alarm_routing', { value: routing.body.value });
  });
});

describe('the policy is configuration', () => {
  it('refuses a bad value naming the field', async () => {
    const bad = await h.call(h.adminToken, 'PUT', '/api/config/directly_administered', {
      value: { command: 'county', city_view: true },
    });
    expect(bad.status).toBe(400);
    expect(String(bad.body.detail)).toContain('directly_administered.command');
    const badCode = await h.call(h.adminToken, 'PUT', '/api/config/directly_administered', {
      value: { command: 'province', city_view_except: ['4101'] },
    });
    expect(badCode.status).toBe(400);
    expect(String(badCode.body.detail)).toContain('city_view_except[0]');
    const byCity = await h.call(cityAdmin, 'PUT', '/api/config/directly_administered', {
      value: { command: 'city', city_view: true },
    });
    expect(byCity.status).toBe(403);
  });

  it('hides 巩义 from Zhengzhou when the province excepts it', async () => {
    const alarm = alarmRow({ org_code: GONGYI, ...GONGYI_SEAT, plate: '豫A77704' });
    await h.centre.desk.ingest(alarm);
    await setPolicy({ command: 'province', city_view: true, city_view_except: [GONGYI] });
    const list = await h.call<AlarmListAnswer>(cityOfficer, 'GET', '/api/alarms');
    expect(list.body.alarms.some((a) => a.org_code === GONGYI)).toBe(false);
    expect((await h.call(cityOfficer, 'GET', `/api/alarms/${alarm.alarm_id}`)).status).toBe(404);
    const city = await summaryOf(cityOfficer);
    expect(city.units.some((u) => u.org_code === GONGYI)).toBe(false);
  });

  it('hands command back to the city: escalation to Zhengzhou, steps for its officers, no province row', async () => {
    await setPolicy({ command: 'city', city_view: true, city_view_except: [] });
    const alarm = alarmRow({ org_code: GONGYI, ...GONGYI_SEAT, plate: '豫A77705' });
    await h.centre.desk.ingest(alarm);
    const list = await h.call<AlarmListAnswer>(cityOfficer, 'GET', `/api/alarms?ids=${alarm.alarm_id}`);
    expect(list.body.alarms[0]?.actions).toContain('acknowledge');
    h.clock.now += 31 * MINUTE_MS;
    await h.centre.supervise();
    const toCity = await h.call<AlarmListAnswer>(cityOfficer, 'GET', '/api/alarms?escalated=true');
    expect(toCity.body.alarms.map((a) => a.alarm_id)).toContain(alarm.alarm_id);
    const province = await summaryOf(provinceOfficer);
    expect(province.units.map((u) => u.org_code)).not.toContain(GONGYI);
    expect(province.units).toHaveLength(18);
    await setPolicy({ command: 'province', city_view: true, city_view_except: [] });
  });
});
