/**
 * The terminal side of bench/jt808-gateway.ts and of the alarm latency scenario, run as a child process so that its
 * CPU and memory are not counted as the server's. Commands arrive over IPC: `connect` opens and authenticates N
 * terminals (registering them first when asked), `load` keeps `window` 0x0200 frames in flight on each and counts
 * positive 0x8001 replies, or with `framesPerSecond` sends at that total rate instead, each terminal at most once a
 * second with the current time as a real one reports (and at most `window` in flight); `stop` ends a load early
 * (its report answers the `load`); `close` ends.
 */
import net from 'node:net';
import { FrameSplitter, encodeMessage } from '../ingest/index.js';
import { locationBody } from '../cli/demo/location.js';

export type ClientCommand =
  | {
      cmd: 'connect';
      port: number;
      count: number;
      firstPhone: number;
      /** Used as given, or learnt from the 0x8100 answer when `register` is set. */
      authCode: string;
      register?: boolean;
      /** Where this client's plates start: clients registering into one shared store need plates of their own. */
      firstPlateIndex?: number;
      concurrency: number;
    }
  | { cmd: 'load'; seconds: number; window: number; framesPerTerminal: number; framesPerSecond?: number }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export type ClientReport =
  | { event: 'connected'; connected: number; failed: number; ms: number }
  | {
      event: 'loaded';
      acked: number;
      refused: number;
      seconds: number;
      /** Acknowledged including the frames in flight at the end, answered while the load drained. */
      ackedWithDrain: number;
    }
  | { event: 'closed' };

/** 127.0.0.x source addresses, so that more connections than one address has ephemeral ports can be opened. */
const SOURCE_ADDRESSES = 8;
/**
 * Connections per source address before moving to the next. A connect from an explicit source address binds
 * its port first, and bind(2) draws from only half of the ephemeral range and counts ports still in TIME_WAIT
 * from an earlier phase of the same run; 2,500 per address keeps each address far from that.
 */
const CONNECTIONS_PER_ADDRESS = 2_500;

class Terminal {
  readonly splitter = new FrameSplitter({ frameBytesMax: 4096 });
  serial = 0;
  fixSeq = 0;
  inFlight = 0;
  onReply: ((result: number) => void) | undefined;
  /** 0x8100 answers: result and auth code. */
  onRegistered: ((result: number, authCode: string) => void) | undefined;

  constructor(
    readonly socket: net.Socket,
    readonly phone: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.splitter.push(chunk)) {
        if (item.reason !== undefined) continue;
        // 0x8001 body: reply serial WORD, reply id WORD, result BYTE.
        if (item.frame.header.msgId === 0x8001) this.onReply?.(item.frame.body[4]);
        // 0x8100 body: reply serial WORD, result BYTE, auth code (ASCII) when accepted.
        else if (item.frame.header.msgId === 0x8100)
          this.onRegistered?.(item.frame.body[2], item.frame.body.subarray(3).toString('latin1'));
      }
    });
    socket.on('error', () => undefined);
  }

  frame(msgId: number, body: unknown): Buffer {
    this.serial = (this.serial + 1) & 0xffff;
    return encodeMessage({ msgId, body } as never, { version: 2013, phone: this.phone, serial: this.serial });
  }

  /** Frames encoded before the run, so the measured loop spends its time on sockets, not on encoding. */
  private prepared: Buffer[] = [];
  private preparedAt = 0;

  prepare(frames: number): void {
    this.prepared = Array.from({ length: frames }, () => this.encodeFix());
    this.preparedAt = 0;
  }

  nextFix(): Buffer {
    return this.preparedAt < this.prepared.length ? this.prepared[this.preparedAt++] : this.encodeFix();
  }

  private encodeFix(): Buffer {
    this.fixSeq++;
    // A fresh device time per frame: the gateway would otherwise treat it as a retransmission.
    return this.encodeFixAt(Date.UTC(2026, 0, 1) + this.fixSeq * 1000);
  }

  /** Device time of the last fix a paced load sent. */
  pacedTimeMs = 0;

  /** A fix dated `timeMs` (device times have whole seconds). */
  encodeFixAt(timeMs: number): Buffer {
    const fix = locationBody(
      { lat: 34 + (this.fixSeq % 1000) * 1e-4, lon: 113.5, speedKmh: 60, directionDeg: 90, time: timeMs },
      2013,
    );
    return this.frame(0x0200, fix);
  }
}

const terminals: Terminal[] = [];

function send(report: ClientReport): void {
  process.send?.(report);
}

const PLATE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** A plate of its own per terminal: a registered plate cannot be taken by another terminal. */
function plateOf(index: number): string {
  let out = '';
  for (let i = 0, n = index; i < 5; i++, n = Math.floor(n / 34)) out = PLATE_CHARS[n % 34] + out;
  return `豫L${out}`;
}

async function register(terminal: Terminal, index: number): Promise<string | undefined> {
  const answer = await new Promise<{ result: number; authCode: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ result: -1, authCode: '' }), 30_000);
    terminal.onRegistered = (result, authCode) => {
      clearTimeout(timer);
      resolve({ result, authCode });
    };
    terminal.socket.write(
      terminal.frame(0x0100, {
        provinceId: 41,
        cityId: 100,
        maker: 'BENCH',
        model: 'LOAD-1',
        terminalId: terminal.phone.slice(-7),
        plateColor: 2,
        plate: plateOf(index),
        layout: 2013,
      }),
    );
  });
  terminal.onRegistered = undefined;
  return answer.result === 0 ? answer.authCode : undefined;
}

async function connectOne(
  port: number,
  phone: string,
  givenAuthCode: string,
  registering: boolean,
  index: number,
): Promise<Terminal | undefined> {
  const localAddress = `127.0.0.${2 + (Math.floor(index / CONNECTIONS_PER_ADDRESS) % SOURCE_ADDRESSES)}`;
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.setNoDelay(true);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  } catch {
    return undefined;
  }
  const terminal = new Terminal(socket, phone);
  const authCode = registering ? await register(terminal, index) : givenAuthCode;
  if (authCode === undefined) {
    socket.destroy();
    return undefined;
  }
  const result = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(-1), 30_000);
    terminal.onReply = (r) => {
      clearTimeout(timer);
      resolve(r);
    };
    socket.write(terminal.frame(0x0102, { authCode }));
  });
  terminal.onReply = undefined;
  if (result !== 0) {
    socket.destroy();
    return undefined;
  }
  return terminal;
}

async function connectAll(c: Extract<ClientCommand, { cmd: 'connect' }>): Promise<void> {
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const base = terminals.length;
  const worker = async (): Promise<void> => {
    while (next < c.count) {
      const index = next++;
      const phone = String(c.firstPhone + index).padStart(12, '0');
      const terminal = await connectOne(
        c.port,
        phone,
        c.authCode,
        c.register === true,
        (c.firstPlateIndex ?? 0) + base + index,
      );
      if (terminal) terminals.push(terminal);
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, worker));
  send({ event: 'connected', connected: terminals.length, failed, ms: Date.now() - started });
}

/** Ends the load under way early. */
let stopLoad: (() => void) | undefined;
/** A paced load sends its frames in this many slices per second. */
const PACED_SLICES_PER_S = 100;

async function load(c: Extract<ClientCommand, { cmd: 'load' }>): Promise<void> {
  let acked = 0;
  let refused = 0;
  let running = true;
  const paced = c.framesPerSecond !== undefined;
  // A paced load encodes as it goes (its frames are dated when sent); preparing would only delay its start.
  if (!paced) for (const t of terminals) t.prepare(c.framesPerTerminal);
  for (const t of terminals) {
    t.onReply = (result) => {
      t.inFlight--;
      if (result === 0) acked++;
      else refused++;
      if (running && !paced) {
        t.inFlight++;
        t.socket.write(t.nextFix());
      }
    };
    if (paced) continue;
    for (let i = 0; i < c.window; i++) {
      t.inFlight++;
      t.socket.write(t.nextFix());
    }
  }
  let pacer: ReturnType<typeof setInterval> | undefined;
  if (paced && terminals.length > 0) {
    // Round-robin over the terminals, skipping one with a full window: the rate is what is offered at most. Like
    // real terminals, each reports at most once a second, dated now (so the rate needs as many terminals).
    const perSlice = (c.framesPerSecond as number) / PACED_SLICES_PER_S;
    let owed = 0;
    let next = 0;
    pacer = setInterval(() => {
      owed += perSlice;
      const second = Math.floor(Date.now() / 1000) * 1000;
      for (let tried = 0; owed >= 1 && tried < terminals.length; tried++) {
        const t = terminals[next];
        next = (next + 1) % terminals.length;
        if (t.inFlight >= c.window || t.pacedTimeMs >= second) continue;
        t.pacedTimeMs = second;
        t.inFlight++;
        t.socket.write(t.encodeFixAt(second));
        owed--;
      }
      owed = Math.min(owed, Math.max(1, perSlice));
    }, 1000 / PACED_SLICES_PER_S);
  }
  const started = performance.now();
  await new Promise<void>((r) => {
    const timer = setTimeout(r, c.seconds * 1000);
    stopLoad = () => {
      clearTimeout(timer);
      r();
    };
  });
  stopLoad = undefined;
  if (pacer !== undefined) clearInterval(pacer);
  running = false;
  const seconds = (performance.now() - started) / 1000;
  const ackedAtEnd = acked;
  // Let the frames still in flight drain, so the next run starts from quiet connections.
  const drainUntil = Date.now() + 30_000;
  while (terminals.some((t) => t.inFlight > 0) && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 50));
  send({ event: 'loaded', acked: ackedAtEnd, refused, seconds, ackedWithDrain: acked });
}

process.on('message', (message: ClientCommand) => {
  const run = async (): Promise<void> => {
    if (message.cmd === 'connect') await connectAll(message);
    else if (message.cmd === 'load') await load(message);
    else if (message.cmd === 'stop') stopLoad?.();
    else {
      for (const t of terminals) t.socket.destroy();
      send({ event: 'closed' });
      process.exit(0);
    }
  };
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
