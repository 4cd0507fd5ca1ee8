/**
 * Departments of each centre (G3). Every unit gets the five standard ones; admins add others. Seeding is
 * idempotent and only adds, like the org units themselves.
 */
import type { Sql } from '../../store/index.js';

export const STANDARD_DEPARTMENTS: readonly { code: string; name: string }[] = [
  { code: 'road_transport', name: '运管' },
  { code: 'enforcement', name: '执法' },
  { code: 'safety', name: '安监' },
  { code: 'expressway', name: '高速' },
  { code: 'tech_support', name: '技术保障' },
];

/** Gives every unit (or the one named) the standard departments it lacks; returns how many were added. */
export async function seedDepartments(sql: Pick<Sql, 'query'>, orgCode?: string): Promise<number> {
  const codes = STANDARD_DEPARTMENTS.map((d) => d.code);
  const names = STANDARD_DEPARTMENTS.map((d) => d.name);
  const rows = await sql.query<{ org_code: string }>(
    `INSERT INTO departments (org_code, code, name)
     SELECT u.code, d.code, d.name FROM org_units u CROSS JOIN unnest($1::text[], $2::text[]) AS d(code, name)
      WHERE $3::text IS NULL OR u.code = $3
     ON CONFLICT (org_code, code) DO NOTHING RETURNING org_code`,
    [codes, names, orgCode ?? null],
  );
  return rows.length;
}
