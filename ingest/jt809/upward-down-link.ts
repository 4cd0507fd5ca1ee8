/**
 * The down-link server (从链路) of Vigil as a lower platform: the upper platform connects to the address Vigil named
 * in its 0x1001 login, logs in with 0x9001 carrying the verify code its 0x1002 gave, keeps the link alive with
 * 0x9005 and sends its requests (查岗 0x9300, 督办 and alarm notices 0x9400, static data 0x9600) on it. Vigil
 * answers the link's own messages here (0x9002, 0x9004, 0x9006) and hands each request to the main link's owner,
 * which answers on the main link, as the standard says.
 *
 * One logged-in session at a time: a new login with the right code replaces the previous one (the upper platform
 * reconnecting after a fault). A connection that does not log in within `loginTimeoutMs`, or sends nothing for
 * `idleMs`, is closed; a login with a wrong verify code, or while the main link is not logged in, is answered with
 * its result and closed. A frame that does not parse is counted and skipped; the connection stays.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Logger, Metrics } from '../../schema/index.js';
import { Jt809FrameSplitter, type Jt809Frame, type Parsed } from './frame.js';

export const DOWN_LINK_MSG = {
  loginRequest: 0x9001,
  loginResponse: 0x9002,
  logoutRequest: 0x9003,
  logoutResponse: 0x9004,
  keepAlive: 0x9005,
  keepAliveResponse: 0x9006,
  /** 从链路断开通知: the upper platform says its sub link to us broke (reason byte). */
  disconnectNotice: 0x9007,
  /** 上级平台主动关闭链路通知: the upper platform closes the links on purpose (reason byte). */
  closeNotice: 0x9008,
} as const;

/** 0x9002 results of JT/T 809-2011: 0 accepted, 1 wrong verify code, 2 busy (come back later), 3 other. */
export const DOWN_LINK_LOGIN_RESULT = { ok: 0, badVerifyCode: 1, busy: 2, other: 3 } as const;

export interface UpwardDownLinkOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** A connection must log in (0x9001) within this. */
  loginTimeoutMs: number;
  /** A logged-in link without any frame for this long is closed (the upper platform keeps alive every minute). */
  idleMs: number;
  /** Connections open at once, logged in or not; more are closed at once. */
  connectionsMax: number;
  frameBytesMax: number;
}

export const UPWARD_DOWN_LINK_DEFAULTS: Omit<UpwardDownLinkOptions, 'host' | 'port'> = {
  loginTimeoutMs: 10_000,
  idleMs: 180_000,
  connectionsMax: 4,
  frameBytesMax: 64 * 1024,
};

/** What the server needs of the main link: its framing, the verify code of its login, where requests go. */
export interface DownLinkOwner {
  /** Reads a frame of the upper platform (the main link's CRC, cipher keys and edition). */
  parse(raw: Buffer): Parsed<Jt809Frame>;
  /** Writes a frame to the upper platform (the main link's access code, sequence, keys and edition). */
  frame(msgId: number, body: Buffer): Buffer;
  /** The verify code of the main link's current login; undefined while it is not logged in. */
  verifyCode(): number | undefined;
  /** A request of the upper platform that came on the down link. */
  onRequest(msgId: number, body: Buffer, sn: number): void;
}

export function checkUpwardDownLinkOptions(o: UpwardDownLinkOptions): void {
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535)
    throw new Error(`jt809 upward down link option port value ${o.port} must be 0-65535`);
  for (const name of ['loginTimeoutMs', 'idleMs'] as const)
    if (!Number.isInteger(o[name]) || o[name] < 10)
      throw new Error(`jt809 upward down link option ${name} value ${o[name]} is less than min allowed 10`);
  if (!Number.isInteger(o.connectionsMax) || o.connectionsMax < 1)
    throw new Error(
      `jt809 upward down link option connectionsMax value ${o.connectionsMax} is less than min allowed 1`,
    );
}

export type DownLinkState = 'listening' | 'logged_in' | 'stopped';

export class UpwardDownLinkServer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private session: net.Socket | undefined;
  private listeningPort = 0;

  constructor(
    readonly options: UpwardDownLinkOptions,
    private readonly owner: DownLinkOwner,
    private readonly deps: { logger: Logger; metrics: Metrics },
  ) {
    checkUpwardDownLinkOptions(options);
    deps.metrics.onCollect(() =>
      deps.metrics
        .gauge('vigil_jt809_upward_down_link_logged_in', '1 while the upper platform is logged in on the down link')
        .set(undefined, this.session ? 1 : 0),
    );
  }

  get state(): DownLinkState {
    return this.server === undefined ? 'stopped' : this.session ? 'logged_in' : 'listening';
  }

  /** The port it listens on (the one named in 0x1001). */
  get port(): number {
    return this.listeningPort;
  }

  async listen(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listeningPort = (server.address() as AddressInfo).port;
    return this.listeningPort;
  }

  /** Drops every connection: the main link went down, so the verify code they logged in with is void. */
  dropSessions(why: string): void {
    if (this.sockets.size > 0) this.deps.logger.info('jt809 upward down link closed', { why });
    for (const socket of this.sockets) socket.destroy();
    this.session = undefined;
  }

  async close(): Promise<void> {
    this.dropSessions('stopping');
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    if (this.sockets.size >= this.options.connectionsMax) {
      this.count('vigil_jt809_upward_down_link_refused_total', 'Down-link connections closed: too many open').inc();
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const splitter = new Jt809FrameSplitter(this.options.frameBytesMax);
    let loggedIn = false;
    let lastFrameMs = Date.now();
    const loginTimer = setTimeout(() => {
      if (!loggedIn) this.close1(socket, `no 0x9001 within ${this.options.loginTimeoutMs} ms`);
    }, this.options.loginTimeoutMs);
    const idleTimer = setInterval(
      () => {
        if (Date.now() - lastFrameMs > this.options.idleMs)
          this.close1(socket, `nothing for ${this.options.idleMs} ms`);
      },
      Math.min(this.options.idleMs, 10_000),
    );
    socket.on('close', () => {
      clearTimeout(loginTimer);
      clearInterval(idleTimer);
      this.sockets.delete(socket);
      if (this.session === socket) this.session = undefined;
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.reason !== undefined) {
          this.bad(item.reason);
          continue;
        }
        const parsed = this.owner.parse(item.raw);
        if (!parsed.ok) {
          this.bad(parsed.reason);
          continue;
        }
        lastFrameMs = Date.now();
        const { msgId } = parsed.value.header;
        const body = parsed.value.body;
        if (msgId === DOWN_LINK_MSG.loginRequest) {
          loggedIn = this.login(socket, body);
          continue;
        }
        if (!loggedIn) {
          this.bad('not_logged_in');
          continue;
        }
        if (msgId === DOWN_LINK_MSG.keepAlive) this.write(socket, DOWN_LINK_MSG.keepAliveResponse, Buffer.alloc(0));
        else if (msgId === DOWN_LINK_MSG.logoutRequest) {
          socket.end(this.owner.frame(DOWN_LINK_MSG.logoutResponse, Buffer.alloc(0)));
          this.deps.logger.info('jt809 upward down link logged out by the upper platform');
        } else if (msgId === DOWN_LINK_MSG.disconnectNotice || msgId === DOWN_LINK_MSG.closeNotice)
          this.deps.logger.warn('jt809 upward down link notice from the upper platform', {
            msg_id: `0x${msgId.toString(16)}`,
            reason: body[0] ?? null,
          });
        else this.owner.onRequest(msgId, body, parsed.value.header.sn);
      }
    });
  }

  /** 0x9001 → 0x9002: the verify code of the main link's current login, or a refusal that closes the connection. */
  private login(socket: net.Socket, body: Buffer): boolean {
    const expected = this.owner.verifyCode();
    const given = body.length >= 4 ? body.readUInt32BE(0) : undefined;
    const result =
      expected === undefined
        ? DOWN_LINK_LOGIN_RESULT.other
        : given !== expected
          ? DOWN_LINK_LOGIN_RESULT.badVerifyCode
          : DOWN_LINK_LOGIN_RESULT.ok;
    this.deps.metrics
      .counter('vigil_jt809_upward_down_link_logins_total', 'Down-link logins (0x9001) by 0x9002 result', ['result'])
      .inc({ result: String(result) });
    if (result !== DOWN_LINK_LOGIN_RESULT.ok) {
      this.deps.logger.warn('jt809 upward down link login refused', {
        result,
        why: expected === undefined ? 'main link not logged in' : 'wrong verify code',
        peer: socket.remoteAddress ?? null,
      });
      socket.end(this.owner.frame(DOWN_LINK_MSG.loginResponse, Buffer.from([result])));
      return false;
    }
    const previous = this.session;
    this.session = socket;
    if (previous && previous !== socket) previous.destroy();
    this.write(socket, DOWN_LINK_MSG.loginResponse, Buffer.from([result]));
    this.deps.logger.info('jt809 upward down link logged in', { peer: socket.remoteAddress ?? null });
    return true;
  }

  private close1(socket: net.Socket, why: string): void {
    this.deps.logger.warn('jt809 upward down link connection closed', { why, peer: socket.remoteAddress ?? null });
    socket.destroy();
  }

  private bad(reason: string): void {
    this.deps.metrics
      .counter('vigil_jt809_upward_down_link_bad_frames_total', 'Down-link frames skipped, by reason', ['reason'])
      .inc({ reason });
  }

  private write(socket: net.Socket, msgId: number, body: Buffer): void {
    socket.write(this.owner.frame(msgId, body));
  }

  private count(name: string, help: string) {
    return this.deps.metrics.counter(name, help, []);
  }
}
