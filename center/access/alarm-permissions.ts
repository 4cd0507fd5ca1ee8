/**
 * Who may take which handling step on an alarm: the one rule the alarm desk enforces when a step is posted and
 * the list offers as each row's `actions`, so the console shows a button exactly when the step would succeed
 * (barring a race with another officer).
 *
 *   acknowledge (签收)  handling staff, the alarm is new
 *   dismiss / dispatch  handling staff, the alarm is new or acknowledged by the caller (the holder)
 *   close               handling staff, the alarm was dismissed
 *
 * Visibility (the caller's org subtree) is checked before this, by the desk.
 */
import type { Principal } from '../auth/accounts.js';
import { HANDLER_ROLES } from './actor.js';

export type AlarmAction = 'acknowledge' | 'dismiss' | 'dispatch' | 'close';

export const ALARM_HANDLING_ACTIONS: readonly AlarmAction[] = ['acknowledge', 'dismiss', 'dispatch', 'close'];

/** What of an alarm decides who may act on it. */
export interface AlarmHold {
  state: 'new' | 'acknowledged' | 'dispatched' | 'dismissed' | 'closed';
  /** User id of the officer who acknowledged it, if anyone did. */
  acknowledged_by: number | string | null;
}

/** Why a step is refused: the role never may (forbidden), someone else holds it, or the state does not allow it. */
export type AlarmRefusal = 'forbidden' | 'held_by_other' | 'bad_state';

export function mayHandleAlarms(principal: Principal): boolean {
  return HANDLER_ROLES.includes(principal.role);
}

/** Null when `principal` may take `action` on the alarm now, else the reason it may not. */
export function alarmRefusal(principal: Principal, alarm: AlarmHold, action: AlarmAction): AlarmRefusal | null {
  if (!mayHandleAlarms(principal)) return 'forbidden';
  const heldByCaller = alarm.state === 'acknowledged' && Number(alarm.acknowledged_by) === principal.userId;
  switch (action) {
    case 'acknowledge':
      if (alarm.state === 'new') return null;
      return alarm.state === 'acknowledged' ? 'held_by_other' : 'bad_state';
    case 'dismiss':
    case 'dispatch':
      if (alarm.state === 'new' || heldByCaller) return null;
      return alarm.state === 'acknowledged' ? 'held_by_other' : 'bad_state';
    case 'close':
      return alarm.state === 'dismissed' ? null : 'bad_state';
  }
}

/** The steps `principal` may take on the alarm now, in the order the console shows them. */
export function allowedAlarmActions(principal: Principal, alarm: AlarmHold): AlarmAction[] {
  return ALARM_HANDLING_ACTIONS.filter((action) => alarmRefusal(principal, alarm, action) === null);
}
