/**
 * The AIS codec on messages made by this repository's encoder from the fields of ITU-R M.1371, plus one type 1
 * report whose bits are laid out here field by field from the standard's table, independently of the encoder,
 * so encoder and decoder cannot share a wrong offset unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { encodePosition, encodeVoyage, toSentences } from './encode.js';
import { decodeMessage, type AisPosition, type AisVoyage } from './messages.js';
import { messageBits, nmeaChecksum } from './nmea.js';
import { AisProblem } from './sixbit.js';

/** A cargo ship on the Shaying river (沙颍河) near Zhoukou. */
const POSITION: AisPosition = {
  type: 1,
  mmsi: 413_812_345,
  navStatus: 0,
  speedKnots: 6.4,
  lon: 114.6518,
  lat: 33.6239,
  courseDeg: 97.3,
  headingDeg: 96,
  utcSecond: 42,
};

const VOYAGE: AisVoyage = {
  type: 5,
  mmsi: 413_812_345,
  imo: 0,
  callSign: 'BRZK7',
  name: 'YU ZHOU HUO 1234',
  shipType: 70,
  lengthM: 68,
  beamM: 11,
  draughtM: 3.2,
  destination: 'ZHOUKOU PORT',
  eta: { month: 11, day: 28, hour: 18, minute: 30 },
};

function reasonOf(build: () => unknown): string | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    return error instanceof AisProblem ? error.reason : String(error);
  }
}

const decode = (sentences: string[]) => decodeMessage(messageBits(sentences).bits);

/** Field by field after table 46 of ITU-R M.1371-5: [value, width in bits], two's complement where signed. */
function handLaidType1(): string {
  const fields: [number, number][] = [
    [1, 6], // message id
    [0, 2], // repeat indicator
    [413_812_345, 30], // MMSI
    [5, 4], // navigational status: moored
    [0x80, 8], // rate of turn: not available (-128)
    [0, 10], // speed over ground 0 knots
    [0, 1], // position accuracy
    [Math.round(113.5 * 600_000), 28], // longitude, 1/10 000 min
    [Math.round(34.5 * 600_000), 27], // latitude
    [3600, 12], // course over ground: not available
    [511, 9], // true heading: not available
    [60, 6], // time stamp: not available
    [0, 2], // special manoeuvre
    [0, 3], // spare
    [0, 1], // RAIM
    [0, 19], // communication state
  ];
  const bits = fields.map(([value, width]) => value.toString(2).padStart(width, '0')).join('');
  let payload = '';
  for (let i = 0; i < bits.length; i += 6) {
    const v = parseInt(bits.slice(i, i + 6), 2);
    payload += String.fromCharCode(v < 40 ? v + 48 : v + 56);
  }
  const body = `AIVDM,1,1,,B,${payload},0`;
  return `!${body}*${nmeaChecksum(body)}`;
}

describe('AIS codec', () => {
  it('reads a type 1 report laid out by hand from the standard', () => {
    const sentence = handLaidType1();
    // 168 bits are 28 characters; a type 1 payload starts with '1' (six bits 000001).
    expect(sentence).toMatch(/^!AIVDM,1,1,,B,1[0-W`-w]{27},0\*[0-9A-F]{2}$/);
    expect(decode([sentence])).toEqual({
      type: 1,
      mmsi: 413_812_345,
      navStatus: 5,
      speedKnots: 0,
      lon: 113.5,
      lat: 34.5,
      courseDeg: null,
      headingDeg: null,
      utcSecond: null,
    });
  });

  it('round-trips position reports of types 1, 2 and 3, west and south too', () => {
    for (const type of [1, 2, 3] as const) {
      const sentences = toSentences(encodePosition({ ...POSITION, type }));
      expect(sentences).toHaveLength(1);
      expect(decode(sentences)).toEqual({ ...POSITION, type });
    }
    const southWest = { ...POSITION, lon: -70.25, lat: -33.05, speedKnots: null, courseDeg: null };
    expect(decode(toSentences(encodePosition(southWest)))).toEqual(southWest);
  });

  it('round-trips a type 5 voyage report over two fragments, 424 bits with 2 fill bits', () => {
    const sentences = toSentences(encodeVoyage(VOYAGE), 3);
    expect(sentences).toHaveLength(2);
    expect(sentences[0]).toMatch(/^!AIVDM,2,1,3,A,5/);
    expect(sentences[1]).toMatch(/^!AIVDM,2,2,3,A,[^,]{11},2\*/);
    expect(decode(sentences)).toEqual(VOYAGE);
  });

  it('names what is wrong with a sentence or a message', () => {
    const [one] = toSentences(encodePosition(POSITION));
    const [first, second] = toSentences(encodeVoyage(VOYAGE), 3);
    const flipped = one.replace(
      /\*([0-9A-F]{2})$/,
      (_, hex: string) => `*${(parseInt(hex, 16) ^ 1).toString(16).toUpperCase().padStart(2, '0')}`,
    );
    expect(reasonOf(() => decode([flipped]))).toBe('nmea_checksum_mismatch');
    expect(reasonOf(() => decode(['$GPGGA,123519,4807.038,N*47']))).toBe('bad_nmea');
    expect(reasonOf(() => decode([first]))).toBe('bad_fragments');
    expect(reasonOf(() => decode([second, first]))).toBe('bad_fragments');
    expect(reasonOf(() => decode([first, second.replace(',2,2,3,', ',2,2,4,').replace(/\*..$/, '')].map(resum)))).toBe(
      'bad_fragments',
    );
    const fields = one.split(',');
    const badChar = resum([...fields.slice(0, 5), `1~${fields[5].slice(2)}`, fields[6]].join(','));
    expect(reasonOf(() => decode([badChar]))).toBe('bad_payload_character');
    const short = resum(`!AIVDM,1,1,,A,${one.split(',')[5].slice(0, 20)},0`);
    expect(reasonOf(() => decode([short]))).toBe('payload_too_short');
    const unavailable = { ...POSITION, lon: 181, lat: 91 };
    expect(reasonOf(() => decode(toSentences(encodePosition(unavailable))))).toBe('position_unavailable');
    expect(reasonOf(() => decode(toSentences(encodePosition({ ...POSITION, mmsi: 0 }))))).toBe('bad_mmsi');
    const type18 = toSentences(encodePosition(POSITION).uint(0, 0));
    const asType18 = resum(type18[0].replace(',A,1', ',A,B').replace(/\*..$/, ''));
    expect(reasonOf(() => decode([asType18]))).toBe('unsupported_message_type');
  });
});

/** A sentence with its checksum recomputed, after a test changed it on purpose. */
function resum(sentence: string): string {
  const body = sentence.replace(/\*..$/, '').slice(1);
  return `!${body}*${nmeaChecksum(body)}`;
}
