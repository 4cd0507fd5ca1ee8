/** Bounds of the one HTTP server of a node (API, wall, feed), each a named limit (see docs/security.md, "HTTP"). */
export interface HttpServerOptions {
  host: string;
  port: number;
  /**
   * Open connections at most, WebSocket feeds included; one more is answered 503 and closed (reason
   * `connections_max`). The process's open-file budget may refuse sooner (reason `fd_limit`).
   */
  connectionsMax: number;
  /** Open connections from one address at most (reason `per_address_max`): one host cannot take them all. */
  connectionsPerAddressMax: number;
  /** Time a client has to send a request's headers, from the connection or the previous answer. */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included (slow uploads beyond are cut off). */
  requestTimeoutMs: number;
  /** Time a kept-alive connection may sit idle between requests. */
  keepAliveTimeoutMs: number;
  /** Bytes of request line and headers at most (431 beyond). */
  headerBytesMax: number;
  /** Requests one kept-alive connection may carry before it is closed (spreads load, bounds a connection's life). */
  requestsPerConnectionMax: number;
}

export const HTTP_SERVER_DEFAULTS: Omit<HttpServerOptions, 'host' | 'port'> = {
  // Walls, consoles, sources and analysts of a province are a few hundred clients; tens of thousands of
  // sockets would only take the descriptors the stores need.
  connectionsMax: 2_000,
  // Offices reach the node through NAT and proxies, so one address may be a whole command centre.
  connectionsPerAddressMax: 500,
  headersTimeoutMs: 20_000,
  // An 8 MB ingestion batch at 1 Mbit/s takes about 70 s.
  requestTimeoutMs: 120_000,
  // Browsers reuse a connection within a few seconds or not at all.
  keepAliveTimeoutMs: 5_000,
  headerBytesMax: 16 * 1024,
  requestsPerConnectionMax: 10_000,
};

/** Minimum and maximum of each bound: outside them a node cannot work or a bound means nothing. */
const BOUNDS: Record<keyof typeof HTTP_SERVER_DEFAULTS, [number, number]> = {
  connectionsMax: [1, 1_000_000],
  connectionsPerAddressMax: [1, 1_000_000],
  headersTimeoutMs: [1_000, 600_000],
  requestTimeoutMs: [1_000, 3_600_000],
  keepAliveTimeoutMs: [100, 600_000],
  headerBytesMax: [1_024, 1024 * 1024],
  requestsPerConnectionMax: [1, 1_000_000],
};

/** Fails on a bound that cannot work, naming the option, its value and the bound. */
export function checkHttpServerOptions(options: HttpServerOptions): void {
  for (const [name, [min, max]] of Object.entries(BOUNDS)) {
    const value = options[name as keyof typeof BOUNDS];
    if (!Number.isInteger(value)) throw new Error(`http server option ${name} value ${value} is not an integer`);
    if (value < min) throw new Error(`http server option ${name} value ${value} is less than min allowed ${min}`);
    if (value > max) throw new Error(`http server option ${name} value ${value} is greater than max allowed ${max}`);
  }
  // Node refuses a request that has not finished its headers by requestTimeout anyway; say it plainly instead.
  if (options.headersTimeoutMs > options.requestTimeoutMs)
    throw new Error(
      `http server option headersTimeoutMs value ${options.headersTimeoutMs} is greater than max allowed ${options.requestTimeoutMs} (requestTimeoutMs)`,
    );
}
