/** Bounds and behaviour of the JT/T 1078 media server, each a named limit (see docs/video.md). */
export interface MediaServerOptions {
  host: string;
  /** TCP port terminals stream live video to (0x9101); 0 = any free port. */
  livePort: number;
  /** TCP port terminals stream recordings to (0x9201); 0 = any free port. */
  playbackPort: number;
  /**
   * UDP ports offered in 0x9101 / 0x9201 besides TCP; undefined = no UDP (the terminal is told 0). 0 = any free
   * port. The same numbers as the TCP ports are the natural choice: one pair of numbers to open, both protocols.
   */
  liveUdpPort: number | undefined;
  playbackUdpPort: number | undefined;
  /** Packets a UDP channel holds while an earlier one is missing; beyond, the missing one is given up as lost. */
  udpReorderPackets: number;
  /**
   * The address told to terminals in 0x9101/0x9201. Undefined: the local address of the terminal's own JT/T 808
   * connection, which is where the terminal already reaches this node.
   */
  advertisedHost: string | undefined;
  /** Streams (live and playback) open at once; requests beyond are refused `video_streams_full`. */
  streamsMax: number;
  /** Bytes per second one stream may carry; a stream above it for a whole second is closed `stream_bandwidth`. */
  streamBytesPerSecondMax: number;
  /**
   * Bytes per second all streams together may carry: each open stream reserves `streamBytesPerSecondMax` of it,
   * so at most `bytesPerSecondTotalMax / streamBytesPerSecondMax` streams run (`video_bandwidth_full` beyond).
   */
  bytesPerSecondTotalMax: number;
  /** Viewers (browser connections) of one stream at most; more are refused `viewers_full`. */
  viewersPerStreamMax: number;
  /** Viewers over all streams at most. */
  viewersTotalMax: number;
  /**
   * Bytes a viewer may have queued (WebSocket buffered amount) before frames are skipped for it until the next key
   * frame: a slow browser falls back to the live edge instead of growing a queue on the server.
   */
  viewerBufferedBytesMax: number;
  /** Largest payload one packet may claim, in bytes (JT/T 1078 says 950; vendors send more). */
  packetPayloadBytesMax: number;
  /** Bytes of an incomplete packet a connection may hold between reads. */
  bufferedBytesPerConnectionMax: number;
  /**
   * Largest reassembled frame, in bytes; below 15 MiB, so that an fMP4 message to a viewer always begins with the
   * byte 0x00 and an audio message (0x01) is told from it.
   */
  frameBytesMax: number;
  /** Bytes of the current group of pictures kept for viewers who join (they start at its key frame). */
  gopBytesMax: number;
  /** Time a requested stream has to start arriving before it is given up (`terminal_did_not_connect`). */
  connectTimeoutMs: number;
  /** A stream that sent nothing this long is closed (`stream_stalled`). */
  dataTimeoutMs: number;
  /** A stream nobody watches is closed (0x9102) after this long (`no_viewers`). */
  viewerlessCloseMs: number;
  /** Connections to the media ports at most (several per stream when terminals reconnect). */
  connectionsMax: number;
  /** Dead-letter rows one connection may write (its first rejects); the rest are only counted. */
  rejectRowsPerConnectionMax: number;
}

export const MEDIA_SERVER_DEFAULTS: MediaServerOptions = {
  host: '0.0.0.0',
  livePort: 6810,
  playbackPort: 6811,
  liveUdpPort: undefined,
  playbackUdpPort: undefined,
  udpReorderPackets: 16,
  advertisedHost: undefined,
  streamsMax: 64,
  streamBytesPerSecondMax: 1024 * 1024,
  bytesPerSecondTotalMax: 64 * 1024 * 1024,
  viewersPerStreamMax: 16,
  viewersTotalMax: 256,
  viewerBufferedBytesMax: 2 * 1024 * 1024,
  packetPayloadBytesMax: 4096,
  bufferedBytesPerConnectionMax: 64 * 1024,
  frameBytesMax: 2 * 1024 * 1024,
  gopBytesMax: 8 * 1024 * 1024,
  connectTimeoutMs: 20_000,
  dataTimeoutMs: 15_000,
  viewerlessCloseMs: 15_000,
  connectionsMax: 256,
  rejectRowsPerConnectionMax: 16,
};

const POSITIVE = [
  'streamsMax',
  'streamBytesPerSecondMax',
  'bytesPerSecondTotalMax',
  'viewersPerStreamMax',
  'viewersTotalMax',
  'viewerBufferedBytesMax',
  'packetPayloadBytesMax',
  'bufferedBytesPerConnectionMax',
  'frameBytesMax',
  'gopBytesMax',
  'connectTimeoutMs',
  'dataTimeoutMs',
  'viewerlessCloseMs',
  'connectionsMax',
  'udpReorderPackets',
] as const satisfies readonly (keyof MediaServerOptions)[];

/** Largest reorder window: packets held per UDP channel (a window as wide as the sequence would never give up). */
const UDP_REORDER_PACKETS_MAX = 1024;

/** Largest frameBytesMax: a media segment (frame + boxes) stays below 16 MiB, its size's first byte 0x00. */
const FRAME_BYTES_MAX_BOUND = 15 * 1024 * 1024;

/** Fails on a bound that cannot work, naming the key, the value and the bound. */
export function checkMediaServerOptions(o: MediaServerOptions): void {
  for (const key of POSITIVE) {
    const value = o[key];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`jt1078 media server option ${key} value ${value} is less than min allowed 1`);
  }
  for (const key of ['livePort', 'playbackPort'] as const) {
    const value = o[key];
    if (!Number.isSafeInteger(value) || value < 0 || value > 65535)
      throw new RangeError(`jt1078 media server option ${key} value ${value} is outside 0..65535`);
  }
  if (o.livePort !== 0 && o.livePort === o.playbackPort)
    throw new RangeError(`jt1078 media server options livePort and playbackPort are both ${o.livePort}`);
  for (const key of ['liveUdpPort', 'playbackUdpPort'] as const) {
    const value = o[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0 || value > 65535))
      throw new RangeError(`jt1078 media server option ${key} value ${value} is outside 0..65535`);
  }
  if (o.liveUdpPort !== undefined && o.liveUdpPort !== 0 && o.liveUdpPort === o.playbackUdpPort)
    throw new RangeError(`jt1078 media server options liveUdpPort and playbackUdpPort are both ${o.liveUdpPort}`);
  if (o.udpReorderPackets > UDP_REORDER_PACKETS_MAX)
    throw new RangeError(
      `jt1078 media server option udpReorderPackets value ${o.udpReorderPackets} is greater than max allowed ${UDP_REORDER_PACKETS_MAX}`,
    );
  if (o.frameBytesMax > FRAME_BYTES_MAX_BOUND)
    throw new RangeError(
      `jt1078 media server option frameBytesMax value ${o.frameBytesMax} is greater than max allowed ${FRAME_BYTES_MAX_BOUND}`,
    );
  if (o.bytesPerSecondTotalMax < o.streamBytesPerSecondMax)
    throw new RangeError(
      `jt1078 media server option bytesPerSecondTotalMax value ${o.bytesPerSecondTotalMax} is less than min allowed streamBytesPerSecondMax (${o.streamBytesPerSecondMax})`,
    );
  if (o.bufferedBytesPerConnectionMax < o.packetPayloadBytesMax + 64)
    throw new RangeError(
      `jt1078 media server option bufferedBytesPerConnectionMax value ${o.bufferedBytesPerConnectionMax} is less than min allowed packetPayloadBytesMax + 64 (${o.packetPayloadBytesMax + 64})`,
    );
  if (o.rejectRowsPerConnectionMax < 0 || !Number.isSafeInteger(o.rejectRowsPerConnectionMax))
    throw new RangeError(
      `jt1078 media server option rejectRowsPerConnectionMax value ${o.rejectRowsPerConnectionMax} is less than min allowed 0`,
    );
}
