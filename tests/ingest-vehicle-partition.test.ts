/**
 * Every input of the rules lands on the log partition of the vehicle it is about, so one stream worker holding a
 * partition reads all of a vehicle's inputs (docs/operations.md, "Cluster"). HTTP ingestion in-process on PGlite
 * and the in-process log: sightings (ANPR, gantries, the entry and exit sightings of a toll transaction), toll
 * transactions and taxi-order steps of a plate the registry gives a terminal are keyed by that terminal, as the
 * JT/T 808 gateway keys the vehicle's fixes; a plate the registry does not know stays keyed by itself, a booking
 * without a vehicle by its order; roadside equipment health stays keyed by device.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HENAN_PROVINCE_CODE, Metrics, silentLogger } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import { Accounts, ACCOUNTS_DEFAULTS, RegistryStore, seedOrgUnits, SourceKeys } from '../center/index.js';
import { HTTP_INGEST_DEFAULTS, HttpIngest } from '../ingest/index.js';
import { MemoryLog, partitionOf, TOPICS, type LogRecord } from '../stream/index.js';

const PARTITIONS = 8;
const PASSWORD = 'province horse lantern staple';
const now = Date.now();
const iso = (agoMs: number): string => new Date(now - agoMs).toISOString();
const MIN = 60_000;

/** Two registered vehicles whose terminal and plate fall on different partitions (checked below). */
const TRUCK = { plate: '豫AT7001', terminal: '013900070001' };
const TAXI = { plate: '豫AW7002', terminal: '013900070002' };
const UNREGISTERED = '豫AX7003';

let sql: Sql;
let log: MemoryLog;
let ingest: HttpIngest;
let keys: SourceKeys;
const keyOf: Record<string, string> = {};

beforeAll(async () => {
  sql = await openOperational({ kind: 'memory' });
  await seedOrgUnits(sql);
  const accounts = new Accounts(sql, ACCOUNTS_DEFAULTS);
  await accounts.ensureAdmin(HENAN_PROVINCE_CODE, PASSWORD);
  const { principal } = await accounts.login('admin', PASSWORD, 'test');
  keys = new SourceKeys(sql, silentLogger);
  for (const kind of ['registry', 'anpr', 'gantry', 'toll', 'taxi_order', 'device_status'])
    keyOf[kind] = (
      await keys.issue(
        principal,
        { kind, org_code: kind === 'registry' ? HENAN_PROVINCE_CODE : '410100', name: `${kind} source` },
        'test',
      )
    ).key;
  const registry = await RegistryStore.open(sql);
  log = new MemoryLog({ partitions: PARTITIONS, backlogPerPartitionMax: 10_000, durableGroups: {} });
  ingest = new HttpIngest(HTTP_INGEST_DEFAULTS, {
    log,
    keys,
    registry,
    vehicles: registry,
    logger: silentLogger,
    metrics: new Metrics(),
  });
  // Through the registry's own ingestion, as a transport department's system would write them.
  await post('registry', [
    { type: 'enterprise', id: '91410100MA00000077', name: '郑州物流', org_code: '410102', business_scope: 'freight' },
    ...[TRUCK, TAXI].map((v) => ({
      type: 'vehicle',
      plate: v.plate,
      plate_color: 2,
      vehicle_class: 'heavy_truck',
      axles: 6,
      enterprise_id: '91410100MA00000077',
      terminal_id: v.terminal,
      home_org_code: '410102',
    })),
  ]);
});

afterAll(async () => {
  await log?.close();
  await sql?.close();
});

async function post(kind: string, records: unknown[]): Promise<void> {
  const answer = await ingest.handle({
    kind,
    authorization: `Bearer ${keyOf[kind]}`,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify(records)),
    peer: 'test',
  });
  expect(answer.body).toMatchObject({ rejected: [] });
  expect(answer.status).toBe(200);
}

/** Every record of `topic`, from the start, as a group of its own reads them. */
async function recordsOf<T>(topic: string, count: number): Promise<LogRecord<T>[]> {
  const consumer = log.consumer<T>(`probe-${topic}`, topic);
  const out: LogRecord<T>[] = [];
  while (out.length < count) {
    const records = await consumer.poll(1_000, 100);
    if (records.length === 0) break;
    out.push(...records);
  }
  consumer.close();
  return out;
}

const sighting = (id: string, plate: string, agoMs: number) => ({
  event_id: id,
  camera_id: 'ZZ-CAM-7',
  plate,
  plate_color: 2,
  time: iso(agoMs),
  lat: 34.76,
  lon: 113.65,
});

describe('rule inputs keyed by vehicle', () => {
  it('the registered vehicles fall on other partitions by plate than by terminal', () => {
    // Otherwise this test could not tell keying by terminal from keying by plate.
    for (const v of [TRUCK, TAXI])
      expect(partitionOf(v.plate, PARTITIONS)).not.toBe(partitionOf(v.terminal, PARTITIONS));
  });

  it('sightings, tolls and taxi-order steps land on the partition of the vehicle’s fixes', async () => {
    await post('anpr', [sighting('vp-anpr-1', TRUCK.plate, 10 * MIN), sighting('vp-anpr-2', UNREGISTERED, 9 * MIN)]);
    await post('gantry', [{ ...sighting('vp-gantry-1', TAXI.plate, 7 * MIN), gantry_id: 'G4-ZZ-01' }]);
    await post('toll', [
      {
        event_id: 'vp-toll-1',
        plate: TRUCK.plate,
        plate_color: 2,
        toll_class: '货6',
        axles: 6,
        entry_station_id: 'S41010101',
        entry_station_name: '郑州东站',
        entry_time: iso(60 * MIN),
        entry_lat: 34.76,
        entry_lon: 113.77,
        exit_station_id: 'S41070201',
        exit_station_name: '新乡站',
        exit_time: iso(20 * MIN),
        exit_lat: 35.3,
        exit_lon: 113.93,
        fee_yuan: 120,
      },
    ]);
    const step = (order: string, plate: string, agoMs: number) => ({
      CompanyId: '91410100MA44XXXX0J',
      OrderId: order,
      interface: plate === '' ? 'OrderCreate' : 'OrderMatch',
      DistributeTime: compact(now - agoMs),
      DepTime: compact(now - agoMs),
      VehicleNo: plate,
      LicenseId: 'DRV-0001',
      Longitude: 113_640_000,
      Latitude: 34_730_000,
      DepLongitude: 113_640_000,
      DepLatitude: 34_730_000,
      DestLongitude: 113_700_000,
      DestLatitude: 34_790_000,
    });
    await post('taxi_order', [step('VP-1', TAXI.plate, 5 * MIN), step('VP-2', UNREGISTERED, 4 * MIN)]);
    await post('device_status', [{ device_id: 'ZZ-GANTRY-9', device_kind: 'gantry', status: 'fault', time: iso(MIN) }]);

    const where = (records: LogRecord<{ event_id?: string; order_id?: string }>[]) =>
      Object.fromEntries(records.map((r) => [r.value.event_id ?? r.value.order_id, [r.key, r.partition]]));
    const at = (key: string): [string, number] => [key, partitionOf(key, PARTITIONS)];

    const camera = where(await recordsOf(TOPICS.camera, 5));
    expect(camera['vp-anpr-1']).toEqual(at(TRUCK.terminal));
    expect(camera['vp-anpr-2']).toEqual(at(UNREGISTERED));
    expect(camera['vp-gantry-1']).toEqual(at(TAXI.terminal));
    // The toll transaction's entry and exit sightings go with the truck too.
    const tollSightings = Object.entries(camera).filter(([id]) => id.startsWith('vp-toll-1'));
    expect(tollSightings.length).toBe(2);
    for (const [, place] of tollSightings) expect(place).toEqual(at(TRUCK.terminal));

    const tolls = where(await recordsOf(TOPICS.tolls, 1));
    expect(Object.values(tolls)).toEqual([at(TRUCK.terminal)]);

    const orders = await recordsOf<{ order_id: string }>(TOPICS.taxiOrders, 2);
    expect(Object.fromEntries(orders.map((r) => [r.value.order_id, [r.key, r.partition]]))).toEqual({
      'VP-1': at(TAXI.terminal),
      'VP-2': at(UNREGISTERED),
    });

    const devices = await recordsOf<{ device_id: string }>(TOPICS.devices, 1);
    expect(devices.map((r) => [r.key, r.partition])).toEqual([at('ZZ-GANTRY-9')]);
  });
});

/** `YYYYMMDDhhmmss` China time, as the ministry's interfaces write times. */
function compact(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}
