/**
 * JT/T 1078 video: the media server terminals stream to after 0x9101 (live) or 0x9201 (playback), and the
 * pieces it is made of (packet reader, frame assembly, H.264 parameter sets, fragmented MP4), exported for the
 * test terminals that packetize real H.264.
 */
export { Jt1078MediaServer, MediaError } from './media-server.js';
export type {
  MediaFailure,
  MediaServerDeps,
  PlaybackParams,
  StreamSummary,
  VideoTerminalLink,
} from './media-server.js';
export { MEDIA_SERVER_DEFAULTS, checkMediaServerOptions } from './options.js';
export type { MediaServerOptions } from './options.js';
export type { MediaViewer, StreamKind, VideoControlMessage, VideoStream } from './video-stream.js';
export { DATA_TYPE, PAYLOAD_TYPE, SUBPACKAGE, encodeRtpPacket, parseRtpPacket } from './rtp-packet.js';
export type { RtpPacket, SimBytes } from './rtp-packet.js';
export {
  adtsFrames,
  AUDIO_MESSAGE_HEADER_BYTES,
  AUDIO_MESSAGE_KIND,
  audioMessage,
  stripHisiliconHeader,
} from './audio.js';
export { NAL_TYPE, nalType, parseSps, splitAnnexB } from './h264.js';
