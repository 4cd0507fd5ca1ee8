/**
 * Shared types of the JT/T 808 codec: header, frame, rejection reasons and the Result shape.
 * Every decoder returns a Result rather than throwing, because bad input must never stop the flow
 * (DESIGN.md contract 4): the gateway counts the reason and dead-letters the raw bytes.
 */

export type Jt808Version = 2011 | 2013 | 2019;

export interface Jt808Header {
  msgId: number;
  /**
   * 2019 when bit 14 of the body attributes is set. 2011 and 2013 share one header layout, so parseFrame
   * reports 2013 for both; a session that learned from 0x0100 (decoded `layout: 2011`) that its terminal
   * speaks 2011 may set 2011 here before decodeMessage.
   */
  version: Jt808Version;
  /** The 2019 header's protocol version byte; 0 for 2011/2013. */
  protocolVersion: number;
  /** BCD digits exactly as on the wire: 12 digits (2011/2013) or 20 (2019). */
  phone: string;
  /** Flow number (message serial), 0..65535. */
  serial: number;
  /** Bits 10-12 of the body attributes; 1 (bit 10) = RSA. */
  encryption: number;
  /** Body length declared in bits 0-9 of the body attributes. */
  bodyLength: number;
  /** Present when the subpackage bit (13) is set; index is 1-based. */
  packet?: { total: number; index: number };
}

/** A parsed frame: the header and the un-escaped body (without the check byte). */
export interface Jt808Frame {
  header: Jt808Header;
  body: Buffer;
}

/** Stable, user-facing rejection reasons; counted per reason and stored with the raw bytes. */
export type Jt808RejectReason =
  // Frame layer (FrameSplitter, parseFrame).
  | 'garbage'
  | 'frame_truncated'
  | 'frame_too_large'
  | 'bad_escape'
  | 'check_mismatch'
  | 'header_truncated'
  | 'body_length_mismatch'
  | 'bad_packet'
  | 'bad_bcd'
  // Message layer (decodeMessage).
  | 'body_truncated'
  | 'bad_time'
  | 'bad_value'
  | 'unsupported_message'
  | 'encrypted_body'
  | 'unsupported_encryption'
  | 'decrypt_failed'
  | 'packet_not_reassembled'
  | 'lat_out_of_range'
  | 'lon_out_of_range'
  // Subpackage reassembly (Reassembler).
  | 'too_many_packets'
  | 'message_too_large'
  | 'reassembly_full'
  | 'reassembly_timeout';

/** All reasons, for tests and for metrics that pre-register one counter per reason. */
export const JT808_REJECT_REASONS: readonly Jt808RejectReason[] = Object.freeze([
  'garbage',
  'frame_truncated',
  'frame_too_large',
  'bad_escape',
  'check_mismatch',
  'header_truncated',
  'body_length_mismatch',
  'bad_packet',
  'bad_bcd',
  'body_truncated',
  'bad_time',
  'bad_value',
  'unsupported_message',
  'encrypted_body',
  'unsupported_encryption',
  'decrypt_failed',
  'packet_not_reassembled',
  'lat_out_of_range',
  'lon_out_of_range',
  'too_many_packets',
  'message_too_large',
  'reassembly_full',
  'reassembly_timeout',
] satisfies Jt808RejectReason[]);

export interface Jt808Reject {
  ok: false;
  reason: Jt808RejectReason;
  detail: string;
}

export type Result<T> = { ok: true; value: T } | Jt808Reject;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function reject(reason: Jt808RejectReason, detail: string): Jt808Reject {
  return { ok: false, reason, detail };
}

/** A buffer too short for `what`: the detail says how many bytes were missing. */
export function truncated(
  reason: 'frame_truncated' | 'header_truncated' | 'body_truncated',
  what: string,
  neededBytes: number,
  haveBytes: number,
): Jt808Reject {
  return reject(reason, `${what} needs ${neededBytes} bytes, has ${haveBytes}: ${neededBytes - haveBytes} missing`);
}

/** Hex of a message id as used in details and docs: 0x0200. */
export function msgIdHex(msgId: number): string {
  return '0x' + msgId.toString(16).padStart(4, '0');
}
