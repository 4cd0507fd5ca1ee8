/**
 * Desk changes across the centre nodes of a cluster. A handler's step (签收, 派单, a work order's event) and an
 * alarm-state change the node's intake stored are pushed at once to the consoles of the node where they happened;
 * the relay sends each to the Kafka topic `vigil.center-changes` too, keyed by the case or order, and every centre
 * node tails that topic and pushes the changes of the others to its own consoles, scoped the same way. So a console
 * on hall-b sees hall-a's 签收 live, as the alarms themselves reach every node's feed through Kafka.
 *
 * Kafka rather than PostgreSQL's LISTEN/NOTIFY: every centre node of a cluster already tails Kafka topics (the
 * downlink answers), a change may exceed NOTIFY's 8,000-byte payload (an alarm case with its details), and the
 * feed hub's other inputs come from Kafka. The change is durable in PostgreSQL before it is relayed; the relay is
 * only the push. A change relayed while a node is down or restarting is not pushed there: the node's consoles load
 * the queue and the case when they (re)connect, as before.
 */
import type { Logger, Metrics } from '../schema/index.js';
import { CENTRE_TOPICS, type Consumer, type EventLog } from '../stream/index.js';
import type { CenterChange } from './work-orders/work-order-store.js';

/** What goes on the topic: the change and the node it happened on (which has pushed it already). */
export interface RelayedChange {
  node: string;
  change: CenterChange;
}

const POLL_RECORDS_MAX = 500;
const POLL_WAIT_MS = 200;
const RETRY_AFTER_MS = 1_000;

export class CentreChangeRelay {
  private consumer: Consumer<RelayedChange> | undefined;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly counted;

  constructor(private readonly deps: { log: EventLog; nodeId: string; logger: Logger; metrics: Metrics }) {
    this.counted = deps.metrics.counter(
      'vigil_center_changes_relayed_total',
      'Desk changes sent to the other centre nodes (sent, send_failed) and theirs pushed to this node (shown)',
      ['outcome'],
    );
  }

  /** Tails the topic from its end; every change sent by another node afterwards is handed to `show`. */
  async start(show: (change: CenterChange) => void): Promise<void> {
    if (!this.deps.log.tail) throw new Error('relaying desk changes between centre nodes needs Kafka');
    this.consumer = await this.deps.log.tail<RelayedChange>(CENTRE_TOPICS.changes);
    this.running = true;
    this.loop = this.run(this.consumer, show);
  }

  /** Sends a change of this node to the others; a failed send is logged (its consoles see it on reload). */
  share(change: CenterChange): void {
    const key = change.kind === 'alarm' ? change.alarm.alarm_id : `work-order/${change.order.id}`;
    const value: RelayedChange = { node: this.deps.nodeId, change };
    this.deps.log
      .producer()
      .send(CENTRE_TOPICS.changes, [{ key, value }])
      .then(
        () => this.counted.inc({ outcome: 'sent' }),
        (error: unknown) => {
          this.counted.inc({ outcome: 'send_failed' });
          this.deps.logger.warn('a desk change could not be relayed to the other centre nodes', {
            key,
            error: String(error),
          });
        },
      );
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.consumer?.close();
  }

  private async run(consumer: Consumer<RelayedChange>, show: (change: CenterChange) => void): Promise<void> {
    while (this.running) {
      try {
        for (const { value } of await consumer.poll(POLL_RECORDS_MAX, POLL_WAIT_MS)) {
          // This node pushed its own changes when they happened.
          if (value.node === this.deps.nodeId) continue;
          show(value.change);
          this.counted.inc({ outcome: 'shown' });
        }
      } catch (error) {
        this.deps.logger.error('reading the desk changes of the other centre nodes failed', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
      }
    }
  }
}
