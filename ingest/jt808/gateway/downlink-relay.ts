/**
 * Downlink commands across processes. When the node is split into roles, the centre that takes
 * `POST /api/terminals/:id/commands` holds no terminal session: it sends the command to the Kafka topic
 * `vigil.commands`, keyed by terminal. Every gateway tails that topic; the one holding the terminal's session says
 * so at once on `vigil.command-answers` (`accepted`), sends the command and answers with the terminal's answer or
 * the named failure. Gateways that do not hold the session stay silent, so "no gateway accepted in time" is how
 * the centre learns that the terminal is offline.
 *
 * Records travel as JSON: the Buffers of a message (parameter values, raw bodies) come back with `reviveBuffers`.
 */
import type { Logger, Metrics } from '../../../schema/index.js';
import { DOWNLINK_TOPICS, type Consumer, type EventLog } from '../../../stream/index.js';
import type { Jt808Message } from '../codec/index.js';
import type { CommandAnswer } from './connection.js';
import { DownlinkError, type DownlinkFailure } from './downlink-error.js';

/** A command for the gateway holding `phone`'s session; nobody acts on it after `expires_at` (epoch ms). */
export interface DownlinkRequest {
  request_id: string;
  phone: string;
  message: Jt808Message;
  expires_at: number;
}

/** What a gateway holding the session answers about a request, in this order: accepted, then answered or failed. */
export type DownlinkReply = { request_id: string; gateway: string } & (
  | { kind: 'accepted' }
  | { kind: 'answered'; answer: CommandAnswer }
  | { kind: 'failed'; reason: DownlinkFailure; detail: string }
);

/** JSON turns a Buffer into `{type: 'Buffer', data: [...]}`; this turns it back, anywhere in `value`. */
export function reviveBuffers<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reviveBuffers(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record.type === 'Buffer' && Array.isArray(record.data) && Object.keys(record).length === 2)
    return Buffer.from(record.data as number[]) as T;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, reviveBuffers(v)])) as T;
}

export interface DownlinkRelayDeps {
  log: EventLog;
  gateway: {
    livePhone(terminalNumber: string): string | undefined;
    sendCommand(phone: string, message: Jt808Message): Promise<CommandAnswer>;
  };
  /** Names this gateway in its answers (its host and ports), for the centre's log. */
  gatewayId: string;
  logger: Logger;
  metrics: Metrics;
}

const POLL_RECORDS_MAX = 500;
const POLL_WAIT_MS = 200;

export class DownlinkRelay {
  private consumer: Consumer<DownlinkRequest> | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: DownlinkRelayDeps) {}

  /** Tails the commands topic from its end: resolves once every command sent afterwards will be seen. */
  async start(): Promise<void> {
    if (!this.deps.log.tail) throw new Error('the downlink relay needs a log that can be tailed (Kafka)');
    this.consumer = await this.deps.log.tail<DownlinkRequest>(DOWNLINK_TOPICS.commands);
    this.running = true;
    this.loop = this.run(this.consumer);
  }

  private async run(consumer: Consumer<DownlinkRequest>): Promise<void> {
    while (this.running) {
      let records;
      try {
        records = await consumer.poll(POLL_RECORDS_MAX, POLL_WAIT_MS);
      } catch (error) {
        this.deps.logger.error('reading downlink commands failed', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      for (const { value } of records) this.take(reviveBuffers(value));
    }
  }

  /** Carries out a command for a terminal whose session this gateway holds; ignores the others. */
  private take(request: DownlinkRequest): void {
    const phone = this.deps.gateway.livePhone(request.phone);
    if (phone === undefined || request.expires_at < Date.now()) return;
    this.deps.metrics
      .counter('vigil_downlink_relayed_total', 'Commands from the centre carried out by this gateway')
      .inc();
    const work = this.answer(request, phone).finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  private async answer(request: DownlinkRequest, phone: string): Promise<void> {
    const base = { request_id: request.request_id, gateway: this.deps.gatewayId };
    await this.reply({ ...base, kind: 'accepted' });
    let reply: DownlinkReply;
    try {
      reply = { ...base, kind: 'answered', answer: await this.deps.gateway.sendCommand(phone, request.message) };
    } catch (error) {
      reply =
        error instanceof DownlinkError
          ? { ...base, kind: 'failed', reason: error.reason, detail: error.message }
          : { ...base, kind: 'failed', reason: 'terminal_disconnected', detail: String(error) };
    }
    await this.reply(reply);
  }

  private async reply(reply: DownlinkReply): Promise<void> {
    try {
      await this.deps.log.producer().send(DOWNLINK_TOPICS.answers, [{ key: reply.request_id, value: reply }]);
    } catch (error) {
      // The centre times out and says so; the command itself may have reached the terminal.
      this.deps.logger.error('answering a downlink command failed', {
        request_id: reply.request_id,
        error: String(error),
      });
    }
  }

  /** Stops taking commands; those under way get their answers sent first. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    await Promise.all([...this.pending]);
    this.consumer?.close();
  }
}
