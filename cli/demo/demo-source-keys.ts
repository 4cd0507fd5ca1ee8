/**
 * Source keys for the demo's roadside records: one per kind (a key is bound to one kind), issued in the name of the
 * province admin exactly as an operator would through `POST /api/sources/keys`, so the demo's ANPR, weigh-in-motion,
 * gantry, device, registry, toll, traffic count, rail flow, AIS, bus (GTFS, GTFS-Realtime) and ride-hailing
 * (permits, orders, positions) records go through the real HTTP ingestion with its key check, rate limit and
 * validation. Keys a previous start issued are revoked first: a key is shown only once, so the old ones are of no
 * use to anybody.
 */
import { provinceCode, type Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { SourceKeys, type Principal } from '../../center/index.js';

export const DEMO_SOURCE_KINDS = [
  'anpr',
  'wim',
  'gantry',
  'device_status',
  'registry',
  'toll',
  'traffic_count',
  'rail_flow',
  'ais',
  'gtfs_static',
  'gtfs_rt',
  'taxi_permit',
  'taxi_order',
  'taxi_position',
] as const;
const KEY_NAME_PREFIX = 'demo traffic';
const PEER = 'vigil start --demo';

async function provinceAdmin(sql: Sql): Promise<Principal> {
  const province = provinceCode();
  const rows = await sql.query<{ id: number; username: string }>(
    "SELECT id, username FROM users WHERE role = 'admin' AND org_code = $1 AND NOT disabled ORDER BY id LIMIT 1",
    [province],
  );
  if (rows.length === 0) throw new Error(`no enabled province admin of ${province} to issue the demo's source keys`);
  return {
    userId: Number(rows[0].id),
    username: rows[0].username,
    role: 'admin',
    orgCode: province,
    enterpriseId: null,
  };
}

/** Issues the demo's keys (kind → key), revoking those of earlier demo starts. */
export async function provisionDemoSourceKeys(sql: Sql, logger: Logger): Promise<Record<string, string>> {
  const admin = await provinceAdmin(sql);
  const sourceKeys = new SourceKeys(sql, logger);
  try {
    for (const old of await sourceKeys.list(admin)) {
      if (old.revoked_at === null && old.name.startsWith(KEY_NAME_PREFIX)) await sourceKeys.revoke(admin, old.id, PEER);
    }
    const keys: Record<string, string> = {};
    for (const kind of DEMO_SOURCE_KINDS)
      keys[kind] = (
        await sourceKeys.issue(admin, { kind, org_code: provinceCode(), name: `${KEY_NAME_PREFIX} ${kind}` }, PEER)
      ).key;
    return keys;
  } finally {
    await sourceKeys.close();
  }
}
