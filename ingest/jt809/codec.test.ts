import { describe, expect, it } from 'vitest';
import { applyCipher } from './cipher.js';
import { crc16 } from './crc.js';
import { buildFrame, escape, Jt809FrameSplitter, parseFrame, unescape } from './frame.js';
import { cipherBytes, frame809 } from '../../tests/support/jt809-client.js';

const NO_KEYS = { crc: 'ccitt-false' as const, checksum: 'strict' as const, keysOf: () => null };

describe('JT/T 809 codec', () => {
  it('computes the published CRC16 check values of "123456789"', () => {
    const vector = Buffer.from('123456789', 'ascii');
    expect(crc16(vector, 'ccitt-false')).toBe(0x29b1);
    expect(crc16(vector, 'xmodem')).toBe(0x31c3);
  });

  it('escapes the four special bytes and restores them', () => {
    const data = Buffer.from([0x01, 0x5b, 0x5a, 0x5d, 0x5e, 0x02]);
    const escaped = escape(data);
    expect([...escaped]).toEqual([0x01, 0x5a, 0x01, 0x5a, 0x02, 0x5e, 0x01, 0x5e, 0x02, 0x02]);
    const back = unescape(escaped);
    expect(back.ok && [...back.value]).toEqual([...data]);
    expect(unescape(Buffer.from([0x5a, 0x07]))).toMatchObject({ ok: false, reason: 'bad_escape' });
  });

  it("deciphers what the standard's cipher (reference written with BigInt) enciphered, for large keys too", () => {
    const keys = { m1: 30_000_000, ia1: 20_000_000, ic1: 30_000_000 };
    const plain = Buffer.from('豫A12345 位置 0123456789 abcdefghijklmnop', 'utf8');
    for (const seed of [0, 1, 0x12345678, 0xfffffffe]) {
      const enciphered = cipherBytes(plain, seed, keys);
      expect(enciphered.equals(plain)).toBe(false);
      expect(applyCipher(enciphered, seed, keys).equals(plain)).toBe(true);
    }
  });

  it('parses a frame built by an independent encoder, decrypting its body', () => {
    const keys = { m1: 10_000_000, ia1: 3_000_000, ic1: 5_000_000 };
    // Bytes that need escaping in the body and in the header fields.
    const body = Buffer.from([0x5b, 0x5d, 0x5a, 0x5e, 0x00, 0x10]);
    const raw = frame809(0x1200, body, { sn: 0x5b5d, accessCode: 0x5a5e5b5d, cipher: keys, encryptKey: 77 });
    const parsed = parseFrame(raw, { ...NO_KEYS, keysOf: (code) => (code === 0x5a5e5b5d ? keys : null) });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.header).toMatchObject({
      msgId: 0x1200,
      sn: 0x5b5d,
      accessCode: 0x5a5e5b5d,
      encrypted: true,
      encryptKey: 77,
    });
    expect([...parsed.value.body]).toEqual([...body]);
    expect(parseFrame(raw, NO_KEYS)).toMatchObject({ ok: false, reason: 'no_cipher_keys' });
  });

  it('names what is wrong with a frame', () => {
    const good = buildFrame(Buffer.from([1, 2, 3]), { sn: 1, msgId: 0x1005, accessCode: 9 });
    expect(parseFrame(good, NO_KEYS).ok).toBe(true);
    const corrupted = frame809(0x1005, Buffer.alloc(0), { sn: 1, accessCode: 9, corruptCrc: true });
    expect(parseFrame(corrupted, NO_KEYS)).toMatchObject({ ok: false, reason: 'crc_mismatch' });
    expect(parseFrame(corrupted, { ...NO_KEYS, checksum: 'ignore' }).ok).toBe(true);
    expect(parseFrame(Buffer.from([0x5b, 0, 0, 0x5d]), NO_KEYS)).toMatchObject({
      ok: false,
      reason: 'frame_truncated',
    });
    const shortened = Buffer.concat([good.subarray(0, 5), good.subarray(6)]);
    expect(parseFrame(shortened, NO_KEYS).ok).toBe(false);
  });

  it('splits a stream into frames, reporting garbage and oversized frames', () => {
    const a = buildFrame(Buffer.from([0x5b]), { sn: 1, msgId: 0x1005, accessCode: 1 });
    const b = buildFrame(Buffer.alloc(0), { sn: 2, msgId: 0x1005, accessCode: 1 });
    const splitter = new Jt809FrameSplitter(1024);
    const stream = Buffer.concat([Buffer.from([0x01, 0x02]), a, b]);
    const first = splitter.push(stream.subarray(0, 10));
    const rest = splitter.push(stream.subarray(10));
    const items = [...first, ...rest];
    expect(items.map((i) => i.reason ?? 'frame')).toEqual(['garbage', 'frame', 'frame']);
    expect(items[1].raw.equals(a)).toBe(true);
    const small = new Jt809FrameSplitter(8);
    expect(small.push(Buffer.from([0x5b, 1, 2, 3, 4, 5, 6, 7, 8, 9])).map((i) => i.reason)).toEqual([
      'frame_too_large',
    ]);
  });
});
