/** 0x8001 platform general reply: the same layout as 0x0001, kept as its own module for the map. */
export {
  decodeGeneralReply as decodePlatformGeneralReply,
  encodeGeneralReply as encodePlatformGeneralReply,
} from './0x0001-terminal-general-reply.js';
