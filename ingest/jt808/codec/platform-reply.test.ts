/**
 * The direct 0x8001 writer against the generic encoder: the same bytes for every header and body, escapes of
 * 0x7E and 0x7D included, and a frame the parser reads back as the reply it was meant to be.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, parseFrame, PlatformReplyFrames } from './index.js';

const phoneArb = (digits: number) => fc.stringMatching(new RegExp(`^[0-9]{1,${digits}}$`));
const u16 = fc.integer({ min: 0, max: 0xffff });
// Values that make escaped bytes likely: 0x7E and 0x7D in either byte of a field.
const escapyU16 = fc.oneof(u16, fc.constantFrom(0x7e7d, 0x7d7e, 0x007e, 0x7d00, 0x7e7e, 0x017d));

describe('PlatformReplyFrames', () => {
  it('writes the bytes encodeMessage writes, in 2013 and 2019', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2013 as const, 2019 as const),
        fc.integer({ min: 0, max: 255 }),
        fc.oneof(phoneArb(12), fc.constantFrom('013907070707', '777777777777')),
        escapyU16,
        escapyU16,
        escapyU16,
        fc.integer({ min: 0, max: 3 }),
        (version, protocolVersion, phone, serial, replySerial, replyMsgId, result) => {
          const direct = new PlatformReplyFrames(version, protocolVersion, phone).frame(
            serial,
            replySerial,
            replyMsgId,
            result,
          );
          const generic = encodeMessage(
            { msgId: 0x8001, body: { replySerial, replyMsgId, result } },
            { version, protocolVersion, phone, serial },
          );
          expect(direct.toString('hex')).toBe(generic.toString('hex'));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('escapes a checksum of 0x7E and reads back as the reply', () => {
    // Search the result code and serial for frames whose check byte needs escaping, then parse them.
    const frames = new PlatformReplyFrames(2013, 0, '13800138000');
    let escapedChecks = 0;
    for (let serial = 0; serial < 512; serial++) {
      const frame = frames.frame(serial, 0x1234, 0x0200, 0);
      const parsed = parseFrame(frame);
      if (!parsed.ok) throw new Error(`frame ${frame.toString('hex')} refused: ${parsed.reason}`);
      expect(parsed.value.header).toMatchObject({ msgId: 0x8001, serial, phone: '013800138000' });
      const message = decodeMessage(parsed.value);
      expect(message.ok && message.value.body).toEqual({ replySerial: 0x1234, replyMsgId: 0x0200, result: 0 });
      if (frame.at(-2) === 0x01 || frame.at(-2) === 0x02) if (frame.at(-3) === 0x7d) escapedChecks++;
    }
    expect(escapedChecks).toBeGreaterThan(0);
  });

  it('fits only the header it was made for', () => {
    const frames = new PlatformReplyFrames(2019, 1, '00000000013800138000');
    expect(frames.fits(2019, 1, '00000000013800138000')).toBe(true);
    expect(frames.fits(2019, 2, '00000000013800138000')).toBe(false);
    expect(frames.fits(2013, 1, '00000000013800138000')).toBe(false);
    expect(frames.fits(2019, 1, '00000000013800138001')).toBe(false);
  });
});
