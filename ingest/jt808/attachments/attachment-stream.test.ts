/**
 * The attachment connection's byte stream: JT/T 808 frames and raw data frames interleaved, data holding the
 * 0x7E flag, chunks cut anywhere, garbage skipped with a named reason, and bounds that end the connection.
 */
import { describe, expect, it } from 'vitest';
import { encodeAttachmentData, encodeMessage } from '../codec/index.js';
import { ByteRanges, attachmentNameProblem } from './attachment-files.js';
import { AttachmentStream, type AttachmentStreamItem } from './attachment-stream.js';

const BOUNDS = { frameBytesMax: 2048, dataBytesPerFrameMax: 4096 };
const heartbeat = encodeMessage({ msgId: 0x0002, body: {} }, { version: 2013, phone: '013912340001', serial: 1 });
const data = Buffer.from([0x7e, 0x7d, 0x30, 0x31, 0x63, 0x64, 0x7e, 0x00, 0xff]);
const dataFrame = encodeAttachmentData('00_00_6401_1_x.jpg', 512, data);

function summary(items: AttachmentStreamItem[]): unknown[] {
  return items.map((i) =>
    i.kind === 'frame'
      ? ['frame', i.bytes.toString('hex')]
      : i.kind === 'data'
        ? ['data', i.header.name, i.header.offset, i.data.toString('hex')]
        : ['reject', i.reason],
  );
}

describe('AttachmentStream', () => {
  const stream = Buffer.concat([heartbeat, dataFrame, heartbeat, dataFrame]);
  const whole = summary(new AttachmentStream(BOUNDS).push(stream));

  it('tells frames from data frames, whose data may hold the flag and the magic', () => {
    expect(whole).toEqual([
      ['frame', heartbeat.toString('hex')],
      ['data', '00_00_6401_1_x.jpg', 512, data.toString('hex')],
      ['frame', heartbeat.toString('hex')],
      ['data', '00_00_6401_1_x.jpg', 512, data.toString('hex')],
    ]);
  });

  it('gives the same items whatever the chunks', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const s = new AttachmentStream(BOUNDS);
      const items = [...s.push(stream.subarray(0, cut)), ...s.push(stream.subarray(cut))];
      expect(summary(items), `cut at ${cut}`).toEqual(whole);
      expect(s.bufferedBytes).toBe(0);
    }
    const s = new AttachmentStream(BOUNDS);
    const bytewise = [...stream].flatMap((b) => s.push(Buffer.from([b])));
    expect(summary(bytewise)).toEqual(whole);
  });

  it('skips bytes that open nothing, naming them, and goes on with what follows', () => {
    const items = new AttachmentStream(BOUNDS).push(Buffer.concat([Buffer.from('hello'), heartbeat]));
    expect(summary(items)).toEqual([
      ['reject', 'garbage'],
      ['frame', heartbeat.toString('hex')],
    ]);
  });

  it('refuses a data frame declaring more than its bound at once, before its data arrives', () => {
    const big = encodeAttachmentData('a.jpg', 0, Buffer.alloc(10)).subarray(0, 62);
    big.writeUInt32BE(BOUNDS.dataBytesPerFrameMax + 1, 58);
    expect(summary(new AttachmentStream(BOUNDS).push(big))).toEqual([['reject', 'data_too_large']]);
  });

  it('refuses a frame that never ends within its bound', () => {
    const open = Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(BOUNDS.frameBytesMax + 1, 0x01)]);
    expect(summary(new AttachmentStream(BOUNDS).push(open))).toEqual([['reject', 'frame_too_large']]);
  });
});

describe('ByteRanges', () => {
  it('merges what arrives in any order and names what is missing', () => {
    const r = new ByteRanges();
    r.add(100, 200);
    r.add(300, 400);
    r.add(150, 250);
    r.add(0, 50);
    expect(r.missing(500)).toEqual([
      { offset: 50, length: 50 },
      { offset: 250, length: 50 },
      { offset: 400, length: 100 },
    ]);
    r.add(50, 100);
    r.add(250, 300);
    r.add(400, 500);
    expect(r.missing(500)).toEqual([]);
    expect(new ByteRanges().missing(0)).toEqual([]);
  });
});

describe('attachment names', () => {
  it('keep a name inside its alarm directory', () => {
    expect(attachmentNameProblem('00_65_6501_0_1.jpg')).toBeUndefined();
    for (const bad of ['../x.jpg', 'a/b.jpg', '', '.hidden', 'a'.repeat(51), 'x..jpg'])
      expect(attachmentNameProblem(bad), bad).toMatch(/must be/);
  });
});
