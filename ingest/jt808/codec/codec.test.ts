/** Unit tests of the pieces around the messages: splitter, frame layer, reassembly, RSA, times. */
import { constants, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Jt808Frame, Jt808Message } from './index.js';
import { FrameSplitter, Reassembler, buildFrame, decodeMessage, encodeMessage, parseFrame } from './index.js';

const HEARTBEAT = Buffer.from('7E00020000012345678900000A817E', 'hex');
const HEARTBEAT_ESCAPED_CHECK = Buffer.from('7E00020000040021679287002B7D027E', 'hex');

function location(time = Date.UTC(2024, 5, 1, 2, 3, 4)): Jt808Message {
  return {
    msgId: 0x0200,
    body: {
      alarmBits: 0,
      statusBits: 0x0c,
      latRaw: 34_000_000,
      lonRaw: 113_000_000,
      lat: -34,
      lon: -113,
      altitudeM: 100,
      speedKmh: 50.5,
      directionDeg: 180,
      time,
      alarms: [],
      status: {} as never,
      extras: { others: [] },
    },
  };
}

describe('FrameSplitter', () => {
  it('splits frames across arbitrary chunk boundaries, byte by byte', () => {
    const stream = Buffer.concat([HEARTBEAT, HEARTBEAT_ESCAPED_CHECK, HEARTBEAT]);
    const splitter = new FrameSplitter({ frameBytesMax: 1024 });
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i++)
      for (const item of splitter.push(stream.subarray(i, i + 1))) frames.push(item.raw);
    expect(frames.map((f) => f.toString('hex'))).toEqual(
      [HEARTBEAT, HEARTBEAT_ESCAPED_CHECK, HEARTBEAT].map((f) => f.toString('hex')),
    );
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('returns frames inside one chunk as views, without copying', () => {
    const chunk = Buffer.concat([HEARTBEAT, HEARTBEAT]);
    const items = new FrameSplitter({ frameBytesMax: 1024 }).push(chunk);
    expect(items).toHaveLength(2);
    expect(items[1].raw.buffer).toBe(chunk.buffer);
  });

  it('reports garbage between frames and re-aligns on "7E 7E"', () => {
    const splitter = new FrameSplitter({ frameBytesMax: 1024 });
    const items = splitter.push(
      Buffer.concat([Buffer.from('0102', 'hex'), HEARTBEAT, Buffer.from('AABB7E', 'hex'), HEARTBEAT]),
    );
    expect(items.map((i) => i.reason ?? 'frame')).toEqual(['garbage', 'frame', 'garbage', 'frame']);
    // "AA BB" is garbage; its stray 7E opens a frame that the heartbeat's own 7E closes empty: re-aligned.
    expect(items.filter((i) => i.reason === undefined).map((i) => i.raw.toString('hex'))).toEqual([
      HEARTBEAT.toString('hex'),
      HEARTBEAT.toString('hex'),
    ]);
  });

  it('rejects an oversize frame, keeps at most frameBytesMax bytes, and recovers', () => {
    const splitter = new FrameSplitter({ frameBytesMax: 64 });
    const big = Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(500, 0x11), Buffer.from([0x7e])]);
    const items = [
      ...splitter.push(big.subarray(0, 100)),
      ...splitter.push(big.subarray(100)),
      ...splitter.push(HEARTBEAT),
    ];
    expect(items[0]).toMatchObject({ reason: 'frame_too_large' });
    expect(items[0].raw.length).toBeLessThanOrEqual(64);
    expect(items.at(-1)).toMatchObject({ raw: HEARTBEAT, frame: { header: { msgId: 0x0002 } } });
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('bounds what it holds and flushes a partial frame as frame_truncated', () => {
    const splitter = new FrameSplitter({ frameBytesMax: 64 });
    splitter.push(HEARTBEAT.subarray(0, 8));
    expect(splitter.bufferedBytes).toBe(8);
    expect(splitter.flush()).toMatchObject([{ reason: 'frame_truncated' }]);
    expect(() => new FrameSplitter({ frameBytesMax: 0 })).toThrow(/frameBytesMax value 0 is less than min allowed/);
  });
});

describe('parseFrame', () => {
  it('names every frame fault', () => {
    expect(parseFrame(Buffer.from('7E7E', 'hex'))).toMatchObject({ ok: false, reason: 'header_truncated' });
    expect(parseFrame(Buffer.from('7E0002', 'hex'))).toMatchObject({ ok: false, reason: 'frame_truncated' });
    expect(parseFrame(Buffer.from('7E00020000012345678900000A7D037E', 'hex'))).toMatchObject({
      ok: false,
      reason: 'bad_escape',
    });
    const header = parseFrame(Buffer.from('7E000200000123457E', 'hex'));
    expect(header).toMatchObject({
      ok: false,
      reason: 'header_truncated',
      detail: 'header and check needs 13 bytes, has 7: 6 missing',
    });
    const badBcd = buildFrame(
      { msgId: 2, version: 2013, protocolVersion: 0, phone: '0', serial: 1, encryption: 0 },
      Buffer.alloc(0),
    );
    badBcd[5] = 0xab;
    badBcd[badBcd.length - 2] ^= 0xab ^ 0x00;
    expect(parseFrame(badBcd)).toMatchObject({ ok: false, reason: 'bad_bcd' });
  });

  it('rejects a body shorter than declared, saying how many bytes are missing', () => {
    // Declare 3 more bytes than sent, and fix the check so that only the length is wrong.
    const fixed = buildFrame(
      { msgId: 0x0200, version: 2013, protocolVersion: 0, phone: '013800000000', serial: 1, encryption: 0 },
      Buffer.alloc(10),
    );
    const attrs = fixed.readUInt16BE(3);
    fixed.writeUInt16BE(attrs + 3, 3);
    fixed[fixed.length - 2] ^= ((attrs + 3) ^ attrs) & 0xff;
    expect(parseFrame(fixed)).toMatchObject({
      ok: false,
      reason: 'body_length_mismatch',
      detail: 'body declares 13 bytes, has 10: 3 missing',
    });
  });
});

describe('decodeMessage rejects', () => {
  const header = { version: 2013 as const, phone: '013800000000', serial: 7 };

  it('bad BCD time → bad_time; out-of-range latitude → lat_out_of_range', () => {
    const frame = parseFrame(encodeMessage(location(), header));
    if (!frame.ok) throw new Error(frame.detail);
    const body = Buffer.from(frame.value.body);
    body[23] = 0x13; // month 13
    expect(decodeMessage({ header: frame.value.header, body })).toMatchObject({ ok: false, reason: 'bad_time' });
    const far = Buffer.from(frame.value.body);
    far.writeUInt32BE(91_000_000, 8);
    expect(decodeMessage({ header: frame.value.header, body: far })).toMatchObject({
      ok: false,
      reason: 'lat_out_of_range',
    });
    far.writeUInt32BE(1, 8);
    far.writeUInt32BE(181_000_000, 12);
    expect(decodeMessage({ header: frame.value.header, body: far })).toMatchObject({
      ok: false,
      reason: 'lon_out_of_range',
    });
  });

  it('truncated body → body_truncated with the missing byte count', () => {
    const f: Jt808Frame = {
      header: {
        msgId: 0x0200,
        version: 2013,
        protocolVersion: 0,
        phone: '1',
        serial: 1,
        encryption: 0,
        bodyLength: 20,
      },
      body: Buffer.alloc(20),
    };
    expect(decodeMessage(f)).toEqual({
      ok: false,
      reason: 'body_truncated',
      detail: 'location basic information needs 28 bytes, has 20: 8 missing',
    });
  });

  it('signed coordinates and the GMT+8 time', () => {
    const frame = parseFrame(encodeMessage(location(Date.UTC(2024, 5, 1, 16, 0, 0)), header));
    if (!frame.ok) throw new Error(frame.detail);
    // 16:00 UTC is 00:00 next day in GMT+8: the BCD must read 240602000000.
    expect(frame.value.body.toString('hex', 22, 28)).toBe('240602000000');
    const msg = decodeMessage(frame.value);
    expect(msg).toMatchObject({
      ok: true,
      value: {
        body: {
          lat: -34,
          lon: -113,
          time: Date.UTC(2024, 5, 1, 16),
          status: { south_latitude: true, west_longitude: true },
        },
      },
    });
  });

  it('unknown ids → unsupported_message; unknown encryption → unsupported_encryption', () => {
    const f: Jt808Frame = {
      header: { msgId: 0x0f0f, version: 2013, protocolVersion: 0, phone: '1', serial: 1, encryption: 0, bodyLength: 0 },
      body: Buffer.alloc(0),
    };
    expect(decodeMessage(f)).toMatchObject({ ok: false, reason: 'unsupported_message' });
    expect(decodeMessage({ ...f, header: { ...f.header, msgId: 2, encryption: 2 } })).toMatchObject({
      ok: false,
      reason: 'unsupported_encryption',
    });
  });
});

describe('RSA-encrypted bodies', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

  function encryptPkcs1(plain: Buffer): Buffer {
    const blocks: Buffer[] = [];
    for (let at = 0; at < plain.length; at += 117) {
      blocks.push(
        publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, plain.subarray(at, at + 117)),
      );
    }
    return Buffer.concat(blocks);
  }

  it('is rejected without a key and decrypted (128-byte PKCS#1 blocks) with one', () => {
    const plain = parseFrame(encodeMessage(location(), { version: 2019, phone: '13800000000', serial: 9 }));
    if (!plain.ok) throw new Error(plain.detail);
    const body = encryptPkcs1(Buffer.concat([plain.value.body, Buffer.alloc(150, 0x7e)]).subarray(0, 180));
    const frame = parseFrame(buildFrame({ ...plain.value.header, encryption: 1 }, body));
    if (!frame.ok) throw new Error(frame.detail);
    expect(frame.value.header.encryption).toBe(1);
    expect(decodeMessage(frame.value)).toMatchObject({ ok: false, reason: 'encrypted_body' });
    const decoded = decodeMessage(frame.value, { rsa: { privateKey } });
    expect(decoded).toMatchObject({ ok: true, value: { msgId: 0x0200, body: { latRaw: 34_000_000 } } });
    const wrong = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(decodeMessage(frame.value, { rsa: { privateKey: wrong } })).toMatchObject({
      ok: false,
      reason: 'decrypt_failed',
    });
  });
});

describe('Reassembler', () => {
  const header = { msgId: 0x0801, version: 2013 as const, protocolVersion: 0, phone: '013800000000', encryption: 0 };
  const packet = (index: number, total: number, firstSerial: number, body: Buffer): Jt808Frame => ({
    header: { ...header, serial: firstSerial + index - 1, bodyLength: body.length, packet: { total, index } },
    body,
  });

  it('reports missing packets after the timeout, then drops the message', () => {
    let nowMs = 0;
    const r = new Reassembler({
      packetsPerMessageMax: 8,
      bytesPerMessageMax: 4096,
      pendingMessagesMax: 2,
      timeoutMs: 1000,
      now: () => nowMs,
    });
    expect(r.push(packet(1, 4, 100, Buffer.from('aa', 'hex')))).toEqual({ status: 'pending' });
    expect(r.push(packet(3, 4, 100, Buffer.from('cc', 'hex')))).toEqual({ status: 'pending' });
    expect(r.push(packet(3, 4, 100, Buffer.from('cc', 'hex')))).toEqual({ status: 'duplicate' });
    expect(r.expire()).toEqual([]);
    nowMs = 1000;
    expect(r.expire()).toMatchObject([{ status: 'resend', originalSerial: 100, total: 4, missing: [2, 4] }]);
    expect(r.push(packet(2, 4, 100, Buffer.from('bb', 'hex')))).toEqual({ status: 'pending' });
    nowMs = 2000;
    expect(r.expire()).toMatchObject([{ status: 'dropped', missing: [4] }]);
    expect(r.pendingMessages).toBe(0);
    expect(r.pendingBytes).toBe(0);
  });

  it('completes out of order and enforces every bound', () => {
    const r = new Reassembler({
      packetsPerMessageMax: 3,
      bytesPerMessageMax: 4,
      pendingMessagesMax: 1,
      timeoutMs: 1000,
      now: () => 0,
    });
    expect(r.push(packet(2, 2, 0xffff, Buffer.from('bb', 'hex')))).toEqual({ status: 'pending' });
    const done = r.push(packet(1, 2, 0xffff, Buffer.from('aa', 'hex')));
    expect(done).toMatchObject({ status: 'complete', frame: { header: { serial: 0xffff, bodyLength: 2 } } });
    if (done.status === 'complete') expect(done.frame.body.toString('hex')).toBe('aabb');
    expect(r.push(packet(1, 4, 1, Buffer.alloc(1)))).toMatchObject({ status: 'rejected', reason: 'too_many_packets' });
    expect(r.push(packet(1, 2, 1, Buffer.alloc(1)))).toEqual({ status: 'pending' });
    expect(r.push(packet(1, 2, 50, Buffer.alloc(1)))).toMatchObject({ status: 'rejected', reason: 'reassembly_full' });
    expect(r.push(packet(2, 2, 1, Buffer.alloc(4)))).toMatchObject({ status: 'rejected', reason: 'message_too_large' });
    expect(r.pendingMessages).toBe(0);
    expect(
      () => new Reassembler({ packetsPerMessageMax: 0, bytesPerMessageMax: 1, pendingMessagesMax: 1, timeoutMs: 1 }),
    ).toThrow(/packetsPerMessageMax value 0/);
  });
});

describe('0x8800 multimedia upload reply', () => {
  const header = { version: 2013 as const, phone: '013912345678', serial: 9 };

  it('is the media id alone when everything arrived, and id, count and indexes when packets are missing', () => {
    const whole = parseFrame(encodeMessage({ msgId: 0x8800, body: { mediaId: 0x01020304, packetIds: [] } }, header));
    if (!whole.ok) throw new Error(whole.detail);
    expect(whole.value.body.toString('hex')).toBe('01020304');
    const partial = parseFrame(encodeMessage({ msgId: 0x8800, body: { mediaId: 7, packetIds: [3, 0x0102] } }, header));
    if (!partial.ok) throw new Error(partial.detail);
    expect(partial.value.body.toString('hex')).toBe('00000007' + '02' + '0003' + '0102');
  });

  it('reads an explicit count of 0 as "all received" and names a short list as body_truncated', () => {
    const frame = (body: string): Jt808Frame => ({
      header: {
        msgId: 0x8800,
        version: 2013,
        protocolVersion: 0,
        phone: '013912345678',
        serial: 1,
        encryption: 0,
        bodyLength: body.length / 2,
      },
      body: Buffer.from(body, 'hex'),
    });
    expect(decodeMessage(frame('0000000700'))).toEqual({
      ok: true,
      value: { msgId: 0x8800, body: { mediaId: 7, packetIds: [] } },
    });
    expect(decodeMessage(frame('00000007020003'))).toMatchObject({ ok: false, reason: 'body_truncated' });
  });

  it('refuses more ids than its count byte holds', () => {
    expect(() =>
      encodeMessage(
        { msgId: 0x8800, body: { mediaId: 1, packetIds: Array.from({ length: 256 }, (_, i) => i + 1) } },
        header,
      ),
    ).toThrow(RangeError);
  });
});

describe('the command set: short and unknown bodies are named rejects', () => {
  const frame = (msgId: number, body: string, version: 2013 | 2019 = 2013): Jt808Frame => ({
    header: {
      msgId,
      version,
      protocolVersion: version === 2019 ? 1 : 0,
      phone: '013912345678',
      serial: 1,
      encryption: 0,
      bodyLength: body.length / 2,
    },
    body: Buffer.from(body, 'hex'),
  });

  it('names the parameter whose value overruns the body (0x0104, 0x8103)', () => {
    // One parameter, id 0x0001, value length 4, but only 2 value bytes.
    expect(decodeMessage(frame(0x0104, '0031' + '01' + '00000001' + '04' + '0000'))).toEqual({
      ok: false,
      reason: 'body_truncated',
      detail: 'parameter 0x1 value needs 12 bytes, has 10: 2 missing',
    });
    expect(decodeMessage(frame(0x8103, '02' + '00000001' + '01' + '05'))).toMatchObject({
      ok: false,
      reason: 'body_truncated',
      detail: expect.stringContaining('parameter 2 of 2 head'),
    });
  });

  it('refuses a 2019 vehicle control type the standard does not define', () => {
    expect(decodeMessage(frame(0x8500, '0001' + '0002' + '01', 2019))).toMatchObject({
      ok: false,
      reason: 'bad_value',
      detail: 'vehicle control type 0x2 is not defined',
    });
  });

  it('names the missing part of an area, a route and a driver identity', () => {
    // A circle with the speed-limit bit whose limit is missing.
    const circle = '01' + '01' + '00000007' + '0002' + '02125A50' + '06C664B0' + '000001F4';
    expect(decodeMessage(frame(0x8600, circle))).toMatchObject({
      ok: false,
      reason: 'body_truncated',
      detail: expect.stringContaining('area top speed'),
    });
    // A route announcing two points and holding one.
    const route = '00000003' + '0000' + '0002' + '00000001' + '00000001' + '02125A50' + '06C664B0' + '14' + '00';
    expect(decodeMessage(frame(0x8606, route))).toMatchObject({
      ok: false,
      reason: 'body_truncated',
      detail: expect.stringContaining('point id'),
    });
    // A card read whose name is cut short.
    expect(decodeMessage(frame(0x0702, '01' + '260501083000' + '00' + '04' + 'D5C5'))).toMatchObject({
      ok: false,
      reason: 'body_truncated',
      detail: expect.stringContaining('driver name'),
    });
  });

  it('refuses to encode more area ids or parameters than a count byte holds', () => {
    const header = { version: 2013 as const, phone: '013912345678', serial: 9 };
    const ids = Array.from({ length: 126 }, (_, i) => i);
    expect(() => encodeMessage({ msgId: 0x8601, body: { ids } }, header)).toThrow(RangeError);
    const params = Array.from({ length: 256 }, (_, id) => ({ id, value: Buffer.alloc(1) }));
    expect(() => encodeMessage({ msgId: 0x8103, body: { params } }, header)).toThrow(RangeError);
  });
});
