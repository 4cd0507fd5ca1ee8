export { decodeMessage } from './messages.js';
export type { AisMessage, AisPosition, AisVoyage } from './messages.js';
export { messageBits, nmeaChecksum, parseSentence } from './nmea.js';
export { encodePosition, encodeVoyage, toSentences } from './encode.js';
export { AisProblem } from './sixbit.js';
export { AIS_LISTENERS_DEFAULTS, AisKeyRefused, AisListeners, checkAisListenersOptions } from './ais-listeners.js';
export type { AisListenersDeps, AisListenersOptions } from './ais-listeners.js';
export { NmeaStream } from './nmea-stream.js';
export type { AisStreamRecord, NmeaStreamOptions, NmeaStreamSink } from './nmea-stream.js';
