/**
 * Answers of the alarm-handling and work-order lists (`GET /api/alarms`, `GET /api/work-orders` and their
 * single-item routes), shared by the server and the duty console. Every row carries the steps the caller may
 * take on it now (`actions`), decided on the server by the same rules that check the step when it is posted, so
 * the console never re-derives permissions. Times are epoch ms; definitions in docs/command-centre.md.
 */
import type { FeedAlarmCase, FeedWorkOrder } from './feed.js';

/** Handling steps of an alarm, as posted to `/api/alarms/:id/<action>`. */
export type AlarmHandlingAction = 'acknowledge' | 'dismiss' | 'dispatch' | 'close';

/** Steps of a work order, as posted to `/api/work-orders/:id/<action>` (underscores become dashes in the path). */
export type WorkOrderAction =
  | 'sign'
  | 'claim'
  | 'start'
  | 'self_check'
  | 'explanation'
  | 'rectification'
  | 'review'
  | 'feedback'
  | 'accept'
  | 'return'
  | 'transfer'
  | 'urge'
  | 'comment';

export interface AlarmQueueRow extends FeedAlarmCase {
  /** Steps the caller may take now, in the order the console shows them. */
  actions: AlarmHandlingAction[];
  /** When a `new` alarm is escalated to the parent centre if nobody takes it (null once taken). */
  due_at: number | null;
  /** Raised from back-filled data (补传): it happened a while before it arrived. */
  late: boolean;
}

/** Alarms per state and severity among those the filter matches (all pages). */
export interface AlarmCounts {
  state: Partial<Record<FeedAlarmCase['state'], number>>;
  severity: Partial<Record<string, number>>;
}

export interface AlarmListAnswer {
  alarms: AlarmQueueRow[];
  /** Alarms the filter matches, on every page; equals the sum of each facet of `counts`. */
  total: number;
  counts: AlarmCounts;
  /** With `since`: how many of the matching alarms were received after it (the console's "n new alarms"). */
  arrived_since: number | null;
  /** Cursor of the next page (`after=`), null on the last one. */
  next: string | null;
  /** Server time of the answer. */
  as_of: number;
}

export interface WorkOrderListRow extends FeedWorkOrder {
  actions: WorkOrderAction[];
  /** Last time a supervising centre urged (督办) this order by hand, if ever. */
  urged_at: number | null;
}

export interface WorkOrderListAnswer {
  work_orders: WorkOrderListRow[];
  total: number;
  counts: { state: Partial<Record<FeedWorkOrder['state'], number>>; overdue: number };
  next: string | null;
  as_of: number;
}

export interface WorkOrderAttachmentRef {
  id: number;
  name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
}

/** One step of a work order's timeline: who (user, unit), when, what, with its text and files. */
export interface WorkOrderTimelineEvent {
  id: number;
  kind: string;
  from_state: string;
  to_state: string;
  /** The username of who made the event, `system` for the centre itself. */
  actor: string;
  /** The name shown for them: their display name, else the username. */
  actor_name: string;
  actor_org: string;
  text: string;
  detail: { attachments?: WorkOrderAttachmentRef[]; [key: string]: unknown };
  at: number;
}

export interface WorkOrderDetail {
  order: WorkOrderListRow;
  timeline: WorkOrderTimelineEvent[];
}

/** What the caller's role may do at all, for the parts of the console that are not about one item. */
export interface ConsoleAbilities {
  role: string;
  org_code: string;
  enterprise_id: string | null;
  /** 签收, 派单, 误报排除 of alarms in scope. */
  handle_alarms: boolean;
  /** Issue work orders top-down (工单发布). */
  issue_work_orders: boolean;
  /** Downlink commands to terminals of vehicles in scope. */
  terminal_commands: string[];
  /** Live video and playback (JT/T 1078) of vehicles in scope. */
  video: boolean;
  /** Accounts of the subtree and the audit log (admins: the console's 系统管理 page). */
  manage_accounts: boolean;
  /** Source keys of the ingestion kinds (province admins only: keys are allocated centrally). */
  manage_source_keys: boolean;
}

/** A vehicle a search found (`GET /api/vehicles?q=`), from the registry and the terminals that registered. */
export interface VehicleSearchRow {
  plate: string;
  terminal_id: string;
  vehicle_class: string;
  home_org_code: string;
  enterprise_id: string | null;
}

/** A stop on a track: the vehicle stood (speed ≤ the stop speed) for at least the stop duration. */
export interface TrackStop {
  from: number;
  to: number;
  lat: number;
  lon: number;
}

/** A trip: driving between two stops (or the window's ends). */
export interface TrackTrip {
  from: number;
  to: number;
  km: number;
  max_speed_kmh: number;
}

export interface TrackAlarm {
  alarm_id: string;
  rule: string;
  severity: string;
  org_code: string;
  started_at: number;
  ended_at: number | null;
  lat: number;
  lon: number;
  plate: string;
}

/**
 * `GET /api/vehicles/:terminal_id/track?from=&to=`: the fixes of a window, reduced on the server to what a
 * screen can draw, with what was computed from all of them: mileage, stops and trips, and the alarms of the
 * window. Points are `[ts_ms, lon, lat, speed_kmh]`.
 */
export interface TrackAnswer {
  terminal_id: string;
  plate: string;
  from: number;
  to: number;
  /** Fixes stored in the window (in the caller's scope). */
  raw_points: number;
  /** Width of the time buckets the fixes were read in (each bucket: its first position, its top speed). */
  resolution_ms: number;
  points: [number, number, number, number][];
  mileage_km: number;
  stops: TrackStop[];
  trips: TrackTrip[];
  alarms: TrackAlarm[];
  /**
   * Who was at the wheel at the window's end by the last driver card (0x0702) at or before it; null when the
   * last card was taken out or none was reported.
   */
  driver: TrackDriver | null;
}

/** A driver as their card says: name, qualification certificate number and when the card went in. */
export interface TrackDriver {
  name: string;
  certificate: string;
  since: number;
}

/** A photo or recording a terminal sent (0x0800/0x0801), served by `GET /api/vehicles/:id/media/:media_id`. */
export interface VehicleMedia {
  media_id: number;
  /** 0 image, 1 audio, 2 video. */
  media_type: number;
  /** 0 JPEG, 1 TIF, 2 MP3, 3 WAV, 4 WMV. */
  format: number;
  event_code: number;
  channel: number;
  ts: number;
  lat: number;
  lon: number;
  bytes: number;
  /** False for an announcement (0x0800) whose upload has not come. */
  stored: boolean;
}
