/**
 * The credit page (信用): the enterprises of the caller's scope with their grade and score on one Beijing day (the
 * latest computed by default), counted per grade, with what each score came from; one enterprise's daily history
 * with its score line; the drivers' points in their 12-month cycle with the warning threshold reached. Everything
 * is the server's (`/api/credit/*`); the page only arranges it. Formulas: docs/credit.md.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  DriverCreditAnswer,
  EnterpriseCredit,
  EnterpriseCreditAnswer,
  EnterpriseCreditHistory,
} from '../../../schema/credit.js';
import { ruleName } from '../i18n/rule-names.js';
import { CREDIT_MESSAGES, type CreditMessages } from './credit-messages.js';
import { errorSentence } from './error-text.js';
import { RegistrationBadge, RegistrationDetail } from './registration-badge.js';
import { useWorkspace } from './workspace-context.js';
import './credit.css';

/** The badge colour class of a grade: by its place in the model, best first. */
function badgeClass(grades: EnterpriseCreditAnswer['grades'], grade: string): string {
  const i = grades.findIndex((g) => g.grade === grade);
  return `credit-badge credit-badge-${Math.min(4, i < 0 ? 4 : i)}`;
}

export function CreditPage() {
  const ws = useWorkspace();
  const c = CREDIT_MESSAGES[ws.lang];
  const [date, setDate] = useState('');
  const [grade, setGrade] = useState<string | null>(null);
  const [answer, setAnswer] = useState<EnterpriseCreditAnswer | null>(null);
  const [drivers, setDrivers] = useState<DriverCreditAnswer | null>(null);
  const [selected, setSelected] = useState<EnterpriseCredit | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    setAnswer(null);
    setDrivers(null);
    const query = date === '' ? '' : `?date=${date}`;
    try {
      const [enterprises, points] = await Promise.all([
        ws.api.get<EnterpriseCreditAnswer>(`/api/credit/enterprises${query}`),
        ws.api.get<DriverCreditAnswer>(`/api/credit/drivers${query}`),
      ]);
      setAnswer(enterprises);
      setDrivers(points);
    } catch (failure) {
      setError(errorSentence(failure, ws.m));
    }
  }, [ws.api, ws.lang, date]);

  useEffect(() => void load(), [load]);

  return (
    <div className="duty-page credit-page" data-testid="credit-page">
      <section className="duty-section">
        <h2>{c.title}</h2>
        <form
          className="duty-form"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <label>
            {c.day}
            <input
              type="date"
              data-testid="credit-date"
              value={date}
              placeholder={c.latest}
              onChange={(e) => setDate(e.target.value)}
            />
          </label>
          <button type="submit" className="primary" data-testid="credit-show">
            {c.show}
          </button>
        </form>
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="credit-error">
            {error}
          </p>
        ) : answer === null ? (
          <p className="console-dim">{c.loading}</p>
        ) : answer.day === null ? (
          <p className="console-dim" data-testid="credit-none">
            {c.notComputed}
          </p>
        ) : (
          <div className="credit-columns">
            <div>
              <p className="console-dim" data-testid="credit-day">
                {c.dayText(answer.day, answer.window?.from ?? answer.day)} ·{' '}
                {c.modelVersion(answer.enterprises[0]?.config_version ?? 0)}
              </p>
              <GradeTiles c={c} answer={answer} grade={grade} onGrade={setGrade} />
              <EnterpriseTable
                c={c}
                answer={answer}
                grade={grade}
                selected={selected}
                onSelect={(e) => setSelected(e)}
              />
            </div>
            <div>
              {selected !== null ? (
                <HistoryPanel c={c} enterprise={selected} grades={answer.grades} onClose={() => setSelected(null)} />
              ) : (
                <p className="console-dim">{c.historyHint}</p>
              )}
            </div>
          </div>
        )}
      </section>
      {drivers !== null && drivers.day !== null ? <DriversSection c={c} drivers={drivers} /> : null}
    </div>
  );
}

function GradeTiles({
  c,
  answer,
  grade,
  onGrade,
}: {
  c: CreditMessages;
  answer: EnterpriseCreditAnswer;
  grade: string | null;
  onGrade: (grade: string | null) => void;
}) {
  return (
    <div className="credit-grades" data-testid="credit-grades">
      <button
        type="button"
        className={`credit-grade-tile${grade === null ? ' tab-active' : ''}`}
        onClick={() => onGrade(null)}
      >
        {c.allGrades} {answer.enterprises.length}
      </button>
      {answer.grades.map((g) => (
        <button
          key={g.grade}
          type="button"
          className={`credit-grade-tile${grade === g.grade ? ' tab-active' : ''}`}
          data-testid={`credit-grade-${g.grade}`}
          data-count={answer.counts[g.grade] ?? 0}
          onClick={() => onGrade(grade === g.grade ? null : g.grade)}
        >
          <span className={badgeClass(answer.grades, g.grade)}>{g.grade}</span> ≥{g.min_score} ·{' '}
          {c.gradeCount(g.grade, answer.counts[g.grade] ?? 0)}
        </button>
      ))}
    </div>
  );
}

function EnterpriseTable({
  c,
  answer,
  grade,
  selected,
  onSelect,
}: {
  c: CreditMessages;
  answer: EnterpriseCreditAnswer;
  grade: string | null;
  selected: EnterpriseCredit | null;
  onSelect: (e: EnterpriseCredit) => void;
}) {
  const ws = useWorkspace();
  const rows = useMemo(
    () => (grade === null ? answer.enterprises : answer.enterprises.filter((e) => e.grade === grade)),
    [answer.enterprises, grade],
  );
  if (rows.length === 0) return <p className="console-dim">{c.noEnterprises}</p>;
  return (
    <table className="console-table credit-table" data-testid="credit-table">
      <thead>
        <tr>
          <th>{c.rank}</th>
          <th>{c.enterprise}</th>
          <th>{c.unit}</th>
          <th>{c.registration}</th>
          <th>{c.score}</th>
          <th>{c.grade}</th>
          <th>{c.previous}</th>
          <th>{c.vehicles}</th>
          <th>{c.violationPoints}</th>
          <th>{c.orders}</th>
          <th>{c.deductions}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((e, i) => {
          const fell =
            e.previous_grade !== null &&
            answer.grades.findIndex((g) => g.grade === e.grade) >
              answer.grades.findIndex((g) => g.grade === e.previous_grade);
          return (
            <tr
              key={e.enterprise_id}
              data-testid={`credit-row-${e.enterprise_id}`}
              data-grade={e.grade}
              data-score={e.score}
              className={selected?.enterprise_id === e.enterprise_id ? 'credit-selected' : undefined}
              onClick={() => onSelect(e)}
            >
              <td>{i + 1}</td>
              <td>{e.name}</td>
              <td>{ws.placeName(e.org_code)}</td>
              <td>
                <RegistrationBadge c={c} registration={e.registration} />
              </td>
              <td>{e.score.toFixed(2)}</td>
              <td>
                <span className={badgeClass(answer.grades, e.grade)}>{e.grade}</span>
                {fell ? <span className="credit-fell">↓ {c.fell}</span> : null}
              </td>
              <td>{e.previous_grade ?? '—'}</td>
              <td>{e.facts.vehicles}</td>
              <td>{e.facts.violation_points}</td>
              <td>{c.ordersText(e.facts.orders_late, e.facts.orders_due)}</td>
              <td>{c.deductionsText(e.facts.violation_deduction, e.facts.handling_deduction)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The score over the days on a 0–100 scale, oldest left, with each grade's lower bound as a labelled rule. */
function ScoreLine({
  days,
  grades,
}: {
  days: EnterpriseCreditHistory['days'];
  grades: EnterpriseCreditAnswer['grades'];
}) {
  const left = 28;
  const width = 400;
  const height = 110;
  const top = 5;
  const points = [...days].reverse();
  const x = (i: number) =>
    points.length <= 1 ? (left + width) / 2 : left + (i * (width - left - 6)) / (points.length - 1);
  const y = (score: number) => top + (100 - score);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} data-testid="credit-history-line">
      {grades.map((g) => (
        <g key={g.grade}>
          <line x1={left} x2={width} y1={y(g.min_score)} y2={y(g.min_score)} stroke="#2a4a6b" strokeWidth={0.5} />
          <text x={0} y={y(g.min_score) + 3}>
            {g.grade}
          </text>
        </g>
      ))}
      <polyline
        fill="none"
        stroke="#7fb3e6"
        strokeWidth={1.5}
        points={points.map((d, i) => `${x(i)},${y(d.score)}`).join(' ')}
      />
      {points.map((d, i) => (
        <circle key={d.day} cx={x(i)} cy={y(d.score)} r={2.5} fill="#7fb3e6">
          <title>{`${d.day} ${d.score.toFixed(2)} ${d.grade}`}</title>
        </circle>
      ))}
    </svg>
  );
}

function HistoryPanel({
  c,
  enterprise,
  grades,
  onClose,
}: {
  c: CreditMessages;
  enterprise: EnterpriseCredit;
  grades: EnterpriseCreditAnswer['grades'];
  onClose: () => void;
}) {
  const ws = useWorkspace();
  const [history, setHistory] = useState<EnterpriseCreditHistory | null>(null);
  useEffect(() => {
    setHistory(null);
    ws.api
      .get<EnterpriseCreditHistory>(`/api/credit/enterprises/${encodeURIComponent(enterprise.enterprise_id)}/history`)
      .then(setHistory, (failure: unknown) => ws.toast(errorSentence(failure, ws.m), 'error'));
  }, [ws.api, enterprise.enterprise_id]);
  return (
    <div className="credit-history" data-testid="credit-history">
      <h3>
        {c.history(enterprise.name)}{' '}
        <button type="button" onClick={onClose}>
          {c.close}
        </button>
      </h3>
      {history === null ? (
        <p className="console-dim">{c.loading}</p>
      ) : (
        <>
          <RegistrationDetail
            c={c}
            licenceNo={history.licence_no}
            registration={history.registration}
            placeName={ws.placeName}
          />
          <ScoreLine days={history.days} grades={grades} />
          <table className="console-table credit-table">
            <thead>
              <tr>
                <th>{c.day}</th>
                <th>{c.score}</th>
                <th>{c.grade}</th>
                <th>{c.deductions}</th>
              </tr>
            </thead>
            <tbody>
              {history.days.map((d) => (
                <tr key={d.day} data-testid={`credit-history-${d.day}`} data-grade={d.grade}>
                  <td>{d.day}</td>
                  <td>{d.score.toFixed(2)}</td>
                  <td>
                    <span className={badgeClass(grades, d.grade)}>{d.grade}</span>
                  </td>
                  <td>{c.deductionsText(d.facts.violation_deduction, d.facts.handling_deduction)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

function DriversSection({ c, drivers }: { c: CreditMessages; drivers: DriverCreditAnswer }) {
  const ws = useWorkspace();
  return (
    <section className="duty-section" data-testid="credit-drivers">
      <h2>{c.drivers}</h2>
      <p className="console-dim">{c.thresholds(drivers.thresholds.join('、'))}</p>
      {drivers.drivers.length === 0 ? (
        <p className="console-dim">{c.noDrivers}</p>
      ) : (
        <table className="console-table credit-table">
          <thead>
            <tr>
              <th>{c.driverName}</th>
              <th>{c.certificate}</th>
              <th>{c.enterprise}</th>
              <th>{c.unit}</th>
              <th>{c.points}</th>
              <th>{c.cycle}</th>
              <th>{c.violations}</th>
              <th>{c.threshold}</th>
            </tr>
          </thead>
          <tbody>
            {drivers.drivers.map((d) => (
              <tr key={d.certificate} data-testid={`credit-driver-${d.certificate}`} data-points={d.points}>
                <td>{d.name}</td>
                <td>{d.certificate}</td>
                <td>{d.enterprise_id === '' ? '—' : ws.enterpriseName(d.enterprise_id)}</td>
                <td>{ws.placeName(d.org_code)}</td>
                <td>{d.points}</td>
                <td>{d.cycle_start}</td>
                <td>
                  {Object.entries(d.violations)
                    .map(([rule, n]) => `${ruleName(rule, ws.lang)} ×${n}`)
                    .join('、')}
                </td>
                <td className={d.threshold !== null ? 'credit-reached' : undefined}>
                  {d.threshold !== null ? c.reached(d.threshold) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
