import { describe, expect, it } from 'vitest';
import { reviveBuffers } from './downlink-relay.js';

describe('reviveBuffers', () => {
  it('gives back the Buffers a command lost to JSON, at any depth, and leaves everything else alone', () => {
    const message = {
      msgId: 0x8103,
      body: { params: [{ id: 0x0013, value: Buffer.from([1, 2, 3]) }], text: 'type', count: 2, none: null },
    };
    const travelled = JSON.parse(JSON.stringify(message)) as typeof message;
    expect(Buffer.isBuffer(travelled.body.params[0].value)).toBe(false);
    expect(reviveBuffers(travelled)).toEqual(message);
    expect(Buffer.isBuffer(reviveBuffers(travelled).body.params[0].value)).toBe(true);
    // An object that merely has a `type` of Buffer and other keys is not one.
    expect(reviveBuffers({ type: 'Buffer', data: [1], name: 'x' })).toEqual({ type: 'Buffer', data: [1], name: 'x' });
  });
});
