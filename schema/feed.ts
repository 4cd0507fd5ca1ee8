/**
 * The live feed between the server's hub and the wall/console over WebSocket (`/ws`). JSON text messages.
 *
 * Ordering and resumption: every alarm message carries `alarm_seq`, a per-server-process increasing number.
 * A client that reconnects sends `{type:'resume', after_alarm_seq, server_id}`; when the server still holds
 * everything after that number (and it is the same server process) it replays them, otherwise it sends a fresh
 * snapshot. Positions are never replayed: only the latest position of a vehicle matters.
 *
 * Protocol 2 (`/ws?token=…&positions=binary`): positions travel as binary frames (`feed-frame.ts`) naming
 * vehicles by an index announced once per connection in a `vehicle_table` message; the snapshot then lists no
 * vehicles and is followed by one binary frame with all of them. Protocol 3 (`…&positions=binary&protocol=3`, what
 * the wall uses): the vehicle table travels as a binary frame too (`feed-table-frame.ts`). Without
 * `positions=binary` positions stay JSON `positions` messages. The full description is docs/feed-protocol.md.
 */
import type { AlarmRow } from './tables.js';

/** The newest protocol the server speaks; a client names the one it wants with `protocol=` (default 2). */
export const FEED_PROTOCOL_VERSION = 4;

export interface FeedVehicle {
  terminal_id: string;
  plate: string;
  lat: number;
  lon: number;
  speed_kmh: number;
  direction_deg: number;
  /** Device time of the fix, epoch ms. */
  ts: number;
  /** Registry vehicle class when known: coach, dangerous_goods, heavy_truck, tractor, bus, taxi, other. */
  vehicle_class: string;
  /** True while the vehicle has an open alarm. */
  alarming: boolean;
}

export type FeedAlarm = AlarmRow;

/** A vehicle's row of the per-connection vehicle table that binary position frames index into. */
export interface FeedVehicleEntry {
  index: number;
  terminal_id: string;
  plate: string;
  vehicle_class: string;
}

/** Today's (Asia/Shanghai) alarm episodes within the client's scope, as counted by the hub. */
export interface FeedToday {
  /** Epoch ms of today's 00:00 in Shanghai. */
  day_start: number;
  total: number;
  by_rule: Record<string, number>;
  /** 24 counts, by the Shanghai hour the episode started. */
  by_hour: number[];
}

/** An alarm as a command centre handles it: where it was routed and how far it got. Times are epoch ms. */
export interface FeedAlarmCase {
  alarm_id: string;
  rule: string;
  severity: string;
  plate: string;
  terminal_id: string;
  started_at: number;
  ended_at: number | null;
  lat: number;
  lon: number;
  /** Org unit whose queue holds it, and its department (road_transport, enforcement, ...). */
  org_code: string;
  department: string;
  enterprise_id: string | null;
  state: 'new' | 'acknowledged' | 'dispatched' | 'dismissed' | 'closed';
  /** Username of whoever took (签收) the alarm, and the name the consoles show for them. */
  acknowledged_by: string | null;
  acknowledged_by_display: string | null;
  acknowledged_at: number | null;
  dismiss_reason: string | null;
  work_order_id: number | null;
  /** Parent centre it was escalated to for being left unhandled, and how many times. */
  escalated_to: string | null;
  escalation_level: number;
  received_at: number;
  updated_at: number;
}

/** A work order (工单) without its timeline. Times are epoch ms. */
export interface FeedWorkOrder {
  id: number;
  title: string;
  description: string;
  source: 'alarm' | 'top_down';
  alarm_id: string | null;
  category: string;
  severity: string;
  issuer_org: string;
  org_code: string;
  department: string;
  enterprise_id: string | null;
  state: 'issued' | 'signed' | 'in_progress' | 'feedback_submitted' | 'accepted' | 'returned';
  deadline_at: number;
  /** Past its deadline unfinished; escalated (督办) to `escalated_to`. */
  overdue: boolean;
  escalated_to: string | null;
  enterprise_claimed_at: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}

export type FeedServerMessage =
  | {
      type: 'snapshot';
      protocol: number;
      server_id: string;
      server_time: number;
      alarm_seq: number;
      /** Empty with binary positions: the vehicles follow as a vehicle_table and one binary frame. */
      vehicles: FeedVehicle[];
      alarms: FeedAlarm[];
      today: FeedToday;
    }
  | { type: 'vehicle_table'; entries: FeedVehicleEntry[] }
  | { type: 'positions'; server_time: number; vehicles: FeedVehicle[] }
  /** `counted` is true on the one message that added the episode to today's counts. */
  | { type: 'alarm'; alarm_seq: number; alarm: FeedAlarm; counted: boolean }
  | { type: 'alarm_state'; alarm: FeedAlarmCase; action: string; actor: string }
  | { type: 'work_order'; order: FeedWorkOrder; event: string; actor: string }
  | { type: 'heartbeat'; server_time: number; alarm_seq: number }
  | { type: 'error'; reason: string; detail: string };

export type FeedClientMessage = { type: 'resume'; server_id: string; after_alarm_seq: number };
