import { describe, expect, it } from 'vitest';
import { CompletedMessages, type CompletedMessagesBounds, type MessageAnswer } from './completed-messages.js';
import { checkGatewayOptions, GATEWAY_DEFAULTS } from './options.js';

function parts(count: number, seed: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`packet ${i + 1} of message ${seed}`));
}

function memory(bounds: Partial<CompletedMessagesBounds> = {}) {
  const clock = { ms: 1_000_000 };
  const messages = new CompletedMessages(
    { perTerminalMax: 4, messagesTotalMax: 100, packetsTotalMax: 1_000, ageMsMax: 60_000, ...bounds },
    () => clock.ms,
  );
  return { clock, messages };
}

describe('completed subpackaged messages of terminals', () => {
  it('knows a packet of a completed message by key and body, and nothing else', () => {
    const { messages } = memory();
    const body = parts(3, 1);
    const message = messages.remember('013900000001', '1796:10:3', body);
    expect(messages.find('013900000001', '1796:10:3', 2, body[1])).toBe(message);
    expect(messages.find('013900000001', '1796:10:3', 3, body[2])).toBe(message);
    // Same flow numbers, different content: a new message of a terminal that restarted its numbering.
    expect(messages.find('013900000001', '1796:10:3', 2, Buffer.from('something else'))).toBeUndefined();
    // Another packet's body at this index, another terminal, another key, an index out of range.
    expect(messages.find('013900000001', '1796:10:3', 1, body[1])).toBeUndefined();
    expect(messages.find('013900000002', '1796:10:3', 2, body[1])).toBeUndefined();
    expect(messages.find('013900000001', '1796:11:3', 2, body[1])).toBeUndefined();
    expect(messages.find('013900000001', '1796:10:3', 4, body[1])).toBeUndefined();
  });

  it('answers a late packet at once when the message has its answer, else once it gets it', () => {
    const { messages } = memory();
    const message = messages.remember('013900000001', '2049:5:2', parts(2, 2));
    const got: MessageAnswer[] = [];
    message.whenAnswered((a) => got.push(a));
    message.whenAnswered((a) => got.push(a));
    expect(got).toEqual([]);
    message.settle({ kind: 'upload', mediaId: 7 });
    // A second settlement (the gateway's "handled" after a 0x8001) does not change the answer.
    message.settle({ kind: 'none' });
    message.whenAnswered((a) => got.push(a));
    expect(got).toEqual([
      { kind: 'upload', mediaId: 7 },
      { kind: 'upload', mediaId: 7 },
      { kind: 'upload', mediaId: 7 },
    ]);
  });

  it('keeps at most a few waiters per message, dropping the oldest', () => {
    const { messages } = memory();
    const message = messages.remember('013900000001', '1796:1:2', parts(2, 3));
    const answered: number[] = [];
    for (let i = 0; i < 10; i++) message.whenAnswered(() => answered.push(i));
    message.settle({ kind: 'result', result: 0 });
    expect(answered).toEqual([6, 7, 8, 9]);
  });

  it('forgets the oldest message of a terminal beyond perTerminalMax', () => {
    const { messages } = memory({ perTerminalMax: 2 });
    const bodies = [parts(2, 10), parts(2, 11), parts(2, 12)];
    messages.remember('013900000001', 'a', bodies[0]);
    messages.remember('013900000002', 'a', bodies[0]);
    messages.remember('013900000001', 'b', bodies[1]);
    messages.remember('013900000001', 'c', bodies[2]);
    expect(messages.find('013900000001', 'a', 1, bodies[0][0])).toBeUndefined();
    expect(messages.find('013900000001', 'b', 1, bodies[1][0])).toBeDefined();
    expect(messages.find('013900000001', 'c', 1, bodies[2][0])).toBeDefined();
    expect(messages.find('013900000002', 'a', 1, bodies[0][0])).toBeDefined();
    expect(messages.size).toBe(3);
    expect(messages.packets).toBe(6);
  });

  it('forgets the oldest messages over all terminals beyond packetsTotalMax, and never remembers one larger than it', () => {
    const { messages } = memory({ packetsTotalMax: 5 });
    const a = parts(2, 20);
    const b = parts(2, 21);
    const c = parts(3, 22);
    messages.remember('013900000001', 'a', a);
    messages.remember('013900000002', 'b', b);
    messages.remember('013900000003', 'c', c);
    expect(messages.packets).toBe(5);
    expect(messages.find('013900000001', 'a', 1, a[0])).toBeUndefined();
    expect(messages.find('013900000002', 'b', 1, b[0])).toBeDefined();
    const huge = parts(6, 23);
    const record = messages.remember('013900000004', 'd', huge);
    expect(messages.find('013900000004', 'd', 1, huge[0])).toBeUndefined();
    expect(messages.packets).toBe(5);
    // Not remembered, but it still collects its answer for the packets waiting on it.
    const got: MessageAnswer[] = [];
    record.whenAnswered((x) => got.push(x));
    record.settle({ kind: 'result', result: 0 });
    expect(got).toEqual([{ kind: 'result', result: 0 }]);
  });

  it('forgets the oldest messages over all terminals beyond messagesTotalMax', () => {
    const { messages } = memory({ messagesTotalMax: 2 });
    const bodies = [parts(2, 50), parts(2, 51), parts(2, 52)];
    for (const [i, body] of bodies.entries()) messages.remember(`01390000000${i}`, 'k', body);
    expect(messages.size).toBe(2);
    expect(messages.find('013900000000', 'k', 1, bodies[0][0])).toBeUndefined();
    expect(messages.find('013900000001', 'k', 1, bodies[1][0])).toBeDefined();
    expect(messages.find('013900000002', 'k', 1, bodies[2][0])).toBeDefined();
  });

  it('forgets messages older than ageMsMax, on lookup and on expiry', () => {
    const { clock, messages } = memory({ ageMsMax: 1_000 });
    const a = parts(2, 30);
    const b = parts(2, 31);
    messages.remember('013900000001', 'a', a);
    clock.ms += 600;
    messages.remember('013900000002', 'b', b);
    clock.ms += 400;
    expect(messages.find('013900000001', 'a', 1, a[0])).toBeDefined();
    clock.ms += 1;
    expect(messages.find('013900000001', 'a', 1, a[0])).toBeUndefined();
    expect(messages.size).toBe(1);
    clock.ms += 600;
    messages.expire();
    expect(messages.size).toBe(0);
    expect(messages.packets).toBe(0);
  });

  it('replaces a message with the same key, and forgets on request', () => {
    const { messages } = memory();
    const a = parts(2, 40);
    const b = parts(2, 41);
    messages.remember('013900000001', 'k', a);
    const newer = messages.remember('013900000001', 'k', b);
    expect(messages.find('013900000001', 'k', 1, a[0])).toBeUndefined();
    expect(messages.find('013900000001', 'k', 1, b[0])).toBe(newer);
    expect(messages.packets).toBe(2);
    messages.forget(newer);
    messages.forget(newer);
    expect(messages.find('013900000001', 'k', 1, b[0])).toBeUndefined();
    expect(messages.packets).toBe(0);
  });

  it('refuses gateway bounds that cannot work, naming key and value', () => {
    for (const key of [
      'completedMessagesPerTerminalMax',
      'completedMessageAgeMsMax',
      'completedMessagesTotalMax',
      'completedPacketsTotalMax',
    ] as const) {
      expect(() => checkGatewayOptions({ ...GATEWAY_DEFAULTS, [key]: 0 })).toThrow(
        `jt808 gateway option ${key} value 0 is less than min allowed 1`,
      );
    }
  });
});
