/** Bounds and behaviour of the JT/T 809 server, each a named limit (see docs/sources/jt809.md). */
import type { CrcVariant } from './crc.js';
import { checkSubLinkOptions, SUB_LINK_DEFAULTS, type SubLinkOptions } from './sub-link.js';

export interface Jt809Options {
  host: string;
  port: number;
  /** Open main-link connections at most (one per lower platform, plus reconnects). */
  connectionsMax: number;
  /** Largest escaped frame accepted, in bytes. */
  frameBytesMax: number;
  /** Frames of one connection queued for processing; the socket is paused beyond it (backpressure). */
  framesQueuedPerConnectionMax: number;
  /** A main link silent this long is closed; lower platforms send 0x1005 keep-alives well within it. */
  idleTimeoutMs: number;
  crc: CrcVariant;
  /** `strict` refuses frames whose CRC is wrong; `ignore` accepts them. */
  checksum: 'strict' | 'ignore';
  /** The sub link Vigil opens back to each logged-in platform's down-link address. */
  subLink: SubLinkOptions;
}

export const JT809_DEFAULTS: Jt809Options = {
  host: '0.0.0.0',
  port: 6809,
  connectionsMax: 1_000,
  frameBytesMax: 64 * 1024,
  framesQueuedPerConnectionMax: 256,
  idleTimeoutMs: 3 * 60_000,
  crc: 'ccitt-false',
  checksum: 'strict',
  subLink: SUB_LINK_DEFAULTS,
};

/** Fails on a bound that cannot work, naming the option, its value and the bound. */
export function checkJt809Options(options: Jt809Options): void {
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    throw new Error(`jt809 option port value ${options.port} is outside [0, 65535]`);
  for (const name of ['connectionsMax', 'frameBytesMax', 'framesQueuedPerConnectionMax', 'idleTimeoutMs'] as const) {
    const value = options[name];
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`jt809 option ${name} value ${value} is less than min allowed 1`);
  }
  if (options.frameBytesMax < 64)
    throw new Error(`jt809 option frameBytesMax value ${options.frameBytesMax} is less than min allowed 64`);
  checkSubLinkOptions(options.subLink);
  if (options.crc !== 'ccitt-false' && options.crc !== 'xmodem')
    throw new Error(`jt809 option crc value ${JSON.stringify(options.crc)} is not one of ccitt-false, xmodem`);
}
