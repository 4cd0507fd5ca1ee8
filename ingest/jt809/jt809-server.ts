/**
 * The JT/T 809 upper-platform server (main link): lower platforms (enterprises' and third-party monitoring
 * platforms) log in with access code, user id and password, keep alive, and send positions and alarm reports.
 * Frames of one connection are handled in order, so a login always precedes the data behind it; positions go
 * to the telemetry topic with `source = 'jt809'`, reported alarms to the alarms topic, bad frames to the
 * dead-letter table with their reason.
 */
import { randomInt } from 'node:crypto';
import type net from 'node:net';
import type { AlarmRow, IngestRejectRow, Logger, Metrics, TelemetryRow, VehicleRegistry } from '../../schema/index.js';
import { ALARMS, checkRecord, plateProblem, provinceCode, retentionProblem, TELEMETRY } from '../../schema/index.js';
import { TOPICS, type EventLog, type Producer } from '../../stream/index.js';
import { TcpConnections, type TcpConnection } from '../tcp-connections.js';
import {
  decodeAlarmInfo2019,
  decodeInspectionAnswer2019,
  decodeSourceReply,
  WARNING_2019,
  type AlarmInfo2019,
} from './bodies-2019.js';
import { editionChooser } from './edition.js';
import {
  buildFrame,
  Jt809FrameSplitter,
  parseFrame,
  type Jt809Edition,
  type Jt809Frame,
  type Jt809Header,
  type Parsed,
} from './frame.js';
import { decodeHistory2019, decodeRealTimeLocation2019 } from './location-2019.js';
import {
  decodeAlarmReport,
  decodeAlarmResult,
  decodeEnvelope,
  decodeGnss,
  decodeHistory,
  decodeLogin,
  encodeLoginResponse,
  EXCHANGE,
  JT809_LOGIN_REFUSED,
  LOGIN_RESULT,
  MSG,
  WARNING,
  type AlarmResult,
  type VehicleEnvelope,
} from './messages.js';
import { alarmOfReport, alarmOfReport2019, telemetryOfGnss, terminalIdOf } from './normalize.js';
import { checkJt809Options, type Jt809Options } from './options.js';
import type { Jt809PlatformAccount, Jt809PlatformDirectory } from './platform-directory.js';
import { Jt809SubLink, type SubLinkState } from './sub-link.js';
import {
  decodeInspection,
  decodePlatformExchange,
  decodeSupervisionAnswer,
  PLATFORM_EXCHANGE,
  PLATFORM_MSG,
  SUPERVISION,
  type InspectionMessage,
  type SupervisionAnswer,
} from './supervision-messages.js';

/** Where lower platforms' answers to inspections (0x1301) and supervisions (0x1401) go; the command centre. */
export interface Jt809AnswerSink {
  /** Records an answer; false when no inspection of this platform has its info id. */
  inspectionAnswered(accessCode: number, answer: InspectionMessage): Promise<boolean>;
  /** Records an answer; false when no supervision of this platform has its id. */
  supervisionAnswered(
    accessCode: number,
    answer: SupervisionAnswer & { plate: string; plateColor: number },
  ): Promise<boolean>;
  /** Records a 0x1403 handling result on the alarm the platform reported; false when it reported none such. */
  alarmHandled(accessCode: number, result: AlarmResult & { plate: string; plateColor: number }): Promise<boolean>;
  /**
   * Records a 2019 0x1412 handling result on the alarm the platform reported with the 0x1402 of frame SN
   * `reportSn`; false when it reported none such.
   */
  alarmHandled2019?(accessCode: number, result: { reportSn: number; result: number }): Promise<boolean>;
}

/**
 * What a request sent to a 2019 platform is, for the answer that names it only by the request's frame SN: the
 * request's 2019 body and the inspection (INFO_ID) or supervision (SUPERVISION_ID) it records.
 */
export interface Jt809Request2019 {
  body: Buffer;
  answers: { kind: 'inspection' | 'supervision'; id: number };
}

/**
 * A request that has no body in the edition the platform logged in with (a 2019 督办 can only name an alarm the
 * platform reported in 2019): refused rather than sent in a layout the platform would misread.
 */
export class Jt809EditionUnsupportedError extends Error {
  constructor(
    readonly accessCode: number,
    readonly msgId: number,
    readonly edition: Jt809Edition,
  ) {
    super(
      `platform ${accessCode} speaks JT/T 809-${edition}; this 0x${msgId.toString(16)} has no ${edition} body (a ${edition} 督办 names an alarm the platform reported in ${edition})`,
    );
  }
}

/** Main-link messages whose 2019 bodies Vigil reads; any other vehicle or platform message of a 2019 link is refused. */
const READ_IN_2019 = new Set<number>([MSG.exchange, MSG.warning, PLATFORM_MSG.platformExchangeUp]);
/** Requests sent to 2019 platforms remembered for their answers; the oldest are forgotten beyond this. */
const SENT_2019_MAX = 10_000;

/** The state of a platform's main link as the upper platform sees it. */
export type Jt809LinkState = 'logged_in' | 'connected' | 'disconnected';
/** The sub link's state, `none` when the platform gave no down-link address or its main link is not logged in. */
export type Jt809SubLinkState = SubLinkState | 'none';

/** A request could not be sent: the platform has no logged-in link. */
export class Jt809NotConnectedError extends Error {
  constructor(
    readonly accessCode: number,
    readonly state: Jt809LinkState,
  ) {
    super(`platform ${accessCode} has no logged-in link (main link ${state})`);
  }
}

export interface Jt809ServerDeps {
  log: EventLog;
  directory: Jt809PlatformDirectory;
  /** Gives vehicles known to the registry their own terminal number and home division. */
  vehicles?: VehicleRegistry;
  logger: Logger;
  metrics: Metrics;
  /** Receives answers to inspections and supervisions; without it they are counted as unhandled. */
  answers?: Jt809AnswerSink;
  now?: () => number;
}

class Session implements TcpConnection {
  readonly splitter: Jt809FrameSplitter;
  account: Jt809PlatformAccount | null = null;
  lastActiveMs = 0;
  private sn = 0;
  queued = 0;
  paused = false;
  /** Access code of the last login attempt on this link, for the link state of a platform not yet logged in. */
  loginAttemptedBy: number | undefined;
  /** The edition the platform's login was in: its frames are read and answered in it. */
  edition: Jt809Edition | undefined;
  /** The version bytes of its login, written back in Vigil's frames to it. */
  version: [number, number, number] = [1, 0, 0];
  /** Vigil's sub link back to this platform, while this main link is logged in. */
  subLink: Jt809SubLink | undefined;
  chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: net.Socket,
    readonly peer: string,
    frameBytesMax: number,
  ) {
    this.splitter = new Jt809FrameSplitter(frameBytesMax);
  }

  nextSn(): number {
    this.sn = (this.sn + 1) >>> 0;
    return this.sn;
  }
}

export class Jt809Server {
  private readonly sessions: TcpConnections<Session>;
  /** Cipher keys of platforms seen, so an encrypted frame can be read before its platform logged in. */
  private readonly accounts = new Map<number, Jt809PlatformAccount>();
  /**
   * `access code:frame SN` of each request sent to a 2019 platform → the inspection or supervision it is, since a
   * 2019 answer names its request only by that SN. In memory: an answer to a request sent before a restart of
   * Vigil is dead-lettered (`unknown_source_msg_sn`).
   */
  private readonly sent2019 = new Map<string, Jt809Request2019['answers']>();
  private readonly producer: Producer;
  private readonly now: () => number;

  constructor(
    private readonly options: Jt809Options,
    private readonly deps: Jt809ServerDeps,
  ) {
    checkJt809Options(options);
    this.producer = deps.log.producer();
    this.now = deps.now ?? Date.now;
    this.sessions = new TcpConnections<Session>(
      options,
      {
        open: (socket, peer) => new Session(socket, peer, options.frameBytesMax),
        data: (session, chunk) => this.onData(session, chunk),
        closed: (session) => session.subLink?.stop(),
        idle: () => this.counter('vigil_jt809_idle_disconnects_total', 'Main links closed for idleness').inc(),
      },
      { server: 'jt809', metrics: deps.metrics, logger: deps.logger },
    );
    deps.metrics.onCollect(() => {
      deps.metrics
        .gauge('vigil_jt809_connections', 'Open JT/T 809 main-link connections')
        .set(undefined, this.sessions.size);
      deps.metrics
        .gauge('vigil_jt809_platforms_logged_in', 'Lower platforms logged in')
        .set(undefined, [...this.sessions].filter((s) => s.account).length);
      const editions = deps.metrics.gauge('vigil_jt809_platforms_by_edition', 'Lower platforms logged in by edition', [
        'edition',
      ]);
      for (const edition of [2011, 2019] as const)
        editions.set(
          { edition: String(edition) },
          [...this.sessions].filter((s) => s.account && s.edition === edition).length,
        );
      const subLinks = deps.metrics.gauge('vigil_jt809_sub_links', 'Sub links to lower platforms by state', ['state']);
      for (const state of ['connecting', 'logged_in', 'backoff'] as const)
        subLinks.set({ state }, [...this.sessions].filter((s) => s.subLink?.state === state).length);
    });
  }

  async listen(): Promise<number> {
    return this.sessions.listen();
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.subLink?.stop();
    await this.sessions.close();
  }

  /** The sub-link state of a platform. */
  subLinkState(accessCode: number): Jt809SubLinkState {
    const session = [...this.sessions].find((s) => s.account?.accessCode === accessCode);
    return session?.subLink?.state ?? 'none';
  }

  /** The edition a logged-in platform speaks, undefined when it is not logged in. */
  edition(accessCode: number): Jt809Edition | undefined {
    return [...this.sessions].find((s) => s.account?.accessCode === accessCode)?.edition;
  }

  /** The main-link state of a platform: logged in, connected without a login, or disconnected. */
  linkState(accessCode: number): Jt809LinkState {
    let state: Jt809LinkState = 'disconnected';
    for (const s of this.sessions) {
      if (s.account?.accessCode === accessCode) return 'logged_in';
      if (!s.account && !s.socket.destroyed && s.loginAttemptedBy === accessCode) state = 'connected';
    }
    return state;
  }

  /**
   * Sends a request of the upper platform (0x9300 inspection, 0x9400 supervision, …) on the platform's logged-in
   * main link. Throws Jt809NotConnectedError naming the link state when there is none.
   */
  sendToPlatform(
    accessCode: number,
    msgId: number,
    body: Buffer,
    request2019?: Jt809Request2019,
  ): { link: 'main' | 'sub' } {
    const session = [...this.sessions].find((s) => s.account?.accessCode === accessCode && !s.socket.destroyed);
    if (!session) throw new Jt809NotConnectedError(accessCode, this.linkState(accessCode));
    if (session.edition === 2019 && request2019 === undefined)
      throw new Jt809EditionUnsupportedError(accessCode, msgId, 2019);
    const wire = session.edition === 2019 && request2019 ? request2019.body : body;
    const remember = (sn: number) => {
      if (session.edition !== 2019 || !request2019) return;
      // A new login restarts the sequence: a request of a former session is forgotten once its SN is used again.
      this.sent2019.delete(`${accessCode}:${sn}`);
      this.sent2019.set(`${accessCode}:${sn}`, request2019.answers);
      if (this.sent2019.size > SENT_2019_MAX) this.sent2019.delete(this.sent2019.keys().next().value as string);
    };
    // The standard puts the upper platform's requests on the sub link; the main link serves when it is down.
    const subSn = session.subLink?.send(msgId, wire);
    if (subSn !== undefined) {
      remember(subSn);
      this.counter('vigil_jt809_requests_sent_total', 'Requests sent to lower platforms', ['msg_id', 'link']).inc({
        msg_id: `0x${msgId.toString(16)}`,
        link: 'sub',
      });
      return { link: 'sub' };
    }
    const sn = session.nextSn();
    remember(sn);
    session.socket.write(
      buildFrame(wire, {
        sn,
        msgId,
        accessCode,
        crc: this.options.crc,
        edition: session.edition,
        version: session.version,
      }),
    );
    this.counter('vigil_jt809_requests_sent_total', 'Requests sent to lower platforms', ['msg_id', 'link']).inc({
      msg_id: `0x${msgId.toString(16)}`,
      link: 'main',
    });
    return { link: 'main' };
  }

  private onData(s: Session, chunk: Buffer): void {
    this.counter('vigil_jt809_bytes_received_total', 'Bytes received from lower platforms').inc(
      undefined,
      chunk.length,
    );
    for (const item of s.splitter.push(chunk)) {
      if (item.reason !== undefined) {
        void this.reject(s, item.raw, item.reason, item.detail);
        continue;
      }
      this.enqueue(s, item.raw);
    }
  }

  private enqueue(s: Session, raw: Buffer): void {
    s.queued++;
    if (s.queued >= this.options.framesQueuedPerConnectionMax && !s.paused) {
      s.paused = true;
      s.socket.pause();
    }
    s.chain = s.chain
      .then(() => this.onFrame(s, raw))
      .catch((error: unknown) =>
        this.deps.logger.error('jt809 frame handling failed', { peer: s.peer, error: String(error) }),
      )
      .finally(() => {
        s.queued--;
        if (s.paused && s.queued < this.options.framesQueuedPerConnectionMax / 2) {
          s.paused = false;
          s.socket.resume();
        }
      });
  }

  private async onFrame(s: Session, raw: Buffer): Promise<void> {
    this.counter('vigil_jt809_frames_total', 'JT/T 809 frames received').inc();
    let parsed = this.parse(s, raw);
    if (!parsed.ok && parsed.reason === 'no_cipher_keys') {
      // The platform's keys may not be cached yet (first frame after a restart): ask the directory once.
      const accessCode = raw.length > 15 ? peekAccessCode(raw) : undefined;
      if (accessCode !== undefined) await this.lookup(accessCode);
      parsed = this.parse(s, raw);
    }
    if (!parsed.ok) return this.reject(s, raw, parsed.reason, parsed.detail);
    const frame = parsed.value;
    const { header } = frame;
    switch (header.msgId) {
      case MSG.loginRequest:
        return this.onLogin(s, frame, raw);
      case MSG.keepAlive:
        return this.answer(s, header, MSG.keepAliveResponse, Buffer.alloc(0));
      case MSG.logoutRequest:
        this.answer(s, header, MSG.logoutResponse, Buffer.alloc(0));
        s.socket.end();
        return;
      case MSG.disconnectNotice:
        return;
      default:
        break;
    }
    if (!s.account)
      return this.reject(s, raw, 'not_logged_in', `message 0x${header.msgId.toString(16)} before 0x1001 login`);
    if (header.accessCode !== s.account.accessCode)
      return this.reject(
        s,
        raw,
        'access_code_mismatch',
        `access code ${header.accessCode} on the link of ${s.account.accessCode}`,
      );
    if (header.edition === 2019 && !READ_IN_2019.has(header.msgId))
      // Kept whole in the dead-letter table, so what a 2019 platform sent is not lost before Vigil reads it.
      return this.reject(
        s,
        raw,
        'unsupported_in_2019',
        `message 0x${header.msgId.toString(16)} is read in its 2011 layout only`,
      );
    if (header.msgId === PLATFORM_MSG.platformExchangeUp) return this.onPlatformExchange(s, frame.body, raw);
    if (header.msgId === MSG.warning && header.edition === 2019) return this.onWarning2019(s, frame, raw);
    if (header.msgId === MSG.exchange || header.msgId === MSG.warning) {
      const envelope = decodeEnvelope(frame.body);
      if (!envelope.ok) return this.reject(s, raw, envelope.reason, envelope.detail);
      // Every vehicle message enters by its plate: one with invisible characters is refused whole.
      const badPlate = plateProblem(envelope.value.plate);
      if (badPlate) return this.reject(s, raw, badPlate.reason, badPlate.detail);
      return header.msgId === MSG.exchange
        ? this.onExchange(s, envelope.value, raw)
        : this.onWarning(s, envelope.value, raw);
    }
    this.counter('vigil_jt809_unhandled_total', 'Understood JT/T 809 messages Vigil does not store', ['msg_id']).inc({
      msg_id: `0x${header.msgId.toString(16)}`,
    });
  }

  private parse(s: Session, raw: Buffer): Parsed<Jt809Frame> {
    return parseFrame(raw, {
      crc: this.options.crc,
      checksum: this.options.checksum,
      keysOf: (code) => this.accounts.get(code)?.cipher ?? null,
      edition: editionChooser(s.edition),
    });
  }

  private async lookup(accessCode: number): Promise<Jt809PlatformAccount | null> {
    const account = await this.deps.directory.lookup(accessCode);
    if (account) this.accounts.set(accessCode, account);
    else this.accounts.delete(accessCode);
    return account;
  }

  private async onLogin(s: Session, frame: Jt809Frame, raw: Buffer): Promise<void> {
    const login = decodeLogin(frame.body, frame.header.edition);
    if (!login.ok) return this.reject(s, raw, login.reason, login.detail);
    s.loginAttemptedBy = frame.header.accessCode;
    if (login.value.accessCode !== undefined && login.value.accessCode !== frame.header.accessCode) {
      // 2019 repeats the access code in the body; two different ones are not a login of either platform.
      await this.reject(
        s,
        raw,
        'login_access_code_mismatch',
        `0x1001 body names access code ${login.value.accessCode}, its header ${frame.header.accessCode}`,
      );
      return this.answer(s, frame.header, MSG.loginResponse, encodeLoginResponse(JT809_LOGIN_REFUSED, 0));
    }
    const verifyCode = randomInt(1, 0xffffffff);
    const outcome = await this.deps.directory.login(
      frame.header.accessCode,
      login.value.userId,
      login.value.password,
      s.peer,
    );
    const account = outcome.ok ? outcome.account : null;
    if (account) this.accounts.set(account.accessCode, account);
    // Unknown access code, wrong user id and wrong password get one answer, so a prober learns nothing of which
    // access codes or user ids exist; a throttled attempt is told to come back later. Vigil's own metrics and
    // log keep the exact reason for the operators.
    const result: number = outcome.ok
      ? LOGIN_RESULT.ok
      : outcome.refusal === 'throttled'
        ? LOGIN_RESULT.busy
        : JT809_LOGIN_REFUSED;
    if (result === LOGIN_RESULT.ok && account) {
      for (const other of this.sessions) {
        // One main link per platform: a platform that reconnects replaces its stale link.
        if (other !== s && other.account?.accessCode === account.accessCode) {
          this.counter(
            'vigil_jt809_links_replaced_total',
            'Main links replaced by a newer login of the same platform',
          ).inc();
          other.socket.destroy();
        }
      }
      s.account = account;
      s.edition = frame.header.edition;
      s.version = frame.header.version;
      this.deps.directory.recordLogin(account.accessCode, s.peer);
      s.subLink?.stop();
      s.subLink = undefined;
      if (login.value.downLinkPort > 0 && login.value.downLinkIp !== '') {
        s.subLink = new Jt809SubLink(
          account.accessCode,
          login.value.downLinkIp,
          login.value.downLinkPort,
          verifyCode,
          this.options.subLink,
          {
            logger: this.deps.logger,
            metrics: this.deps.metrics,
            crc: this.options.crc,
            keys: account.cipher,
            frameBytesMax: this.options.frameBytesMax,
            edition: frame.header.edition,
            version: frame.header.version,
            nextSn: () => s.nextSn(),
          },
        );
      }
      this.deps.logger.info('jt809 platform logged in', {
        access_code: account.accessCode,
        name: account.name,
        peer: s.peer,
        edition: frame.header.edition,
      });
    } else if (!outcome.ok) {
      this.counter('vigil_jt809_login_failures_total', 'Refused JT/T 809 logins by reason and result', [
        'reason',
        'result',
      ]).inc({ reason: outcome.refusal, result: String(result) });
      this.deps.logger.info('jt809 login refused', {
        access_code: frame.header.accessCode,
        user_id: login.value.userId,
        reason: outcome.refusal,
        retry_after_ms: outcome.retryAfterMs,
        peer: s.peer,
      });
    }
    this.answer(
      s,
      frame.header,
      MSG.loginResponse,
      encodeLoginResponse(result, result === LOGIN_RESULT.ok ? verifyCode : 0),
    );
    // The platform learns the verify code from 0x1002 first, then Vigil presents it on the sub link.
    s.subLink?.start();
  }

  private async onExchange(s: Session, envelope: VehicleEnvelope, raw: Buffer): Promise<void> {
    const account = s.account as Jt809PlatformAccount;
    const receivedAt = this.now();
    const terminalId = terminalIdOf(envelope.plate, envelope.plateColor, this.deps.vehicles);
    const edition2019 = s.edition === 2019;
    if (envelope.dataType === EXCHANGE.realTimeLocation) {
      const gnss = edition2019 ? decodeRealTimeLocation2019(envelope.data) : decodeGnss(envelope.data);
      if (!gnss.ok) return this.reject(s, raw, gnss.reason, gnss.detail, terminalId);
      return this.publishPositions(
        s,
        [telemetryOfGnss(terminalId, envelope.plate, gnss.value, receivedAt, false, account.accessCode)],
        raw,
      );
    }
    if (envelope.dataType === EXCHANGE.historyLocation) {
      const history = edition2019 ? decodeHistory2019(envelope.data) : decodeHistory(envelope.data);
      const rows = history.items.map((gnss) =>
        telemetryOfGnss(terminalId, envelope.plate, gnss, receivedAt, true, account.accessCode),
      );
      // Sent together in the turn that stamped `receivedAt`, as the rules' replay after a crash relies on
      // (stream/engine/input-replay.ts).
      await Promise.all([
        ...history.errors.map((error) =>
          this.reject(s, raw, error.reason, `0x1203 item ${error.index}: ${error.detail}`, terminalId),
        ),
        this.publishPositions(s, rows, raw),
      ]);
      return;
    }
    this.counter('vigil_jt809_unhandled_total', 'Understood JT/T 809 messages Vigil does not store', ['msg_id']).inc({
      msg_id: `0x${envelope.dataType.toString(16)}`,
    });
  }

  private async onWarning(s: Session, envelope: VehicleEnvelope, raw: Buffer): Promise<void> {
    const account = s.account as Jt809PlatformAccount;
    if (envelope.dataType === SUPERVISION.answer && this.deps.answers) {
      const answer = decodeSupervisionAnswer(envelope.data);
      if (!answer.ok) return this.reject(s, raw, answer.reason, answer.detail);
      const matched = await this.deps.answers
        .supervisionAnswered(account.accessCode, {
          ...answer.value,
          plate: envelope.plate,
          plateColor: envelope.plateColor,
        })
        .catch((error: unknown) => String(error));
      if (typeof matched === 'string')
        return this.reject(
          s,
          raw,
          'answer_not_stored',
          `0x1401 for supervision id ${answer.value.supervisionId}: ${matched}`,
        );
      if (!matched)
        return this.reject(
          s,
          raw,
          'unknown_supervision_id',
          `0x1401 for supervision id ${answer.value.supervisionId}, never sent to platform ${account.accessCode}`,
        );
      this.counter('vigil_jt809_answers_total', 'Answers of lower platforms to inspections and supervisions', [
        'msg_id',
      ]).inc({ msg_id: '0x1401' });
      return;
    }
    if (envelope.dataType === WARNING.alarmResult && this.deps.answers) {
      const result = decodeAlarmResult(envelope.data);
      if (!result.ok) return this.reject(s, raw, result.reason, result.detail);
      const known = await this.deps.answers.alarmHandled(account.accessCode, {
        ...result.value,
        plate: envelope.plate,
        plateColor: envelope.plateColor,
      });
      if (!known)
        return this.reject(
          s,
          raw,
          'unknown_alarm_info_id',
          `0x1403 for info id ${result.value.infoId} of ${envelope.plate}, which platform ${account.accessCode} never reported (0x1402)`,
        );
      this.counter('vigil_jt809_answers_total', 'Answers of lower platforms to inspections and supervisions', [
        'msg_id',
      ]).inc({ msg_id: '0x1403' });
      return;
    }
    if (envelope.dataType !== WARNING.alarmReport) {
      this.counter('vigil_jt809_unhandled_total', 'Understood JT/T 809 messages Vigil does not store', ['msg_id']).inc({
        msg_id: `0x${envelope.dataType.toString(16)}`,
      });
      return;
    }
    const terminalId = terminalIdOf(envelope.plate, envelope.plateColor, this.deps.vehicles);
    const report = decodeAlarmReport(envelope.data);
    if (!report.ok) return this.reject(s, raw, report.reason, report.detail, terminalId);
    const known = this.deps.vehicles?.byPlate(envelope.plate);
    const orgCode = known?.home_org_code || account.orgCode || provinceCode();
    const alarm: AlarmRow = alarmOfReport(
      terminalId,
      envelope.plate,
      envelope.plateColor,
      report.value,
      orgCode,
      account.accessCode,
      this.now(),
    );
    const problem = checkRecord(ALARMS.columns, alarm);
    if (problem) return this.reject(s, raw, problem.reason, problem.detail, terminalId);
    await this.producer.send(TOPICS.alarms, [{ key: terminalId, value: alarm }]);
    this.counter('vigil_jt809_alarm_reports_total', 'Alarm reports (0x1402) stored').inc();
  }

  private async onPlatformExchange(s: Session, body: Buffer, raw: Buffer): Promise<void> {
    const account = s.account as Jt809PlatformAccount;
    const exchange = decodePlatformExchange(body);
    if (!exchange.ok) return this.reject(s, raw, exchange.reason, exchange.detail);
    if (exchange.value.dataType !== PLATFORM_EXCHANGE.inspectionAnswer || !this.deps.answers) {
      this.counter('vigil_jt809_unhandled_total', 'Understood JT/T 809 messages Vigil does not store', ['msg_id']).inc({
        msg_id: `0x${exchange.value.dataType.toString(16)}`,
      });
      return;
    }
    const answer =
      s.edition === 2019 ? this.inspectionAnswer2019(s, exchange.value.data) : decodeInspection(exchange.value.data);
    if (!answer.ok) return this.reject(s, raw, answer.reason, answer.detail);
    // An answer that cannot be recorded (database down) is dead-lettered rather than lost.
    const matched = await this.deps.answers
      .inspectionAnswered(account.accessCode, answer.value)
      .catch((error: unknown) => String(error));
    if (typeof matched === 'string')
      return this.reject(s, raw, 'answer_not_stored', `0x1301 for info id ${answer.value.infoId}: ${matched}`);
    if (!matched)
      return this.reject(
        s,
        raw,
        'unknown_info_id',
        `0x1301 for info id ${answer.value.infoId}, never sent to platform ${account.accessCode}`,
      );
    this.counter('vigil_jt809_answers_total', 'Answers of lower platforms to inspections and supervisions', [
      'msg_id',
    ]).inc({ msg_id: '0x1301' });
  }

  /** A 2019 0x1301, turned into the inspection answer it is by the 0x9301 frame SN it names. */
  private inspectionAnswer2019(s: Session, data: Buffer): Parsed<InspectionMessage> {
    const answer = decodeInspectionAnswer2019(data);
    if (!answer.ok) return answer;
    const accessCode = (s.account as Jt809PlatformAccount).accessCode;
    const sent = this.sent2019.get(`${accessCode}:${answer.value.sourceMsgSn}`);
    if (sent?.kind !== 'inspection')
      return {
        ok: false,
        reason: 'unknown_source_msg_sn',
        detail: `2019 0x1301 names MSG_SN ${answer.value.sourceMsgSn}, no 查岗 Vigil sent to platform ${accessCode}`,
      };
    const { objectType, objectId, responder, text } = answer.value;
    // 2019 names who answered; the record keeps the answering object, or the responder when the object is empty.
    return { ok: true, value: { objectType, objectId: objectId || responder, infoId: sent.id, text } };
  }

  /**
   * 0x1400 of a 2019 platform: no vehicle envelope (DATA_TYPE, DATA_LENGTH, data); 0x1402 alarm reports carry
   * their vehicle, 0x1401 and 0x1412 name what they answer by its frame SN.
   */
  private async onWarning2019(s: Session, frame: Jt809Frame, raw: Buffer): Promise<void> {
    const account = s.account as Jt809PlatformAccount;
    const body = decodePlatformExchange(frame.body);
    if (!body.ok) return this.reject(s, raw, body.reason, body.detail);
    const { dataType, data } = body.value;
    if (dataType === WARNING_2019.alarmReport) {
      const report = decodeAlarmInfo2019(data);
      if (!report.ok) return this.reject(s, raw, report.reason, report.detail);
      return this.storeAlarm2019(s, report.value, frame.header.sn, raw);
    }
    if (dataType === WARNING_2019.alarmResult && this.deps.answers?.alarmHandled2019) {
      const reply = decodeSourceReply(data, '2019 0x1412');
      if (!reply.ok) return this.reject(s, raw, reply.reason, reply.detail);
      const known = await this.deps.answers
        .alarmHandled2019(account.accessCode, { reportSn: reply.value.sourceMsgSn, result: reply.value.result })
        .catch((error: unknown) => String(error));
      if (typeof known === 'string')
        return this.reject(s, raw, 'answer_not_stored', `0x1412 for MSG_SN ${reply.value.sourceMsgSn}: ${known}`);
      if (!known)
        return this.reject(
          s,
          raw,
          'unknown_alarm_msg_sn',
          `0x1412 for the 0x1402 of MSG_SN ${reply.value.sourceMsgSn}, which platform ${account.accessCode} never reported`,
        );
      this.counter('vigil_jt809_answers_total', 'Answers of lower platforms to inspections and supervisions', [
        'msg_id',
      ]).inc({ msg_id: '0x1412' });
      return;
    }
    if (dataType === WARNING_2019.supervisionAnswer && this.deps.answers) {
      const reply = decodeSourceReply(data, '2019 0x1401');
      if (!reply.ok) return this.reject(s, raw, reply.reason, reply.detail);
      const sent = this.sent2019.get(`${account.accessCode}:${reply.value.sourceMsgSn}`);
      if (sent?.kind !== 'supervision')
        return this.reject(
          s,
          raw,
          'unknown_source_msg_sn',
          `2019 0x1401 names MSG_SN ${reply.value.sourceMsgSn}, no 督办 Vigil sent to platform ${account.accessCode}`,
        );
      const matched = await this.deps.answers
        .supervisionAnswered(account.accessCode, {
          supervisionId: sent.id,
          result: reply.value.result,
          plate: '',
          plateColor: 0,
        })
        .catch((error: unknown) => String(error));
      if (typeof matched === 'string')
        return this.reject(s, raw, 'answer_not_stored', `0x1401 for supervision id ${sent.id}: ${matched}`);
      if (!matched)
        return this.reject(s, raw, 'unknown_supervision_id', `0x1401 for supervision id ${sent.id}, not on record`);
      this.counter('vigil_jt809_answers_total', 'Answers of lower platforms to inspections and supervisions', [
        'msg_id',
      ]).inc({ msg_id: '0x1401' });
      return;
    }
    this.counter('vigil_jt809_unhandled_total', 'Understood JT/T 809 messages Vigil does not store', ['msg_id']).inc({
      msg_id: `0x${dataType.toString(16)}`,
    });
  }

  /** A 2019 0x1402: one alarm like a 2011 report, remembered with its frame SN for the 0x1412 that answers it. */
  private async storeAlarm2019(s: Session, report: AlarmInfo2019, sn: number, raw: Buffer): Promise<void> {
    const account = s.account as Jt809PlatformAccount;
    const badPlate = plateProblem(report.plate);
    if (badPlate) return this.reject(s, raw, badPlate.reason, badPlate.detail);
    if (report.plate === '')
      // An alarm about a platform rather than a vehicle has nowhere to go in the alarm queue yet.
      return this.reject(s, raw, 'alarm_without_vehicle', `2019 0x1402 of MSG_SN ${sn} names no vehicle`);
    const terminalId = terminalIdOf(report.plate, report.plateColor, this.deps.vehicles);
    const known = this.deps.vehicles?.byPlate(report.plate);
    const orgCode = known?.home_org_code || account.orgCode || provinceCode();
    const alarm = alarmOfReport2019(terminalId, report, sn, orgCode, account.accessCode, this.now());
    const problem = checkRecord(ALARMS.columns, alarm);
    if (problem) return this.reject(s, raw, problem.reason, problem.detail, terminalId);
    await this.producer.send(TOPICS.alarms, [{ key: terminalId, value: alarm }]);
    this.counter('vigil_jt809_alarm_reports_total', 'Alarm reports (0x1402) stored').inc();
  }

  private async publishPositions(s: Session, rows: TelemetryRow[], raw: Buffer): Promise<void> {
    const good: TelemetryRow[] = [];
    const rejects: IngestRejectRow[] = [];
    const nowMs = this.now();
    for (const row of rows) {
      // A fix past the table's TTL would be deleted as soon as stored: refused, so that it is not lost unseen.
      const problem = checkRecord(TELEMETRY.columns, row) ?? retentionProblem(TELEMETRY, row, nowMs);
      if (problem) rejects.push(this.rejectRow(s, raw, problem.reason, problem.detail, row.terminal_id));
      else good.push(row);
    }
    await Promise.all([
      good.length > 0
        ? this.producer.send(
            TOPICS.telemetry,
            good.map((row) => ({ key: row.terminal_id, value: row })),
          )
        : undefined,
      rejects.length > 0
        ? this.producer.send(
            TOPICS.rejects,
            rejects.map((r) => ({ key: r.terminal_id || s.peer, value: r })),
          )
        : undefined,
    ]);
    this.counter('vigil_jt809_positions_total', 'JT/T 809 positions accepted and durable').inc(undefined, good.length);
  }

  /** Answers in the request's own edition and version, so a platform reads the answer as it wrote. */
  private answer(s: Session, request: Jt809Header, msgId: number, body: Buffer): void {
    if (s.socket.destroyed) return;
    s.socket.write(
      buildFrame(body, {
        sn: s.nextSn(),
        msgId,
        accessCode: request.accessCode,
        version: request.version,
        edition: request.edition,
        time: this.now(),
        crc: this.options.crc,
      }),
    );
  }

  private rejectRow(s: Session, raw: Buffer, reason: string, detail: string, terminalId = ''): IngestRejectRow {
    this.counter('vigil_ingest_rejects_total', 'Rejected frames and records by reason', ['source', 'reason']).inc({
      source: 'jt809',
      reason,
    });
    return {
      received_at: this.now(),
      source: 'jt809',
      reason,
      detail,
      raw: raw.toString('hex'),
      peer: s.peer,
      terminal_id: terminalId,
    };
  }

  /** Dead-letters and waits until durable, so frames of a connection are stored in the order they came. */
  private async reject(s: Session, raw: Buffer, reason: string, detail: string, terminalId = ''): Promise<void> {
    const row = this.rejectRow(s, raw, reason, detail, terminalId);
    await this.producer.send(TOPICS.rejects, [{ key: terminalId || s.peer, value: row }]).catch((error: unknown) => {
      this.deps.logger.error('could not store a jt809 reject', { reason, error: String(error) });
    });
  }

  private counter(name: string, help: string, labels: string[] = []) {
    return this.deps.metrics.counter(name, help, labels);
  }
}

/** The access code of an escaped frame, read without parsing it (bytes 11-14 after the flag, escapes resolved). */
function peekAccessCode(raw: Buffer): number | undefined {
  const bytes: number[] = [];
  for (let i = 1; i < raw.length - 1 && bytes.length < 14; i++) {
    const byte = raw[i];
    if (byte === 0x5a || byte === 0x5e) {
      const next = raw[++i];
      bytes.push(byte === 0x5a ? (next === 0x01 ? 0x5b : 0x5a) : next === 0x01 ? 0x5d : 0x5e);
    } else bytes.push(byte);
  }
  return bytes.length >= 14 ? Buffer.from(bytes).readUInt32BE(10) : undefined;
}
