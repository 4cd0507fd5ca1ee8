/**
 * The live feed between the server's hub and the wall/console over WebSocket (`/ws`). JSON text messages.
 *
 * Ordering and resumption: every alarm message carries `alarm_seq`, a per-server-process increasing number.
 * A client that reconnects sends `{type:'resume', after_alarm_seq, server_id}`; when the server still holds
 * everything after that number (and it is the same server process) it replays them, otherwise it sends a fresh
 * snapshot. Positions are never replayed: only the latest position of a vehicle matters.
 */
import type { AlarmRow } from './tables.js';

export const FEED_PROTOCOL_VERSION = 1;

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

export type FeedServerMessage =
  | {
      type: 'snapshot';
      protocol: number;
      server_id: string;
      server_time: number;
      alarm_seq: number;
      vehicles: FeedVehicle[];
      alarms: FeedAlarm[];
    }
  | { type: 'positions'; server_time: number; vehicles: FeedVehicle[] }
  | { type: 'alarm'; alarm_seq: number; alarm: FeedAlarm }
  | { type: 'heartbeat'; server_time: number; alarm_seq: number }
  | { type: 'error'; reason: string; detail: string };

export type FeedClientMessage = { type: 'resume'; server_id: string; after_alarm_seq: number };
