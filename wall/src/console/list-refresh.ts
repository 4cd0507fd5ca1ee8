/**
 * How often the alarm lists and the header's counts re-read the server by themselves. The feed pushes every alarm
 * version, desk step and work-order change the moment it is committed, and the lists reload on each: while the feed
 * is live, the timed re-read is only a safety net, and a console left open day and night should not ask the node
 * for the same answers every few seconds (five requests, each a session check and two queries). Without the feed
 * (connecting, reconnecting) the timed re-read is what keeps the lists current, so it stays short.
 */
export const LIST_REFRESH_MS = 5_000;
/** While the feed is live. */
export const LIST_REFRESH_FEED_LIVE_MS = 30_000;

export function listRefreshMs(feedLive: boolean): number {
  return feedLive ? LIST_REFRESH_FEED_LIVE_MS : LIST_REFRESH_MS;
}
