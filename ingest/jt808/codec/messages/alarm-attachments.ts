/**
 * Active-safety alarm attachments (T/JSATL 12-2017 §4.5 and §5.6, the "苏标" extension used by Henan's intelligent
 * video monitoring requirement). An ADAS, DSM, tyre or blind-spot item of a 0x0200 carries a 16-byte alarm
 * identification with its number of attachments; the platform answers with 0x9208, naming an attachment server
 * and a 32-byte alarm number of its own; the terminal connects there and uploads:
 *
 *   0x1210 alarm attachment list ─► 0x8001
 *   per file: 0x1211 file information ─► 0x8001; data frames (not 0x7E-framed, below); 0x1212 upload finished
 *   ─► 0x9212 (complete, or the byte ranges to send again).
 *
 * Layouts (all integers big-endian, text GBK):
 * - 0x9208: server address length BYTE, address STRING, TCP port WORD, UDP port WORD, alarm identification
 *   BYTE[16], alarm number BYTE[32], reserved BYTE[16].
 * - 0x1210: terminal id BYTE[7], alarm identification BYTE[16], alarm number BYTE[32], information type BYTE
 *   (0 normal, 1 supplementary), attachment count BYTE, then per attachment: name length BYTE, name STRING,
 *   size DWORD.
 * - 0x1211 and 0x1212: name length BYTE, name STRING, file type BYTE (0 picture, 1 audio, 2 video, 3 text,
 *   4 other), size DWORD.
 * - 0x9212: name length BYTE, name STRING, file type BYTE, result BYTE (0 complete, 1 resend), count of ranges
 *   BYTE, then per range: offset DWORD, length DWORD.
 * - Data frame: 0x30 0x31 0x63 0x64 ("01cd"), file name BYTE[50] (padded with 0x00), offset DWORD, length DWORD,
 *   then `length` bytes of the file.
 */
import { readBcdTimeMs, writeBcdTimeMs } from '../bcd.js';
import { decodePaddedField, encodePaddedField } from '../text.js';
import type { Result } from '../types.js';
import { truncated } from '../types.js';
import type { AlarmIdentification } from './active-safety.js';
import { BodyWriter, encodeGbk, readBody, type BodyCursor } from './body-cursor.js';

export const ALARM_IDENTIFICATION_BYTES = 16;
export const ALARM_NUMBER_BYTES = 32;
export const TERMINAL_ID_BYTES = 7;

/** 0x9208: the platform asks the terminal to upload an alarm's attachments to an attachment server. */
export interface AlarmAttachmentUpload {
  host: string;
  tcpPort: number;
  udpPort: number;
  alarmIdentification: AlarmIdentification;
  /** The platform's own id of the alarm, up to 32 characters. */
  alarmNumber: string;
}

/** 0x1210: the files the terminal is about to upload for one alarm. */
export interface AlarmAttachmentList {
  terminalId: string;
  alarmIdentification: AlarmIdentification;
  alarmNumber: string;
  /** 0 normal, 1 supplementary (files added to an earlier list). */
  infoType: number;
  files: { name: string; size: number }[];
}

/** 0x1211 (before the data) and 0x1212 (after it): one file. */
export interface AttachmentFileInfo {
  name: string;
  /** 0 picture, 1 audio, 2 video, 3 text, 4 other. */
  fileType: number;
  size: number;
}

/** 0x9212: the file is complete, or these ranges must be sent again. */
export interface AttachmentUploadResult {
  name: string;
  fileType: number;
  /** 0 complete, 1 resend the ranges. */
  result: number;
  missing: { offset: number; length: number }[];
}

export function decodeAlarmIdentification(buf: Buffer, at: number): AlarmIdentification {
  const time = readBcdTimeMs(buf, at + 7);
  return {
    terminalId: decodePaddedField(buf, at, at + TERMINAL_ID_BYTES),
    time: time < 0 ? null : time,
    serial: buf[at + 13],
    attachmentCount: buf[at + 14],
    reserved: buf[at + 15],
  };
}

export function encodeAlarmIdentification(ident: AlarmIdentification): Buffer {
  const part = Buffer.alloc(ALARM_IDENTIFICATION_BYTES);
  encodePaddedField(ident.terminalId, TERMINAL_ID_BYTES).copy(part, 0);
  if (ident.time !== null) writeBcdTimeMs(part, 7, ident.time);
  part[13] = ident.serial;
  part[14] = ident.attachmentCount;
  part[15] = ident.reserved;
  return part;
}

function identification(c: BodyCursor): AlarmIdentification {
  return decodeAlarmIdentification(c.bytes(ALARM_IDENTIFICATION_BYTES, 'alarm identification'), 0);
}

function shortText(c: BodyCursor, what: string): string {
  return c.text(c.u8(`${what} length`), what);
}

function writeShortText(w: BodyWriter, text: string): BodyWriter {
  const bytes = encodeGbk(text);
  if (bytes.length > 255) throw new RangeError(`"${text}" takes ${bytes.length} bytes, a BYTE length holds 255`);
  return w.u8(bytes.length).raw(bytes);
}

export function decodeAlarmAttachmentUpload(body: Buffer): Result<AlarmAttachmentUpload> {
  return readBody(body, (c) => ({
    host: shortText(c, 'attachment server address'),
    tcpPort: c.u16('TCP port'),
    udpPort: c.u16('UDP port'),
    alarmIdentification: identification(c),
    alarmNumber: c.text(ALARM_NUMBER_BYTES, 'alarm number'),
  }));
}

export function encodeAlarmAttachmentUpload(m: AlarmAttachmentUpload): Buffer {
  return writeShortText(new BodyWriter(), m.host)
    .u16(m.tcpPort)
    .u16(m.udpPort)
    .raw(encodeAlarmIdentification(m.alarmIdentification))
    .fixedText(m.alarmNumber, ALARM_NUMBER_BYTES)
    .raw(Buffer.alloc(16))
    .done();
}

export function decodeAlarmAttachmentList(body: Buffer): Result<AlarmAttachmentList> {
  return readBody(body, (c) => {
    const terminalId = c.text(TERMINAL_ID_BYTES, 'terminal id');
    const alarmIdentification = identification(c);
    const alarmNumber = c.text(ALARM_NUMBER_BYTES, 'alarm number');
    const infoType = c.u8('information type');
    const count = c.u8('attachment count');
    const files = Array.from({ length: count }, (_, i) => ({
      name: shortText(c, `attachment ${i + 1} name`),
      size: c.u32(`attachment ${i + 1} size`),
    }));
    return { terminalId, alarmIdentification, alarmNumber, infoType, files };
  });
}

export function encodeAlarmAttachmentList(m: AlarmAttachmentList): Buffer {
  const w = new BodyWriter()
    .fixedText(m.terminalId, TERMINAL_ID_BYTES)
    .raw(encodeAlarmIdentification(m.alarmIdentification))
    .fixedText(m.alarmNumber, ALARM_NUMBER_BYTES)
    .u8(m.infoType)
    .u8(m.files.length);
  for (const file of m.files) writeShortText(w, file.name).u32(file.size);
  return w.done();
}

export function decodeAttachmentFileInfo(body: Buffer): Result<AttachmentFileInfo> {
  return readBody(body, (c) => ({
    name: shortText(c, 'file name'),
    fileType: c.u8('file type'),
    size: c.u32('file size'),
  }));
}

export function encodeAttachmentFileInfo(m: AttachmentFileInfo): Buffer {
  return writeShortText(new BodyWriter(), m.name).u8(m.fileType).u32(m.size).done();
}

export function decodeAttachmentUploadResult(body: Buffer): Result<AttachmentUploadResult> {
  return readBody(body, (c) => {
    const name = shortText(c, 'file name');
    const fileType = c.u8('file type');
    const result = c.u8('upload result');
    const count = c.u8('resend range count');
    const missing = Array.from({ length: count }, (_, i) => ({
      offset: c.u32(`range ${i + 1} offset`),
      length: c.u32(`range ${i + 1} length`),
    }));
    return { name, fileType, result, missing };
  });
}

export function encodeAttachmentUploadResult(m: AttachmentUploadResult): Buffer {
  if (m.missing.length > 255) throw new RangeError(`${m.missing.length} ranges, a BYTE count holds 255`);
  const w = writeShortText(new BodyWriter(), m.name).u8(m.fileType).u8(m.result).u8(m.missing.length);
  for (const range of m.missing) w.u32(range.offset).u32(range.length);
  return w.done();
}

/** The four bytes that open a data frame: "01cd". */
export const ATTACHMENT_DATA_MAGIC = Buffer.from([0x30, 0x31, 0x63, 0x64]);
export const ATTACHMENT_DATA_NAME_BYTES = 50;
/** Magic, name, offset and length. */
export const ATTACHMENT_DATA_HEADER_BYTES = 4 + ATTACHMENT_DATA_NAME_BYTES + 4 + 4;

export interface AttachmentDataHeader {
  name: string;
  offset: number;
  length: number;
}

/** The header of a data frame starting at `at` (the magic already checked by the caller), or a named reject. */
export function decodeAttachmentDataHeader(buf: Buffer, at: number): Result<AttachmentDataHeader> {
  if (buf.length - at < ATTACHMENT_DATA_HEADER_BYTES)
    return truncated('body_truncated', 'data frame header', ATTACHMENT_DATA_HEADER_BYTES, buf.length - at);
  const nameStart = at + ATTACHMENT_DATA_MAGIC.length;
  return readBody(buf.subarray(nameStart, at + ATTACHMENT_DATA_HEADER_BYTES), (c) => ({
    name: c.text(ATTACHMENT_DATA_NAME_BYTES, 'file name'),
    offset: c.u32('data offset'),
    length: c.u32('data length'),
  }));
}

export function encodeAttachmentData(name: string, offset: number, data: Buffer): Buffer {
  return new BodyWriter()
    .raw(ATTACHMENT_DATA_MAGIC)
    .fixedText(name, ATTACHMENT_DATA_NAME_BYTES)
    .u32(offset)
    .u32(data.length)
    .raw(data)
    .done();
}
