/**
 * Who may take which step on a work order, by role and place in the hierarchy (the state machine, what a step
 * needs and where it leads, is the work orders' own: `center/work-orders/`). The step checks this when it is
 * posted and the lists offer it as each order's `actions`, so both always agree.
 *
 *   sign, start, feedback     handling staff of the assignee unit (the enterprise also starts and feeds back)
 *   claim, self_check, explanation, rectification   the enterprise the order is addressed to
 *   review                    handling staff of the assignee unit or above
 *   accept, return            a dispatcher or leader of the issuing centre or of a unit above the assignee
 *   transfer                  assignee staff, or such a dispatcher or leader, to a unit of their own subtree
 *   urge (督办)                handling staff of the issuing centre or of a unit above the assignee
 *   comment                   everyone who sees it but walls and analysts
 *
 * A unit that only views an order (a city looking at a 省直管县 the province commands) takes no step on it.
 * Visibility (the caller's subtree, or the enterprise the order is addressed to) is checked before this.
 */
import type { WorkOrderAction } from '../../schema/index.js';
import type { Principal } from '../auth/accounts.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { HANDLER_ROLES, SUPERVISOR_ROLES } from './actor.js';

/** Where an order sits in the hierarchy: what the permission depends on. */
export interface OrderPlace {
  org_code: string;
  issuer_org: string;
}

const ENTERPRISE_ACTIONS: ReadonlySet<WorkOrderAction> = new Set([
  'claim',
  'start',
  'self_check',
  'explanation',
  'rectification',
  'feedback',
  'comment',
]);

/** Null when the role and place allow `action`, else a sentence saying who may (the 403's detail). */
export function orderRefusal(
  principal: Principal,
  order: OrderPlace,
  action: WorkOrderAction,
  org: OrgDirectory,
): string | null {
  if (principal.role === 'wall' || principal.role === 'analyst') return `role ${principal.role} is read-only`;
  if (principal.role === 'enterprise')
    return ENTERPRISE_ACTIONS.has(action) ? null : `an enterprise may not ${action} a work order`;
  if (!org.covers(principal.orgCode, order.org_code) && !org.covers(principal.orgCode, order.issuer_org))
    return `${principal.orgCode} views orders of ${order.org_code} but does not command it (省直管县: the province does)`;
  const handler = HANDLER_ROLES.includes(principal.role);
  const isAssigneeStaff = handler && principal.orgCode === order.org_code;
  const oversees = org.covers(principal.orgCode, order.issuer_org) || org.isBelow(principal.orgCode, order.org_code);
  const isSupervisor = SUPERVISOR_ROLES.includes(principal.role) && oversees;
  switch (action) {
    case 'sign':
    case 'start':
    case 'feedback':
      return isAssigneeStaff ? null : `only handling staff of ${order.org_code} may ${action} this order`;
    case 'claim':
    case 'self_check':
    case 'explanation':
    case 'rectification':
      return `${action} is the enterprise's step`;
    case 'review':
      return handler && org.covers(principal.orgCode, order.org_code)
        ? null
        : `only staff of ${order.org_code} or above may review this order`;
    case 'accept':
    case 'return':
      return isSupervisor
        ? null
        : `only a dispatcher or leader of the issuing centre or above ${order.org_code} may ${action} this order`;
    case 'transfer':
      return isAssigneeStaff || isSupervisor
        ? null
        : `only staff of ${order.org_code} or its supervisors may transfer this order`;
    case 'urge':
      return handler && oversees && principal.orgCode !== order.org_code
        ? null
        : `only staff of the issuing centre or of a unit above ${order.org_code} may urge (督办) this order`;
    case 'comment':
      return null;
  }
}
