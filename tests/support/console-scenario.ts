/**
 * Builds what the duty console is tested and photographed against, on a real `vigil start`, only through the
 * ways production data arrives: accounts made by the province admin over the API, vehicles through the registry
 * source, alarms from speeding terminals over JT/T 808 and from a lower platform's 0x1402 reports over JT/T 809,
 * a day of driving back-filled in 0x0704 batches, photos uploaded as 0x0801.
 */
import type { Page } from 'playwright-core';
import { locationBody, type Fix } from '../../cli/demo/location.js';
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';
import type { TestBrowser } from './browser.js';
import { issueKey, postRecords } from './ingest-client.js';
import { alarmReportData, Jt809Client, loginBody, vehicleEnvelope } from './jt809-client.js';
import { eventually, type VigilProcess } from './vigil-process.js';

export const PASSWORD = 'console scenario passphrase';

export interface Person {
  username: string;
  password: string;
  token: string;
}

/** A new console tab in `browser`, logged in as `person` through the login form, then on `tab` when one is named. */
export async function openConsole(
  vigil: VigilProcess,
  browser: TestBrowser,
  person: { username: string; password: string },
  tab?: string,
): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${vigil.baseUrl}/console`);
  await page.fill('input[name="username"]', person.username);
  await page.fill('input[name="password"]', person.password);
  await page.click('[data-testid="login"]');
  await page.locator('[data-testid="console"]').waitFor();
  if (tab !== undefined) await page.click(`[data-testid="tab-${tab}"]`);
  return page;
}

/** Calls the API and returns the JSON answer; a non-2xx answer throws with its body. */
export async function api<T = Record<string, unknown>>(
  vigil: VigilProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${vigil.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

export async function createPerson(
  vigil: VigilProcess,
  admin: string,
  username: string,
  role: string,
  orgCode: string,
  extra: Record<string, unknown> = {},
): Promise<Person> {
  await api(vigil, admin, 'POST', '/api/users', { username, password: PASSWORD, role, org_code: orgCode, ...extra });
  return { username, password: PASSWORD, token: await vigil.login(username, PASSWORD) };
}

export interface FleetVehicle {
  plate: string;
  terminal_id: string;
  home_org_code: string;
  vehicle_class?: string;
  enterprise_id?: string;
}

/** Registers vehicles through the registry source (as a province's registry upload would). */
export async function registerVehicles(vigil: VigilProcess, admin: string, vehicles: FleetVehicle[]): Promise<void> {
  const { key } = await issueKey(vigil.baseUrl, admin, 'registry', '410000', `registry ${Date.now()}`);
  for (let i = 0; i < vehicles.length; i += 200) {
    const posted = await postRecords(
      vigil.baseUrl,
      'registry',
      key,
      vehicles.slice(i, i + 200).map((v) => ({
        type: 'vehicle',
        plate: v.plate,
        plate_color: 2,
        vehicle_class: v.vehicle_class ?? 'heavy_truck',
        terminal_id: v.terminal_id,
        home_org_code: v.home_org_code,
        ...(v.enterprise_id !== undefined ? { enterprise_id: v.enterprise_id } : {}),
      })),
    );
    if (posted.status >= 300 || (posted.body.rejected?.length ?? 0) > 0)
      throw new Error(`registry upload refused: ${posted.status} ${JSON.stringify(posted.body)}`);
  }
}

let platformNo = 0;
/** A lower platform's password: exactly the 8 bytes of the 0x1001 field, printable, not a common one. */
const PLATFORM_PASSWORD = 'Rq8#0w9b';
/** How long a batch of reports may take to be stored: each waits for its ClickHouse batch, one after another. */
const REPORTS_STORED_MS_MAX = 180_000;

/**
 * A lower platform (JT/T 809) reports `reports` alarms (0x1402) of registered vehicles; each becomes an alarm
 * routed to the vehicle's home county. Resolves once the centres hold `expectTotal` alarms for `token`.
 */
export async function reportAlarms(
  vigil: VigilProcess,
  admin: string,
  reports: { plate: string; warnType: number; timeMs: number; info: string }[],
): Promise<void> {
  const accessCode = 41_100_000 + ++platformNo;
  const userId = 9_000 + platformNo;
  await api(vigil, admin, 'POST', '/api/jt809/platforms', {
    access_code: accessCode,
    user_id: userId,
    password: PLATFORM_PASSWORD,
    name: `第三方监控平台 ${platformNo}`,
    org_code: '410000',
  });
  const client = new Jt809Client({ accessCode });
  await client.connect('127.0.0.1', vigil.jt809Port);
  try {
    client.send(0x1001, loginBody(userId, PLATFORM_PASSWORD));
    const result = (await client.answer(0x1002)).body[0];
    if (result !== 0) throw new Error(`JT/T 809 login refused with result ${result}`);
    for (const [i, r] of reports.entries())
      client.send(
        0x1400,
        vehicleEnvelope(r.plate, 2, 0x1402, alarmReportData(1, r.warnType, r.timeMs, 70_000 + i, r.info)),
      );
    // The reports are not answered; a keep-alive answered after them means all were stored (one at a time,
    // each once durable, so this takes a while for many).
    client.send(0x1005, Buffer.alloc(0));
    await client.answer(0x1006, REPORTS_STORED_MS_MAX);
  } finally {
    client.close();
  }
}

/** Waits until `token` sees at least `count` alarms matching `query` in the centres' queue. */
export async function waitForAlarms(
  vigil: VigilProcess,
  token: string,
  query: string,
  count: number,
  timeoutMs = 60_000,
): Promise<number> {
  return eventually(
    async () => {
      const answer = await api<{ total: number }>(vigil, token, 'GET', `/api/alarms?${query}&limit=1`);
      return answer.total >= count ? answer.total : undefined;
    },
    timeoutMs,
    `${count} alarms (${query})`,
  );
}

/**
 * A terminal logs in and reports a short overspeed episode ending now: normal, `speedKmh` twice, normal. At
 * 150 km/h or more (50 % over a truck's 100 km/h) the rules make it critical.
 */
export async function speedingEpisode(
  jt808Port: number,
  phone: string,
  plate: string,
  speedKmh: number,
  at: { lat: number; lon: number } = { lat: 34.75, lon: 113.66 },
): Promise<void> {
  const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', jt808Port);
  try {
    await terminal.logIn();
    const now = Date.now();
    const fixes = [
      { speedKmh: 60, time: now - 60_000 },
      { speedKmh, time: now - 2_000 },
      { speedKmh: speedKmh + 2, time: now - 1_000 },
      { speedKmh: 64, time: now },
    ];
    for (const [i, fix] of fixes.entries()) {
      const reply = await terminal.request({
        msgId: 0x0200,
        body: locationBody({ lat: at.lat + i * 0.001, lon: at.lon, directionDeg: 90, ...fix }, 2013),
      });
      if (reply.msgId !== 0x8001) throw new Error(`terminal ${phone}: position not acknowledged`);
    }
  } finally {
    terminal.close();
  }
}

/** Fixes of a working day: drives between stops in and around Zhengzhou, a fix every `intervalS` seconds. */
export function workingDay(startMs: number, hours: number, intervalS = 30): Fix[] {
  const fixes: Fix[] = [];
  // Drive 50 min, stop 20 min, around a loop of waypoints north-east of Zhengzhou.
  const waypoints = [
    { lat: 34.7466, lon: 113.6254 },
    { lat: 34.8012, lon: 113.6545 },
    { lat: 34.8602, lon: 113.7501 },
    { lat: 34.7902, lon: 113.8802 },
    { lat: 34.7203, lon: 113.7604 },
  ];
  const cycleS = 70 * 60;
  const driveS = 50 * 60;
  let lat = waypoints[0].lat;
  let lon = waypoints[0].lon;
  for (let t = 0; t <= hours * 3600; t += intervalS) {
    const inCycle = t % cycleS;
    const leg = Math.floor(t / cycleS) % waypoints.length;
    const from = waypoints[leg];
    const to = waypoints[(leg + 1) % waypoints.length];
    const driving = inCycle < driveS;
    if (driving) {
      const f = inCycle / driveS;
      lat = from.lat + (to.lat - from.lat) * f;
      lon = from.lon + (to.lon - from.lon) * f;
    }
    const speedKmh = driving ? 45 + 30 * Math.sin((t / 600) * Math.PI) ** 2 : 0;
    const heading = (Math.atan2(to.lon - from.lon, to.lat - from.lat) * 180) / Math.PI;
    fixes.push({ lat, lon, speedKmh, directionDeg: (heading + 360) % 360, time: startMs + t * 1000 });
  }
  return fixes;
}

/** Items per 0x0704 message: each location body is about 30 bytes, a message body at most 1023. */
const BATCH_ITEMS_MAX = 25;

/** Back-fills `fixes` over JT/T 808 in 0x0704 batches (as a terminal does after an outage), each acknowledged. */
export async function backfillTrack(jt808Port: number, phone: string, plate: string, fixes: Fix[]): Promise<void> {
  const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', jt808Port);
  try {
    await terminal.logIn();
    for (let i = 0; i < fixes.length; i += BATCH_ITEMS_MAX) {
      const items = fixes.slice(i, i + BATCH_ITEMS_MAX).map((f) => locationBody(f, 2013));
      const reply = await terminal.request(
        { msgId: 0x0704, body: { type: 1, count: items.length, items, errors: [] } },
        { timeoutMs: 20_000 },
      );
      if (reply.msgId !== 0x8001) throw new Error(`terminal ${phone}: batch not acknowledged`);
    }
  } finally {
    terminal.close();
  }
}
