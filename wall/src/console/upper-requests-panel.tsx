/**
 * The upper platform's requests to this province (Vigil as a JT/T 809 lower platform of the ministry's 联网联控
 * system): 查岗 questions to answer in words and 督办 of a vehicle's alarm to answer with a result, each once,
 * and its alarm notices (报警预警) to mark read, from the duty console (`GET /api/jt809/upper/requests`,
 * `POST …/:id/answer`). Shown to the province's staff on the 下级平台 page; an unanswered request stands out, a
 * 督办 with its deadline counting down.
 */
import { useCallback, useEffect, useState } from 'react';
import { chinaDateTime, coarseDurationText } from './console-time.js';
import type { Jt809Messages } from './jt809-messages.js';
import { useNow } from './use-now.js';
import { useWorkspace } from './workspace-context.js';

interface UpperRequestView {
  id: number;
  kind: 'inspection' | 'supervision' | 'warning';
  notice_kind: 'tip' | 'exchange' | null;
  received_at: string;
  request_id: number;
  question: string | null;
  plate: string | null;
  warn_type: number | null;
  warn_time: string | null;
  deadline_at: string | null;
  supervisor: string | null;
  supervisor_tel: string | null;
  answer: string | null;
  result: number | null;
  answered_by: string | null;
  answered_at: string | null;
}

interface UpperLinkStatus {
  target: string;
  state: string;
  down_link: string;
}

const REFRESH_MS = 5_000;
const ANSWERER_ROLES: readonly string[] = ['admin', 'leader', 'dispatcher', 'duty_officer'];

export function UpperRequestsPanel({
  j,
  sayError,
  refreshNo,
}: {
  j: Jt809Messages;
  sayError: (failure: unknown) => string;
  refreshNo: number;
}) {
  const ws = useWorkspace();
  const [requests, setRequests] = useState<UpperRequestView[] | null>(null);
  const [link, setLink] = useState<UpperLinkStatus | null>(null);
  const [hidden, setHidden] = useState(false);
  const [changedNo, setChangedNo] = useState(0);
  const load = useCallback(async () => {
    try {
      const answer = await ws.api.get<{ requests: UpperRequestView[]; link?: UpperLinkStatus | null }>(
        '/api/jt809/upper/requests',
      );
      setRequests(answer.requests);
      setLink(answer.link ?? null);
    } catch {
      // Below the province the upper platform's requests are none of the caller's business: no panel.
      setHidden(true);
    }
  }, [ws.api]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, refreshNo, changedNo]);
  if (hidden) return null;
  const canAnswer = ANSWERER_ROLES.includes(ws.session.user.role);
  const send = async (id: number, body: Record<string, unknown>, done = j.upper.answeredToast): Promise<void> => {
    try {
      await ws.api.post(`/api/jt809/upper/requests/${id}/answer`, body);
      ws.toast(done);
    } catch (failure) {
      ws.toast(sayError(failure), 'error');
    } finally {
      setChangedNo((n) => n + 1);
    }
  };
  const open = (requests ?? []).filter((r) => r.answered_at === null).length;
  return (
    <section className="duty-section jt809-upper" data-testid="upper-requests">
      <h2>
        {j.upper.title}
        {open > 0 ? (
          <span className="jt809-warning" data-testid="upper-open">
            {j.upper.open(open)}
          </span>
        ) : null}
      </h2>
      {link !== null ? (
        <p className="console-dim" data-testid="upper-link" data-state={link.state} data-down-link={link.down_link}>
          {j.upper.link(
            link.target,
            j.upper.linkStates[link.state] ?? link.state,
            j.upper.linkStates[link.down_link] ?? link.down_link,
          )}
        </p>
      ) : null}
      {requests !== null && requests.length === 0 ? <p className="console-dim">{j.upper.none}</p> : null}
      <table className="console-table jt809-table" data-testid="upper-requests-table">
        <thead>
          <tr>
            <th>{j.upper.columns.received}</th>
            <th>{j.upper.columns.kind}</th>
            <th>{j.upper.columns.content}</th>
            <th>{j.upper.columns.answer}</th>
          </tr>
        </thead>
        <tbody>
          {(requests ?? []).map((r) => (
            <UpperRow key={r.id} j={j} request={r} canAnswer={canAnswer} send={send} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function UpperRow({
  j,
  request: r,
  canAnswer,
  send,
}: {
  j: Jt809Messages;
  request: UpperRequestView;
  canAnswer: boolean;
  send: (id: number, body: Record<string, unknown>, done?: string) => Promise<void>;
}) {
  const { lang } = useWorkspace();
  const now = useNow(1_000);
  const [text, setText] = useState('');
  const [result, setResult] = useState(0);
  const answered = r.answered_at !== null;
  const deadline = r.deadline_at === null ? null : Date.parse(r.deadline_at);
  return (
    <tr className={answered ? '' : 'jt809-open'} data-testid="upper-request" data-kind={r.kind} data-id={r.id}>
      <td>{chinaDateTime(Date.parse(r.received_at))}</td>
      <td>
        {r.kind === 'inspection'
          ? j.upper.inspection
          : r.kind === 'supervision'
            ? j.upper.supervision
            : j.upper.notices[r.notice_kind ?? 'tip']}
      </td>
      <td>
        {r.kind === 'inspection' ? (
          r.question
        ) : r.kind === 'warning' ? (
          <span data-testid="upper-notice">
            {r.plate} · {j.warnTypes[r.warn_type ?? 0xff] ?? r.warn_type}
            {r.warn_time ? ` · ${j.upper.warnedAt(chinaDateTime(Date.parse(r.warn_time)))}` : ''}
            {r.question ? ` · ${r.question}` : ''}
          </span>
        ) : (
          <>
            {/* A JT/T 809-2019 督办 names no vehicle and no warning type: only what it names is shown. */}
            {[r.plate, r.warn_type === null ? null : (j.warnTypes[r.warn_type] ?? r.warn_type)]
              .concat(r.supervisor ? [`${r.supervisor} ${r.supervisor_tel ?? ''}`] : [])
              .filter((part) => part !== null && part !== '')
              .join(' · ')}
            {deadline !== null && !answered ? (
              <span className={deadline < now ? 'jt809-late' : 'console-dim'}>
                {' · '}
                {deadline < now ? j.upper.overdue : j.upper.dueIn(coarseDurationText(deadline - now, lang))}
              </span>
            ) : null}
          </>
        )}
      </td>
      <td>
        {answered ? (
          <span data-testid="upper-answer">
            {r.kind === 'inspection' ? r.answer : r.kind === 'warning' ? j.upper.read : j.results[r.result ?? -1]} ·{' '}
            {r.answered_by} {chinaDateTime(Date.parse(r.answered_at ?? ''))}
          </span>
        ) : !canAnswer ? (
          <span className="console-dim">{j.upper.waiting}</span>
        ) : r.kind === 'warning' ? (
          <button type="button" data-testid="upper-mark-read" onClick={() => void send(r.id, {}, j.upper.read)}>
            {j.upper.markRead}
          </button>
        ) : r.kind === 'inspection' ? (
          <form
            className="console-row"
            onSubmit={(e) => {
              e.preventDefault();
              void send(r.id, { answer: text });
            }}
          >
            <input
              data-testid="upper-answer-text"
              value={text}
              maxLength={1000}
              placeholder={j.upper.answerPlaceholder}
              onChange={(e) => setText(e.target.value)}
            />
            <button type="submit" data-testid="upper-answer-send" disabled={text.trim() === ''}>
              {j.upper.answer}
            </button>
          </form>
        ) : (
          <form
            className="console-row"
            onSubmit={(e) => {
              e.preventDefault();
              void send(r.id, { result });
            }}
          >
            <select data-testid="upper-result" value={result} onChange={(e) => setResult(Number(e.target.value))}>
              {[0, 1, 2, 3].map((code) => (
                <option key={code} value={code}>
                  {j.results[code]}
                </option>
              ))}
            </select>
            <button type="submit" data-testid="upper-result-send">
              {j.upper.answer}
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}
