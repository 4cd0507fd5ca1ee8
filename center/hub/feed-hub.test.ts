/**
 * The feed hub over real WebSockets on a real HTTP server: binary positions through the vehicle table (JSON for
 * protocol 2, a binary frame for protocol 3), the snapshot deflated on the wire, scoping
 * by the vehicle's county, today's totals in the snapshot, a refused token answered in-band, and a client that
 * stops reading getting the latest fix of every vehicle (coalesced) and every alarm once it reads again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { countyAt, isWithin } from '../../schema/reference/divisions.js';
import {
  decodePositionsFrame,
  decodeVehicleTableFrame,
  FEED_PROTOCOL_VERSION,
  Metrics,
  silentLogger,
  VEHICLE_TABLE_FRAME_KIND,
  type AlarmRow,
  type FeedServerMessage,
  type TelemetryRow,
} from '../../schema/index.js';
import { MemoryLog, TOPICS } from '../../stream/index.js';
import type { Principal } from '../auth/accounts.js';
import { FeedHub, FEED_HUB_DEFAULTS, type FeedHubOptions } from './feed-hub.js';

const NOW = Date.now();
const ZHENGZHOU = { lat: 34.75, lon: 113.66 };
const LUOYANG = { lat: 34.62, lon: 112.45 };
const PRINCIPALS: Record<string, Principal> = {
  province: { userId: 1, username: 'wall-410000', role: 'wall', orgCode: '410000', enterpriseId: null },
  zhengzhou: { userId: 2, username: 'wall-410100', role: 'wall', orgCode: '410100', enterpriseId: null },
  fleet: { userId: 3, username: 'fleet-a', role: 'enterprise', orgCode: '410100', enterpriseId: 'E-A' },
};
/** Registry stand-in: terminal 100001 belongs to enterprise E-A, every other vehicle to E-B. */
const ENTERPRISE_OF = (terminalId: string): string => (terminalId === '100001' ? 'E-A' : 'E-B');

interface Harness {
  hub: FeedHub;
  log: MemoryLog;
  metrics: Metrics;
  url: string;
  close(): Promise<void>;
}

const open: Harness[] = [];

async function startHub(
  options: Partial<FeedHubOptions> = {},
  todayAlarms?: () => Promise<{ alarm_id: string; org_code: string; rule: string; started_at: number }[]>,
  recentAlarms?: () => Promise<AlarmRow[]>,
): Promise<Harness> {
  const log = new MemoryLog({ partitions: 2, backlogPerPartitionMax: 1_000_000, durableGroups: {} });
  const metrics = new Metrics();
  const hub = new FeedHub(
    {
      log,
      logger: silentLogger,
      metrics,
      authenticate: async (token) => {
        // A session that expires shortly after the connection opens.
        if (token === 'expiring')
          return { ...PRINCIPALS.province, userId: 9, sessionId: 90, expiresAt: Date.now() + 300 };
        const principal = token === undefined ? undefined : PRINCIPALS[token];
        if (principal === undefined) throw new Error('bad token');
        return principal;
      },
      covers: (scope, code) => scope === code || isWithin(code, scope),
      vehicleOrgCode: (v) => countyAt(v.lon, v.lat)?.code ?? '410000',
      vehicleClassOf: () => 'coach',
      enterpriseOf: (terminalId) => ENTERPRISE_OF(terminalId),
      todayAlarms,
      recentAlarms,
    },
    { ...FEED_HUB_DEFAULTS, tickMs: 50, heartbeatMs: 60_000, ...options },
  );
  hub.start();
  const server: Server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
    void hub.handleUpgrade(req, socket, head, token);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const harness: Harness = {
    hub,
    log,
    metrics,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    close: async () => {
      await hub.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await log.close();
    },
  };
  open.push(harness);
  return harness;
}

afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

function fix(terminalId: string, ts: number, at: { lat: number; lon: number }, speedKmh = 50): TelemetryRow {
  return {
    terminal_id: terminalId,
    plate: `豫A${terminalId.slice(-5)}`,
    ts,
    received_at: ts,
    lat: at.lat,
    lon: at.lon,
    altitude_m: 0,
    speed_kmh: speedKmh,
    direction_deg: 90,
    alarm_bits: 0,
    status_bits: 0,
    source: 'jt808',
    backfill: 0,
    extras: '',
    org_code: '',
  };
}

function alarm(id: string, orgCode: string, terminalId = '1'): AlarmRow {
  return {
    alarm_id: id,
    rule: 'overspeed',
    rule_version: 1,
    severity: 'warning',
    terminal_id: terminalId,
    plate: '豫A1',
    started_at: NOW,
    ended_at: null,
    org_code: orgCode,
    lat: ZHENGZHOU.lat,
    lon: ZHENGZHOU.lon,
    late: 0,
    details: '{}',
    version: 1,
    updated_at: NOW,
  } as AlarmRow;
}

/** A client that records what it gets: JSON messages, and the latest decoded fix per vehicle of the binary frames. */
class Recorder {
  readonly messages: FeedServerMessage[] = [];
  readonly plateOfIndex = new Map<number, string>();
  readonly latestByPlate = new Map<string, { lat: number; lon: number; speedKmh: number }>();
  frames = 0;
  tableFrames = 0;
  /** Bytes of the messages as the application sees them (after any permessage-deflate). */
  messageBytes = 0;
  closeCode: number | null = null;
  readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.socket = new WebSocket(url, options);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('close', (code) => (this.closeCode = code));
    this.socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.messageBytes += data.length;
      if (!isBinary) {
        const message = JSON.parse(data.toString()) as FeedServerMessage;
        this.messages.push(message);
        if (message.type === 'vehicle_table') for (const e of message.entries) this.plateOfIndex.set(e.index, e.plate);
        return;
      }
      const copy = new Uint8Array(data).slice().buffer;
      if (data[0] === VEHICLE_TABLE_FRAME_KIND) {
        const table = decodeVehicleTableFrame(copy);
        if (!table.ok) throw new Error(table.reason);
        this.tableFrames += 1;
        for (const e of table.entries) this.plateOfIndex.set(e.index, e.plate);
        return;
      }
      const decoded = decodePositionsFrame(copy);
      if (!decoded.ok) throw new Error(decoded.reason);
      this.frames += 1;
      const c = decoded.columns;
      for (let i = 0; i < c.count; i += 1) {
        const plate = this.plateOfIndex.get(c.index[i]);
        if (plate === undefined) throw new Error(`index ${c.index[i]} used before it was announced`);
        this.latestByPlate.set(plate, { lat: c.latE6[i] / 1e6, lon: c.lonE6[i] / 1e6, speedKmh: c.speedDkmh[i] / 10 });
      }
    });
  }

  /** Bytes read from the TCP socket: what travelled, compressed or not. */
  get wireBytes(): number {
    return (this.socket as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
  }

  of<T extends FeedServerMessage['type']>(type: T): Extract<FeedServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<FeedServerMessage, { type: T }> => m.type === type);
  }
}

function until(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return vi.waitFor(
    () => {
      if (!probe()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

describe('FeedHub', () => {
  it('starts from the stored recent alarms: open ones in the snapshot, a stored version sent again not shown again', async () => {
    const opened = alarm('a-open', '410105');
    const closed: AlarmRow = { ...alarm('a-closed', '410105', '2'), version: 2, ended_at: NOW + 1_000 };
    const h = await startHub({}, undefined, async () => [opened, closed]);
    const client = new Recorder(`${h.url}?token=province&positions=none`);
    await until(() => client.of('snapshot').length === 1, 'snapshot');
    expect(
      client
        .of('snapshot')[0]
        .alarms.map((a) => [a.alarm_id, a.version])
        .sort(),
    ).toEqual([
      ['a-closed', 2],
      ['a-open', 1],
    ]);
    // What a replay after a crash sends: the stored versions again, then a new one, then an unrelated marker.
    const replayed = [opened, { ...closed, version: 1, ended_at: null }, closed, { ...opened, version: 2 }];
    const marker = alarm('marker', '410105', '3');
    await h.log.producer().send(
      TOPICS.alarms,
      [...replayed, marker].map((value) => ({ key: value.terminal_id, value })),
    );
    await until(() => client.of('alarm').some((m) => m.alarm.alarm_id === 'marker'), 'the marker');
    expect(
      client
        .of('alarm')
        .map((m) => [m.alarm.alarm_id, m.alarm.version])
        .sort(),
    ).toEqual([
      ['a-open', 2],
      ['marker', 1],
    ]);
    client.socket.close();
  });

  it('sends binary positions through a vehicle table, scoped to the county the vehicle is in', async () => {
    const h = await startHub();
    await h.log.producer().send(
      TOPICS.telemetry,
      [fix('100001', NOW, ZHENGZHOU), fix('100002', NOW, LUOYANG)].map((value) => ({ key: value.terminal_id, value })),
    );
    const province = new Recorder(`${h.url}?token=province&positions=binary`);
    const city = new Recorder(`${h.url}?token=zhengzhou&positions=binary`);
    await until(() => province.latestByPlate.size === 2 && city.latestByPlate.size === 1, 'snapshot frames');
    expect(province.of('snapshot')[0].vehicles).toEqual([]);
    expect([...city.latestByPlate.keys()]).toEqual(['豫A00001']);
    await h.log.producer().send(
      TOPICS.telemetry,
      [fix('100001', NOW + 30_000, { lat: 34.760001, lon: 113.670002 }, 88.8)].map((value) => ({
        key: value.terminal_id,
        value,
      })),
    );
    await until(() => city.latestByPlate.get('豫A00001')?.speedKmh === 88.8, 'the moved vehicle');
    expect(city.latestByPlate.get('豫A00001')).toEqual({ lat: 34.760001, lon: 113.670002, speedKmh: 88.8 });
    // The table entry was sent once per connection, not with every frame.
    expect(city.of('vehicle_table').flatMap((m) => m.entries)).toHaveLength(1);
    // A JSON client of protocol 1 still gets JSON positions.
    const legacy = new Recorder(`${h.url}?token=province`);
    await until(() => legacy.of('snapshot').length === 1, 'legacy snapshot');
    expect(
      legacy
        .of('snapshot')[0]
        .vehicles.map((v) => v.plate)
        .sort(),
    ).toEqual(['豫A00001', '豫A00002']);
    for (const r of [province, city, legacy]) r.socket.close();
  });

  it('sends protocol 3 clients the vehicle table as binary frames, and protocol 2 clients as JSON, from the same hub', async () => {
    const h = await startHub();
    await h.log.producer().send(
      TOPICS.telemetry,
      [fix('100001', NOW, ZHENGZHOU), fix('100002', NOW, LUOYANG)].map((value) => ({ key: value.terminal_id, value })),
    );
    const wall = new Recorder(`${h.url}?token=province&positions=binary&protocol=3`);
    const older = new Recorder(`${h.url}?token=province&positions=binary`);
    const future = new Recorder(`${h.url}?token=province&positions=binary&protocol=9`);
    await until(() => [wall, older, future].every((r) => r.latestByPlate.size === 2), 'snapshot frames');
    expect(wall.of('snapshot')[0].protocol).toBe(3);
    // A client newer than the hub is answered at the hub's own version, which it must understand.
    expect(future.of('snapshot')[0].protocol).toBe(FEED_PROTOCOL_VERSION);
    expect(older.of('snapshot')[0].protocol).toBe(2);
    expect(wall.of('vehicle_table')).toEqual([]);
    expect(wall.tableFrames).toBe(1);
    expect(older.tableFrames).toBe(0);
    expect(
      older
        .of('vehicle_table')
        .flatMap((m) => m.entries.map((e) => e.plate))
        .sort(),
    ).toEqual(['豫A00001', '豫A00002']);
    // A vehicle first heard after the snapshot is announced in its own table frame before its first positions.
    await h.log.producer().send(
      TOPICS.telemetry,
      [fix('100004', NOW, ZHENGZHOU, 61)].map((value) => ({ key: value.terminal_id, value })),
    );
    await until(() => wall.latestByPlate.get('豫A00004')?.speedKmh === 61, 'the new vehicle');
    expect(wall.tableFrames).toBe(2);
    expect(wall.plateOfIndex.size).toBe(3);
    for (const r of [wall, older, future]) r.socket.close();
  });

  it('compresses the snapshot on the wire (permessage-deflate) and leaves it whole for clients that do not negotiate it', async () => {
    const h = await startHub();
    const vehicles = 3_000;
    const fixes = Array.from({ length: vehicles }, (_, i) =>
      fix(String(13_800_000_000 + i), NOW, { lat: ZHENGZHOU.lat + (i % 50) * 1e-3, lon: ZHENGZHOU.lon + i * 1e-5 }),
    );
    // Both clients must get the same messages: every vehicle's fix already sent in a closed tick before they
    // connect, so neither gets the last positions twice (snapshot, then the tick). A client connected before the
    // fixes hears that tick: once it knows every vehicle, the tick has closed.
    const witness = new Recorder(`${h.url}?token=province&positions=binary&protocol=3`);
    await witness.opened;
    await h.log.producer().send(
      TOPICS.telemetry,
      fixes.map((value) => ({ key: value.terminal_id, value })),
    );
    await until(() => witness.latestByPlate.size === vehicles, 'every vehicle sent in a tick');
    witness.socket.close();
    const deflating = new Recorder(`${h.url}?token=province&positions=binary&protocol=3`);
    const plain = new Recorder(`${h.url}?token=province&positions=binary&protocol=3`, { perMessageDeflate: false });
    await until(() => deflating.latestByPlate.size === vehicles && plain.latestByPlate.size === vehicles, 'snapshots');
    expect(deflating.messageBytes).toBe(plain.messageBytes);
    expect(plain.wireBytes).toBeGreaterThan(plain.messageBytes);
    expect(deflating.wireBytes).toBeLessThan(plain.messageBytes / 2);
    for (const r of [deflating, plain]) r.socket.close();
  });

  it('gives an enterprise account only its own vehicles and their alarms, even inside its unit', async () => {
    const h = await startHub();
    // Both vehicles are in Zhengzhou, the enterprise account's unit; only 100001 is the enterprise's.
    await h.log.producer().send(
      TOPICS.telemetry,
      [fix('100001', NOW, ZHENGZHOU), fix('100003', NOW, ZHENGZHOU)].map((value) => ({
        key: value.terminal_id,
        value,
      })),
    );
    const fleet = new Recorder(`${h.url}?token=fleet&positions=binary`);
    const city = new Recorder(`${h.url}?token=zhengzhou&positions=binary`);
    await until(() => city.latestByPlate.size === 2 && fleet.latestByPlate.size === 1, 'snapshot frames');
    expect([...fleet.latestByPlate.keys()]).toEqual(['豫A00001']);
    h.hub.acceptAlarm(alarm('own', '410105', '100001'));
    h.hub.acceptAlarm(alarm('other', '410105', '100003'));
    await until(() => city.of('alarm').length === 2, 'alarms to the city');
    await until(() => fleet.of('alarm').length === 1, "the enterprise's alarm");
    expect(fleet.of('alarm').map((m) => m.alarm.alarm_id)).toEqual(['own']);
    for (const r of [fleet, city]) r.socket.close();
  });

  it("states today's totals for the scope, seeded from the store and counting each new episode once", async () => {
    const h = await startHub({}, async () => [
      { alarm_id: 'a', org_code: '410102', rule: 'overspeed', started_at: NOW - 1_000 },
      { alarm_id: 'b', org_code: '410302', rule: 'fatigue', started_at: NOW - 1_000 },
    ]);
    const city = new Recorder(`${h.url}?token=zhengzhou&positions=binary`);
    await until(() => city.of('snapshot').length === 1, 'snapshot');
    expect(city.of('snapshot')[0].today).toMatchObject({ total: 1, by_rule: { overspeed: 1 } });
    h.hub.acceptAlarm(alarm('a', '410102'));
    h.hub.acceptAlarm(alarm('c', '410102'));
    h.hub.acceptAlarm({ ...alarm('c', '410102'), version: 2 });
    await until(() => city.of('alarm').length === 3, 'alarms');
    expect(city.of('alarm').map((m) => [m.alarm.alarm_id, m.counted])).toEqual([
      ['a', false],
      ['c', true],
      ['c', false],
    ]);
    const province = new Recorder(`${h.url}?token=province&positions=binary`);
    await until(() => province.of('snapshot').length === 1, 'province snapshot');
    expect(province.of('snapshot')[0].today).toMatchObject({ total: 3, by_rule: { overspeed: 2, fatigue: 1 } });
    city.socket.close();
    province.socket.close();
  });

  it('answers a refused token with an unauthorized error and close code 4401', async () => {
    const h = await startHub();
    const refused = new Recorder(`${h.url}?token=nobody&positions=binary`);
    await until(() => refused.closeCode !== null, 'close');
    expect(refused.closeCode).toBe(4401);
    expect(refused.of('error')[0]).toMatchObject({ reason: 'unauthorized' });
  });

  it("closes a session's socket with 4401 within a tick of its expiry, and at once when it is revoked", async () => {
    const h = await startHub({ tickMs: 1_000 });
    const expiring = new Recorder(`${h.url}?token=expiring`);
    await expiring.opened;
    const openedAt = Date.now();
    await until(() => expiring.closeCode !== null, 'close of the expired session', 5_000);
    expect(expiring.closeCode).toBe(4401);
    expect(expiring.of('error').at(-1)).toMatchObject({ reason: 'token_expired' });
    // Expiry 300 ms after opening, closed by the first tick after it: within 300 ms + one tick.
    expect(Date.now() - openedAt).toBeLessThan(300 + 1_000 + 250);

    const kept = new Recorder(`${h.url}?token=zhengzhou`);
    const revoked = new Recorder(`${h.url}?token=fleet`);
    await until(() => kept.of('snapshot').length > 0 && revoked.of('snapshot').length > 0, 'snapshots');
    h.hub.closeRevoked({ userId: PRINCIPALS.fleet.userId });
    await until(() => revoked.closeCode !== null, 'close of the revoked session', 500);
    expect(revoked.closeCode).toBe(4401);
    expect(kept.closeCode).toBeNull();
  });

  it('holds positions back for a client that stops reading and then sends the latest fix of each vehicle, and every alarm', async () => {
    const h = await startHub({ clientBufferedBytesSoftMax: 4_096 });
    const vehicles = 5_000;
    const slow = new Recorder(`${h.url}?token=province&positions=binary`);
    await slow.opened;
    await until(() => slow.of('snapshot').length === 1, 'snapshot');
    // The client's TCP socket stops reading, so the server's kernel buffer and then the hub's buffer fill up.
    const raw = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    // How much the kernel absorbs before the hub's own buffer fills depends on the machine's socket buffer
    // autotuning, so rounds go on until the hub has held a tick back (bounded, so the test can still fail).
    const isCoalescing = (): boolean =>
      Number(/vigil_feed_position_ticks_coalesced_total (\d+)/.exec(h.metrics.render())?.[1] ?? 0) > 0;
    const sendRound = async (round: number): Promise<void> => {
      const fixes = Array.from({ length: vehicles }, (_, i) =>
        fix(
          String(200_000 + i),
          NOW + round * 1_000,
          { lat: ZHENGZHOU.lat + round * 1e-4, lon: ZHENGZHOU.lon + i * 1e-6 },
          round,
        ),
      );
      await h.log.producer().send(
        TOPICS.telemetry,
        fixes.map((value) => ({ key: value.terminal_id, value })),
      );
    };
    const roundsMax = 400;
    let rounds = 0;
    let alarmSent = false;
    while (rounds < roundsMax && !(alarmSent && isCoalescing())) {
      rounds += 1;
      await sendRound(rounds);
      if (!alarmSent && isCoalescing()) {
        h.hub.acceptAlarm(alarm('during-backlog', '410102'));
        alarmSent = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(isCoalescing(), `no tick held back after ${rounds} rounds`).toBe(true);
    expect(alarmSent).toBe(true);
    // A few more rounds while held back, so the client must be given the latest of several coalesced ticks.
    for (let extra = 0; extra < 5; extra += 1) {
      rounds += 1;
      await sendRound(rounds);
      await new Promise((r) => setTimeout(r, 20));
    }
    raw.resume();
    await until(
      () =>
        slow.latestByPlate.size === vehicles && [...slow.latestByPlate.values()].every((v) => v.speedKmh === rounds),
      'the latest fix of every vehicle',
      30_000,
    );
    expect(slow.of('alarm').map((m) => m.alarm.alarm_id)).toEqual(['during-backlog']);
    slow.socket.close();
  }, 60_000);
});
