/**
 * 审计日志 (the administration page): `GET /api/audit` newest first, a page at a time (older pages by the last
 * id seen), filtered on the server by actor, action and a time window in China time. The server keeps the
 * entries to actors of the admin's subtree (and the system's, for the province).
 */
import { useCallback, useEffect, useState } from 'react';
import { adminRefusal } from './admin-common.js';
import { ADMIN_MESSAGES, type AdminMessages } from './admin-messages.js';
import type { ConsoleMessages } from './console-messages.js';
import { chinaFullDateTime, parseChinaInput } from './console-time.js';
import { useWorkspace } from './workspace-context.js';

interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  actor_display_name: string | null;
  action: string;
  target: string;
  detail: unknown;
  peer: string;
}

const PAGE_ROWS = 50;

interface Filters {
  actor: string;
  action: string;
  since: string;
  until: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', since: '', until: '' };

function auditPath(filters: Filters, beforeId: number | null): string {
  const query = new URLSearchParams({ limit: String(PAGE_ROWS) });
  if (filters.actor.trim() !== '') query.set('actor', filters.actor.trim());
  if (filters.action !== '') query.set('action', filters.action);
  const since = parseChinaInput(filters.since);
  const until = parseChinaInput(filters.until);
  if (since !== null) query.set('since', String(since));
  // The window's end minute is included: entries before the next minute.
  if (until !== null) query.set('until', String(until + 60_000));
  if (beforeId !== null) query.set('before_id', String(beforeId));
  return `/api/audit?${query.toString()}`;
}

export function AdminAudit() {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // The `before_id` of each page shown so far: the first page has none; "newer" goes back one.
  const [pages, setPages] = useState<(number | null)[]>([null]);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Accounts' display names, for targets that are accounts (user.create, auth.unlock, …).
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const beforeId = pages[pages.length - 1];
  useEffect(() => {
    ws.api
      .get<{ users: { username: string; display_name: string }[] }>('/api/users')
      .then((answer) => setNames(new Map(answer.users.map((u) => [u.username, u.display_name]))))
      .catch(() => undefined);
  }, [ws.api]);

  const load = useCallback(async () => {
    try {
      setEntries((await ws.api.get<{ entries: AuditEntry[] }>(auditPath(filters, beforeId))).entries);
      setError(null);
    } catch (failure) {
      setError(adminRefusal(failure, ws, a));
    }
  }, [ws, a, filters, beforeId]);
  useEffect(() => void load(), [load]);

  const apply = (next: Filters) => {
    setFilters(next);
    setPages([null]);
  };
  const last = entries !== null && entries.length > 0 ? entries[entries.length - 1].id : null;

  return (
    <section className="duty-section" data-testid="admin-audit">
      <h2>{a.auditTitle}</h2>
      <form
        className="queue-filters"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label className="admin-inline">
          {a.actor}
          <input
            data-testid="audit-actor"
            placeholder={a.actorPlaceholder}
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
          />
        </label>
        <label className="admin-inline">
          {a.action}
          <select
            data-testid="audit-action"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          >
            <option value="">{a.anyAction}</option>
            {Object.entries(a.actionNames).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="admin-inline">
          {a.since}
          <input
            type="datetime-local"
            data-testid="audit-since"
            value={draft.since}
            onChange={(e) => setDraft({ ...draft, since: e.target.value })}
          />
        </label>
        <label className="admin-inline">
          {a.until}
          <input
            type="datetime-local"
            data-testid="audit-until"
            value={draft.until}
            onChange={(e) => setDraft({ ...draft, until: e.target.value })}
          />
        </label>
        <button type="submit" className="primary" data-testid="audit-apply">
          {a.apply}
        </button>
        <button
          type="button"
          data-testid="audit-clear"
          onClick={() => {
            setDraft(NO_FILTERS);
            apply(NO_FILTERS);
          }}
        >
          {a.clear}
        </button>
      </form>
      {error !== null ? (
        <p className="console-error" role="alert" data-testid="audit-error">
          {error}
        </p>
      ) : null}
      <AuditTable a={a} entries={entries} names={names} />
      <div className="admin-pager">
        <button type="button" data-testid="audit-newest" disabled={pages.length === 1} onClick={() => setPages([null])}>
          {a.newest}
        </button>
        <button
          type="button"
          data-testid="audit-newer"
          disabled={pages.length === 1}
          onClick={() => setPages(pages.slice(0, -1))}
        >
          {a.newer}
        </button>
        <span className="console-dim" data-testid="audit-page">
          {a.pageText(pages.length, entries?.length ?? 0)}
        </span>
        <button
          type="button"
          data-testid="audit-older"
          disabled={last === null || (entries?.length ?? 0) < PAGE_ROWS}
          onClick={() => last !== null && setPages([...pages, last])}
        >
          {a.older}
        </button>
      </div>
    </section>
  );
}

/** A detail object in one line, `key: value` pairs, so a row stays a row. */
function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

/** An action by its name: this page's table, a work order's step by the console's name, else its code. */
function actionLabel(a: AdminMessages, m: ConsoleMessages, action: string): string {
  if (Object.hasOwn(a.actionNames, action)) return a.actionNames[action];
  const step = /^work_order\.([a-z_]+)$/.exec(action)?.[1];
  if (step !== undefined && Object.hasOwn(m.orderActions, step)) return a.orderStep(m.orderActions[step]);
  return action;
}

function AuditTable({
  a,
  entries,
  names,
}: {
  a: AdminMessages;
  entries: AuditEntry[] | null;
  names: ReadonlyMap<string, string>;
}) {
  const ws = useWorkspace();
  const c = a.auditColumns;
  if (entries === null) return null;
  if (entries.length === 0) return <p className="console-dim">{a.noEntries}</p>;
  return (
    <table className="console-table admin-table" data-testid="audit-table">
      <thead>
        <tr>
          <th>{c.at}</th>
          <th>{c.actor}</th>
          <th>{c.action}</th>
          <th>{c.target}</th>
          <th>{c.detail}</th>
          <th>{c.peer}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr
            key={e.id}
            data-testid="audit-row"
            data-audit-id={e.id}
            data-action={e.action}
            data-target={e.target}
            data-actor={e.actor}
          >
            <td className="admin-nowrap">{chinaFullDateTime(e.at)}</td>
            <td className="admin-nowrap">
              {e.actor === 'system' ? (
                a.system
              ) : e.actor_display_name !== null ? (
                <>
                  {e.actor_display_name} <span className="console-dim admin-mono">{e.actor}</span>
                </>
              ) : (
                <span className="admin-mono">{e.actor}</span>
              )}
            </td>
            <td>
              {actionLabel(a, ws.m, e.action)}
              {actionLabel(a, ws.m, e.action) !== e.action ? (
                <span className="console-dim admin-mono"> {e.action}</span>
              ) : null}
            </td>
            <td className="admin-target">
              {names.get(e.target) ? (
                <>
                  {names.get(e.target)} <span className="console-dim admin-mono">{e.target}</span>
                </>
              ) : (
                <span className="admin-mono">{e.target}</span>
              )}
            </td>
            <td className="admin-detail">{detailText(e.detail)}</td>
            <td className="admin-mono admin-nowrap">{e.peer}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
