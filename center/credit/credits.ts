/**
 * Reading the stored credit in the caller's scope: a day's enterprise grades, one enterprise's history, a day's
 * drivers' points. Staff see the enterprises and drivers placed in units of their view (an enterprise by the unit
 * it is registered in, a driver by their enterprise's, else where their latest violation was); an enterprise
 * account sees only its own enterprise and drivers.
 */
import type {
  DriverCreditAnswer,
  EnterpriseCredit,
  EnterpriseCreditAnswer,
  EnterpriseCreditFacts,
  EnterpriseCreditHistory,
  EnterpriseRegistration,
} from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { parsePeriod } from '../assessment/index.js';
import type { Principal } from '../auth/accounts.js';
import type { CenterConfig } from '../config/center-config.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { thresholdReached } from './credit-score.js';

const DAY_MS = 86_400_000;
export const CREDIT_HISTORY_DAYS_MAX = 3 * 366;

export interface CreditsDeps {
  sql: Sql;
  org: OrgDirectory;
  config: Pick<CenterConfig, 'get'>;
}

/** Days are read as text (`to_char`), never as dates a driver would place in its own time zone. */
function dayOf(v: unknown): string {
  return String(v).slice(0, 10);
}
const DAY_TEXT = (column: string): string => `to_char(${column}, 'YYYY-MM-DD')`;

/** A Beijing calendar day from 2000 on, or `400 bad_field` naming `field`. */
function checkDay(field: string, text: string): string {
  try {
    return parsePeriod(text, text).from;
  } catch (error) {
    if (error instanceof HttpError)
      throw new HttpError(400, 'bad_field', `${field}: ${error.message.replace(/^from: /, '')}`, { field });
    throw error;
  }
}

/** The transport licence and the market registration of an enterprise, joined on the credit code. */
const REGISTRATION_COLUMNS = `coalesce(e.licence_no, '') AS licence_no, m.status AS m_status,
       m.status_text AS m_status_text, m.status_changed_on AS m_changed_on, m.authority AS m_authority,
       m.licence_numbers AS m_licence_numbers, m.source AS m_source, m.updated_at AS m_updated_at`;

interface RegistrationRow {
  licence_no: string;
  m_status: string | null;
  m_status_text: string | null;
  m_changed_on: unknown;
  m_authority: string | null;
  m_licence_numbers: unknown;
  m_source: string | null;
  m_updated_at: unknown;
}

const msOf = (value: unknown): number => new Date(value as string | Date).getTime();

function registrationOf(row: RegistrationRow): EnterpriseRegistration | null {
  if (row.m_status === null) return null;
  const numbers = typeof row.m_licence_numbers === 'string' ? JSON.parse(row.m_licence_numbers) : row.m_licence_numbers;
  return {
    status: row.m_status,
    status_text: row.m_status_text ?? '',
    status_changed_on: row.m_changed_on === null || row.m_changed_on === undefined ? null : msOf(row.m_changed_on),
    authority: row.m_authority ?? '',
    licence_numbers: Array.isArray(numbers) ? numbers.map(String) : [],
    source: row.m_source ?? '',
    updated_at: msOf(row.m_updated_at),
  };
}

interface Area {
  /** Org codes seen, or null for an enterprise account (then `enterpriseId`). */
  codes: string[] | null;
  enterpriseId: string | null;
}

export class Credits {
  constructor(private readonly deps: CreditsDeps) {}

  private areaOf(principal: Principal, unit: string | undefined): Area {
    if (principal.role === 'enterprise') {
      if (unit !== undefined) throw new HttpError(404, 'not_found', `unit ${unit} is not in your scope`);
      return { codes: null, enterpriseId: principal.enterpriseId ?? '' };
    }
    const { org } = this.deps;
    const scope = unit ?? principal.orgCode;
    if (org.get(scope) === undefined || !org.sees(principal.orgCode, scope))
      throw new HttpError(404, 'not_found', `unit ${scope} is not in your scope`);
    return { codes: scope === principal.orgCode ? org.viewSubtree(scope) : org.subtree(scope), enterpriseId: null };
  }

  /** `$n` condition on an enterprise id column and an org code column, and its parameter. */
  private where(area: Area, enterpriseColumn: string, n: number): { text: string; param: unknown } {
    return area.codes === null
      ? { text: `${enterpriseColumn} = $${n}`, param: area.enterpriseId }
      : { text: `org_code = ANY($${n}::text[])`, param: area.codes };
  }

  /** The day asked, checked, or the latest day the run finished; null when none has. */
  private async dayOf(date: string | undefined): Promise<string | null> {
    if (date !== undefined) return checkDay('date', date);
    const rows = await this.deps.sql.query<{ day: unknown }>(`SELECT ${DAY_TEXT('max(day)')} AS day FROM credit_runs`);
    return rows[0]?.day ? dayOf(rows[0].day) : null;
  }

  async enterprises(
    principal: Principal,
    query: { date?: string; unit?: string; grade?: string },
  ): Promise<EnterpriseCreditAnswer> {
    const area = this.areaOf(principal, query.unit);
    const { value: model } = await this.deps.config.get('credit');
    const day = await this.dayOf(query.date);
    const counts = Object.fromEntries(model.grades.map((g) => [g.grade, 0]));
    if (day === null) return { day: null, window: null, grades: model.grades, counts, enterprises: [] };
    const scope = this.where(area, 'enterprise_id', 2);
    const rows = await this.deps.sql.query<
      {
        enterprise_id: string;
        name: string;
        org_code: string;
        score: number;
        grade: string;
        facts: EnterpriseCreditFacts;
        config_version: number;
        previous_grade: string | null;
      } & RegistrationRow
    >(
      `SELECT c.enterprise_id, c.name, c.org_code, c.score, c.grade, c.facts, c.config_version,
              (SELECT p.grade FROM credit_enterprise_days p WHERE p.enterprise_id = c.enterprise_id AND p.day < c.day
                ORDER BY p.day DESC LIMIT 1) AS previous_grade, ${REGISTRATION_COLUMNS}
         FROM credit_enterprise_days c
         LEFT JOIN enterprises e ON e.id = c.enterprise_id
         LEFT JOIN market_registrations m ON m.credit_code = c.enterprise_id
        WHERE c.day = $1 AND c.${scope.text}
        ORDER BY c.score DESC, c.enterprise_id`,
      [day, scope.param],
    );
    const enterprises: EnterpriseCredit[] = rows.map((r) => ({
      enterprise_id: r.enterprise_id,
      name: r.name,
      org_code: r.org_code,
      licence_no: r.licence_no,
      registration: registrationOf(r),
      day,
      score: Number(r.score),
      grade: r.grade,
      previous_grade: r.previous_grade,
      facts: r.facts,
      config_version: Number(r.config_version),
    }));
    for (const e of enterprises) counts[e.grade] = (counts[e.grade] ?? 0) + 1;
    const endsAt = parsePeriod(day, day).ends_at;
    const version = enterprises[0]?.config_version;
    // The window the stored grades were computed with (the model version of the day, not the one in force now).
    const windowDays = version === undefined ? model.window_days : await this.windowDaysOf(version, model.window_days);
    return {
      day,
      window: { from: new Date(endsAt - windowDays * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10), to: day },
      grades: model.grades,
      counts,
      enterprises: query.grade === undefined ? enterprises : enterprises.filter((e) => e.grade === query.grade),
    };
  }

  private async windowDaysOf(version: number, fallback: number): Promise<number> {
    if (version === 0) return fallback;
    const rows = await this.deps.sql.query<{ value: { window_days?: number } }>(
      "SELECT value FROM center_config WHERE key = 'credit' AND version = $1",
      [version],
    );
    return rows[0]?.value.window_days ?? fallback;
  }

  async history(
    principal: Principal,
    enterpriseId: string,
    query: { from?: string; to?: string },
  ): Promise<EnterpriseCreditHistory> {
    const area = this.areaOf(principal, undefined);
    const scope = this.where(area, 'enterprise_id', 2);
    const enterprise = (
      await this.deps.sql.query<{ id: string; name: string; org_code: string } & RegistrationRow>(
        `SELECT e.id, e.name, e.org_code, ${REGISTRATION_COLUMNS}
           FROM enterprises e LEFT JOIN market_registrations m ON m.credit_code = e.id
          WHERE e.id = $1 AND e.${scope.text.replace('enterprise_id', 'id')}`,
        [enterpriseId, scope.param],
      )
    )[0];
    // Another city's enterprise is reported missing, like an unknown one, so ids disclose nothing.
    if (!enterprise) throw new HttpError(404, 'not_found', `enterprise ${enterpriseId} not found`);
    // Each bound checked as a real day (named in the refusal); the newest CREDIT_HISTORY_DAYS_MAX days are answered.
    const from = query.from === undefined ? '2000-01-01' : checkDay('from', query.from);
    const to = query.to === undefined ? '9999-12-31' : checkDay('to', query.to);
    if (to < from) throw new HttpError(400, 'bad_field', `to: ${to} is before from (${from})`, { field: 'to' });
    const rows = await this.deps.sql.query<{
      day: unknown;
      score: number;
      grade: string;
      facts: EnterpriseCreditFacts;
      config_version: number;
    }>(
      `SELECT ${DAY_TEXT('day')} AS day, score, grade, facts, config_version FROM credit_enterprise_days
        WHERE enterprise_id = $1 AND day >= $2 AND day <= $3 ORDER BY day DESC LIMIT $4`,
      [enterpriseId, from, to, CREDIT_HISTORY_DAYS_MAX],
    );
    return {
      enterprise_id: enterprise.id,
      name: enterprise.name,
      org_code: enterprise.org_code,
      licence_no: enterprise.licence_no,
      registration: registrationOf(enterprise),
      days: rows.map((r) => ({
        day: dayOf(r.day),
        score: Number(r.score),
        grade: r.grade,
        facts: r.facts,
        config_version: Number(r.config_version),
      })),
    };
  }

  async drivers(
    principal: Principal,
    query: { date?: string; unit?: string; min_points?: number; limit: number },
  ): Promise<DriverCreditAnswer> {
    const area = this.areaOf(principal, query.unit);
    const { value: model } = await this.deps.config.get('credit');
    const day = await this.dayOf(query.date);
    if (day === null) return { day: null, thresholds: model.driver_thresholds, drivers: [] };
    const scope = this.where(area, 'enterprise_id', 2);
    const rows = await this.deps.sql.query<{
      certificate: string;
      name: string;
      enterprise_id: string;
      org_code: string;
      cycle_start: unknown;
      points: number;
      violations: Record<string, number>;
      config_version: number;
    }>(
      `SELECT certificate, name, enterprise_id, org_code, ${DAY_TEXT('cycle_start')} AS cycle_start, points, violations, config_version
         FROM credit_driver_days WHERE day = $1 AND ${scope.text} AND points >= $3
        ORDER BY points DESC, certificate LIMIT $4`,
      [day, scope.param, query.min_points ?? 0, query.limit],
    );
    return {
      day,
      thresholds: model.driver_thresholds,
      drivers: rows.map((r) => ({
        certificate: r.certificate,
        name: r.name,
        enterprise_id: r.enterprise_id,
        org_code: r.org_code,
        day,
        cycle_start: dayOf(r.cycle_start),
        points: Number(r.points),
        violations: r.violations,
        threshold: thresholdReached(model, Number(r.points)),
        config_version: Number(r.config_version),
      })),
    };
  }
}
