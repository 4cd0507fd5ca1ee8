/**
 * Property tests: decode(encode(x)) = x for every message type in every version (2011, 2013, 2019),
 * with serials, ids and bodies chosen to contain 0x7E/0x7D so that escaping is exercised. Seeded, so a
 * failure replays with the printed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Jt808Version } from './index.js';
import { decodeMessage, encodeMessage, JT808_SUPPORTED_MSG_IDS, parseFrame } from './index.js';
import { bytes, headerArb, messageArb, u16 } from './message-arbitraries.test-data.js';

const VERSIONS: Jt808Version[] = [2011, 2013, 2019];
const RUNS = 150;
const SEED = 20_240_601;

describe('decode(encode(x)) = x', () => {
  for (const version of VERSIONS) {
    it(`every message type, version ${version}`, () => {
      const seen = new Set<number>();
      fc.assert(
        fc.property(messageArb(version), headerArb(version), (msg, header) => {
          const frame = encodeMessage(msg, header);
          const parsed = parseFrame(frame);
          if (!parsed.ok) throw new Error(`${parsed.reason}: ${parsed.detail}`);
          const h = parsed.value.header;
          expect(h).toMatchObject({
            msgId: msg.msgId,
            phone: header.phone,
            serial: header.serial,
            protocolVersion: header.protocolVersion,
          });
          // 2011 and 2013 share one header: the session tells 2011 apart (see Jt808Header.version).
          expect(h.version).toBe(version === 2019 ? 2019 : 2013);
          const decoded = decodeMessage({ header: { ...h, version }, body: parsed.value.body });
          if (!decoded.ok) throw new Error(`${decoded.reason}: ${decoded.detail}`);
          expect(decoded.value).toEqual(msg);
          seen.add(msg.msgId);
        }),
        { numRuns: RUNS * 20, seed: SEED + version },
      );
      expect(seen.size).toBe(JT808_SUPPORTED_MSG_IDS.length);
    });
  }

  it('escapes every 0x7E and 0x7D and un-escapes them back', () => {
    fc.assert(
      fc.property(bytes(1000), u16, headerArb(2019), (data, serial, header) => {
        const frame = encodeMessage({ msgId: 0x0900, body: { type: 0x7e, data } }, { ...header, serial });
        expect(frame.indexOf(0x7e, 1)).toBe(frame.length - 1);
        const parsed = parseFrame(frame);
        if (!parsed.ok) throw new Error(parsed.detail);
        expect(parsed.value.body.subarray(1).equals(data)).toBe(true);
      }),
      { numRuns: RUNS * 4, seed: SEED },
    );
  });

  it('0x0100 detects the 2011 layout without being told', () => {
    fc.assert(
      fc.property(
        messageArb(2011).filter((m) => m.msgId === 0x0100),
        headerArb(2011),
        (msg, header) => {
          const parsed = parseFrame(encodeMessage(msg, header));
          if (!parsed.ok) throw new Error(parsed.detail);
          expect(decodeMessage(parsed.value)).toEqual({ ok: true, value: msg });
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
