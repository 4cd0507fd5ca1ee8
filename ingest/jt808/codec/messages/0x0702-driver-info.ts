/**
 * 0x0702 driver identity (驾驶员身份信息采集上报): sent when an IC card goes in or out, and as the answer to
 * 0x8702. 2013/2019: status BYTE (1 card inserted, 2 card taken out), time BCD[6]; when inserted, the IC read result
 * BYTE (0 read, 1 key refused, 2 card locked, 3 card pulled out, 4 checksum error) and when read: name length BYTE,
 * name, qualification certificate STRING[20], issuing authority length BYTE and name, expiry BCD[4] YYYYMMDD, and in
 * 2019 the ID card number STRING[20]. 2011: name length BYTE, name, ID card STRING[20], certificate STRING[40],
 * authority length BYTE and name.
 */
import type { Jt808Version, Result } from '../types.js';
import type { DecodeContext } from './context.js';
import { BodyWriter, encodeGbk, readBody, type BodyCursor } from './body-cursor.js';

export interface DriverInfo {
  /** 1 card inserted, 2 card taken out (2011: always 1). */
  status: number;
  /** 2013 and later. */
  time?: number | null;
  /** 0 read; 1-4 why not (2013 and later, card inserted). */
  readResult?: number;
  name?: string;
  certificate?: string;
  authority?: string;
  /** YYYY-MM-DD, or null when not a date. */
  expiry?: string | null;
  /** 2011 and 2019. */
  idCard?: string;
}

export function decodeDriverInfo(body: Buffer, ctx: DecodeContext): Result<DriverInfo> {
  return readBody(body, (c) => {
    if (ctx.version === 2011) {
      const name = c.text(c.u8('driver name length'), 'driver name');
      const idCard = c.text(20, 'ID card number');
      const certificate = c.text(40, 'qualification certificate');
      const authority = c.text(c.u8('authority length'), 'issuing authority');
      return { status: 1, name, idCard, certificate, authority };
    }
    const info: DriverInfo = { status: c.u8('card status'), time: c.time('card time') };
    if (info.status !== 1) return info;
    info.readResult = c.u8('IC card read result');
    if (info.readResult !== 0) return info;
    info.name = c.text(c.u8('driver name length'), 'driver name');
    info.certificate = c.text(20, 'qualification certificate');
    info.authority = c.text(c.u8('authority length'), 'issuing authority');
    info.expiry = readExpiry(c);
    if (ctx.version === 2019) info.idCard = c.text(20, 'ID card number');
    return info;
  });
}

function readExpiry(c: BodyCursor): string | null {
  const digits = c.bytes(4, 'certificate expiry').toString('hex');
  return /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(digits)
    ? `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}`
    : null;
}

export function encodeDriverInfo(m: DriverInfo, version: Jt808Version): Buffer {
  const w = new BodyWriter();
  const text = (v: string | undefined) => {
    const bytes = encodeGbk(v ?? '');
    w.u8(bytes.length).raw(bytes);
  };
  if (version === 2011) {
    text(m.name);
    w.fixedText(m.idCard ?? '', 20).fixedText(m.certificate ?? '', 40);
    text(m.authority);
    return w.done();
  }
  w.u8(m.status).time(m.time);
  if (m.status !== 1 || m.readResult === undefined) return w.done();
  w.u8(m.readResult);
  if (m.readResult !== 0) return w.done();
  text(m.name);
  w.fixedText(m.certificate ?? '', 20);
  text(m.authority);
  w.raw(Buffer.from((m.expiry ?? '00000000').replace(/-/g, ''), 'hex'));
  if (version === 2019) w.fixedText(m.idCard ?? '', 20);
  return w.done();
}
