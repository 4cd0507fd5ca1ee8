/**
 * Vigil as a lower platform (下级平台) of an upper one, the ministry's 联网联控 system for example: the main link
 * (主链路) of JT/T 809-2011 in the lower platform's role. It connects, logs in with 0x1001 (answered 0x1002),
 * keeps the link alive with 0x1005 (answered 0x1006), and sends the positions (0x1200/0x1202) and alarms
 * (0x1400/0x1402) it is handed. A link that drops, is refused or misses its keep-alive answers is established
 * again with exponential backoff.
 *
 * Positions are sent as real-time reports (0x1202) while logged in. Those that come while the link is down wait in
 * a bounded queue (oldest dropped first, counted) and go as history (0x1203, up to five fixes of one vehicle per
 * message, as the standard allows) once the link is logged in again, before anything new. Alarms wait for the
 * link in a bounded queue of their own, oldest dropped first.
 *
 * It speaks the edition the upper platform does (`edition`): in 2019 the header carries the UTC time, the login
 * the access code, positions the 2019 location (location-2019.ts), alarms, 查岗 and 督办 (and their answers),
 * notices and static-data answers the 2019 bodies of bodies-2019.ts.
 */
import net from 'node:net';
import type { Logger, Metrics } from '../../schema/index.js';
import {
  decodeAlarmInfo2019,
  decodeInspectionRequest2019,
  decodeSupervisionRequest2019,
  encodeAlarmInfo2019,
  encodeInspectionAnswer2019,
  encodeSourceReply,
  encodeStaticInfoAnswer2019,
} from './bodies-2019.js';
import type { Jt809CipherKeys } from './cipher.js';
import type { CrcVariant } from './crc.js';
import {
  buildFrame,
  DEFAULT_VERSION,
  Jt809FrameSplitter,
  parseFrame,
  type Jt809Edition,
  type Jt809Frame,
  type Parsed,
} from './frame.js';
import { encodeLocation2019 } from './location-2019.js';
import { decodeEnvelope, EXCHANGE, MSG, WARNING, type AlarmReport, type GnssData } from './messages.js';
import { encodeCarInfo, STATIC_INFO, STATIC_MSG, type VehicleStaticInfo } from './static-info.js';
import { historyMessages } from './upward-history.js';
import {
  decodeInspection,
  decodePlatformExchange,
  decodeSupervisionRequest,
  decodeWarningNotice,
  encodeInspection,
  encodePlatformExchange,
  encodeSupervisionAnswer,
  encodeVehicleEnvelope,
  PLATFORM_EXCHANGE,
  PLATFORM_MSG,
  SUPERVISION,
  WARNING_NOTICE,
  type InspectionMessage,
  type SupervisionAnswer,
  type SupervisionRequest,
  type WarningNotice,
} from './supervision-messages.js';
import type { DownLinkOwner, DownLinkState, UpwardDownLinkServer } from './upward-down-link.js';

/** 2019 查岗 whose frame SN is kept for the answer. */
const REQUESTS_REMEMBERED_MAX = 1_000;
import { decodeLoginResponse, encodeAlarmReport, encodeGnss, encodeLoginRequest } from './upward-messages.js';

export interface UpwardLinkOptions {
  host: string;
  port: number;
  /** The access code (接入码) the upper platform gave this province. */
  accessCode: number;
  userId: number;
  password: string;
  /**
   * The down-link address told in 0x1001. With a down-link server (`useDownLink`) the port is the server's, and an
   * empty IP means the local address of the main link's connection (where the upper platform already reaches
   * Vigil); without one, 0.0.0.0:0.
   */
  downLinkIp: string;
  downLinkPort: number;
  /** Encrypts what it sends with these keys when given (the upper platform's M1/IA1/IC1). */
  keys: Jt809CipherKeys | null;
  crc: CrcVariant;
  /** The edition the upper platform speaks. */
  edition: Jt809Edition;
  /**
   * 2019: this platform's 平台唯一编码 (division code and platform number, 11 characters), SOURCE_PLATFORM_ID of
   * the alarms it reports; empty (all zero) when not given.
   */
  platformId: string;
  /** The header's version bytes (major, minor, patch) the upper platform expects. */
  version: [number, number, number];
  loginTimeoutMs: number;
  keepAliveIntervalMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Alarms held while the link is down; the oldest are dropped beyond. */
  alarmsQueuedMax: number;
  /** Positions held while the link is down, sent as 0x1203 history after the next login; the oldest dropped beyond. */
  historyQueuedMax: number;
  frameBytesMax: number;
}

export const UPWARD_LINK_DEFAULTS: Omit<UpwardLinkOptions, 'host' | 'port' | 'accessCode' | 'userId' | 'password'> = {
  downLinkIp: '',
  downLinkPort: 0,
  keys: null,
  crc: 'ccitt-false',
  edition: 2011,
  platformId: '',
  version: DEFAULT_VERSION,
  loginTimeoutMs: 10_000,
  keepAliveIntervalMs: 60_000,
  backoffMinMs: 1_000,
  backoffMaxMs: 60_000,
  alarmsQueuedMax: 10_000,
  // About 2 MB of positions: an hour of a few hundred reporting vehicles, or minutes of a province's fleet.
  historyQueuedMax: 10_000,
  frameBytesMax: 64 * 1024,
};

export type UpwardLinkState = 'connecting' | 'logged_in' | 'backoff' | 'stopped';

/** One position for the upper platform. */
export interface UpwardPosition {
  plate: string;
  plateColor: number;
  gnss: Omit<GnssData, 'coordinatesEncrypted'>;
}

/** One alarm for the upper platform. */
export interface UpwardAlarm {
  plate: string;
  plateColor: number;
  report: AlarmReport;
}

/** Vehicles' registration for the upper platform's 0x9601; undefined for a vehicle the registry does not know. */
export type StaticInfoSource = (plate: string, plateColor: number) => Promise<VehicleStaticInfo | undefined>;

/** Where the upper platform's own requests go (查岗 and 督办 for the duty console to answer). */
export interface UpperRequestSink {
  inspection(request: InspectionMessage): Promise<void>;
  supervision(request: SupervisionRequest & { plate: string; plateColor: number }): Promise<void>;
  /** 0x9402 报警预警 and 0x9403 实时交换报警信息: notices about a vehicle's alarm, answered by nothing. */
  warning(notice: WarningNotice & { kind: 'tip' | 'exchange'; plate: string; plateColor: number }): Promise<void>;
}

export class UpwardLink {
  private socket: net.Socket | undefined;
  private stateNow: UpwardLinkState = 'stopped';
  private timer: NodeJS.Timeout | undefined;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private sn = 0;
  private lastFrameMs = 0;
  private readonly alarms: UpwardAlarm[] = [];
  private readonly history: UpwardPosition[] = [];
  private requests: UpperRequestSink | undefined;
  private staticInfo: StaticInfoSource | undefined;
  private downLink: UpwardDownLinkServer | undefined;
  /** The VERIFY_CODE of the current login (0x1002), which the upper platform's 0x9001 on the down link must carry. */
  private verifyCodeNow: number | undefined;
  /** 2019: INFO_ID of each 查岗 → the frame SN its answer must name; the oldest forgotten beyond the bound. */
  private readonly inspectionSn = new Map<number, number>();
  /** The last refusal of the upper platform (0x1002 result), for the log and the status. */
  lastLoginResult: number | undefined;

  constructor(
    readonly options: UpwardLinkOptions,
    private readonly deps: { logger: Logger; metrics: Metrics },
  ) {
    for (const name of ['loginTimeoutMs', 'keepAliveIntervalMs', 'backoffMinMs', 'backoffMaxMs'] as const)
      if (!Number.isInteger(options[name]) || options[name] < 10)
        throw new Error(`jt809 upward link option ${name} value ${options[name]} is less than min allowed 10`);
    if (!Number.isInteger(options.historyQueuedMax) || options.historyQueuedMax < 0)
      throw new Error(
        `jt809 upward link option historyQueuedMax value ${options.historyQueuedMax} is less than min allowed 0`,
      );
    this.backoffMs = options.backoffMinMs;
    deps.metrics.onCollect(() => {
      deps.metrics
        .gauge('vigil_jt809_upward_logged_in', '1 while the link to the upper platform is logged in')
        .set(undefined, this.stateNow === 'logged_in' ? 1 : 0);
      deps.metrics
        .gauge('vigil_jt809_upward_history_queued', 'Positions waiting for the link, to be sent as 0x1203')
        .set(undefined, this.history.length);
    });
  }

  get state(): UpwardLinkState {
    return this.stateNow;
  }

  get target(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  start(): void {
    if (this.stateNow === 'stopped') this.connect();
  }

  stop(): void {
    this.stateNow = 'stopped';
    this.verifyCodeNow = undefined;
    this.downLink?.dropSessions('the link to the upper platform stopped');
    clearTimeout(this.timer);
    clearInterval(this.keepAliveTimer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) {
      // 0x1003: leaving on purpose (USERID, PASSWORD).
      socket.end(
        this.frame(
          MSG.logoutRequest,
          encodeLoginRequest({ ...this.login(), downLinkIp: '', downLinkPort: 0 }).subarray(0, 12),
        ),
      );
      socket.destroySoon();
    }
  }

  /** Sends a position now when logged in; false when the link is down, and it waits for the link as history. */
  sendPosition(p: UpwardPosition): boolean {
    if (!this.sendable()) {
      if (this.options.historyQueuedMax === 0) {
        this.dropped('link_down');
        return false;
      }
      if (this.history.length >= this.options.historyQueuedMax) {
        this.history.shift();
        this.dropped('history_queue_full');
      }
      this.history.push(p);
      return false;
    }
    const location = this.options.edition === 2019 ? encodeLocation2019(p.gnss) : encodeGnss(p.gnss);
    const body = encodeVehicleEnvelope(p.plate, p.plateColor, EXCHANGE.realTimeLocation, location);
    this.write(MSG.exchange, body);
    this.counter('vigil_jt809_upward_positions_total', 'Positions sent to the upper platform (0x1202)').inc();
    return true;
  }

  /** Sends an alarm now, or queues it until the link is logged in again. */
  sendAlarm(a: UpwardAlarm): void {
    if (this.sendable()) return this.writeAlarm(a);
    if (this.alarms.length >= this.options.alarmsQueuedMax) {
      this.alarms.shift();
      this.dropped('alarm_queue_full');
    }
    this.alarms.push(a);
  }

  /** The upper platform's 查岗 (0x9301) and 督办 (0x9401) go here. */
  useRequestSink(sink: UpperRequestSink): void {
    this.requests = sink;
  }

  /**
   * Serves the down link (从链路) on `server`: 0x1001 names its port, and the upper platform's requests that come on
   * it are read as those of the main link. Call before `start()`.
   */
  useDownLink(create: (owner: DownLinkOwner) => UpwardDownLinkServer): UpwardDownLinkServer {
    this.downLink = create({
      parse: (raw) => this.parse(raw),
      frame: (msgId, body) => this.frame(msgId, body),
      verifyCode: () => (this.stateNow === 'logged_in' ? this.verifyCodeNow : undefined),
      onRequest: (msgId, body, sn) => this.onRequest(msgId, body, sn),
    });
    return this.downLink;
  }

  /** The down-link server's state: none without one. */
  get downLinkState(): DownLinkState | 'none' {
    return this.downLink?.state ?? 'none';
  }

  /** The upper platform's 0x9601 requests for a vehicle's registration are answered from here (0x1601). */
  useStaticInfoSource(source: StaticInfoSource): void {
    this.staticInfo = source;
  }

  /**
   * 0x1300/0x1301: the answer to a 查岗; false when the link is not logged in, or in 2019 when the 查岗's frame SN
   * (which the 2019 answer names it by) is not known, as after a restart of Vigil.
   */
  answerInspection(answer: InspectionMessage): boolean {
    if (!this.sendable()) return false;
    if (this.options.edition === 2019) {
      const sourceMsgSn = this.inspectionSn.get(answer.infoId);
      if (sourceMsgSn === undefined) return false;
      this.write(
        PLATFORM_MSG.platformExchangeUp,
        encodePlatformExchange(
          PLATFORM_EXCHANGE.inspectionAnswer,
          encodeInspectionAnswer2019({
            objectType: answer.objectType,
            responder: '',
            responderTel: '',
            objectId: answer.objectId,
            sourceDataType: PLATFORM_EXCHANGE.inspectionRequest,
            sourceMsgSn,
            text: answer.text,
          }),
        ),
      );
      return true;
    }
    this.write(
      PLATFORM_MSG.platformExchangeUp,
      encodePlatformExchange(PLATFORM_EXCHANGE.inspectionAnswer, encodeInspection(answer)),
    );
    return true;
  }

  /** 0x1400/0x1401: the result of a 督办; false when the link is not logged in. */
  answerSupervision(plate: string, plateColor: number, answer: SupervisionAnswer): boolean {
    if (!this.sendable()) return false;
    if (this.options.edition === 2019) {
      // A 2019 督办 is known by its frame SN, which Vigil keeps as its supervision id (see onRequest).
      const reply = { sourceDataType: SUPERVISION.request, sourceMsgSn: answer.supervisionId, result: answer.result };
      this.write(MSG.warning, encodePlatformExchange(SUPERVISION.answer, encodeSourceReply(reply)));
      return true;
    }
    this.write(
      MSG.warning,
      encodeVehicleEnvelope(plate, plateColor, SUPERVISION.answer, encodeSupervisionAnswer(answer)),
    );
    return true;
  }

  get alarmsQueued(): number {
    return this.alarms.length;
  }

  get historyQueued(): number {
    return this.history.length;
  }

  private sendable(): boolean {
    return this.stateNow === 'logged_in' && this.socket !== undefined && !this.socket.destroyed;
  }

  private writeAlarm(a: UpwardAlarm): void {
    if (this.options.edition === 2019) {
      const report = encodeAlarmInfo2019({
        sourcePlatformId: this.options.platformId,
        warnType: a.report.warnType,
        warnTime: a.report.warnTime,
        // The episode's start; its end is not known when the alarm is raised (0, as the standard has for none).
        startTime: a.report.warnTime,
        endTime: 0,
        plate: a.plate,
        plateColor: a.plateColor,
        targetPlatformId: '',
        lineId: 0,
        info: a.report.info,
      });
      return this.write(MSG.warning, encodePlatformExchange(WARNING.alarmReport, report));
    }
    this.write(
      MSG.warning,
      encodeVehicleEnvelope(a.plate, a.plateColor, WARNING.alarmReport, encodeAlarmReport(a.report)),
    );
    this.counter('vigil_jt809_upward_alarms_total', 'Alarms sent to the upper platform (0x1402)').inc();
  }

  private login(socket?: net.Socket) {
    const o = this.options;
    const server = this.downLink;
    return {
      userId: o.userId,
      password: o.password,
      accessCode: o.accessCode,
      downLinkIp: server ? o.downLinkIp || localIpv4(socket) : o.downLinkIp || '0.0.0.0',
      downLinkPort: server ? server.port : o.downLinkPort,
    };
  }

  private connect(): void {
    this.stateNow = 'connecting';
    this.counter('vigil_jt809_upward_attempts_total', 'Connection attempts to the upper platform').inc();
    const socket = net.connect({ host: this.options.host, port: this.options.port });
    this.socket = socket;
    const splitter = new Jt809FrameSplitter(this.options.frameBytesMax);
    socket.setNoDelay(true);
    this.timer = setTimeout(
      () => this.fail(socket, `no login answer within ${this.options.loginTimeoutMs} ms`),
      this.options.loginTimeoutMs,
    );
    socket.once('connect', () =>
      socket.write(this.frame(MSG.loginRequest, encodeLoginRequest(this.login(socket), this.options.edition))),
    );
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) if (item.reason === undefined) this.onFrame(socket, item.raw);
    });
    socket.on('error', (error) => this.fail(socket, error.message));
    socket.on('close', () => this.fail(socket, 'closed by the upper platform'));
  }

  private onFrame(socket: net.Socket, raw: Buffer): void {
    const parsed = this.parse(raw);
    if (!parsed.ok) {
      this.counter('vigil_jt809_upward_bad_frames_total', 'Frames from the upper platform that did not parse').inc();
      return;
    }
    this.lastFrameMs = Date.now();
    const { header, body } = parsed.value;
    if (this.stateNow === 'logged_in') return this.onRequest(header.msgId, body, header.sn);
    if (header.msgId !== MSG.loginResponse || this.stateNow !== 'connecting') return;
    clearTimeout(this.timer);
    const answer = decodeLoginResponse(body);
    const result = answer.ok ? answer.value.result : -1;
    this.lastLoginResult = result;
    if (result !== 0) return this.fail(socket, `0x1002 result ${result}`);
    this.verifyCodeNow = answer.ok ? answer.value.verifyCode : undefined;
    this.backoffMs = this.options.backoffMinMs;
    this.stateNow = 'logged_in';
    this.deps.logger.info('jt809 upward link logged in', { target: this.target, access_code: this.options.accessCode });
    // What waited for the link goes first, in the order it was raised.
    for (const alarm of this.alarms.splice(0)) this.writeAlarm(alarm);
    const missed = this.history.splice(0);
    for (const body of historyMessages(missed, this.options.edition)) this.write(MSG.exchange, body);
    this.counter('vigil_jt809_upward_history_positions_total', 'Positions sent late as history (0x1203)').inc(
      undefined,
      missed.length,
    );
    this.keepAliveTimer = setInterval(() => {
      if (Date.now() - this.lastFrameMs > 2 * this.options.keepAliveIntervalMs)
        return this.fail(socket, 'no keep-alive answer');
      socket.write(this.frame(MSG.keepAlive, Buffer.alloc(0)));
    }, this.options.keepAliveIntervalMs);
  }

  /**
   * The upper platform's requests: on the down link (从链路) as the standard says, when Vigil serves one, and on the
   * main link, where upper platforms send them while no down link is up. Answers go on the main link.
   */
  private onRequest(msgId: number, body: Buffer, sn: number): void {
    if (msgId === STATIC_MSG.exchangeDown) return this.onStaticRequest(body, sn);
    if (this.options.edition === 2019) return this.onRequest2019(msgId, body, sn);
    const sink = this.requests;
    if (sink === undefined) return;
    const refuse = (detail: string): void => {
      this.counter('vigil_jt809_upward_bad_frames_total', 'Frames from the upper platform that did not parse').inc();
      this.deps.logger.warn('jt809 upward request not understood', { target: this.target, detail });
    };
    let handled: Promise<void> | undefined;
    if (msgId === PLATFORM_MSG.platformExchangeDown) {
      const exchange = decodePlatformExchange(body);
      if (!exchange.ok) return refuse(exchange.detail);
      if (exchange.value.dataType !== PLATFORM_EXCHANGE.inspectionRequest) return;
      const inspection = decodeInspection(exchange.value.data);
      if (!inspection.ok) return refuse(inspection.detail);
      handled = sink.inspection(inspection.value);
    } else if (msgId === PLATFORM_MSG.warningDown) {
      const envelope = decodeEnvelope(body);
      if (!envelope.ok) return refuse(envelope.detail);
      const { plate, plateColor, dataType } = envelope.value;
      if (dataType === WARNING_NOTICE.tip || dataType === WARNING_NOTICE.exchange) {
        const notice = decodeWarningNotice(envelope.value.data);
        if (!notice.ok) return refuse(notice.detail);
        handled = sink.warning({
          ...notice.value,
          kind: dataType === WARNING_NOTICE.tip ? 'tip' : 'exchange',
          plate,
          plateColor,
        });
      } else if (dataType !== SUPERVISION.request) return;
      else {
        const request = decodeSupervisionRequest(envelope.value.data);
        if (!request.ok) return refuse(request.detail);
        handled = sink.supervision({ ...request.value, plate, plateColor });
      }
    }
    handled?.catch((error: unknown) =>
      this.deps.logger.error('jt809 upward request not recorded', { target: this.target, error: String(error) }),
    );
  }

  /**
   * A 2019 request: 0x9300 and 0x9400 keep their DATA_TYPE / DATA_LENGTH head but 0x9400 has no vehicle envelope,
   * and 0x9401 no SUPERVISION_ID: the 督办 is known by its frame SN, which becomes its id here (0x1401 repeats it).
   * A 查岗's frame SN is remembered for its answer, which names it so.
   */
  private onRequest2019(msgId: number, body: Buffer, sn: number): void {
    const sink = this.requests;
    if (sink === undefined) return;
    const refuse = (detail: string): void => {
      this.counter('vigil_jt809_upward_bad_frames_total', 'Frames from the upper platform that did not parse').inc();
      this.deps.logger.warn('jt809 upward request not understood', { target: this.target, detail, edition: 2019 });
    };
    if (msgId !== PLATFORM_MSG.platformExchangeDown && msgId !== PLATFORM_MSG.warningDown) return;
    const head = decodePlatformExchange(body);
    if (!head.ok) return refuse(head.detail);
    const { dataType, data } = head.value;
    let handled: Promise<void> | undefined;
    if (msgId === PLATFORM_MSG.platformExchangeDown) {
      if (dataType !== PLATFORM_EXCHANGE.inspectionRequest) return;
      const inspection = decodeInspectionRequest2019(data);
      if (!inspection.ok) return refuse(inspection.detail);
      const { objectType, objectId, infoId, text } = inspection.value;
      this.inspectionSn.delete(infoId);
      this.inspectionSn.set(infoId, sn);
      if (this.inspectionSn.size > REQUESTS_REMEMBERED_MAX)
        this.inspectionSn.delete(this.inspectionSn.keys().next().value as number);
      handled = sink.inspection({ objectType, objectId, infoId, text });
    } else if (dataType === WARNING_NOTICE.tip || dataType === WARNING_NOTICE.exchange) {
      const notice = decodeAlarmInfo2019(data, `0x${dataType.toString(16)}`);
      if (!notice.ok) return refuse(notice.detail);
      const { warnType, warnTime, info, plate, plateColor } = notice.value;
      handled = sink.warning({
        // 2019 names the raising platform instead of a WARN_SRC: 0, none.
        warnSource: 0,
        warnType,
        warnTime,
        content: info,
        kind: dataType === WARNING_NOTICE.tip ? 'tip' : 'exchange',
        plate,
        plateColor,
      });
    } else if (dataType === SUPERVISION.request) {
      const request = decodeSupervisionRequest2019(data);
      if (!request.ok) return refuse(request.detail);
      const r = request.value;
      handled = sink.supervision({
        warnSource: 0,
        warnType: 0,
        warnTime: r.warnTime,
        supervisionId: sn,
        endTime: r.endTime,
        level: r.level,
        supervisor: r.supervisor,
        tel: r.tel,
        email: r.email,
        // The 2019 督办 names no vehicle: it points at an alarm report by SOURCE_MSG_SN.
        plate: '',
        plateColor: 0,
      });
    } else return;
    handled?.catch((error: unknown) =>
      this.deps.logger.error('jt809 upward request not recorded', { target: this.target, error: String(error) }),
    );
  }

  /** 0x9600/0x9601 → 0x1600/0x1601 with the vehicle's registration; a vehicle the registry does not know is not answered. */
  private onStaticRequest(body: Buffer, sn: number): void {
    const envelope = decodeEnvelope(body);
    const answered = (result: string) =>
      this.deps.metrics
        .counter('vigil_jt809_upward_static_requests_total', 'Static data requests (0x9601) of the upper platform', [
          'result',
        ])
        .inc({ result });
    if (!envelope.ok) return answered('bad_request');
    const { plate, plateColor, dataType } = envelope.value;
    if (dataType !== STATIC_INFO.request || this.staticInfo === undefined) return answered('not_handled');
    this.staticInfo(plate, plateColor)
      .then((info) => {
        if (info === undefined) {
          this.deps.logger.info('jt809 upward static request for a vehicle not in the registry', { plate, plateColor });
          return answered('unknown_vehicle');
        }
        if (!this.sendable()) return answered('link_down');
        this.write(
          STATIC_MSG.exchangeUp,
          encodeVehicleEnvelope(
            plate,
            plateColor,
            STATIC_INFO.answer,
            // 2019 puts the request's sub-type and frame SN before CAR_INFO.
            this.options.edition === 2019 ? encodeStaticInfoAnswer2019(sn, encodeCarInfo(info)) : encodeCarInfo(info),
          ),
        );
        answered('sent');
      })
      .catch((error: unknown) => {
        this.deps.logger.error('jt809 upward static request failed', { plate, error: String(error) });
        answered('lookup_failed');
      });
  }

  private fail(socket: net.Socket, why: string): void {
    if (socket !== this.socket || this.stateNow === 'stopped') return;
    this.socket = undefined;
    this.verifyCodeNow = undefined;
    // The down link lives with the main link: its login's verify code is void now.
    this.downLink?.dropSessions('the main link to the upper platform is down');
    clearTimeout(this.timer);
    clearInterval(this.keepAliveTimer);
    socket.destroy();
    this.counter('vigil_jt809_upward_failures_total', 'Upper-platform link attempts failed or links lost').inc();
    this.deps.logger.warn('jt809 upward link down', { target: this.target, why, retry_ms: this.backoffMs });
    this.stateNow = 'backoff';
    this.timer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.backoffMaxMs);
  }

  private write(msgId: number, body: Buffer): void {
    this.socket?.write(this.frame(msgId, body));
  }

  /** A frame of the upper platform, on either link: its CRC, cipher and edition are the main link's. */
  private parse(raw: Buffer): Parsed<Jt809Frame> {
    return parseFrame(raw, {
      crc: this.options.crc,
      checksum: 'strict',
      keysOf: () => this.options.keys,
      edition: this.options.edition,
    });
  }

  /** A frame to the upper platform, on either link: one sequence, the main link's access code, keys and edition. */
  private frame(msgId: number, body: Buffer): Buffer {
    this.sn = (this.sn + 1) >>> 0;
    const keys = this.options.keys;
    return buildFrame(body, {
      sn: this.sn,
      msgId,
      accessCode: this.options.accessCode,
      crc: this.options.crc,
      edition: this.options.edition,
      version: this.options.version,
      // A fresh seed per frame, as the standard's ENCRYPT_KEY allows.
      cipher: keys ? { keys, encryptKey: (Math.random() * 0xffffffff) >>> 0 } : undefined,
    });
  }

  private dropped(reason: string): void {
    this.deps.metrics
      .counter('vigil_jt809_upward_dropped_total', 'Reports not sent to the upper platform, by reason', ['reason'])
      .inc({ reason });
  }

  private counter(name: string, help: string) {
    return this.deps.metrics.counter(name, help, []);
  }
}

/** The IPv4 address of the main link's own end, as 0x1001's DOWN_LINK_IP; 0.0.0.0 when unknown (IPv6 has no room). */
function localIpv4(socket: net.Socket | undefined): string {
  const address = socket?.localAddress?.replace(/^::ffff:/, '') ?? '';
  return net.isIPv4(address) ? address : '0.0.0.0';
}
