/**
 * The terminal link of a centre that holds no terminal session (a node split into roles): a command goes to the
 * Kafka topic `vigil.commands` keyed by terminal, and the gateway holding the session carries it out and answers on
 * `vigil.command-answers` (ingest's `DownlinkRelay`). No gateway accepting within `acceptTimeoutMs` means that no
 * gateway holds a session of the terminal: `terminal_offline`, as the whole node answers at once.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../schema/index.js';
import { DOWNLINK_TOPICS, type Consumer, type EventLog } from '../../stream/index.js';
import {
  DownlinkError,
  reviveBuffers,
  type CommandAnswer,
  type DownlinkReply,
  type DownlinkRequest,
  type Jt808Message,
} from '../../ingest/index.js';
import type { TerminalLink } from './terminal-commands.js';

export interface RemoteTerminalLinkOptions {
  /** How long the gateway holding the session has to say it took the command. */
  acceptTimeoutMs: number;
  /** How long the terminal has to answer once a gateway took the command (the gateways' own downlink timeout). */
  answerTimeoutMs: number;
  /** Commands awaiting an answer at once; beyond, `downlink_busy`. */
  pendingMax: number;
}

export const REMOTE_TERMINAL_LINK_DEFAULTS = {
  acceptTimeoutMs: 3_000,
  pendingMax: 1_000,
} as const;

interface Waiting {
  onReply(reply: DownlinkReply): void;
}

const POLL_RECORDS_MAX = 500;
const POLL_WAIT_MS = 200;

export class RemoteTerminalLink implements TerminalLink {
  private consumer: Consumer<DownlinkReply> | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly deps: { log: EventLog; logger: Logger },
    private readonly options: RemoteTerminalLinkOptions,
  ) {}

  /** Tails the answers topic from its end; resolves once every answer sent afterwards will be seen. */
  async start(): Promise<void> {
    if (!this.deps.log.tail) throw new Error('a remote terminal link needs a log that can be tailed (Kafka)');
    this.consumer = await this.deps.log.tail<DownlinkReply>(DOWNLINK_TOPICS.answers);
    this.running = true;
    this.loop = this.run(this.consumer);
  }

  private async run(consumer: Consumer<DownlinkReply>): Promise<void> {
    while (this.running) {
      try {
        for (const { value } of await consumer.poll(POLL_RECORDS_MAX, POLL_WAIT_MS))
          this.waiting.get(value.request_id)?.onReply(reviveBuffers(value));
      } catch (error) {
        this.deps.logger.error('reading downlink answers failed', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Which gateway, if any, holds the session is learnt by asking them: every terminal number may be live. */
  livePhone(terminalNumber: string): string | undefined {
    return terminalNumber;
  }

  async sendCommand(phone: string, message: Jt808Message): Promise<CommandAnswer> {
    if (!this.running) throw new DownlinkError('terminal_offline', 'the centre is not connected to the gateways');
    if (this.waiting.size >= this.options.pendingMax)
      throw new DownlinkError(
        'downlink_busy',
        `${this.waiting.size} commands await an answer from the gateways, max ${this.options.pendingMax}`,
      );
    const { acceptTimeoutMs, answerTimeoutMs } = this.options;
    const request: DownlinkRequest = {
      request_id: randomUUID(),
      phone,
      message,
      expires_at: Date.now() + acceptTimeoutMs,
    };
    return new Promise<CommandAnswer>((resolve, reject) => {
      let accepted = false;
      const finish = (outcome: () => void): void => {
        clearTimeout(timer);
        this.waiting.delete(request.request_id);
        outcome();
      };
      let timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new DownlinkError(
                'terminal_offline',
                `no gateway holds a session of terminal ${phone} (none took the command within ${acceptTimeoutMs} ms)`,
              ),
            ),
          ),
        acceptTimeoutMs,
      );
      this.waiting.set(request.request_id, {
        onReply: (reply) => {
          if (reply.kind === 'accepted') {
            // A second gateway with a stale session of the same terminal may accept too: the first one counts.
            if (accepted) return;
            accepted = true;
            clearTimeout(timer);
            timer = setTimeout(
              () =>
                finish(() =>
                  reject(
                    new DownlinkError(
                      'terminal_timeout',
                      `terminal ${phone} did not answer through gateway ${reply.gateway} within ${answerTimeoutMs} ms`,
                    ),
                  ),
                ),
              answerTimeoutMs,
            );
          } else if (reply.kind === 'answered') finish(() => resolve(reply.answer));
          else finish(() => reject(new DownlinkError(reply.reason, reply.detail)));
        },
      });
      this.deps.log
        .producer()
        .send(DOWNLINK_TOPICS.commands, [{ key: phone, value: request }])
        .catch((error: unknown) =>
          finish(() =>
            reject(
              new DownlinkError('downlink_busy', `the command could not be sent to the gateways: ${String(error)}`),
            ),
          ),
        );
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.loop;
    this.consumer?.close();
  }
}
