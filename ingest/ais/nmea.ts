/**
 * `!AIVDM` / `!AIVDO` sentences (IEC 61162-1): `!AIVDM,<count>,<number>,<sequence id>,<channel>,<payload>,<fill
 * bits>*<checksum>`, the checksum being the XOR of every character between '!' and '*'. A message longer than one
 * sentence (type 5 takes two) comes as `count` fragments numbered 1..count sharing a sequence id; they are
 * joined here, from the sentences of one record, in order.
 */
import { AisProblem, payloadBits } from './sixbit.js';

const SENTENCE = /^!AIVD[MO],(\d),(\d),(\d?),([AB12]?),([^,*]*),([0-5])\*([0-9A-Fa-f]{2})$/;

export interface Sentence {
  count: number;
  number: number;
  sequenceId: string;
  channel: string;
  payload: string;
  fillBits: number;
}

export function nmeaChecksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

export function parseSentence(text: string): Sentence {
  const line = text.trim();
  const match = SENTENCE.exec(line);
  if (!match)
    throw new AisProblem(
      'bad_nmea',
      `${JSON.stringify(line.slice(0, 100))} is not an !AIVDM or !AIVDO sentence (fields, fill bits 0-5, *checksum)`,
    );
  const body = line.slice(1, line.indexOf('*'));
  const expected = nmeaChecksum(body);
  if (match[7].toUpperCase() !== expected)
    throw new AisProblem(
      'nmea_checksum_mismatch',
      `checksum *${match[7]} is not *${expected}, the XOR of the sentence`,
    );
  return {
    count: Number(match[1]),
    number: Number(match[2]),
    sequenceId: match[3],
    channel: match[4],
    payload: match[5],
    fillBits: Number(match[6]),
  };
}

/** The bits of the message the sentences carry, once every fragment is there and in its place. */
export function messageBits(texts: readonly string[]): { bits: Uint8Array; channel: string } {
  const sentences = texts.map(parseSentence);
  const first = sentences[0];
  if (first.count < 1 || first.count !== sentences.length)
    throw new AisProblem(
      'bad_fragments',
      `the first sentence announces ${first.count} fragments, the record holds ${sentences.length}`,
    );
  for (const [i, s] of sentences.entries()) {
    if (s.count !== first.count || s.number !== i + 1 || s.sequenceId !== first.sequenceId)
      throw new AisProblem(
        'bad_fragments',
        `sentence ${i + 1} is fragment ${s.number} of ${s.count} (sequence ${JSON.stringify(s.sequenceId)}), expected ${i + 1} of ${first.count} (sequence ${JSON.stringify(first.sequenceId)})`,
      );
    // Only the last fragment may end with fill bits: the others end on a whole character.
    if (i < sentences.length - 1 && s.fillBits !== 0)
      throw new AisProblem('bad_fragments', `fragment ${i + 1} of ${first.count} has fill bits; only the last may`);
  }
  const payload = sentences.map((s) => s.payload).join('');
  return { bits: payloadBits(payload, sentences[sentences.length - 1].fillBits), channel: first.channel };
}
