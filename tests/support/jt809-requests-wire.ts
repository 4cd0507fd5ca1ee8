/**
 * A lower platform's side of inspections (查岗, 0x9301 → 0x1301) and alarm supervisions (督办, 0x9401 → 0x1401),
 * written from the byte layout of JT/T 809-2011 independently of Vigil's codec, for tests and the screenshots.
 */
import iconv from 'iconv-lite';
import { vehicleEnvelope } from './jt809-client.js';

const gbk = (bytes: Buffer): string => iconv.decode(bytes, 'gbk').replace(/\0+$/, '');

/** A 0x9300 body → its 0x9301 fields: the object asked, the info id and the question. */
export function readInspection(body: Buffer): {
  objectType: number;
  objectId: string;
  infoId: number;
  question: string;
} {
  if (body.readUInt16BE(0) !== 0x9301) throw new Error(`0x9300 carries 0x${body.readUInt16BE(0).toString(16)}`);
  const data = body.subarray(6, 6 + body.readUInt32BE(2));
  return {
    objectType: data[0],
    objectId: gbk(data.subarray(1, 13)),
    infoId: data.readUInt32BE(13),
    question: gbk(data.subarray(21, 21 + data.readUInt32BE(17))),
  };
}

/** A 0x1300 body carrying the 0x1301 answer of platform `accessCode`. */
export function inspectionAnswer(accessCode: number, infoId: number, text: string): Buffer {
  const content = iconv.encode(text, 'gbk');
  const data = Buffer.alloc(21);
  data[0] = 1;
  data.write(String(accessCode), 1, 'latin1');
  data.writeUInt32BE(infoId, 13);
  data.writeUInt32BE(content.length, 17);
  const head = Buffer.alloc(6);
  head.writeUInt16BE(0x1301, 0);
  head.writeUInt32BE(data.length + content.length, 2);
  return Buffer.concat([head, data, content]);
}

/** A 0x9400 body → its plate and colour and every field of its 0x9401 (92 bytes, else it throws). */
export function readSupervision(body: Buffer): {
  plate: string;
  plateColor: number;
  warnSource: number;
  warnType: number;
  warnTimeS: number;
  supervisionId: number;
  endTimeS: number;
  level: number;
  supervisor: string;
  tel: string;
  email: string;
} {
  if (body.readUInt16BE(22) !== 0x9401) throw new Error(`0x9400 carries 0x${body.readUInt16BE(22).toString(16)}`);
  const d = body.subarray(28, 28 + body.readUInt32BE(24));
  if (d.length !== 92) throw new Error(`0x9401 has ${d.length} bytes, not 92`);
  return {
    plate: gbk(body.subarray(0, 21)),
    plateColor: body[21],
    warnSource: d[0],
    warnType: d.readUInt16BE(1),
    warnTimeS: Number(d.readBigUInt64BE(3)),
    supervisionId: d.readUInt32BE(11),
    endTimeS: Number(d.readBigUInt64BE(15)),
    level: d[23],
    supervisor: gbk(d.subarray(24, 40)),
    tel: gbk(d.subarray(40, 60)),
    email: gbk(d.subarray(60, 92)),
  };
}

/** A 0x1400 body carrying the 0x1401 answer: result 0 handled, 1 handling, 2 not handled, 3 will handle. */
export function supervisionAnswer(plate: string, plateColor: number, supervisionId: number, result: number): Buffer {
  const d = Buffer.alloc(5);
  d.writeUInt32BE(supervisionId, 0);
  d[4] = result;
  return vehicleEnvelope(plate, plateColor, 0x1401, d);
}
