/** The work-order board: one column per state, each card with its deadline; overdue cards are marked. */
import type { FeedWorkOrder } from '../../../schema/feed.js';
import { shanghaiClock, shanghaiDate } from '../i18n/shanghai-time.js';
import type { ConsoleMessages } from './console-messages.js';

const BOARD_STATES: readonly FeedWorkOrder['state'][] = [
  'issued',
  'signed',
  'in_progress',
  'feedback_submitted',
  'returned',
  'accepted',
];

export interface WorkOrderBoardProps {
  orders: readonly FeedWorkOrder[] | null;
  available: boolean;
  now: number;
  messages: ConsoleMessages;
  places: ReadonlyMap<string, string>;
}

/** Overdue as the server says, or past the deadline and not yet accepted by the time the board is drawn. */
export function isOverdue(order: FeedWorkOrder, now: number): boolean {
  return order.overdue || (order.state !== 'accepted' && order.deadline_at < now);
}

export function WorkOrderBoard({ orders, available, now, messages, places }: WorkOrderBoardProps) {
  if (!available) return <p className="console-notice">{messages.handlingUnavailable}</p>;
  const all = orders ?? [];
  return (
    <div className="order-board" data-testid="order-board">
      {all.length === 0 ? <p className="console-empty">{messages.ordersEmpty}</p> : null}
      {BOARD_STATES.map((state) => {
        const inState = all.filter((o) => o.state === state);
        return (
          <section key={state} className="order-column" data-state={state}>
            <h3>
              {messages.stateNames[state] ?? state} <span className="order-count">{inState.length}</span>
            </h3>
            {inState.map((order) => {
              const overdue = isOverdue(order, now);
              return (
                <article
                  key={order.id}
                  className={`order-card${overdue ? ' order-overdue' : ''}`}
                  data-testid="order-card"
                  data-order-id={order.id}
                  data-alarm-id={order.alarm_id ?? ''}
                >
                  <div className="order-title">
                    #{order.id} {order.title}
                  </div>
                  <div className="order-meta">
                    {messages.columns.unit}: {places.get(order.org_code) ?? order.org_code}
                  </div>
                  <div className="order-meta">
                    {messages.columns.deadline}: {shanghaiDate(order.deadline_at)} {shanghaiClock(order.deadline_at)}
                    {overdue ? (
                      <span className="tag-overdue" data-testid="overdue">
                        {messages.overdue}
                      </span>
                    ) : null}
                  </div>
                </article>
              );
            })}
          </section>
        );
      })}
    </div>
  );
}
