/**
 * The alarm queue a duty officer works a shift from. The server pages, filters, counts and sorts it by urgency
 * (unhandled before taken, critical first, longest waiting first) and says which steps the officer may take on
 * each row; the console only shows that. The rows on screen stay where they are: a refresh updates them in
 * place (a row someone else took shows who), and alarms that arrived since the page was loaded are announced in
 * a bar ("3 条新报警") rather than pushed in under the pointer. Keyboard: j/k, a, d, x, v, n, [ ], ?.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FeedAlarmCase } from '../../../schema/feed.js';
import type { AlarmCounts, AlarmHandlingAction, AlarmListAnswer, AlarmQueueRow } from '../../../schema/handling.js';
import { KNOWN_RULES, ruleName } from '../i18n/rule-names.js';
import { AlarmDetail } from './alarm-detail.js';
import { DismissDialog, DispatchDialog } from './alarm-dialogs.js';
import { named } from './console-messages.js';
import { chinaDateTime, durationText } from './console-time.js';
import { errorSentence } from './error-text.js';
import { Modal } from './modal.js';
import {
  DEFAULT_FILTERS,
  QUEUE_PAGE_ROWS,
  queueParams,
  viewStates,
  type QueueFilters,
  type QueueView,
  type QueueWindow,
} from './queue-query.js';
import { useNow } from './use-now.js';
import { useWorkspace } from './workspace-context.js';

/** Newest arrivals named in the bar at most. */
const ARRIVALS_SHOWN_MAX = 5;
const VIEWS: readonly QueueView[] = ['open', 'new', 'acknowledged', 'escalated', 'all'];
const ENTERPRISE_VIEWS: readonly QueueView[] = ['open', 'all'];
const WINDOWS: readonly QueueWindow[] = ['all', '1h', 'today', '24h', '7d'];
const SEVERITY_ICONS: Readonly<Record<string, string>> = { critical: '⚠', warning: '▲', info: 'ℹ' };

interface PageState {
  rows: AlarmQueueRow[];
  /** Rows that no longer come back from the server (out of scope now). */
  missing: ReadonlySet<string>;
  /** The `after` cursor each page so far was loaded with (null for the first). */
  cursors: (string | null)[];
  next: string | null;
  /** Server time of the load: alarms received after it are "new" arrivals. */
  snapshotAt: number;
}

interface LiveCounts {
  total: number;
  counts: AlarmCounts;
  arrived: number;
  arrivals: AlarmQueueRow[];
}

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return element !== null && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
}

export function AlarmQueue({
  refreshNo,
  refreshMs,
  enterprise = false,
}: {
  refreshNo: number;
  /** How often the rows on screen and the counts are re-read besides the feed's changes (list-refresh.ts). */
  refreshMs: number;
  enterprise?: boolean;
}) {
  const ws = useWorkspace();
  const { api, m, lang } = ws;
  const now = useNow(1_000);
  const [filters, setFilters] = useState<QueueFilters>(DEFAULT_FILTERS);
  const [plateInput, setPlateInput] = useState('');
  const [page, setPage] = useState<PageState | null>(null);
  const [live, setLive] = useState<LiveCounts | null>(null);
  const [departments, setDepartments] = useState<{ code: string; name: string }[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<{ kind: 'dispatch' | 'dismiss'; alarm: AlarmQueueRow } | null>(null);
  const [help, setHelp] = useState(false);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const pageRef = useRef<PageState | null>(null);
  pageRef.current = page;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const tableRef = useRef<HTMLTableSectionElement>(null);
  /** Pages loaded, and refreshes started: only the newest refresh of the page on screen may change it. */
  const pagesLoaded = useRef(0);
  const refreshesStarted = useRef(0);

  const load = useCallback(
    async (cursors: (string | null)[]) => {
      const after = cursors[cursors.length - 1];
      const params = queueParams(filtersRef.current, Date.now());
      params.set('limit', String(QUEUE_PAGE_ROWS));
      if (after !== null) params.set('after', after);
      try {
        const answer = await api.get<AlarmListAnswer>(`/api/alarms?${params}`);
        pagesLoaded.current += 1;
        setPage({ rows: answer.alarms, missing: new Set(), cursors, next: answer.next, snapshotAt: answer.as_of });
        setLive({ total: answer.total, counts: answer.counts, arrived: 0, arrivals: [] });
        setError(null);
        setSelectedId((current) =>
          current !== null && answer.alarms.some((a) => a.alarm_id === current)
            ? current
            : (answer.alarms[0]?.alarm_id ?? null),
        );
      } catch (failure) {
        setError(errorSentence(failure, m));
      }
    },
    [api, m],
  );

  /** Re-reads the rows on screen in place and the counts; never reorders or adds rows. */
  const refresh = useCallback(async () => {
    const current = pageRef.current;
    if (current === null) return;
    const pageNo = pagesLoaded.current;
    const asked = ++refreshesStarted.current;
    try {
      const ids = current.rows.map((r) => r.alarm_id);
      const params = queueParams(filtersRef.current, Date.now());
      params.set('limit', '1');
      params.set('since', String(current.snapshotAt));
      const [fresh, counts] = await Promise.all([
        ids.length === 0
          ? Promise.resolve(null)
          : api.get<AlarmListAnswer>(`/api/alarms?ids=${ids.map(encodeURIComponent).join(',')}&limit=${ids.length}`),
        api.get<AlarmListAnswer>(`/api/alarms?${params}`),
      ]);
      let arrivals: AlarmQueueRow[] = [];
      if ((counts.arrived_since ?? 0) > 0) {
        const newest = queueParams(filtersRef.current, Date.now());
        newest.set('sort', 'received');
        newest.set('from', String(Math.max(current.snapshotAt + 1, Number(newest.get('from') ?? 0))));
        newest.set('limit', String(ARRIVALS_SHOWN_MAX));
        arrivals = (await api.get<AlarmListAnswer>(`/api/alarms?${newest}`)).alarms;
      }
      // Refreshes overlap when the feed reports changes in a burst; their answers may come back in any order. The
      // newest one asked has the newest counts: an older one answering last would show stale counts until the next
      // timed refresh, which is long while the feed is live.
      const shown = pageRef.current;
      if (shown === null || pagesLoaded.current !== pageNo || refreshesStarted.current !== asked) return;
      if (fresh !== null) {
        const byId = new Map(fresh.alarms.map((a) => [a.alarm_id, a]));
        setPage({
          ...shown,
          rows: shown.rows.map((r) => byId.get(r.alarm_id) ?? r),
          missing: new Set(ids.filter((id) => !byId.has(id))),
        });
      }
      setLive({ total: counts.total, counts: counts.counts, arrived: counts.arrived_since ?? 0, arrivals });
      setError(null);
    } catch (failure) {
      setError(errorSentence(failure, m));
    }
  }, [api, m]);

  useEffect(() => {
    void load([null]);
  }, [load, filters]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), refreshMs);
    return () => clearInterval(timer);
  }, [refresh, refreshNo, refreshMs]);

  useEffect(() => {
    if (filters.org_code === '') {
      setDepartments([]);
      return;
    }
    ws.departmentsOf(filters.org_code)
      .then(setDepartments)
      .catch(() => setDepartments([]));
  }, [ws, filters.org_code]);

  const rows = page?.rows ?? [];
  const selected = rows.find((r) => r.alarm_id === selectedId) ?? null;
  const states = viewStates(filters.view);
  const inQueue = (row: AlarmQueueRow) =>
    !page?.missing.has(row.alarm_id) && (states === null || states.includes(row.state));

  const act = useCallback(
    async (row: AlarmQueueRow, action: AlarmHandlingAction) => {
      if (!row.actions.includes(action)) return;
      if (action === 'dispatch' || action === 'dismiss') {
        setDialog({ kind: action, alarm: row });
        return;
      }
      setBusy((b) => new Set(b).add(row.alarm_id));
      try {
        await api.post<FeedAlarmCase>(`/api/alarms/${encodeURIComponent(row.alarm_id)}/${action}`);
        ws.toast(`${m.queue.done[action]} · ${ruleName(row.rule, lang)} ${row.plate}`);
      } catch (failure) {
        ws.toast(errorSentence(failure, m), 'error');
      } finally {
        setBusy((b) => {
          const next = new Set(b);
          next.delete(row.alarm_id);
          return next;
        });
        await refresh();
      }
    },
    [api, ws, m, lang, refresh],
  );

  const dialogDone = (result: FeedAlarmCase) => {
    const kind = dialog?.kind ?? 'dispatch';
    setDialog(null);
    ws.toast(
      kind === 'dispatch' && result.work_order_id !== null
        ? m.dispatch.done(result.work_order_id)
        : `${m.queue.done[kind]} · ${ruleName(result.rule, lang)} ${result.plate}`,
    );
    void refresh();
  };

  const move = useCallback(
    (delta: number) => {
      if (rows.length === 0) return;
      const index = rows.findIndex((r) => r.alarm_id === selectedId);
      const next = Math.min(rows.length - 1, Math.max(0, index === -1 ? 0 : index + delta));
      setSelectedId(rows[next].alarm_id);
      tableRef.current
        ?.querySelector<HTMLElement>(`[data-alarm-id="${CSS.escape(rows[next].alarm_id)}"]`)
        ?.scrollIntoView({ block: 'nearest' });
    },
    [rows, selectedId],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialog !== null || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const key = event.key;
      if (key === '?') setHelp((h) => !h);
      else if (key === 'Escape') setHelp(false);
      else if (key === 'j' || key === 'ArrowDown') move(1);
      else if (key === 'k' || key === 'ArrowUp') move(-1);
      else if (key === 'n') void load([null]);
      else if (key === ']' && page?.next) void load([...page.cursors, page.next]);
      else if (key === '[' && page && page.cursors.length > 1) void load(page.cursors.slice(0, -1));
      else if (selected !== null && inQueue(selected)) {
        if (key === 'a') void act(selected, 'acknowledge');
        else if (key === 'd') void act(selected, 'dispatch');
        else if (key === 'x') void act(selected, 'dismiss');
        else if (key === 'v') ws.showVehicle(selected.terminal_id || selected.plate);
        else return;
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const set = (change: Partial<QueueFilters>) => setFilters((f) => ({ ...f, ...change }));
  const firstIndex = page === null ? 0 : (page.cursors.length - 1) * QUEUE_PAGE_ROWS;
  const total = live?.total ?? 0;
  const criticalTotal = (live?.counts.severity.critical ?? 0) as number;
  const rules = useMemo(() => KNOWN_RULES.concat('jt809_report'), []);
  const readOnly = ws.abilities !== null && !ws.abilities.handle_alarms && !enterprise;

  return (
    <div className="queue-layout">
      <section className="queue-main">
        {readOnly ? (
          <p className="console-notice" data-testid="read-only-notice">
            {m.readOnlyNotice(named(m.roleNames, ws.abilities!.role))}
          </p>
        ) : null}
        <div className="queue-filters" data-testid="queue-filters">
          <div className="console-segmented" role="tablist">
            {(enterprise ? ENTERPRISE_VIEWS : VIEWS).map((view) => (
              <button
                key={view}
                type="button"
                role="tab"
                aria-selected={filters.view === view}
                className={filters.view === view ? 'segment-active' : ''}
                data-testid={`view-${view}`}
                onClick={() =>
                  set({ view, window: view === 'all' && filters.window === 'all' ? '24h' : filters.window })
                }
              >
                {m.queue.views[view]}
              </button>
            ))}
          </div>
          <select
            data-testid="filter-severity"
            value={filters.severity}
            onChange={(e) => set({ severity: e.target.value })}
          >
            <option value="">{m.queue.anySeverity}</option>
            {['critical', 'warning', 'info'].map((s) => (
              <option key={s} value={s}>
                {named(m.severityNames, s)}
              </option>
            ))}
          </select>
          <select data-testid="filter-rule" value={filters.rule} onChange={(e) => set({ rule: e.target.value })}>
            <option value="">{m.queue.anyRule}</option>
            {rules.map((r) => (
              <option key={r} value={r}>
                {ruleName(r, lang)}
              </option>
            ))}
          </select>
          {ws.units.length > 1 ? (
            <select
              data-testid="filter-unit"
              value={filters.org_code}
              onChange={(e) => set({ org_code: e.target.value, department: '' })}
            >
              <option value="">{m.queue.anyUnit}</option>
              {ws.units.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.level === 'county' ? '　' : ''}
                  {u.name}
                </option>
              ))}
            </select>
          ) : null}
          <select
            data-testid="filter-department"
            value={filters.department}
            onChange={(e) => set({ department: e.target.value })}
          >
            <option value="">{m.queue.anyDepartment}</option>
            {(departments.length > 0
              ? departments
              : Object.keys(m.departmentNames).map((code) => ({ code, name: ws.departmentName(code) }))
            ).map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
          <select
            data-testid="filter-window"
            value={filters.window}
            onChange={(e) => set({ window: e.target.value as QueueWindow })}
          >
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {m.queue.windows[w]}
              </option>
            ))}
          </select>
          <form
            className="queue-plate"
            onSubmit={(e) => {
              e.preventDefault();
              set({ plate: plateInput });
            }}
          >
            <input
              data-testid="filter-plate"
              value={plateInput}
              placeholder={m.queue.platePlaceholder}
              maxLength={16}
              onChange={(e) => setPlateInput(e.target.value)}
              onBlur={() => plateInput !== filters.plate && set({ plate: plateInput })}
            />
          </form>
          <span className="queue-total" data-testid="queue-total" data-total={total}>
            {m.queue.total(total, criticalTotal)}
          </span>
          <button type="button" className="console-subtle" onClick={() => setHelp(true)}>
            {m.help.open}
          </button>
        </div>
        {live !== null && live.arrived > 0 ? (
          <div className="queue-arrivals" role="status" data-testid="arrivals-bar" data-arrived={live.arrived}>
            <strong>{m.queue.arrivals(live.arrived)}</strong>
            <span className="arrivals-list">
              {live.arrivals.map((a) => (
                <span key={a.alarm_id} className={`arrival severity-${a.severity}`}>
                  {SEVERITY_ICONS[a.severity] ?? ''} {ruleName(a.rule, lang)} {a.plate}
                </span>
              ))}
            </span>
            <button type="button" className="primary" data-testid="show-arrivals" onClick={() => void load([null])}>
              {m.queue.showArrivals} (n)
            </button>
          </div>
        ) : null}
        {error !== null ? (
          <p className="console-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="queue-table-wrap">
          <table className="console-table queue-table" data-testid="alarm-queue">
            <thead>
              <tr>
                <th>{m.queue.columns.severity}</th>
                <th>{m.queue.columns.received}</th>
                <th>{m.queue.columns.rule}</th>
                <th>{m.queue.columns.plate}</th>
                <th>{m.queue.columns.unit}</th>
                <th>{m.queue.columns.state}</th>
                <th>{m.queue.columns.markers}</th>
                <th>{m.queue.columns.actions}</th>
              </tr>
            </thead>
            <tbody ref={tableRef}>
              {page !== null && rows.length === 0 ? (
                <tr>
                  <td colSpan={8} className="console-empty">
                    {m.queue.empty}
                  </td>
                </tr>
              ) : null}
              {rows.map((row) => (
                <QueueRow
                  key={row.alarm_id}
                  row={row}
                  now={now}
                  selected={row.alarm_id === selectedId}
                  stillQueued={inQueue(row)}
                  busy={busy.has(row.alarm_id)}
                  onSelect={() => setSelectedId(row.alarm_id)}
                  onAct={(action) => void act(row, action)}
                />
              ))}
            </tbody>
          </table>
        </div>
        <div className="queue-pager">
          <span data-testid="queue-range">
            {rows.length > 0 ? m.queue.range(firstIndex + 1, firstIndex + rows.length, total) : ''}
          </span>
          <button
            type="button"
            data-testid="page-previous"
            disabled={page === null || page.cursors.length <= 1}
            onClick={() => page && void load(page.cursors.slice(0, -1))}
          >
            {m.queue.previous}
          </button>
          <button
            type="button"
            data-testid="page-next"
            disabled={page === null || page.next === null}
            onClick={() => page?.next && void load([...page.cursors, page.next])}
          >
            {m.queue.next}
          </button>
        </div>
      </section>
      <section className="queue-side">
        {selected !== null ? (
          <AlarmDetail alarm={selected}>
            <RowActions
              row={selected}
              stillQueued={inQueue(selected)}
              busy={busy.has(selected.alarm_id)}
              onAct={(a) => void act(selected, a)}
            />
          </AlarmDetail>
        ) : (
          <p className="console-dim">{m.queue.selectHint}</p>
        )}
      </section>
      {dialog?.kind === 'dispatch' ? (
        <DispatchDialog alarm={dialog.alarm} onClose={() => setDialog(null)} onDone={dialogDone} />
      ) : null}
      {dialog?.kind === 'dismiss' ? (
        <DismissDialog alarm={dialog.alarm} onClose={() => setDialog(null)} onDone={dialogDone} />
      ) : null}
      {help ? (
        <Modal title={m.help.title} onClose={() => setHelp(false)} closeLabel={m.close} testId="help-dialog">
          <dl className="console-keys">
            {m.help.keys.map(([keys, what]) => (
              <div key={keys}>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </Modal>
      ) : null}
    </div>
  );
}

function RowActions({
  row,
  stillQueued,
  busy,
  onAct,
}: {
  row: AlarmQueueRow;
  stillQueued: boolean;
  busy: boolean;
  onAct: (action: AlarmHandlingAction) => void;
}) {
  const { m } = useWorkspace();
  if (!stillQueued) return <span className="console-dim">{m.queue.leftQueue}</span>;
  return (
    <span className="console-actions">
      {row.actions.map((action) => (
        <button
          key={action}
          type="button"
          className={`action-${action}`}
          data-testid={action}
          disabled={busy}
          onClick={(e) => {
            e.stopPropagation();
            onAct(action);
          }}
        >
          {named(m.alarmActions, action)}
        </button>
      ))}
    </span>
  );
}

function QueueRow({
  row,
  now,
  selected,
  stillQueued,
  busy,
  onSelect,
  onAct,
}: {
  row: AlarmQueueRow;
  now: number;
  selected: boolean;
  stillQueued: boolean;
  busy: boolean;
  onSelect: () => void;
  onAct: (action: AlarmHandlingAction) => void;
}) {
  const ws = useWorkspace();
  const { m, lang } = ws;
  const waiting = row.state === 'new' || row.state === 'acknowledged';
  const heldByMe = row.acknowledged_by !== null && row.acknowledged_by === ws.session.user.username;
  return (
    <tr
      data-testid="queue-row"
      data-alarm-id={row.alarm_id}
      data-state={row.state}
      data-severity={row.severity}
      aria-selected={selected}
      className={`severity-${row.severity}${selected ? ' row-selected' : ''}${stillQueued ? '' : ' row-left'}`}
      onClick={onSelect}
    >
      <td className="cell-severity">
        <span className={`severity-badge severity-${row.severity}`}>
          <span aria-hidden="true">{SEVERITY_ICONS[row.severity] ?? ''}</span> {named(m.severityNames, row.severity)}
        </span>
      </td>
      <td className="cell-time">
        <div>{chinaDateTime(row.received_at, now)}</div>
        {waiting ? (
          <div className="console-dim">{m.queue.waited(durationText(now - row.received_at, lang))}</div>
        ) : null}
      </td>
      <td>{ruleName(row.rule, lang)}</td>
      <td>
        <button
          type="button"
          className="console-link"
          onClick={(e) => {
            e.stopPropagation();
            ws.showVehicle(row.terminal_id || row.plate);
          }}
        >
          {row.plate === '' ? row.terminal_id : row.plate}
        </button>
      </td>
      <td>
        <div>{ws.placeName(row.org_code)}</div>
        <div className="console-dim">{ws.departmentName(row.department)}</div>
      </td>
      <td data-testid="row-state">
        <div>{named(m.stateNames, row.state)}</div>
        {row.state === 'acknowledged' && row.acknowledged_by !== null ? (
          <div className="holder" data-testid="holder" title={row.acknowledged_by}>
            {heldByMe
              ? m.queue.heldByMe
              : m.queue.heldBy(
                  row.acknowledged_by_display ?? row.acknowledged_by,
                  chinaDateTime(row.acknowledged_at ?? 0, now),
                )}
          </div>
        ) : null}
      </td>
      <td className="cell-markers">
        <span
          className={`marker ${row.ended_at === null ? 'marker-ongoing' : 'marker-ended'}`}
          data-testid="marker-episode"
        >
          {row.ended_at === null ? m.queue.ongoing : m.queue.ended}
        </span>
        {row.late ? (
          <span className="marker marker-late" data-testid="marker-late">
            {m.queue.late}
          </span>
        ) : null}
        {row.escalation_level > 0 && row.escalated_to !== null ? (
          <span className="marker marker-escalated" data-testid="marker-escalated">
            {m.queue.escalated(row.escalation_level, ws.placeName(row.escalated_to))}
          </span>
        ) : null}
        {row.due_at !== null ? (
          row.due_at <= now ? (
            <span className="marker marker-overdue" data-testid="marker-overdue">
              {m.queue.overdueUnhandled(durationText(now - row.due_at, lang))}
            </span>
          ) : (
            <span className="marker marker-due">{m.queue.escalatesIn(durationText(row.due_at - now, lang))}</span>
          )
        ) : null}
        {row.work_order_id !== null ? <span className="marker">{m.queue.workOrder(row.work_order_id)}</span> : null}
      </td>
      <td>
        <RowActions row={row} stillQueued={stillQueued} busy={busy} onAct={onAct} />
      </td>
    </tr>
  );
}
