/** Bounds and behaviour of the JT/T 808 gateway, each a named limit (see docs/operations.md). */
export interface GatewayOptions {
  host: string;
  port: number;
  /** Open TCP connections at most; new ones beyond are closed at once. */
  connectionsMax: number;
  /** Largest escaped frame accepted, in bytes (a 1023-byte body escaped twice plus header is < 2.2 KB). */
  frameBytesMax: number;
  /** Bytes of an incomplete frame a connection may buffer. */
  bufferedBytesPerConnectionMax: number;
  /** Frames of one connection being processed at once; the socket is paused beyond it (backpressure). */
  framesInFlightPerConnectionMax: number;
  /** A connection silent this long is closed (heartbeats keep it open). */
  idleTimeoutMs: number;
  /** Refuse data before 0x0102 authentication succeeded. */
  requireAuthentication: boolean;
  /** `strict` rejects frames whose check byte is wrong; `ignore` accepts them (vendor quirks). */
  checksum: 'strict' | 'ignore';
  /** How long a downlink command waits for the terminal's 0x0001 answer. */
  downlinkTimeoutMs: number;
}

export const GATEWAY_DEFAULTS: GatewayOptions = {
  host: '0.0.0.0',
  port: 6808,
  connectionsMax: 100_000,
  frameBytesMax: 4_096,
  bufferedBytesPerConnectionMax: 64 * 1024,
  framesInFlightPerConnectionMax: 64,
  idleTimeoutMs: 10 * 60_000,
  requireAuthentication: true,
  checksum: 'strict',
  downlinkTimeoutMs: 30_000,
};
