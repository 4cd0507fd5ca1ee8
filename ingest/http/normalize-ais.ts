/**
 * AIS records → `vessel_positions` rows (message types 1-3) and `vessel_voyages` rows (type 5). A record is one
 * AIS message as a receiving station heard it: its `!AIVDM` sentences (two for a type 5) and the time it heard
 * them, which AIS itself does not carry whole (a position report gives only its UTC second). The sentences of
 * one message travel in one record, so every record is decoded on its own and a lost fragment costs only its
 * message. Field names follow docs/sources/ais.md.
 */
import { VESSEL_POSITIONS, VESSEL_VOYAGES, type VesselPositionRow, type VesselVoyageRow } from '../../schema/index.js';
import { AisProblem, decodeMessage, messageBits, type AisMessage } from '../ais/index.js';
import {
  asRecord,
  eventTime,
  normalizeWith,
  optionalText,
  orgCodeOf,
  RecordProblem,
  refuseUnstorable,
  type Outcome,
  type SourceRecord,
} from './fields.js';
import type { NormalizeContext } from './normalize-camera.js';

export type AisRecord = { table: 'positions'; row: VesselPositionRow } | { table: 'voyages'; row: VesselVoyageRow };

/** A message takes at most this many sentences (type 5: two; the standard allows up to five slots). */
const SENTENCES_MAX = 9;

function sentencesOf(record: SourceRecord): string[] {
  const value = record.sentences ?? record.nmea;
  const list = typeof value === 'string' ? value.split(/\r?\n/) : value;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string'))
    throw new RecordProblem(
      'missing_sentences',
      'sentences must be a list of !AIVDM sentences (or nmea, one per line)',
    );
  const sentences = (list as string[]).map((s) => s.trim()).filter((s) => s !== '');
  if (sentences.length === 0) throw new RecordProblem('missing_sentences', 'sentences is required');
  if (sentences.length > SENTENCES_MAX)
    throw new RecordProblem(
      'bad_fragments',
      `${sentences.length} sentences exceed the ${SENTENCES_MAX} of one message`,
    );
  return sentences;
}

function decoded(sentences: readonly string[]): AisMessage {
  try {
    return decodeMessage(messageBits(sentences).bits);
  } catch (error) {
    if (error instanceof AisProblem) throw new RecordProblem(error.reason, error.message);
    throw error;
  }
}

const notAvailable = (value: number | null): number => value ?? -1;
const pad2 = (n: number): string => String(n).padStart(2, '0');

function rowOf(message: AisMessage, record: SourceRecord, sentences: string[], ctx: NormalizeContext): AisRecord {
  const common = {
    mmsi: message.mmsi,
    ts: eventTime(record, ctx.receivedAt, ctx.futureSkewMsMax),
    station_id: optionalText(record, ['station_id', 'receiver_id'], 64),
    raw: sentences.join('\n'),
    received_at: ctx.receivedAt,
    source: ctx.source,
  };
  if (message.type === 5) {
    const { month, day, hour, minute } = message.eta;
    // The standard's "not available": month 0, day 0, hour 24, minute 60.
    const eta =
      month === 0 || day === 0 || hour > 23 || minute > 59
        ? ''
        : `${pad2(month)}-${pad2(day)} ${pad2(hour)}:${pad2(minute)}`;
    return {
      table: 'voyages',
      row: {
        ...common,
        org_code: orgCodeOf(record, ctx.keyOrgCode, 0, 0),
        imo: message.imo,
        call_sign: message.callSign,
        name: message.name,
        ship_type: message.shipType,
        length_m: message.lengthM,
        beam_m: message.beamM,
        draught_m: message.draughtM,
        destination: message.destination,
        eta,
      },
    };
  }
  return {
    table: 'positions',
    row: {
      ...common,
      org_code: orgCodeOf(record, ctx.keyOrgCode, message.lon, message.lat),
      message_type: message.type,
      nav_status: message.navStatus,
      lat: message.lat,
      lon: message.lon,
      speed_knots: notAvailable(message.speedKnots),
      course_deg: notAvailable(message.courseDeg),
      heading_deg: notAvailable(message.headingDeg),
      utc_second: message.utcSecond ?? 60,
    },
  };
}

export function normalizeAis(value: unknown, ctx: NormalizeContext): Outcome<AisRecord> {
  return normalizeWith(() => {
    const record = asRecord(value);
    const sentences = sentencesOf(record);
    const out = rowOf(decoded(sentences), record, sentences, ctx);
    refuseUnstorable(out.table === 'positions' ? VESSEL_POSITIONS : VESSEL_VOYAGES, out.row, ctx.receivedAt);
    return out;
  });
}

/** A message heard twice by one station at one time is one: what a retried batch repeats. */
export function aisReportId(record: AisRecord): string {
  return `ais/${record.table}/${record.row.mmsi}/${record.row.ts}/${record.row.station_id}`;
}
