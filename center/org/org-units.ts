/**
 * Org units: one per division (province, city-level, county-level), seeded from the reference divisions at
 * start-up. Seeding is idempotent and only adds: a unit an admin created by hand is never touched.
 */
import { divisions } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';

export async function seedOrgUnits(sql: Sql): Promise<number> {
  const existing = new Set((await sql.query<{ code: string }>('SELECT code FROM org_units')).map((r) => r.code));
  const missing = divisions().filter((d) => !existing.has(d.code));
  if (missing.length === 0) return 0;
  await sql.transaction(async (tx) => {
    // Divisions come parents first, so each parent exists before its children reference it.
    for (const d of missing) {
      await tx.query(
        'INSERT INTO org_units (code, name, level, parent_code, directly_administered) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING',
        [d.code, d.name, d.level, d.parentCode, d.directlyAdministered],
      );
    }
  });
  return missing.length;
}
