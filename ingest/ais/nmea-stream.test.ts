/**
 * An NMEA stream cut into AIS records, on sentences made by this repository's encoder: lines split anywhere
 * between chunks, a two-fragment message reassembled across chunks and datagrams, neighbours with a bad checksum
 * passed on alone (for the normalizer to refuse by name), fragments out of place or left waiting given up, tag
 * blocks read, and lines longer than the bound refused without losing the next.
 */
import { describe, expect, it } from 'vitest';
import { encodePosition, encodeVoyage, toSentences } from './encode.js';
import { nmeaChecksum } from './nmea.js';
import { NmeaStream, type AisStreamRecord } from './nmea-stream.js';

const POSITION = toSentences(
  encodePosition({
    type: 1,
    mmsi: 413_700_001,
    navStatus: 0,
    speedKnots: 5.5,
    lon: 114.7,
    lat: 33.62,
    courseDeg: 90,
    headingDeg: 90,
    utcSecond: 10,
  }),
)[0];
const VOYAGE = toSentences(
  encodeVoyage({
    type: 5,
    mmsi: 413_700_001,
    imo: 0,
    callSign: 'BZK1',
    name: 'YU ZHOU HUO 7',
    shipType: 70,
    lengthM: 60,
    beamM: 11,
    draughtM: 3,
    destination: 'ZHOUKOU',
    eta: { month: 0, day: 0, hour: 24, minute: 60 },
  }),
  3,
);
/** The position with one payload character changed and its checksum left as it was. */
const BAD_CHECKSUM = POSITION.replace(/,(\w)(\w)/, (_m, a: string, b: string) => `,${a === 'A' ? 'B' : 'A'}${b}`);

function streamOf(clock = { ms: Date.parse('2026-12-01T02:00:00Z') }, lineBytesMax = 512) {
  const records: AisStreamRecord[] = [];
  const refused: string[] = [];
  const stream = new NmeaStream(
    'tcp:10.0.0.9',
    { lineBytesMax, pendingMessagesMax: 4, fragmentTimeoutMs: 5_000 },
    { record: (r) => records.push(r), refused: (reason) => refused.push(reason) },
    () => clock.ms,
  );
  return { stream, records, refused, clock };
}

describe('NmeaStream', () => {
  it('cuts lines split anywhere and reassembles a message across chunks', () => {
    expect(VOYAGE).toHaveLength(2);
    expect(BAD_CHECKSUM).not.toBe(POSITION);
    const { stream, records } = streamOf();
    const text = `${POSITION}\r\n${VOYAGE[0]}\r\n${BAD_CHECKSUM}\r\n${VOYAGE[1]}\n`;
    // Byte by byte in chunks of 7: every line is split somewhere.
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i += 7) stream.push(bytes.subarray(i, i + 7));
    expect(records.map((r) => r.sentences)).toEqual([[POSITION], [BAD_CHECKSUM], VOYAGE]);
    expect(records[0]).toMatchObject({ station_id: 'tcp:10.0.0.9', time: '2026-12-01T02:00:00.000Z' });
  });

  it('reassembles fragments sent in two datagrams, and takes a datagram of several sentences', () => {
    const { stream, records } = streamOf();
    stream.pushDatagram(Buffer.from(`${POSITION}\r\n${VOYAGE[0]}`));
    expect(records).toHaveLength(1);
    stream.pushDatagram(Buffer.from(VOYAGE[1]));
    expect(records.map((r) => r.sentences)).toEqual([[POSITION], VOYAGE]);
  });

  it('passes on a fragment out of place, and one left waiting, for the normalizer to refuse', () => {
    const { stream, records, clock } = streamOf();
    stream.push(Buffer.from(`${VOYAGE[1]}\n${VOYAGE[0]}\n`));
    expect(records.map((r) => r.sentences)).toEqual([[VOYAGE[1]]]);
    clock.ms += 6_000;
    stream.expire();
    expect(records.map((r) => r.sentences)).toEqual([[VOYAGE[1]], [VOYAGE[0]]]);
    // A new first fragment of the same sequence gives up the one waiting.
    stream.push(Buffer.from(`${VOYAGE[0]}\n${VOYAGE[0]}\n${VOYAGE[1]}\n`));
    expect(records.slice(2).map((r) => r.sentences)).toEqual([[VOYAGE[0]], VOYAGE]);
  });

  it('gives up what is waiting when the stream ends', () => {
    const { stream, records } = streamOf();
    stream.push(Buffer.from(`${VOYAGE[0]}\n`));
    expect(records).toHaveLength(0);
    stream.end();
    expect(records.map((r) => r.sentences)).toEqual([[VOYAGE[0]]]);
  });

  it('reads the time and station of an NMEA 4.10 tag block, and leaves a block with a bad checksum on the line', () => {
    const { stream, records } = streamOf();
    const tag = 'c:1764554400,s:AIS-ZK-02';
    stream.push(Buffer.from(`\\${tag}*${nmeaChecksum(tag)}\\${POSITION}\n\\${tag}*00\\${POSITION}\n`));
    expect(records[0]).toEqual({ sentences: [POSITION], time: '2025-12-01T02:00:00.000Z', station_id: 'AIS-ZK-02' });
    expect(records[1].sentences[0]).toBe(`\\${tag}*00\\${POSITION}`);
  });

  it('refuses a line longer than the bound and goes on with the next', () => {
    const { stream, records, refused } = streamOf(undefined, 100);
    stream.push(Buffer.from('!AIVDM,1,1,,A,' + '0'.repeat(60)));
    stream.push(Buffer.from('0'.repeat(60) + `*00\n${POSITION}\n`));
    expect(refused).toEqual(['line_too_long']);
    expect(records.map((r) => r.sentences)).toEqual([[POSITION]]);
  });
});
