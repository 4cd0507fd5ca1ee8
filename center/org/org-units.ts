/**
 * Org units: one per division (province, city-level, county-level), seeded from the reference divisions at
 * start-up. Seeding is idempotent and only adds: a unit an admin created by hand is never touched.
 */
import { divisions } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';

/** Adds the divisions that have no org unit yet; returns how many this call added. */
export async function seedOrgUnits(sql: Sql): Promise<number> {
  const existing = new Set((await sql.query<{ code: string }>('SELECT code FROM org_units')).map((r) => r.code));
  const missing = divisions().filter((d) => !existing.has(d.code));
  if (missing.length === 0) return 0;
  // One statement for all of them: a province's 175 units one INSERT each cost about 0.6 s of CPU on the embedded
  // store, most of a fresh node's directory step. A child may come in the same statement as its parent, since
  // PostgreSQL checks foreign keys at the end of the statement. Another node seeding at the same moment (one
  // PostgreSQL server) makes some of them conflict: those are not counted.
  const added = await sql.query<{ code: string }>(
    `INSERT INTO org_units (code, name, level, parent_code, directly_administered)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])
     ON CONFLICT (code) DO NOTHING RETURNING code`,
    [
      missing.map((d) => d.code),
      missing.map((d) => d.name),
      missing.map((d) => d.level),
      missing.map((d) => d.parentCode),
      missing.map((d) => d.directlyAdministered),
    ],
  );
  return added.length;
}
