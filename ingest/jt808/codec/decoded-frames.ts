/**
 * The read side of a terminal-like client (the replayer, the demo's terminals, test terminals): the whole
 * messages in a chunk of bytes from the platform, in order. Frames the splitter, the frame check or the message
 * decoder refuses are passed over: such a client only waits for answers, and an unreadable one is retransmitted
 * for, never fatal. The gateway does not use this: it must name, count and keep every refused frame.
 */
import type { FrameSplitter } from './frame-splitter.js';
import { decodeMessage, type Jt808Message } from './message.js';
import type { Jt808Frame } from './types.js';

export function* decodedFrames(
  splitter: FrameSplitter,
  chunk: Buffer,
): Generator<{ frame: Jt808Frame; message: Jt808Message }> {
  for (const item of splitter.push(chunk)) {
    if (item.reason !== undefined) continue;
    const message = decodeMessage(item.frame);
    if (!message.ok) continue;
    yield { frame: item.frame, message: message.value };
  }
}
