/**
 * Single-use tickets that let a browser open a stream's WebSocket. A browser's WebSocket cannot carry an
 * Authorization header, and a session token in a URL ends up in logs and histories; so the authenticated request
 * that opens a stream answers with a ticket bound to that stream and that session, good once and for a few
 * seconds, and the WebSocket URL carries only the ticket.
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/accounts.js';

export interface VideoTicket {
  streamId: string;
  principal: Principal;
  expiresAtMs: number;
}

export interface VideoTicketsOptions {
  /** How long a ticket may wait for its WebSocket. */
  ticketTtlMs: number;
  /** Tickets outstanding at most; the oldest is forgotten beyond. */
  ticketsMax: number;
}

export const VIDEO_TICKETS_DEFAULTS: VideoTicketsOptions = { ticketTtlMs: 30_000, ticketsMax: 4_096 };

export class VideoTickets {
  /** Insertion order is issue order, so the first entries are the oldest. */
  private readonly tickets = new Map<string, VideoTicket>();

  constructor(
    private readonly options: VideoTicketsOptions = VIDEO_TICKETS_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(streamId: string, principal: Principal): string {
    const nowMs = this.now();
    for (const [ticket, t] of this.tickets) {
      if (t.expiresAtMs > nowMs && this.tickets.size < this.options.ticketsMax) break;
      this.tickets.delete(ticket);
    }
    const ticket = randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { streamId, principal, expiresAtMs: nowMs + this.options.ticketTtlMs });
    return ticket;
  }

  /** The ticket's grant, once: a second use, an unknown or an expired ticket gives undefined. */
  redeem(ticket: string): VideoTicket | undefined {
    const grant = this.tickets.get(ticket);
    if (grant === undefined) return undefined;
    this.tickets.delete(ticket);
    return grant.expiresAtMs > this.now() ? grant : undefined;
  }
}
