/**
 * Admins shape their part of the tree: units below their own, departments of their units, the enterprises
 * their units supervise and those enterprises' vehicles. Every change is audited in its transaction.
 */
import { plateProblem } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import { appendAudit } from '../auth/audit.js';
import { HttpError } from '../http/router.js';
import { seedDepartments } from './departments.js';
import type { OrgDirectory, OrgUnit } from './org-directory.js';

/** An enterprise a centre registers itself: the transport department's own fields. */
export interface NewEnterprise {
  id: string;
  name: string;
  org_code: string;
}

export interface EnterpriseView {
  id: string;
  name: string;
  org_code: string;
  /**
   * Market supervision's status of the enterprise (market_registrations, by credit code = id): active, revoked,
   * cancelled, moved_out, other; null when the register has not reported it.
   */
  market_status: string | null;
  /** The status as the register words it (存续, 吊销，未注销, 注销, …); null as above. */
  market_status_text: string | null;
  /** When the register revoked or cancelled it, epoch ms; null when not. */
  market_status_changed_on: number | null;
}

/** The enterprises with market supervision's status beside them (never over the transport department's fields). */
const ENTERPRISE_VIEW = `SELECT e.id, e.name, e.org_code, m.status AS market_status, m.status_text AS market_status_text,
         m.status_changed_on AS market_status_changed_on
    FROM enterprises e LEFT JOIN market_registrations m ON m.credit_code = e.id`;

function enterpriseViewOf(row: Record<string, unknown>): EnterpriseView {
  const changed = row.market_status_changed_on;
  return {
    id: String(row.id),
    name: String(row.name),
    org_code: String(row.org_code),
    market_status: row.market_status === null ? null : String(row.market_status),
    market_status_text: row.market_status_text === null ? null : String(row.market_status_text),
    market_status_changed_on: changed === null ? null : new Date(changed as string | Date).getTime(),
  };
}

function unitView(u: OrgUnit): Record<string, unknown> {
  return {
    code: u.code,
    name: u.name,
    level: u.level,
    parent_code: u.parentCode,
    directly_administered: u.directlyAdministered,
  };
}

export class OrgAdmin {
  constructor(
    private readonly sql: Sql,
    private readonly org: OrgDirectory,
  ) {}

  private requireAdmin(p: Principal, orgCode: string, what: string): void {
    if (p.role !== 'admin') throw new HttpError(403, 'forbidden', `role ${p.role} may not ${what}`);
    if (!this.org.covers(p.orgCode, orgCode))
      throw new HttpError(403, 'out_of_scope', `${orgCode} is outside ${p.orgCode}`);
  }

  units(p: Principal): Record<string, unknown>[] {
    return this.org
      .subtree(p.orgCode)
      .map((code) => this.org.get(code)!)
      .map(unitView);
  }

  async createUnit(
    p: Principal,
    peer: string,
    input: { code: string; name: string; parent_code: string; directly_administered?: boolean },
  ): Promise<Record<string, unknown>> {
    this.requireAdmin(p, input.parent_code, 'add org units');
    const level = this.org.childLevelOf(input.parent_code);
    if (level === null)
      throw new HttpError(
        400,
        'too_deep',
        `${input.parent_code} is a county-level unit; units go at most three levels deep`,
      );
    await this.sql.transaction(async (tx) => {
      if ((await tx.query('SELECT 1 FROM org_units WHERE code = $1', [input.code])).length > 0)
        throw new HttpError(409, 'exists', `org unit ${input.code} exists`);
      await tx.query(
        'INSERT INTO org_units (code, name, level, parent_code, directly_administered) VALUES ($1, $2, $3, $4, $5)',
        [input.code, input.name, level, input.parent_code, input.directly_administered ?? false],
      );
      await seedDepartments(tx, input.code);
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'org_unit.create',
        target: input.code,
        detail: { name: input.name, parent_code: input.parent_code, level },
        peer,
      });
    });
    await this.org.reload();
    return unitView(this.org.get(input.code)!);
  }

  async departments(p: Principal, orgCode: string): Promise<{ code: string; name: string }[]> {
    if (p.role === 'enterprise' || !this.org.covers(p.orgCode, orgCode))
      throw new HttpError(404, 'not_found', `org unit ${orgCode} not found`);
    return this.sql.query('SELECT code, name FROM departments WHERE org_code = $1 ORDER BY created_at, code', [
      orgCode,
    ]);
  }

  async addDepartment(
    p: Principal,
    peer: string,
    orgCode: string,
    input: { code: string; name: string },
  ): Promise<{ code: string; name: string }> {
    // The unit is the object addressed: outside the caller's scope it does not exist for them.
    if (p.role === 'admin' && !this.org.covers(p.orgCode, orgCode))
      throw new HttpError(404, 'not_found', `org unit ${orgCode} not found`);
    this.requireAdmin(p, orgCode, 'add departments');
    await this.sql.transaction(async (tx) => {
      const rows = await tx.query(
        'INSERT INTO departments (org_code, code, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING code',
        [orgCode, input.code, input.name],
      );
      if (rows.length === 0) throw new HttpError(409, 'exists', `department ${input.code} exists at ${orgCode}`);
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'department.create',
        target: `${orgCode}/${input.code}`,
        detail: { name: input.name },
        peer,
      });
    });
    return input;
  }

  async createEnterprise(p: Principal, peer: string, input: NewEnterprise): Promise<NewEnterprise> {
    this.requireAdmin(p, input.org_code, 'register enterprises');
    if (!this.org.get(input.org_code))
      throw new HttpError(400, 'unknown_org_unit', `org unit ${input.org_code} does not exist`);
    await this.sql.transaction(async (tx) => {
      // The registry's table (also fed by data uploads); `source` tells the centres' own entries apart.
      const rows = await tx.query(
        `INSERT INTO enterprises (id, name, org_code, source) VALUES ($1, $2, $3, 'center') ON CONFLICT DO NOTHING RETURNING id`,
        [input.id, input.name, input.org_code],
      );
      if (rows.length === 0) throw new HttpError(409, 'exists', `enterprise ${input.id} exists`);
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'enterprise.create',
        target: input.id,
        detail: { name: input.name, org_code: input.org_code },
        peer,
      });
    });
    return input;
  }

  async enterprises(p: Principal): Promise<EnterpriseView[]> {
    const rows =
      p.role === 'enterprise'
        ? await this.sql.query<Record<string, unknown>>(`${ENTERPRISE_VIEW} WHERE e.id = $1`, [p.enterpriseId])
        : await this.sql.query<Record<string, unknown>>(
            `${ENTERPRISE_VIEW} WHERE e.org_code = ANY($1) ORDER BY e.id LIMIT 10000`,
            [this.org.subtree(p.orgCode)],
          );
    return rows.map(enterpriseViewOf);
  }

  async addVehicle(p: Principal, peer: string, enterpriseId: string, plate: string): Promise<void> {
    const badPlate = plateProblem(plate);
    if (badPlate) throw new HttpError(400, badPlate.reason, badPlate.detail);
    await this.sql.transaction(async (tx) => {
      const enterprise = (
        await tx.query<{ org_code: string }>('SELECT org_code FROM enterprises WHERE id = $1', [enterpriseId])
      )[0];
      if (!enterprise || p.role === 'enterprise' || !this.org.covers(p.orgCode, enterprise.org_code))
        throw new HttpError(404, 'not_found', `enterprise ${enterpriseId} not found`);
      this.requireAdmin(p, enterprise.org_code, 'register vehicles');
      // A plate bound to another unit's enterprise stays there: moving it would hand that unit's vehicle (and
      // its alarms) to this enterprise.
      const bound = (
        await tx.query<{ enterprise_id: string; org_code: string | null }>(
          'SELECT v.enterprise_id, e.org_code FROM enterprise_vehicles v LEFT JOIN enterprises e ON e.id = v.enterprise_id WHERE v.plate = $1 FOR UPDATE OF v',
          [plate],
        )
      )[0];
      // A binding to an enterprise no longer registered belongs to the province.
      const boundUnit = bound?.org_code ?? this.org.subtree(p.orgCode).find((c) => this.org.parentOf(c) === null) ?? '';
      if (bound && bound.enterprise_id !== enterpriseId && !this.org.covers(p.orgCode, boundUnit))
        throw new HttpError(
          403,
          'registry_row_out_of_scope',
          `plate ${plate} is bound to an enterprise of another unit, outside ${p.orgCode}`,
        );
      await tx.query(
        'INSERT INTO enterprise_vehicles (plate, enterprise_id) VALUES ($1, $2) ON CONFLICT (plate) DO UPDATE SET enterprise_id = EXCLUDED.enterprise_id',
        [plate, enterpriseId],
      );
      await appendAudit(tx, {
        actorId: p.userId,
        actor: p.username,
        action: 'enterprise.vehicle_add',
        target: enterpriseId,
        detail: { plate },
        peer,
      });
    });
  }

  async vehicles(p: Principal, enterpriseId: string): Promise<{ plate: string }[]> {
    const enterprise = (
      await this.sql.query<{ org_code: string }>('SELECT org_code FROM enterprises WHERE id = $1', [enterpriseId])
    )[0];
    const allowed =
      enterprise !== undefined &&
      (p.role === 'enterprise' ? p.enterpriseId === enterpriseId : this.org.covers(p.orgCode, enterprise.org_code));
    if (!allowed) throw new HttpError(404, 'not_found', `enterprise ${enterpriseId} not found`);
    return this.sql.query('SELECT plate FROM enterprise_vehicles WHERE enterprise_id = $1 ORDER BY plate LIMIT 10000', [
      enterpriseId,
    ]);
  }
}

/**
 * The enterprise of a vehicle and its home unit: a plate the centres bound to an enterprise first (home = the
 * enterprise's supervising unit), else the vehicle registry (its enterprise, if registered, and home county).
 */
export async function ownerOf(
  sql: Pick<Sql, 'query'>,
  plate: string,
  terminalId: string,
): Promise<{ enterpriseId: string | null; homeOrgCode: string | null }> {
  if (plate !== '') {
    const bound = await sql.query<{ enterprise_id: string; org_code: string }>(
      'SELECT v.enterprise_id, e.org_code FROM enterprise_vehicles v JOIN enterprises e ON e.id = v.enterprise_id WHERE v.plate = $1',
      [plate],
    );
    if (bound[0]) return { enterpriseId: bound[0].enterprise_id, homeOrgCode: bound[0].org_code };
  }
  const registered = await sql.query<{ enterprise_id: string | null; home_org_code: string }>(
    `SELECT e.id AS enterprise_id, v.home_org_code FROM vehicles v LEFT JOIN enterprises e ON e.id = v.enterprise_id
      WHERE (v.plate = $1 AND $1 <> '') OR (v.terminal_id = $2 AND $2 <> '') ORDER BY v.updated_at DESC LIMIT 1`,
    [plate, terminalId],
  );
  const row = registered[0];
  return {
    enterpriseId: row?.enterprise_id ?? null,
    homeOrgCode: row && row.home_org_code !== '' ? row.home_org_code : null,
  };
}

/**
 * `ownerOf` for many vehicles in two reads instead of two per vehicle (the alarm intake routes a batch of alarms
 * at once): the same answer per vehicle, in the order asked.
 */
export async function ownersOf(
  sql: Pick<Sql, 'query'>,
  vehicles: readonly { plate: string; terminalId: string }[],
): Promise<{ enterpriseId: string | null; homeOrgCode: string | null }[]> {
  if (vehicles.length === 0) return [];
  const plates = [...new Set(vehicles.map((v) => v.plate).filter((p) => p !== ''))];
  const terminals = [...new Set(vehicles.map((v) => v.terminalId).filter((t) => t !== ''))];
  const bound = new Map<string, { enterprise_id: string; org_code: string }>();
  if (plates.length > 0) {
    const rows = await sql.query<{ plate: string; enterprise_id: string; org_code: string }>(
      'SELECT v.plate, v.enterprise_id, e.org_code FROM enterprise_vehicles v JOIN enterprises e ON e.id = v.enterprise_id WHERE v.plate = ANY($1::text[])',
      [plates],
    );
    for (const r of rows) bound.set(r.plate, r);
  }
  const unbound = vehicles.filter((v) => v.plate === '' || !bound.has(v.plate));
  // Newest registration first, as ownerOf's ORDER BY updated_at DESC LIMIT 1 picks it per vehicle.
  const registered =
    unbound.length === 0 || (plates.length === 0 && terminals.length === 0)
      ? []
      : await sql.query<{ plate: string; terminal_id: string; enterprise_id: string | null; home_org_code: string }>(
          `SELECT v.plate, v.terminal_id, e.id AS enterprise_id, v.home_org_code
             FROM vehicles v LEFT JOIN enterprises e ON e.id = v.enterprise_id
            WHERE v.plate = ANY($1::text[]) OR (v.terminal_id = ANY($2::text[]) AND v.terminal_id <> '')
            ORDER BY v.updated_at DESC`,
          [plates, terminals],
        );
  return vehicles.map(({ plate, terminalId }) => {
    const owner = plate === '' ? undefined : bound.get(plate);
    if (owner) return { enterpriseId: owner.enterprise_id, homeOrgCode: owner.org_code };
    const row = registered.find(
      (r) => (plate !== '' && r.plate === plate) || (terminalId !== '' && r.terminal_id === terminalId),
    );
    return {
      enterpriseId: row?.enterprise_id ?? null,
      homeOrgCode: row && row.home_org_code !== '' ? row.home_org_code : null,
    };
  });
}
