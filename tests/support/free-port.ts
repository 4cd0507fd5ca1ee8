/**
 * A loopback port for a test to hand to a process it starts later: free now, and outside the range the system hands
 * out by itself. Both `listen(0)` and every outgoing connection take their local port from Linux's ephemeral range
 * (`/proc/sys/net/ipv4/ip_local_port_range`, 32768–60999 by default), so a port picked there and released races
 * every connection opened meanwhile — and with the test run's PostgreSQL server each node's pool opens up to ten.
 * On 2026-12-08 a node found its JT/T 808 port so taken (EADDRINUSE) by a connection of another test's node.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** The lowest port the system hands out by itself. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether `port` can be listened on right now on loopback (and is let go again at once). */
export function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free loopback port below the ephemeral range, chosen at random so that files running at once do not meet. */
export async function unassignedPort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.max(1024, high - 20_000);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port found between ${low} and ${high}`);
}
