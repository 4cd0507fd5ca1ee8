/**
 * The duty page (值班): the shifts of the last 12 and next 24 hours of the caller's unit with who is on duty and signed in, the handovers with
 * what they carried and their acknowledgement, the duty log (a note, the day's CSV), the 查岗 asked of the unit
 * with an answer box while it is open, and, for a centre with units below, their posts' attendance, 查岗 sent
 * to them (targeted or drawn at random) and their response rates. Buttons are the steps the server offers
 * (`actions`, `can_answer`); lists refresh on the feed's beat, every few seconds and after each step.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DutyInspectionRate, DutyInspectionView, DutyPostStatus, ShiftView } from '../../../schema/duty.js';
import { ApiError } from './console-api.js';
import { chinaDateTime, chinaHourMinute } from './console-time.js';
import { DUTY_MESSAGES, type DutyMessages } from './duty-messages.js';
import { errorSentence } from './error-text.js';
import { RosterForm } from './roster-form.js';
import { useWorkspace } from './workspace-context.js';

const DUTY_REFRESH_MS = 5_000;
/** Who puts shifts on the roster (DUTY_ROSTER_ROLES on the server). */
const ROSTER_ROLES: readonly string[] = ['leader', 'admin'];
/** The shifts shown: those of the last 12 hours (the one handing over) and of the next day (who comes next). */
const SHIFTS_BEFORE_MS = 12 * 3_600_000;
const SHIFTS_AHEAD_MS = 24 * 3_600_000;
const HANDOVERS_SHOWN = 10;
const INSPECTION_DEADLINE_DEFAULT_MIN = 10;

interface HandoverView {
  id: number;
  handed_by_name: string;
  handed_at: number;
  notes: string;
  open_alarms: { total: number };
  open_orders: { total: number };
  acknowledged_by_name: string | null;
  acknowledged_at: number | null;
  acknowledgement: string;
  actions: 'acknowledge'[];
}

interface DutyState {
  shifts: ShiftView[];
  handovers: HandoverView[];
  posts: DutyPostStatus[];
  received: DutyInspectionView[];
  sent: DutyInspectionView[];
  rates: DutyInspectionRate[];
}

function useDutyError(d: DutyMessages): (failure: unknown) => string {
  const { m } = useWorkspace();
  return useCallback(
    (failure: unknown) =>
      failure instanceof ApiError && d.errors[failure.reason] !== undefined
        ? d.errors[failure.reason]
        : errorSentence(failure, m),
    [d, m],
  );
}

export function DutyPage({ refreshNo }: { refreshNo: number }) {
  const ws = useWorkspace();
  const d = DUTY_MESSAGES[ws.lang];
  const sayError = useDutyError(d);
  const own = ws.session.user.org_code;
  const [state, setState] = useState<DutyState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changedNo, setChangedNo] = useState(0);
  const changed = useCallback(() => setChangedNo((n) => n + 1), []);

  const load = useCallback(async () => {
    const now = Date.now();
    try {
      const [roster, handovers, posts, received, sent, rates] = await Promise.all([
        ws.api.get<{ shifts: ShiftView[] }>(
          `/api/duty/roster?from=${now - SHIFTS_BEFORE_MS}&to=${now + SHIFTS_AHEAD_MS}`,
        ),
        ws.api.get<{ handovers: HandoverView[] }>(`/api/duty/handovers?limit=${HANDOVERS_SHOWN}`),
        ws.api.get<{ posts: DutyPostStatus[] }>('/api/duty/posts'),
        ws.api.get<{ inspections: DutyInspectionView[] }>('/api/duty/inspections?direction=received'),
        ws.api.get<{ inspections: DutyInspectionView[] }>('/api/duty/inspections?direction=sent'),
        ws.api.get<{ units: DutyInspectionRate[] }>('/api/duty/inspections/rates'),
      ]);
      setState({
        shifts: roster.shifts,
        handovers: handovers.handovers,
        // The caller's own post is shown with its shifts; the list below is the posts of the units it commands.
        posts: posts.posts.filter((p) => p.org_code !== own),
        received: received.inspections,
        sent: sent.inspections,
        rates: rates.units,
      });
      setError(null);
    } catch (failure) {
      setError(sayError(failure));
    }
  }, [ws.api, own, sayError]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), DUTY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, refreshNo, changedNo]);

  const step = useCallback(
    async (run: () => Promise<unknown>, done: string | null) => {
      try {
        await run();
        if (done !== null) ws.toast(done);
      } catch (failure) {
        ws.toast(sayError(failure), 'error');
      }
      changed();
    },
    [ws, sayError, changed],
  );

  return (
    <div className="duty-page" data-testid="duty-page">
      {error !== null ? <p className="console-error">{error}</p> : null}
      <section className="duty-section">
        <h2>
          {d.myShifts} · {ws.placeName(own)}
        </h2>
        <Shifts d={d} shifts={state?.shifts ?? null} step={step} />
      </section>
      {ROSTER_ROLES.includes(ws.session.user.role) && state !== null ? (
        <section className="duty-section">
          <h2>{d.roster.title}</h2>
          <RosterForm
            d={d}
            units={[
              { org_code: own, name: ws.placeName(own) },
              ...state.posts.map((p) => ({ org_code: p.org_code, name: p.name })),
            ]}
            step={step}
          />
        </section>
      ) : null}
      <section className="duty-section">
        <h2>{d.received}</h2>
        <Received d={d} items={state?.received ?? null} step={step} />
      </section>
      <section className="duty-section">
        <h2>{d.handovers}</h2>
        <Handovers d={d} items={state?.handovers ?? null} step={step} />
      </section>
      <DutyLog d={d} step={step} />
      {state !== null && state.posts.length > 0 ? (
        <>
          <section className="duty-section">
            <h2>{d.posts}</h2>
            <Posts d={d} posts={state.posts} />
          </section>
          <section className="duty-section">
            <h2>{d.sent}</h2>
            <InspectForm d={d} posts={state.posts} step={step} />
            <Sent d={d} items={state.sent} />
          </section>
          <section className="duty-section">
            <h2>{d.rates}</h2>
            <Rates d={d} rates={state.rates} />
          </section>
        </>
      ) : null}
    </div>
  );
}

/** Runs a step, then confirms it with `done` (null: the step says its own confirmation) or says why it failed. */
/** A shift's bound to the minute, with its day: shifts cross midnight. */
function shiftTime(epochMs: number): string {
  return `${chinaDateTime(epochMs).slice(0, -9)} ${chinaHourMinute(epochMs)}`;
}

type Step = (run: () => Promise<unknown>, done: string | null) => Promise<void>;

function Shifts({ d, shifts, step }: { d: DutyMessages; shifts: ShiftView[] | null; step: Step }) {
  const ws = useWorkspace();
  const [handingOver, setHandingOver] = useState<number | null>(null);
  const [notes, setNotes] = useState('');
  if (shifts === null) return <p className="console-dim">{ws.m.loading}</p>;
  if (shifts.length === 0) return <p className="console-empty">{d.noShifts}</p>;
  return (
    <ul className="duty-list" data-testid="duty-shifts">
      {shifts.map((s) => (
        <li key={s.id} data-testid="duty-shift" data-shift-id={s.id} data-phase={s.phase}>
          <div className="duty-line">
            <strong>{s.name}</strong> {shiftTime(s.starts_at)}–{shiftTime(s.ends_at)}
            {s.department !== '' ? ` · ${ws.departmentName(s.department)}` : ''} ·{' '}
            <span className={`duty-phase duty-phase-${s.phase}`}>{d.phases[s.phase]}</span>
            {s.actions.includes('sign_in') ? (
              <button
                type="button"
                className="primary"
                data-testid="duty-sign-in"
                onClick={() => void step(() => ws.api.post(`/api/duty/shifts/${s.id}/sign-in`), d.signedInToast)}
              >
                {d.signIn}
              </button>
            ) : null}
            {s.actions.includes('hand_over') && handingOver !== s.id ? (
              <button type="button" data-testid="duty-hand-over" onClick={() => setHandingOver(s.id)}>
                {d.handOver}
              </button>
            ) : null}
          </div>
          <div className="duty-people">
            {s.people.map((person) => (
              <span
                key={person.user_id}
                className="duty-person"
                data-signed-in={person.signed_in_at !== null}
                title={person.username}
              >
                {person.post === 'leader' ? d.leader : d.officer} {person.name}（
                {person.signed_in_at === null ? d.notSignedIn : d.signedIn(chinaHourMinute(person.signed_in_at))}）
              </span>
            ))}
          </div>
          {handingOver === s.id ? (
            <form
              className="duty-form"
              onSubmit={(e) => {
                e.preventDefault();
                void step(async () => {
                  const h = await ws.api.post<HandoverView>(`/api/duty/shifts/${s.id}/handover`, { notes });
                  setHandingOver(null);
                  setNotes('');
                  ws.toast(d.handedOverToast(h.open_alarms.total, h.open_orders.total));
                }, null);
              }}
            >
              <p>{d.handOverTitle}</p>
              <textarea
                data-testid="duty-handover-notes"
                placeholder={d.handOverNotes}
                value={notes}
                maxLength={4_000}
                onChange={(e) => setNotes(e.target.value)}
              />
              <button type="submit" className="primary" data-testid="duty-handover-confirm">
                {d.handOverConfirm}
              </button>
              <button type="button" onClick={() => setHandingOver(null)}>
                {ws.m.cancel}
              </button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Handovers({ d, items, step }: { d: DutyMessages; items: HandoverView[] | null; step: Step }) {
  const ws = useWorkspace();
  const [notes, setNotes] = useState<Record<number, string>>({});
  if (items === null) return null;
  if (items.length === 0) return <p className="console-empty">{d.noHandovers}</p>;
  return (
    <ul className="duty-list" data-testid="duty-handovers">
      {items.map((h) => (
        <li key={h.id} data-testid="duty-handover" data-handover-id={h.id}>
          <div className="duty-line">
            {d.handoverLine(h.handed_by_name, chinaDateTime(h.handed_at))} ·{' '}
            {d.openItems(h.open_alarms.total, h.open_orders.total)}
          </div>
          {h.notes !== '' ? <div className="duty-notes">{h.notes}</div> : null}
          <div className="duty-line" data-testid="duty-handover-state">
            {h.acknowledged_at !== null
              ? `${d.acknowledged(h.acknowledged_by_name ?? '?', chinaDateTime(h.acknowledged_at))}${h.acknowledgement === '' ? '' : `：${h.acknowledgement}`}`
              : d.awaitingAcknowledgement}
          </div>
          {h.actions.includes('acknowledge') ? (
            <form
              className="duty-form"
              onSubmit={(e) => {
                e.preventDefault();
                void step(
                  () => ws.api.post(`/api/duty/handovers/${h.id}/acknowledge`, { note: notes[h.id] ?? '' }),
                  d.acknowledgedToast,
                );
              }}
            >
              <input
                data-testid="duty-acknowledge-note"
                placeholder={d.acknowledgeNote}
                value={notes[h.id] ?? ''}
                maxLength={4_000}
                onChange={(e) => setNotes({ ...notes, [h.id]: e.target.value })}
              />
              <button type="submit" className="primary" data-testid="duty-acknowledge">
                {d.acknowledge}
              </button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function DutyLog({ d, step }: { d: DutyMessages; step: Step }) {
  const ws = useWorkspace();
  const [text, setText] = useState('');
  const handler = ['duty_officer', 'dispatcher', 'leader'].includes(ws.session.user.role);
  const exportCsv = async () => {
    // Fetched with the token in the header (never in a URL), then saved from a blob.
    const blob = await ws.api.blob('/api/duty/log?format=csv');
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `duty-log-${ws.session.user.org_code}-${new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <section className="duty-section">
      <h2>{d.log}</h2>
      {handler ? (
        <form
          className="duty-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim() === '') return;
            void step(async () => {
              await ws.api.post('/api/duty/log', { text: text.trim() });
              setText('');
            }, d.notedToast);
          }}
        >
          <input
            data-testid="duty-log-text"
            placeholder={d.logNote}
            value={text}
            maxLength={4_000}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" data-testid="duty-log-add">
            {d.addNote}
          </button>
        </form>
      ) : null}
      <button
        type="button"
        data-testid="duty-log-export"
        onClick={() => void exportCsv().catch((failure: unknown) => ws.toast(errorSentence(failure, ws.m), 'error'))}
      >
        {d.exportLog}
      </button>
    </section>
  );
}

function InspectionState({ d, i }: { d: DutyMessages; i: DutyInspectionView }) {
  return (
    <div className="duty-line">
      <span className={`duty-status duty-status-${i.status}`} data-testid="duty-inspection-status">
        {d.statuses[i.status]}
      </span>{' '}
      {i.status === 'answered' && i.answered_at !== null
        ? `${d.answered(i.answered_by ?? '?', chinaDateTime(i.answered_at), i.response_s ?? 0)}：${i.answer ?? ''}`
        : d.deadline(chinaDateTime(i.deadline_at))}
    </div>
  );
}

function Received({ d, items, step }: { d: DutyMessages; items: DutyInspectionView[] | null; step: Step }) {
  const ws = useWorkspace();
  const [answers, setAnswers] = useState<Record<number, string>>({});
  if (items === null) return null;
  if (items.length === 0) return <p className="console-empty">{d.noReceived}</p>;
  return (
    <ul className="duty-list" data-testid="duty-received">
      {items.map((i) => (
        <li key={i.id} data-testid="duty-inspection" data-inspection-id={i.id} data-status={i.status}>
          <div className="duty-line">
            {d.inspectionLine(ws.placeName(i.from_org), i.sent_by, chinaDateTime(i.sent_at))}：
            <strong>{i.question}</strong>
          </div>
          <InspectionState d={d} i={i} />
          {i.can_answer ? (
            <form
              className="duty-form"
              onSubmit={(e) => {
                e.preventDefault();
                const answer = (answers[i.id] ?? '').trim();
                if (answer === '') return;
                void step(() => ws.api.post(`/api/duty/inspections/${i.id}/answer`, { answer }), d.answeredToast);
              }}
            >
              <input
                data-testid="duty-answer-text"
                placeholder={d.answerPlaceholder}
                value={answers[i.id] ?? ''}
                maxLength={4_000}
                onChange={(e) => setAnswers({ ...answers, [i.id]: e.target.value })}
              />
              <button type="submit" className="primary" data-testid="duty-answer">
                {d.answer}
              </button>
            </form>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Posts({ d, posts }: { d: DutyMessages; posts: DutyPostStatus[] }) {
  // A grid of cards, unattended ones first, so that the province's 28 posts fit beside the rest of the page.
  const ordered = [...posts].sort((a, b) => Number(a.attended) - Number(b.attended));
  return (
    <ul className="duty-posts" data-testid="duty-posts">
      {ordered.map((p) => (
        <li
          key={p.org_code}
          className={p.attended ? 'duty-post' : 'duty-post duty-post-unattended'}
          data-testid="duty-post"
          data-org={p.org_code}
          data-attended={p.attended}
        >
          <strong>{p.name}</strong> {p.attended ? d.attended : d.unattended[p.reason ?? 'no_shift']}
          {p.attended ? <div className="duty-people">{d.onDuty(p.leader_on_duty, p.officers_on_duty)}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function InspectForm({ d, posts, step }: { d: DutyMessages; posts: DutyPostStatus[]; step: Step }) {
  const ws = useWorkspace();
  const [target, setTarget] = useState('');
  const [question, setQuestion] = useState(d.inspectDefaultQuestion);
  const [minutes, setMinutes] = useState(INSPECTION_DEADLINE_DEFAULT_MIN);
  if (!['duty_officer', 'dispatcher', 'leader'].includes(ws.session.user.role)) return null;
  return (
    <form
      className="duty-form"
      data-testid="duty-inspect-form"
      onSubmit={(e) => {
        e.preventDefault();
        void step(async () => {
          const sent = await ws.api.post<DutyInspectionView>('/api/duty/inspections', {
            ...(target === '' ? {} : { to_org: target }),
            question,
            deadline_minutes: minutes,
          });
          ws.toast(d.inspectedToast(sent.to_name));
        }, d.inspect);
      }}
    >
      <label>
        {d.inspectTarget}
        <select data-testid="duty-inspect-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">{d.inspectRandom}</option>
          {posts.map((p) => (
            <option key={p.org_code} value={p.org_code}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {d.inspectQuestion}
        <input
          data-testid="duty-inspect-question"
          value={question}
          maxLength={500}
          onChange={(e) => setQuestion(e.target.value)}
        />
      </label>
      <label>
        {d.inspectDeadline}
        <input
          type="number"
          min={1}
          max={120}
          data-testid="duty-inspect-minutes"
          value={minutes}
          onChange={(e) => setMinutes(Number(e.target.value))}
        />
      </label>
      <button type="submit" className="primary" data-testid="duty-inspect-send">
        {d.inspectSend}
      </button>
    </form>
  );
}

function Sent({ d, items }: { d: DutyMessages; items: DutyInspectionView[] }) {
  if (items.length === 0) return <p className="console-empty">{d.noSent}</p>;
  return (
    <ul className="duty-list" data-testid="duty-sent">
      {items.map((i) => (
        <li key={i.id} data-testid="duty-sent-inspection" data-inspection-id={i.id} data-status={i.status}>
          <div className="duty-line">
            <strong>{i.to_name}</strong> · {i.sent_by} {chinaDateTime(i.sent_at)}：{i.question}
          </div>
          <InspectionState d={d} i={i} />
        </li>
      ))}
    </ul>
  );
}

function Rates({ d, rates }: { d: DutyMessages; rates: DutyInspectionRate[] }) {
  const c = d.rateColumns;
  return (
    <table className="console-table" data-testid="duty-rates">
      <thead>
        <tr>
          <th>{c.unit}</th>
          <th>{c.sent}</th>
          <th>{c.answered}</th>
          <th>{c.missed}</th>
          <th>{c.rate}</th>
          <th>{c.avg}</th>
        </tr>
      </thead>
      <tbody>
        {rates.map((r) => (
          <tr key={r.org_code} data-testid="duty-rate" data-org={r.org_code}>
            <td>{r.name}</td>
            <td>{r.sent}</td>
            <td>{r.answered}</td>
            <td>{r.missed}</td>
            <td data-testid="duty-rate-value">
              {r.response_rate === null ? '—' : `${Math.round(r.response_rate * 100)}%`}
            </td>
            <td>{r.response_s_avg === null ? '—' : `${r.response_s_avg} s`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
