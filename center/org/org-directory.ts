/**
 * The org tree in memory, loaded from `org_units`, for scope checks on every request. Seeded units follow the
 * reference divisions; units an admin adds hang wherever the admin put them, so scope walks this tree (the
 * `parent_code` column), not the division codes' prefixes.
 */
import type { Sql } from '../../store/index.js';

export type OrgLevel = 'province' | 'city' | 'county';

export interface OrgUnit {
  code: string;
  name: string;
  level: OrgLevel;
  parentCode: string | null;
  directlyAdministered: boolean;
}

const CHILD_LEVEL: Record<OrgLevel, OrgLevel | null> = { province: 'city', city: 'county', county: null };

export class OrgDirectory {
  private units = new Map<string, OrgUnit>();
  private subtrees = new Map<string, string[]>();

  private constructor(private readonly sql: Sql) {}

  static async load(sql: Sql): Promise<OrgDirectory> {
    const directory = new OrgDirectory(sql);
    await directory.reload();
    return directory;
  }

  async reload(): Promise<void> {
    const rows = await this.sql.query<{
      code: string;
      name: string;
      level: OrgLevel;
      parent_code: string | null;
      directly_administered: boolean;
    }>('SELECT code, name, level, parent_code, directly_administered FROM org_units');
    this.units = new Map(
      rows.map((r) => [
        r.code,
        {
          code: r.code,
          name: r.name,
          level: r.level,
          parentCode: r.parent_code,
          directlyAdministered: r.directly_administered,
        },
      ]),
    );
    this.subtrees = new Map();
  }

  get(code: string): OrgUnit | undefined {
    return this.units.get(code);
  }

  all(): OrgUnit[] {
    return [...this.units.values()];
  }

  parentOf(code: string): string | null {
    return this.units.get(code)?.parentCode ?? null;
  }

  childLevelOf(code: string): OrgLevel | null {
    const unit = this.units.get(code);
    return unit ? CHILD_LEVEL[unit.level] : null;
  }

  /** True when `code` is `scope` or lies below it. Unknown codes are covered by nothing. */
  covers(scope: string, code: string): boolean {
    for (let at = this.units.get(code); at; at = at.parentCode === null ? undefined : this.units.get(at.parentCode)) {
      if (at.code === scope) return true;
    }
    return false;
  }

  /** True when `code` lies strictly below `scope`. */
  isBelow(scope: string, code: string): boolean {
    return code !== scope && this.covers(scope, code);
  }

  /** Every code of the subtree under `scope`, itself included: the `= ANY($n)` filter of scoped queries. */
  subtree(scope: string): string[] {
    let codes = this.subtrees.get(scope);
    if (!codes) {
      codes = [...this.units.keys()].filter((code) => this.covers(scope, code));
      this.subtrees.set(scope, codes);
    }
    return codes;
  }

  /** The unit itself or its ancestor at `level`; the unit itself when it is above that level already. */
  atLevel(code: string, level: OrgLevel): string {
    const rank: Record<OrgLevel, number> = { province: 0, city: 1, county: 2 };
    let at = this.units.get(code);
    while (at && rank[at.level] > rank[level] && at.parentCode !== null) at = this.units.get(at.parentCode);
    return at?.code ?? code;
  }
}
