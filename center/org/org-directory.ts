/**
 * The org tree in memory, loaded from `org_units`, for scope checks on every request. Seeded units follow the
 * reference divisions; units an admin adds hang wherever the admin put them, so scope walks this tree (the
 * `parent_code` column), not the division codes' prefixes.
 *
 * Two relations are kept apart:
 * - **command** (`parentOf`, `covers`, `subtree`): who escalates to whom, whose ranking a unit is in, who may act on
 *   its alarms and orders. A 省直管县 (`directly_administered`) is commanded by the province when the configuration
 *   `directly_administered.command` says so (the default, after the guideline): it hangs under the province here,
 *   while `org_units.parent_code` keeps its statistical city.
 * - **view** (`sees`, `viewSubtree`): what a unit may read — its command subtree and, where the province allows it
 *   (`city_view`, `city_view_except`), the 省直管县 of its city. Viewing never grants a step.
 */
import type { Sql } from '../../store/index.js';
import { CONFIG_DEFAULTS, checkConfig, type DirectlyAdministeredConfig } from '../config/center-config.js';

export type OrgLevel = 'province' | 'city' | 'county';

export interface OrgUnit {
  code: string;
  name: string;
  level: OrgLevel;
  /** The commanding unit: the province for a 省直管县 it commands, otherwise the statistical parent. */
  parentCode: string | null;
  /** The parent in the division tree (`org_units.parent_code`): a 省直管县's city. */
  statisticalParentCode: string | null;
  directlyAdministered: boolean;
}

const CHILD_LEVEL: Record<OrgLevel, OrgLevel | null> = { province: 'city', city: 'county', county: null };
const LEVEL_RANK: Record<OrgLevel, number> = { province: 0, city: 1, county: 2 };
export const DIRECTLY_ADMINISTERED_KEY = 'directly_administered';

/** The policy in force: the latest stored version, or the default when none was stored. */
async function readPolicy(sql: Pick<Sql, 'query'>): Promise<DirectlyAdministeredConfig> {
  const rows = await sql.query<{ value: unknown }>(
    'SELECT value FROM center_config WHERE key = $1 ORDER BY version DESC LIMIT 1',
    [DIRECTLY_ADMINISTERED_KEY],
  );
  return rows[0] ? checkConfig('directly_administered', rows[0].value) : CONFIG_DEFAULTS.directly_administered;
}

export class OrgDirectory {
  private units = new Map<string, OrgUnit>();
  private subtrees = new Map<string, string[]>();
  private viewSubtrees = new Map<string, string[]>();
  /** Unit → the 省直管县 it views without commanding them (its city's, where allowed). */
  private viewed = new Map<string, string[]>();
  private policyInForce: DirectlyAdministeredConfig = CONFIG_DEFAULTS.directly_administered;

  private constructor(private readonly sql: Sql) {}

  static async load(sql: Sql): Promise<OrgDirectory> {
    const directory = new OrgDirectory(sql);
    await directory.reload();
    return directory;
  }

  /** Re-reads the units and the 省直管县 policy: after a unit is added or the policy changed. */
  async reload(): Promise<void> {
    const rows = await this.sql.query<{
      code: string;
      name: string;
      level: OrgLevel;
      parent_code: string | null;
      directly_administered: boolean;
    }>('SELECT code, name, level, parent_code, directly_administered FROM org_units');
    const policy = await readPolicy(this.sql);
    const root = rows.find((r) => r.parent_code === null)?.code ?? null;
    const byProvince = policy.command === 'province';
    this.units = new Map(
      rows.map((r) => [
        r.code,
        {
          code: r.code,
          name: r.name,
          level: r.level,
          parentCode: r.directly_administered && byProvince && r.parent_code !== null ? root : r.parent_code,
          statisticalParentCode: r.parent_code,
          directlyAdministered: r.directly_administered,
        },
      ]),
    );
    this.viewed = new Map();
    if (byProvince && policy.city_view) {
      for (const unit of this.units.values()) {
        if (!unit.directlyAdministered || unit.statisticalParentCode === null) continue;
        if (unit.statisticalParentCode === unit.parentCode || policy.city_view_except.includes(unit.code)) continue;
        const list = this.viewed.get(unit.statisticalParentCode) ?? [];
        list.push(unit.code);
        this.viewed.set(unit.statisticalParentCode, list);
      }
    }
    this.policyInForce = policy;
    this.subtrees = new Map();
    this.viewSubtrees = new Map();
  }

  get policy(): DirectlyAdministeredConfig {
    return this.policyInForce;
  }

  get(code: string): OrgUnit | undefined {
    return this.units.get(code);
  }

  all(): OrgUnit[] {
    return [...this.units.values()];
  }

  /** The commanding unit: where escalations go. */
  parentOf(code: string): string | null {
    return this.units.get(code)?.parentCode ?? null;
  }

  /** The units a unit commands directly, by code: the province's cities and 省直管县, a city's counties. */
  childrenOf(code: string): OrgUnit[] {
    return this.all()
      .filter((unit) => unit.parentCode === code)
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  childLevelOf(code: string): OrgLevel | null {
    const unit = this.units.get(code);
    return unit ? CHILD_LEVEL[unit.level] : null;
  }

  /** True when `code` is `scope` or lies below it in the command tree. Unknown codes are covered by nothing. */
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

  /** Every code of the command subtree under `scope`, itself included: the filter of commands and rankings. */
  subtree(scope: string): string[] {
    let codes = this.subtrees.get(scope);
    if (!codes) {
      codes = [...this.units.keys()].filter((code) => this.covers(scope, code));
      this.subtrees.set(scope, codes);
    }
    return codes;
  }

  /** The 省直管县 `scope` views without commanding them (empty for most units). */
  viewedBy(scope: string): readonly string[] {
    return this.viewed.get(scope) ?? [];
  }

  /** True when `scope` may read what belongs to `code`: its command subtree or a 省直管县 it is allowed to view. */
  sees(scope: string, code: string): boolean {
    return this.covers(scope, code) || this.viewedBy(scope).some((viewed) => this.covers(viewed, code));
  }

  /** Every code `scope` may read: the `= ANY($n)` filter of scoped reads (lists, summaries, the feed). */
  viewSubtree(scope: string): string[] {
    let codes = this.viewSubtrees.get(scope);
    if (!codes) {
      codes = [...this.subtree(scope), ...this.viewedBy(scope).flatMap((viewed) => this.subtree(viewed))];
      this.viewSubtrees.set(scope, codes);
    }
    return codes;
  }

  /**
   * The unit itself or its commanding ancestor at `level`; the unit itself when it is above that level already. A
   * 省直管县 commanded by the province acts at city level for its own area (the guideline gives it a city's
   * powers), so routing an alarm "to the city" of its area stops there.
   */
  atLevel(code: string, level: OrgLevel): string {
    let at = this.units.get(code);
    while (at && LEVEL_RANK[at.level] > LEVEL_RANK[level] && at.parentCode !== null) {
      if (at.directlyAdministered && at.parentCode !== at.statisticalParentCode && LEVEL_RANK[level] >= 1) break;
      at = this.units.get(at.parentCode);
    }
    return at?.code ?? code;
  }
}
