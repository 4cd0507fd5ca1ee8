/**
 * Work orders on screen for everyone who handles them: a list by deadline (what is assigned to the unit, what it
 * issued, what is overdue or was escalated (督办) to it), the selected order's detail and timeline beside it,
 * and 下发工单 for dispatchers and leaders. Enterprises get the same page limited to their own orders.
 */
import { useCallback, useEffect, useState } from 'react';
import type { WorkOrderListAnswer, WorkOrderListRow } from '../../../schema/handling.js';
import { named } from './console-messages.js';
import { errorSentence } from './error-text.js';
import { IssueOrderDialog } from './issue-order-dialog.js';
import { categoryName, DeadlineText, OrderDetailPanel } from './order-detail.js';
import { useNow } from './use-now.js';
import { useWorkspace } from './workspace-context.js';

export type OrderView = 'open' | 'mine' | 'issued' | 'overdue' | 'escalated' | 'all';
const STAFF_VIEWS: readonly OrderView[] = ['open', 'mine', 'issued', 'overdue', 'escalated', 'all'];
const ENTERPRISE_VIEWS: readonly OrderView[] = ['open', 'all'];
const OPEN_STATES = 'issued,signed,in_progress,feedback_submitted,returned';
export const ORDER_PAGE_ROWS = 50;
const ORDER_REFRESH_MS = 5_000;

export function orderViewParams(view: OrderView): URLSearchParams {
  const params = new URLSearchParams({ sort: view === 'all' ? 'id' : 'deadline' });
  if (view !== 'all' && view !== 'overdue') params.set('state', OPEN_STATES);
  if (view === 'mine') params.set('assignee', 'mine');
  if (view === 'issued') params.set('assignee', 'issued');
  if (view === 'overdue') params.set('overdue', 'true');
  if (view === 'escalated') params.set('escalated', 'true');
  return params;
}

export function WorkOrdersPage({ refreshNo, enterprise = false }: { refreshNo: number; enterprise?: boolean }) {
  const ws = useWorkspace();
  const { m } = ws;
  const now = useNow(1_000);
  const [view, setView] = useState<OrderView>('open');
  const [answer, setAnswer] = useState<WorkOrderListAnswer | null>(null);
  const [rowsWanted, setRowsWanted] = useState(ORDER_PAGE_ROWS);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [issuing, setIssuing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [changedNo, setChangedNo] = useState(0);

  const load = useCallback(async () => {
    const params = orderViewParams(view);
    params.set('limit', String(rowsWanted));
    try {
      const next = await ws.api.get<WorkOrderListAnswer>(`/api/work-orders?${params}`);
      setAnswer(next);
      setError(null);
      // An order that leaves the list (accepted, transferred away) stays open beside it until another is chosen.
      setSelectedId((current) => current ?? next.work_orders[0]?.id ?? null);
    } catch (failure) {
      setError(errorSentence(failure, m));
    }
  }, [ws.api, view, rowsWanted, m]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), ORDER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, refreshNo, changedNo]);

  const orders = answer?.work_orders ?? [];
  const selected = orders.find((o) => o.id === selectedId);
  const views = enterprise ? ENTERPRISE_VIEWS : STAFF_VIEWS;
  return (
    <div className="queue-layout">
      <section className="queue-main">
        <div className="queue-filters">
          <div className="console-segmented" role="tablist">
            {views.map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={view === v}
                className={view === v ? 'segment-active' : ''}
                data-testid={`orders-view-${v}`}
                onClick={() => {
                  setView(v);
                  setRowsWanted(ORDER_PAGE_ROWS);
                }}
              >
                {m.orders.views[v]}
                {v === 'overdue' && (answer?.counts.overdue ?? 0) > 0 && view !== 'overdue' ? ' !' : ''}
              </button>
            ))}
          </div>
          <span className="queue-total" data-testid="orders-total">
            {answer !== null ? m.queue.range(orders.length === 0 ? 0 : 1, orders.length, answer.total) : ''}
            {answer !== null && answer.counts.overdue > 0 ? (
              <span className="deadline-overdue">
                {' '}
                · {m.orders.overdue} {answer.counts.overdue}
              </span>
            ) : null}
          </span>
          {ws.abilities?.issue_work_orders ? (
            <button type="button" className="primary" data-testid="issue-order" onClick={() => setIssuing(true)}>
              {m.orders.issue}
            </button>
          ) : null}
        </div>
        {error !== null ? <p className="console-error">{error}</p> : null}
        <div className="queue-table-wrap">
          <table className="console-table orders-table" data-testid="order-list">
            <thead>
              <tr>
                <th>{m.orders.columns.id}</th>
                <th>{m.orders.columns.title}</th>
                <th>{m.orders.columns.assignee}</th>
                <th>{m.orders.columns.state}</th>
                <th>{m.orders.columns.deadline}</th>
              </tr>
            </thead>
            <tbody>
              {answer !== null && orders.length === 0 ? (
                <tr>
                  <td colSpan={5} className="console-empty">
                    {m.orders.empty}
                  </td>
                </tr>
              ) : null}
              {orders.map((order) => (
                <OrderRow
                  key={order.id}
                  order={order}
                  now={now}
                  selected={order.id === selectedId}
                  onSelect={() => setSelectedId(order.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
        {answer?.next ? (
          <div className="queue-pager">
            <button type="button" onClick={() => setRowsWanted((n) => n + ORDER_PAGE_ROWS)}>
              {m.queue.next}
            </button>
          </div>
        ) : null}
      </section>
      <section className="queue-side">
        {selectedId !== null ? (
          <OrderDetailPanel
            orderId={selectedId}
            version={selected?.updated_at ?? answer?.as_of ?? 0}
            onChanged={() => setChangedNo((n) => n + 1)}
          />
        ) : (
          <p className="console-dim">{m.orders.selectHint}</p>
        )}
      </section>
      {issuing ? (
        <IssueOrderDialog
          onClose={() => setIssuing(false)}
          onDone={(order) => {
            setIssuing(false);
            setSelectedId(order.id);
            setChangedNo((n) => n + 1);
            ws.toast(`${m.orders.issue} #${order.id}`);
          }}
        />
      ) : null}
    </div>
  );
}

function OrderRow({
  order,
  now,
  selected,
  onSelect,
}: {
  order: WorkOrderListRow;
  now: number;
  selected: boolean;
  onSelect: () => void;
}) {
  const ws = useWorkspace();
  const { m } = ws;
  const overdue = order.state !== 'accepted' && (order.overdue || order.deadline_at <= now);
  return (
    <tr
      data-testid="order-row"
      data-order-id={order.id}
      data-alarm-id={order.alarm_id ?? ''}
      data-state={order.state}
      aria-selected={selected}
      className={`severity-${order.severity}${selected ? ' row-selected' : ''}${overdue ? ' row-overdue' : ''}`}
      onClick={onSelect}
    >
      <td>#{order.id}</td>
      <td>
        <div className="order-title">{order.title}</div>
        <div className="console-dim">
          {categoryName(order.category, ws)} · {m.orders.sources[order.source]} · {ws.placeName(order.issuer_org)}
        </div>
      </td>
      <td>
        <div>{ws.placeName(order.org_code)}</div>
        <div className="console-dim">{ws.departmentName(order.department)}</div>
      </td>
      <td>
        <div>{named(m.stateNames, order.state)}</div>
        {order.actions.length > 0 ? (
          <div className="order-todo">
            {order.actions
              .filter((a) => a !== 'comment' && a !== 'review')
              .map((a) => named(m.orderActions, a))
              .join(' · ')}
          </div>
        ) : null}
      </td>
      <td>
        <DeadlineText order={order} now={now} />
        {overdue ? (
          <div>
            <span className="marker marker-overdue" data-testid="overdue">
              {m.orders.overdue}
            </span>
            {order.urged_at !== null ? <span className="marker marker-escalated">{m.orderActions.urge}</span> : null}
          </div>
        ) : null}
      </td>
    </tr>
  );
}
