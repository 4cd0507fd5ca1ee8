export { decodeMessage } from './messages.js';
export type { AisMessage, AisPosition, AisVoyage } from './messages.js';
export { messageBits, nmeaChecksum, parseSentence } from './nmea.js';
export { encodePosition, encodeVoyage, toSentences } from './encode.js';
export { AisProblem } from './sixbit.js';
