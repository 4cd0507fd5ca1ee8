/**
 * Who may send inspections and supervisions to a lower platform, and read them: the province admin and the
 * staff of the org unit supervising the platform (or a unit above it). Enterprise accounts and wall kiosks may not.
 */
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import { orgCovers } from '../api/scope.js';
import { HttpError } from '../http/router.js';

export interface ScopedPlatform {
  accessCode: number;
  name: string;
  orgCode: string;
}

const STAFF_ROLES = new Set(['admin', 'leader', 'dispatcher', 'duty_officer', 'analyst']);
/** Analysts read; sending needs a role that acts. */
const SENDING_ROLES = new Set(['admin', 'leader', 'dispatcher', 'duty_officer']);

export function parseAccessCode(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(value) || value > 0xffffffff)
    throw new HttpError(400, 'bad_access_code', `access code ${JSON.stringify(text)} is not a 32-bit unsigned integer`);
  return value;
}

/** Refuses (403) a role that may not read lower platforms' inspections and schedules. */
export function mayReadPlatforms(actor: Principal): void {
  if (!STAFF_ROLES.has(actor.role))
    throw new HttpError(403, 'forbidden', `role ${actor.role} may not read platform inspections and supervisions`);
}

/** The enabled platform with this access code within the actor's scope; 404 otherwise (existence is not leaked). */
export async function platformInScope(
  sql: Pick<Sql, 'query'>,
  actor: Principal,
  accessCode: number,
  action: 'read' | 'send',
): Promise<ScopedPlatform> {
  if (!(action === 'send' ? SENDING_ROLES : STAFF_ROLES).has(actor.role))
    throw new HttpError(403, 'forbidden', `role ${actor.role} may not ${action} platform inspections and supervisions`);
  const rows = await sql.query<{ access_code: unknown; name: string; org_code: string }>(
    'SELECT access_code, name, org_code FROM jt809_platforms WHERE access_code = $1 AND disabled_at IS NULL',
    [accessCode],
  );
  const row = rows[0];
  if (!row || !orgCovers(actor.orgCode, row.org_code))
    throw new HttpError(
      404,
      'platform_unknown',
      `no enabled JT/T 809 platform with access code ${accessCode} in the scope of ${actor.orgCode}`,
    );
  return { accessCode: Number(row.access_code), name: row.name, orgCode: row.org_code };
}

export function isoOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
