/**
 * Org unit seeding on PGlite: every reference division becomes a unit with its parent, level and 省直管县 flag, in
 * one statement; seeding again adds nothing and changes nothing an admin changed; a missing unit is added back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divisions } from '../../schema/index.js';
import { openOperational, type Sql } from '../../store/index.js';
import { seedOrgUnits } from './org-units.js';

let sql: Sql;

beforeAll(async () => {
  sql = await openOperational({ kind: 'memory' });
});

afterAll(async () => {
  await sql.close();
});

interface UnitRow {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  directly_administered: boolean;
}

describe('seedOrgUnits', () => {
  it('makes every reference division a unit, parents included, and says how many it added', async () => {
    expect(await seedOrgUnits(sql)).toBe(divisions().length);
    const units = await sql.query<UnitRow>(
      'SELECT code, name, level, parent_code, directly_administered FROM org_units ORDER BY code',
    );
    const expected = [...divisions()]
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((d) => ({
        code: d.code,
        name: d.name,
        level: d.level,
        parent_code: d.parentCode,
        directly_administered: d.directlyAdministered,
      }));
    expect(units).toEqual(expected);
    expect(units.filter((u) => u.parent_code === null)).toHaveLength(1);
    expect(units.some((u) => u.directly_administered)).toBe(true);
  });

  it('adds nothing the second time and leaves a renamed unit as the admin left it', async () => {
    const county = divisions().find((d) => d.level === 'county')!;
    await sql.query('UPDATE org_units SET name = $1 WHERE code = $2', ['改名的县', county.code]);
    expect(await seedOrgUnits(sql)).toBe(0);
    const [row] = await sql.query<{ name: string }>('SELECT name FROM org_units WHERE code = $1', [county.code]);
    expect(row.name).toBe('改名的县');
  });

  it('adds back a unit that is missing, and only that one', async () => {
    const county = divisions().filter((d) => d.level === 'county')[3];
    await sql.query('DELETE FROM org_units WHERE code = $1', [county.code]);
    expect(await seedOrgUnits(sql)).toBe(1);
    const [row] = await sql.query<UnitRow>(
      'SELECT code, name, level, parent_code, directly_administered FROM org_units WHERE code = $1',
      [county.code],
    );
    expect(row).toEqual({
      code: county.code,
      name: county.name,
      level: 'county',
      parent_code: county.parentCode,
      directly_administered: county.directlyAdministered,
    });
  });
});
