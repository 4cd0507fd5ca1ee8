/**
 * A JT/T 809 lower platform for tests (2011, or 2019 with `edition`), written from the standard rather than from Vigil's codec: it frames,
 * escapes, checks (CRC16-CCITT, initial 0xFFFF) and optionally encrypts its messages itself, over a real TCP
 * socket, and reads the upper platform's answers the same way.
 */
import net from 'node:net';
import iconv from 'iconv-lite';

export interface Jt809ClientOptions {
  accessCode: number;
  /** 2019 writes the 30-byte header with the UTC time and reads answers with it. */
  edition?: 2011 | 2019;
  cipher?: { m1: number; ia1: number; ic1: number };
}

export interface Jt809Answer {
  msgId: number;
  /** The frame's MSG_SN, which a 2019 answer names its request by. */
  sn: number;
  accessCode: number;
  /** 2019 answers: the header's UTC time in seconds. */
  timeS?: number;
  body: Buffer;
}

export function crcCcittFalse(data: Buffer): number {
  let crc = 0xffff;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The standard's cipher on unsigned 32-bit integers, written with BigInt to stay independent of the server's. */
export function cipherBytes(data: Buffer, seed: number, keys: { m1: number; ia1: number; ic1: number }): Buffer {
  const out = Buffer.from(data);
  let key = BigInt(seed === 0 ? 1 : seed);
  const mask = 0xffffffffn;
  for (let i = 0; i < out.length; i++) {
    key = (BigInt(keys.ia1) * (key % BigInt(keys.m1)) + BigInt(keys.ic1)) & mask;
    out[i] ^= Number((key >> 20n) & 0xffn);
  }
  return out;
}

export function escape809(data: Buffer): Buffer {
  const out: number[] = [];
  for (const b of data) {
    if (b === 0x5b) out.push(0x5a, 0x01);
    else if (b === 0x5a) out.push(0x5a, 0x02);
    else if (b === 0x5d) out.push(0x5e, 0x01);
    else if (b === 0x5e) out.push(0x5e, 0x02);
    else out.push(b);
  }
  return Buffer.from(out);
}

export function unescape809(data: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === 0x5a) out.push(data[++i] === 0x01 ? 0x5b : 0x5a);
    else if (b === 0x5e) out.push(data[++i] === 0x01 ? 0x5d : 0x5e);
    else out.push(b);
  }
  return Buffer.from(out);
}

/**
 * Cuts a JT/T 809 byte stream into frames: what lies between a 0x5B and the next 0x5D, unescaped, its CRC checked
 * (a bad one throws, naming `from`). Returns the push function of one connection.
 */
export function frames809(from: string): (chunk: Buffer) => Buffer[] {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      const start = buffer.indexOf(0x5b);
      const end = buffer.indexOf(0x5d, start + 1);
      if (start < 0 || end < 0) break;
      const data = unescape809(buffer.subarray(start + 1, end));
      buffer = buffer.subarray(end + 1);
      if (data.readUInt16BE(data.length - 2) !== crcCcittFalse(data.subarray(0, data.length - 2)))
        throw new Error(`a frame with a bad CRC from ${from}`);
      frames.push(data);
    }
    return frames;
  };
}

export function frame809(
  msgId: number,
  body: Buffer,
  options: {
    sn: number;
    accessCode: number;
    cipher?: { m1: number; ia1: number; ic1: number };
    encryptKey?: number;
    corruptCrc?: boolean;
    /** 2019: the header grows by TIME, 8 bytes of UTC seconds, after ENCRYPT_KEY. */
    edition?: 2011 | 2019;
    /** 2019 header time in seconds; now when omitted. */
    timeS?: number;
    version?: [number, number, number];
  },
): Buffer {
  const headerBytes = options.edition === 2019 ? 30 : 22;
  const header = Buffer.alloc(headerBytes);
  header.writeUInt32BE(headerBytes + body.length + 4, 0);
  header.writeUInt32BE(options.sn, 4);
  header.writeUInt16BE(msgId, 8);
  header.writeUInt32BE(options.accessCode, 10);
  header.set(options.version ?? [1, 0, 0], 14);
  const seed = options.encryptKey ?? 0x12345678;
  header[17] = options.cipher ? 1 : 0;
  header.writeUInt32BE(options.cipher ? seed : 0, 18);
  if (headerBytes === 30) header.writeBigUInt64BE(BigInt(options.timeS ?? Math.floor(Date.now() / 1000)), 22);
  const payload = options.cipher ? cipherBytes(body, seed, options.cipher) : body;
  const data = Buffer.concat([header, payload, Buffer.alloc(2)]);
  data.writeUInt16BE(
    crcCcittFalse(data.subarray(0, data.length - 2)) ^ (options.corruptCrc ? 0x0101 : 0),
    data.length - 2,
  );
  return Buffer.concat([Buffer.from([0x5b]), escape809(data), Buffer.from([0x5d])]);
}

function fixed(text: string, width: number): Buffer {
  const out = Buffer.alloc(width);
  iconv.encode(text, 'gbk').copy(out);
  return out;
}

export function loginBody(userId: number, password: string, downLinkIp = '127.0.0.1', downLinkPort = 0): Buffer {
  const body = Buffer.alloc(46);
  body.writeUInt32BE(userId, 0);
  fixed(password, 8).copy(body, 4);
  fixed(downLinkIp, 32).copy(body, 12);
  body.writeUInt16BE(downLinkPort, 44);
  return body;
}

/** 2019 0x1001: USERID, PASSWORD[8], MSG_GNSSCENTERID (the access code again), DOWN_LINK_IP[32], DOWN_LINK_PORT. */
export function loginBody2019(
  userId: number,
  password: string,
  accessCode: number,
  downLinkIp = '127.0.0.1',
  downLinkPort = 0,
): Buffer {
  const body = Buffer.alloc(50);
  body.writeUInt32BE(userId, 0);
  fixed(password, 8).copy(body, 4);
  body.writeUInt32BE(accessCode, 12);
  fixed(downLinkIp, 32).copy(body, 16);
  body.writeUInt16BE(downLinkPort, 48);
  return body;
}

function bcd(n: number): number {
  return (Math.floor(n / 10) << 4) | (n % 10);
}

/**
 * The 2019 vehicle location: ENCRYPT, DATA_LENGTH, a JT/T 808 0x0200 body (alarm, status, lat, lon, altitude,
 * speed in 0.1 km/h, direction, BCD time in China Standard Time, then the mileage item 0x01 in 0.1 km), and three
 * PLATFORM_ID[11] / ALARM pairs.
 */
export function location2019(fix: Fix, platforms: { id: string; alarm: number }[] = []): Buffer {
  const basic = Buffer.alloc(28);
  basic.writeUInt32BE(fix.alarmBits ?? 0, 0);
  basic.writeUInt32BE(fix.statusBits ?? 0b11, 4);
  basic.writeUInt32BE(Math.round(fix.lat * 1e6), 8);
  basic.writeUInt32BE(Math.round(fix.lon * 1e6), 12);
  basic.writeUInt16BE(fix.altitudeM ?? 0, 16);
  basic.writeUInt16BE(Math.round(fix.speedKmh * 10), 18);
  basic.writeUInt16BE(fix.directionDeg ?? 0, 20);
  const local = new Date(fix.time + 8 * 3_600_000);
  [
    local.getUTCFullYear() - 2000,
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
  ].forEach((v, i) => (basic[22 + i] = bcd(v)));
  const mileage = Buffer.from([0x01, 4, 0, 0, 0, 0]);
  mileage.writeUInt32BE(Math.round((fix.mileageKm ?? 0) * 10), 2);
  const gnss = Buffer.concat([basic, mileage]);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(gnss.length, 1);
  const tail = Buffer.alloc(45);
  platforms.slice(0, 3).forEach((p, i) => {
    fixed(p.id, 11).copy(tail, i * 15);
    tail.writeUInt32BE(p.alarm, i * 15 + 11);
  });
  return Buffer.concat([head, gnss, tail]);
}

export interface Fix {
  /** Epoch ms; written as China Standard Time as the standard says. */
  time: number;
  lat: number;
  lon: number;
  speedKmh: number;
  directionDeg?: number;
  altitudeM?: number;
  alarmBits?: number;
  statusBits?: number;
  mileageKm?: number;
}

export function gnssData(fix: Fix): Buffer {
  const d = Buffer.alloc(36);
  const local = new Date(fix.time + 8 * 3_600_000);
  d[0] = 0;
  d[1] = local.getUTCDate();
  d[2] = local.getUTCMonth() + 1;
  d.writeUInt16BE(local.getUTCFullYear(), 3);
  d[5] = local.getUTCHours();
  d[6] = local.getUTCMinutes();
  d[7] = local.getUTCSeconds();
  d.writeUInt32BE(Math.round(fix.lon * 1e6), 8);
  d.writeUInt32BE(Math.round(fix.lat * 1e6), 12);
  d.writeUInt16BE(Math.round(fix.speedKmh), 16);
  d.writeUInt16BE(Math.round(fix.speedKmh), 18);
  d.writeUInt32BE(fix.mileageKm ?? 0, 20);
  d.writeUInt16BE(fix.directionDeg ?? 0, 24);
  d.writeUInt16BE(fix.altitudeM ?? 0, 26);
  d.writeUInt32BE(fix.statusBits ?? 0b11, 28);
  d.writeUInt32BE(fix.alarmBits ?? 0, 32);
  return d;
}

export function vehicleEnvelope(plate: string, plateColor: number, dataType: number, data: Buffer): Buffer {
  const head = Buffer.alloc(28);
  fixed(plate, 21).copy(head, 0);
  head[21] = plateColor;
  head.writeUInt16BE(dataType, 22);
  head.writeUInt32BE(data.length, 24);
  return Buffer.concat([head, data]);
}

export function alarmReportData(
  warnSource: number,
  warnType: number,
  warnTimeMs: number,
  infoId: number,
  info: string,
): Buffer {
  const text = iconv.encode(info, 'gbk');
  const d = Buffer.alloc(19);
  d[0] = warnSource;
  d.writeUInt16BE(warnType, 1);
  d.writeBigUInt64BE(BigInt(Math.floor(warnTimeMs / 1000)), 3);
  d.writeUInt32BE(infoId, 11);
  d.writeUInt32BE(text.length, 15);
  return Buffer.concat([d, text]);
}

export class Jt809Client {
  private socket: net.Socket | undefined;
  private sn = 0;
  private readonly split = frames809('the platform');
  private readonly answers: Jt809Answer[] = [];
  private waiters: (() => void)[] = [];
  /** Resolves when the upper platform (or the client) closed the link. */
  closed: Promise<void> = Promise.resolve();

  constructor(private readonly options: Jt809ClientOptions) {}

  /** `localAddress` (127.0.0.2, …) makes the link come from another loopback address, as another host would. */
  async connect(host: string, port: number, localAddress?: string): Promise<void> {
    const socket = net.connect({ port, host, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.socket = socket;
  }

  private onData(chunk: Buffer): void {
    for (const data of this.split(chunk)) {
      const edition2019 = this.options.edition === 2019;
      this.answers.push({
        msgId: data.readUInt16BE(8),
        sn: data.readUInt32BE(4),
        accessCode: data.readUInt32BE(10),
        ...(edition2019 ? { timeS: Number(data.readBigUInt64BE(22)) } : {}),
        body: data.subarray(edition2019 ? 30 : 22, data.length - 2),
      });
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The MSG_SN of the last frame `send` wrote. */
  get lastSn(): number {
    return this.sn;
  }

  /** Sends raw bytes as they are (for malformed frames). */
  write(bytes: Buffer): void {
    this.socket?.write(bytes);
  }

  send(
    msgId: number,
    body: Buffer,
    extra: { encrypt?: boolean; corruptCrc?: boolean; accessCode?: number } = {},
  ): void {
    this.sn++;
    this.write(
      frame809(msgId, body, {
        sn: this.sn,
        accessCode: extra.accessCode ?? this.options.accessCode,
        cipher: extra.encrypt ? this.options.cipher : undefined,
        corruptCrc: extra.corruptCrc,
        edition: this.options.edition,
      }),
    );
  }

  /**
   * Waits for the next answer with this message id (and, given `match`, that it accepts: a node also sends its
   * scheduled 查岗 to a platform that is logged in, so a test waiting for its own 查岗 names it).
   */
  async answer(msgId: number, timeoutMs = 10_000, match?: (answer: Jt809Answer) => boolean): Promise<Jt809Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.answers.findIndex((a) => a.msgId === msgId && (match === undefined || match(a)));
      if (index >= 0) return this.answers.splice(index, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no 0x${msgId.toString(16)} answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket?.destroy();
  }
}
