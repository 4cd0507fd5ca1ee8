/**
 * A vehicle's driven axles from the registry to the overload rule: `drive_axles` is checked by the registry's
 * HTTP normalizer, kept in PostgreSQL (a real PGlite, read back by a fresh registry as at a restart), and a
 * six-axle combination whose tractor has one drive axle is then judged against GB 1589's 46 t.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RegistryStore } from '../center/index.js';
import { normalizeRegistryRecord } from '../ingest/http/normalize-registry.js';
import type { RegistryRecord, VehicleRecord } from '../schema/index.js';
import { openOperational, type Sql } from '../store/index.js';
import { T0, camera, details, engineFor, latest, run } from './support/rules-trace.js';

const ctx = { source: 'key:1', keyOrgCode: '410000', receivedAt: T0, futureSkewMsMax: 600_000 };
const tractor = (extra: Record<string, unknown>) => ({
  type: 'vehicle',
  plate: '豫A6S001',
  plate_color: 2,
  vehicle_class: 'tractor',
  axles: 6,
  ...extra,
});

let sql: Sql | undefined;
afterAll(async () => {
  await sql?.close();
});

describe('drive_axles in the registry', () => {
  it('is accepted as 1-4 whole axles, no more than the axle count, and left out when not given', () => {
    expect(normalizeRegistryRecord(tractor({ drive_axles: 1 }), ctx)).toMatchObject({
      ok: true,
      value: { drive_axles: 1 },
    });
    const unknown = normalizeRegistryRecord(tractor({}), ctx);
    expect(unknown.ok && 'drive_axles' in unknown.value).toBe(false);
    for (const bad of [5, 1.5, -1, 'two'])
      expect(normalizeRegistryRecord(tractor({ drive_axles: bad }), ctx), String(bad)).toMatchObject({
        ok: false,
        reason: 'bad_drive_axles',
      });
    expect(normalizeRegistryRecord(tractor({ axles: 2, drive_axles: 3 }), ctx)).toMatchObject({
      ok: false,
      reason: 'bad_drive_axles',
    });
  });

  it('is kept by the registry store and reaches overload: 46 t for one drive axle, 49 t for two', async () => {
    sql = await openOperational({ kind: 'memory' });
    const store = await RegistryStore.open(sql);
    const records = [
      tractor({ drive_axles: 1 }),
      tractor({ plate: '豫A6S002', drive_axles: 2 }),
      tractor({ plate: '豫A6S003' }),
    ].map((r) => {
      const n = normalizeRegistryRecord(r, ctx);
      if (!n.ok) throw new Error(`${n.reason}: ${n.detail}`);
      return n.value as RegistryRecord;
    });
    expect(await store.upsert(records, { source: 'key:1', orgCode: '410000' })).toEqual([]);
    // A fresh registry reads the rows back, as a node does at start-up.
    const reopened = await RegistryStore.open(sql);
    const known = ['豫A6S001', '豫A6S002', '豫A6S003'].map((p) => reopened.byPlate(p) as VehicleRecord);
    expect(known.map((v) => v.drive_axles)).toEqual([1, 2, undefined]);
    const weighed = known.map((v) => ({
      topic: 'camera' as const,
      value: camera({ plate: v.plate, ts: T0, kind: 'wim', device_id: 'wim-1', axles: 6, gross_kg: 48_400 }),
    }));
    const alarms = latest(run(weighed, engineFor({ registry: known })), 'overload');
    expect(alarms.map((a) => [a.plate, details(a).limit_kg])).toEqual([['豫A6S001', 46_000]]);
  });
});
