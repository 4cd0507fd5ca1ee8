/**
 * Reconnection delays. After a server restart every wall in the province reconnects at once; "full jitter"
 * spreads them out, and the cap keeps a wall from waiting minutes once the server is back.
 */
export const RECONNECT_DELAY_MS_MIN = 500;
export const RECONNECT_DELAY_MS_MAX = 30_000;

/** Delay before reconnect attempt number `attempt` (0 = first retry); `random` is in [0, 1). */
export function reconnectDelayMs(attempt: number, random: number): number {
  const ceiling = Math.min(RECONNECT_DELAY_MS_MAX, RECONNECT_DELAY_MS_MIN * 2 ** Math.min(attempt, 16));
  // Half fixed, half random: never hammer the server faster than half the ceiling, never wait longer than it.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
