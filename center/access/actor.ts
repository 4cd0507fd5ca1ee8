/**
 * Who is acting, from where, and what they may see. Scope is decided here, on the server, for every read and
 * write: staff see their org subtree, enterprise users only what is addressed to their enterprise.
 */
import type { Principal, Role } from '../auth/accounts.js';
import { HttpError } from '../http/router.js';
import type { OrgDirectory } from '../org/org-directory.js';

/** A user acting through the API, or the system itself (routing, escalation) when `principal` is null. */
export interface Actor {
  principal: Principal | null;
  peer: string;
}

export const SYSTEM_ACTOR: Actor = { principal: null, peer: '' };

export function actorName(actor: Actor): string {
  return actor.principal?.username ?? 'system';
}

export function actorId(actor: Actor): number | null {
  return actor.principal?.userId ?? null;
}

/** Staff who handle alarms and work orders at their centre. */
export const HANDLER_ROLES: readonly Role[] = ['duty_officer', 'dispatcher', 'leader'];
/** Staff who issue work orders down the hierarchy and accept their results. */
export const SUPERVISOR_ROLES: readonly Role[] = ['dispatcher', 'leader'];
/** Everyone who may read alarms and work orders (the wall shows them, analysts study them). */
export const READER_ROLES: readonly Role[] = [
  'admin',
  'leader',
  'dispatcher',
  'duty_officer',
  'analyst',
  'enterprise',
  'wall',
];

export function requireRole(principal: Principal, roles: readonly Role[], what: string): void {
  if (!roles.includes(principal.role)) throw new HttpError(403, 'forbidden', `role ${principal.role} may not ${what}`);
}

export function requireOrgScope(principal: Principal, org: OrgDirectory, orgCode: string, what: string): void {
  if (principal.role === 'enterprise' || !org.covers(principal.orgCode, orgCode)) {
    throw new HttpError(
      403,
      'out_of_scope',
      `${principal.username} (${principal.orgCode}) may not ${what} for ${orgCode}`,
    );
  }
}

export interface Scoped {
  org_code: string;
  enterprise_id: string | null;
  issuer_org?: string;
}

/** A read (a list's unit filter) aimed at a unit the caller may not see: 403 out_of_scope. */
export function requireOrgView(principal: Principal, org: OrgDirectory, orgCode: string, what: string): void {
  if (principal.role === 'enterprise' || !org.sees(principal.orgCode, orgCode)) {
    throw new HttpError(
      403,
      'out_of_scope',
      `${principal.username} (${principal.orgCode}) may not ${what} for ${orgCode}`,
    );
  }
}

/**
 * Whether a principal may see an alarm or work order: its own view (command subtree, plus the 省直管县 its city is
 * allowed to view), or for an enterprise its own items.
 */
export function visibleTo(principal: Principal, item: Scoped, org: OrgDirectory): boolean {
  if (principal.role === 'enterprise')
    return principal.enterpriseId !== null && item.enterprise_id === principal.enterpriseId;
  return (
    org.sees(principal.orgCode, item.org_code) ||
    (item.issuer_org !== undefined && org.sees(principal.orgCode, item.issuer_org))
  );
}

/**
 * Whether a principal's unit commands an item it sees: the item lies in its command subtree or was issued from it.
 * A city viewing its 省直管县 sees their alarms and orders but takes no step on them.
 */
export function commands(principal: Principal, item: Scoped, org: OrgDirectory): boolean {
  if (principal.role === 'enterprise') return visibleTo(principal, item, org);
  return (
    org.covers(principal.orgCode, item.org_code) ||
    (item.issuer_org !== undefined && org.covers(principal.orgCode, item.issuer_org))
  );
}

/** Injectable time, so deadlines and escalation are testable without waiting. */
export type Clock = () => number;
