import type { KeyObject } from 'node:crypto';

/** Bounds and behaviour of the JT/T 808 gateway, each a named limit (see docs/jt808.md). */
export interface GatewayOptions {
  host: string;
  port: number;
  /**
   * Open TCP connections at most; new ones beyond are closed at once (reason `connections_max`). The process's
   * open-file limit may bound them sooner: see ingest/open-files.ts (reason `fd_limit`, warned at start).
   */
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
  /** How long a downlink command waits for the terminal's 0x0001 (or 0x0201) answer. */
  downlinkTimeoutMs: number;
  /** Commands awaiting an answer on one connection at most; more are refused as `downlink_busy`. */
  downlinksPendingPerConnectionMax: number;
  /**
   * Recent positions (device time and fingerprint) remembered per terminal, across its reconnections, so that
   * an exact retransmission (the terminal did not see our reply) is acknowledged without a second row.
   * 12 bytes each once durable.
   */
  recentFixesPerTerminalMax: number;
  /** Terminals whose recent positions are remembered; the least recently connected is forgotten beyond. */
  recentFixTerminalsMax: number;
  /** Packets one subpackaged message may have. */
  packetsPerMessageMax: number;
  /** Reassembled body of one subpackaged message, in bytes. */
  reassemblyBytesPerMessageMax: number;
  /** Subpackaged messages one connection may have in reassembly at once. */
  reassemblyMessagesPerConnectionMax: number;
  /** Bytes held in reassembly over all connections; packets beyond are refused as `reassembly_full`. */
  reassemblyBytesTotalMax: number;
  /** Time without completion before the missing packets are requested with 0x8003 (then dropped). */
  reassemblyTimeoutMs: number;
  /**
   * Subpackaged messages remembered per terminal once complete, so that a packet resent afterwards is answered
   * as the message was instead of being reassembled again (see completed-messages.ts).
   */
  completedMessagesPerTerminalMax: number;
  /** How long after completion a message is remembered for its late packets. */
  completedMessageAgeMsMax: number;
  /** Completed messages remembered over all terminals (about 400 bytes each); the oldest are forgotten. */
  completedMessagesTotalMax: number;
  /** Packets of completed messages remembered over all terminals (4 bytes each); the oldest are forgotten. */
  completedPacketsTotalMax: number;
  /** Where media bytes (0x0801) are written; undefined refuses uploads as `media_storage_disabled`. */
  mediaDir: string | undefined;
  /** Largest media file accepted, in bytes. */
  mediaBytesPerFileMax: number;
  /** Bytes of media kept under `mediaDir` at most; uploads beyond are refused as `media_storage_full`. */
  mediaBytesTotalMax: number;
  /**
   * RSA private key (PEM or KeyObject) for bodies with encryption bit 10; without one they are rejected
   * `encrypted_body`.
   */
  rsaPrivateKey: KeyObject | string | undefined;
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
  downlinksPendingPerConnectionMax: 16,
  recentFixesPerTerminalMax: 64,
  recentFixTerminalsMax: 200_000,
  packetsPerMessageMax: 8_192,
  reassemblyBytesPerMessageMax: 4 * 1024 * 1024,
  reassemblyMessagesPerConnectionMax: 4,
  reassemblyBytesTotalMax: 256 * 1024 * 1024,
  reassemblyTimeoutMs: 30_000,
  completedMessagesPerTerminalMax: 8,
  completedMessageAgeMsMax: 10 * 60_000,
  completedMessagesTotalMax: 100_000,
  completedPacketsTotalMax: 1_000_000,
  mediaDir: undefined,
  mediaBytesPerFileMax: 4 * 1024 * 1024,
  mediaBytesTotalMax: 20 * 1024 * 1024 * 1024,
  rsaPrivateKey: undefined,
};

const POSITIVE_INTEGERS = [
  'connectionsMax',
  'frameBytesMax',
  'bufferedBytesPerConnectionMax',
  'framesInFlightPerConnectionMax',
  'idleTimeoutMs',
  'downlinkTimeoutMs',
  'downlinksPendingPerConnectionMax',
  'recentFixesPerTerminalMax',
  'recentFixTerminalsMax',
  'packetsPerMessageMax',
  'reassemblyBytesPerMessageMax',
  'reassemblyMessagesPerConnectionMax',
  'reassemblyBytesTotalMax',
  'reassemblyTimeoutMs',
  'completedMessagesPerTerminalMax',
  'completedMessageAgeMsMax',
  'completedMessagesTotalMax',
  'completedPacketsTotalMax',
  'mediaBytesPerFileMax',
  'mediaBytesTotalMax',
] as const satisfies readonly (keyof GatewayOptions)[];

/** Fails on a bound that cannot work, naming the key, the value and the bound. */
export function checkGatewayOptions(options: GatewayOptions): void {
  for (const key of POSITIVE_INTEGERS) {
    const value = options[key];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`jt808 gateway option ${key} value ${value} is less than min allowed 1`);
  }
  if (options.bufferedBytesPerConnectionMax < options.frameBytesMax) {
    throw new RangeError(
      `jt808 gateway option bufferedBytesPerConnectionMax value ${options.bufferedBytesPerConnectionMax} is less than min allowed frameBytesMax (${options.frameBytesMax})`,
    );
  }
  if (options.mediaBytesPerFileMax > 0xffffffff) {
    throw new RangeError(
      `jt808 gateway option mediaBytesPerFileMax value ${options.mediaBytesPerFileMax} is greater than max allowed ${0xffffffff}`,
    );
  }
}
