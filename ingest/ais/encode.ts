/**
 * Encodes AIS messages of types 1-3 and 5 into `!AIVDM` sentences, after the same tables of ITU-R M.1371 the
 * decoder reads: what the tests and the traffic generator make their AIS input with. Not-available values are
 * written as the standard writes them.
 */
import type { AisPosition, AisVoyage } from './messages.js';
import { nmeaChecksum } from './nmea.js';
import { BitWriter } from './sixbit.js';

/** Payload characters per sentence: keeps each sentence within NMEA 0183's 82 characters. */
const PAYLOAD_CHARS_MAX = 60;

export function encodePosition(p: AisPosition): BitWriter {
  return new BitWriter()
    .uint(p.type, 6)
    .uint(0, 2)
    .uint(p.mmsi, 30)
    .uint(p.navStatus, 4)
    .int(-128, 8)
    .uint(p.speedKnots === null ? 1023 : Math.round(p.speedKnots * 10), 10)
    .uint(0, 1)
    .int(Math.round(p.lon * 600_000), 28)
    .int(Math.round(p.lat * 600_000), 27)
    .uint(p.courseDeg === null ? 3600 : Math.round(p.courseDeg * 10), 12)
    .uint(p.headingDeg === null ? 511 : p.headingDeg, 9)
    .uint(p.utcSecond === null ? 60 : p.utcSecond, 6)
    .uint(0, 2)
    .uint(0, 3)
    .uint(0, 1)
    .uint(0, 19);
}

export function encodeVoyage(v: AisVoyage): BitWriter {
  // Dimensions are sent from the antenna: put it amidships, so the sums give back length and beam.
  const bow = Math.floor(v.lengthM / 2);
  const port = Math.floor(v.beamM / 2);
  return new BitWriter()
    .uint(5, 6)
    .uint(0, 2)
    .uint(v.mmsi, 30)
    .uint(0, 2)
    .uint(v.imo, 30)
    .text(v.callSign, 42)
    .text(v.name, 120)
    .uint(v.shipType, 8)
    .uint(bow, 9)
    .uint(v.lengthM - bow, 9)
    .uint(port, 6)
    .uint(v.beamM - port, 6)
    .uint(1, 4)
    .uint(v.eta.month, 4)
    .uint(v.eta.day, 5)
    .uint(v.eta.hour, 5)
    .uint(v.eta.minute, 6)
    .uint(Math.round(v.draughtM * 10), 8)
    .text(v.destination, 120)
    .uint(0, 1)
    .uint(0, 1);
}

/** The sentences carrying the message: one, or fragments sharing `sequenceId` when it is longer than one holds. */
export function toSentences(message: BitWriter, sequenceId = 0, channel = 'A'): string[] {
  const { payload, fillBits } = message.payload();
  const parts: string[] = [];
  for (let i = 0; i < payload.length; i += PAYLOAD_CHARS_MAX) parts.push(payload.slice(i, i + PAYLOAD_CHARS_MAX));
  const sequence = parts.length > 1 ? String(sequenceId) : '';
  return parts.map((part, i) => {
    const body = `AIVDM,${parts.length},${i + 1},${sequence},${channel},${part},${i === parts.length - 1 ? fillBits : 0}`;
    return `!${body}*${nmeaChecksum(body)}`;
  });
}
