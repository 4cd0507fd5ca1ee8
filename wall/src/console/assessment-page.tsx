/**
 * The assessment page (考核): the guideline's indicators of the caller's scope for a period of Beijing calendar
 * days — this month, last month, the last 7 days or any days — for the scope as a whole and per unit below it (or
 * every county, or every enterprise), each figure with its numerator and denominator and what it adds to the unit's
 * 100-point score, ranked by score (or by any indicator with one click), the red and black lists with the rule that
 * put each name there, the same report as an Excel workbook, and the 通报 generated from it with the archive of past
 * ones to download. The figures, scores and lists are the server's (`GET /api/assessment/ranking`); the page only
 * arranges them, and offers to generate a circular only when the answer's `actions` say so. Formulas:
 * docs/assessment.md.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { saveBlob } from './save-blob.js';
import { DayRangeInputs } from './day-range-inputs.js';
import type { AssessmentFigure, AssessmentIndicator, AssessmentIndicatorId } from '../../../schema/assessment.js';
import type { AssessmentRanking, CircularRecord, ListEntry, ScoredUnit } from '../../../schema/assessment-scores.js';
import { ASSESSMENT_MESSAGES, type AssessmentMessages } from './assessment-messages.js';
import { chinaDay, chinaFullDateTime } from './console-time.js';
import { errorSentence } from './error-text.js';
import { useWorkspace } from './workspace-context.js';

type Preset = 'this_month' | 'last_month' | 'last_7_days' | 'custom';
type Level = 'children' | 'county' | 'enterprise' | 'platform';

/** The first and last day a preset covers, in Beijing calendar days. */
export function presetDays(preset: Exclude<Preset, 'custom'>, nowMs: number): { from: string; to: string } {
  const today = chinaDay(nowMs);
  if (preset === 'last_7_days') return { from: chinaDay(nowMs, 6), to: today };
  if (preset === 'this_month') return { from: `${today.slice(0, 7)}-01`, to: today };
  const [year, month] = today.split('-').map(Number);
  const first = new Date(Date.UTC(year!, month! - 2, 1));
  const last = new Date(Date.UTC(year!, month! - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** A figure as the bulletins write it: a percentage for a share, two decimals for an average; — without a base. */
export function figureText(indicator: AssessmentIndicator, figure: AssessmentFigure, none: string): string {
  if (figure.value === null || figure.denominator === 0) return none;
  // From numerator and denominator, so that a half rounds up as on paper (87.65 % → 87.7 %, which the binary
  // fraction 0.8765 would round down).
  if (indicator.kind === 'ratio')
    return `${(Math.round((figure.numerator * 1000) / figure.denominator) / 10).toFixed(1)}%`;
  return (Math.round((figure.numerator * 100) / figure.denominator) / 100).toFixed(2);
}

function countText(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The score as the page prints it: two decimals, as in the circular. */
export function scoreText(score: number | null, none: string): string {
  return score === null ? none : score.toFixed(2);
}

export function AssessmentPage() {
  const ws = useWorkspace();
  const a = ASSESSMENT_MESSAGES[ws.lang];
  const [preset, setPreset] = useState<Preset>('this_month');
  const [custom, setCustom] = useState(() => presetDays('this_month', Date.now()));
  const [level, setLevel] = useState<Level>('children');
  const [report, setReport] = useState<AssessmentRanking | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rankBy, setRankBy] = useState<AssessmentIndicatorId | 'score'>('score');
  const [circulars, setCirculars] = useState<CircularRecord[] | null>(null);
  const [generating, setGenerating] = useState(false);
  /** The circular just generated: confirmed in the archive's own heading, where it covers no row's buttons. */
  const [made, setMade] = useState<CircularRecord | null>(null);

  const days = preset === 'custom' ? custom : presetDays(preset, Date.now());
  // The scope's child units are what the API lists without a level.
  const query = `from=${days.from}&to=${days.to}${level === 'children' ? '' : `&level=${level}`}`;

  const load = useCallback(async () => {
    setError(null);
    setReport(null);
    try {
      setReport(await ws.api.get<AssessmentRanking>(`/api/assessment/ranking?${query}`));
    } catch (failure) {
      setError(errorSentence(failure, ws.m));
    }
  }, [ws.api, ws.lang, query]);

  const loadCirculars = useCallback(async () => {
    try {
      setCirculars((await ws.api.get<{ circulars: CircularRecord[] }>('/api/assessment/circulars')).circulars);
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
    }
  }, [ws.api, ws.lang]);

  useEffect(() => void load(), [load]);
  useEffect(() => void loadCirculars(), [loadCirculars]);

  const exportXlsx = async () => {
    try {
      saveBlob(
        await ws.api.blob(`/api/assessment?${query}&format=xlsx`),
        `assessment-${report?.scope.org_code ?? ws.session.user.org_code}-${days.from}-${days.to}.xlsx`,
      );
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
    }
  };

  const generate = async () => {
    setGenerating(true);
    try {
      const stored = await ws.api.post<CircularRecord>('/api/assessment/circulars', {
        from: days.from,
        to: days.to,
        ...(level === 'children' ? {} : { level }),
      });
      await loadCirculars();
      setMade(stored);
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
    } finally {
      setGenerating(false);
    }
  };

  return (
    <div className="duty-page assessment-page" data-testid="assessment-page">
      <section className="duty-section">
        <h2>{a.title}</h2>
        <form
          className="duty-form assessment-form"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <label>
            {a.period}
            <select
              data-testid="assessment-preset"
              value={preset}
              onChange={(e) => setPreset(e.target.value as Preset)}
            >
              {(Object.keys(a.presets) as Preset[]).map((p) => (
                <option key={p} value={p}>
                  {a.presets[p]}
                </option>
              ))}
            </select>
          </label>
          {preset === 'custom' ? (
            <DayRangeInputs labels={a} value={custom} onChange={setCustom} testIdPrefix="assessment" />
          ) : null}
          <label>
            {a.rows}
            <select data-testid="assessment-level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
              {(Object.keys(a.levels) as Level[]).map((l) => (
                <option key={l} value={l}>
                  {a.levels[l]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" data-testid="assessment-show">
            {a.show}
          </button>
          <button type="button" data-testid="assessment-export" disabled={report === null} onClick={exportXlsx}>
            {a.exportXlsx}
          </button>
          {report?.actions.includes('generate_circular') ? (
            <button type="button" data-testid="assessment-generate" disabled={generating} onClick={generate}>
              {generating ? a.generating : a.generate}
            </button>
          ) : null}
        </form>
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="assessment-error">
            {error}
          </p>
        ) : report === null ? (
          <p className="console-dim">{a.loading}</p>
        ) : (
          <>
            <ListsPanel a={a} report={report} />
            <AssessmentTable a={a} report={report} rankBy={rankBy} onRankBy={setRankBy} />
          </>
        )}
      </section>
      <CircularsSection a={a} circulars={circulars} made={made} />
    </div>
  );
}

/** The red and black lists side by side, each name with the rules and figures that put it there. */
function ListsPanel({ a, report }: { a: AssessmentMessages; report: AssessmentRanking }) {
  const list = (kind: 'red' | 'black', title: string, entries: ListEntry[]) => (
    <div className={`assessment-list assessment-list-${kind}`} data-testid={`assessment-${kind}`}>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p className="console-dim">{a.noneListed}</p>
      ) : (
        <ul>
          {entries.map((e) => (
            <li key={`${e.org_code}/${e.enterprise_id ?? ''}/${e.name}`} data-org-code={e.org_code}>
              <strong>{a.listEntry(e.name, e.rank, scoreText(e.score, a.noData))}</strong>
              <span className="console-dim">{e.reasons.map((r) => r.text).join('；')}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <div className="assessment-lists">
      {list('red', a.redList, report.red)}
      {list('black', a.blackList, report.black)}
    </div>
  );
}

function AssessmentTable({
  a,
  report,
  rankBy,
  onRankBy,
}: {
  a: AssessmentMessages;
  report: AssessmentRanking;
  rankBy: AssessmentIndicatorId | 'score';
  onRankBy: (id: AssessmentIndicatorId | 'score') => void;
}) {
  const ws = useWorkspace();
  const units = useMemo(() => {
    // The server's order is by score already.
    if (rankBy === 'score') return report.units;
    // Highest first; units without a base for the figure last, in their listed order.
    return [...report.units].sort(
      (x, y) => (y.figures[rankBy].value ?? -Infinity) - (x.figures[rankBy].value ?? -Infinity),
    );
  }, [report.units, rankBy]);
  const name = (i: AssessmentIndicator) => (ws.lang === 'zh' ? i.name : i.name_en);
  const weights = report.indicators.map((i) => `${name(i)} ${report.scoring.weights[i.id]}`).join('、');
  return (
    <>
      <p className="console-dim" data-testid="assessment-period">
        {report.scope.name} · {a.periodText(report.period.from, report.period.to, report.period.days)} ·{' '}
        {a.parameters(
          report.parameters.config_version,
          report.parameters.track_gap_seconds,
          report.parameters.track_gap_km,
        )}{' '}
        · {a.scoringVersion(report.scoring.config_version)}
      </p>
      <p className="console-dim">
        {a.rankByScore}；{a.sortHint}
      </p>
      <table className="console-table assessment-table" data-testid="assessment-table">
        <thead>
          <tr>
            <th>{a.rank}</th>
            <th>{a.unit}</th>
            <th>
              <button
                type="button"
                className={`assessment-rank${rankBy === 'score' ? ' tab-active' : ''}`}
                data-testid="assessment-rank-score"
                title={a.scoreTitle(weights)}
                onClick={() => onRankBy('score')}
              >
                {a.score}
              </button>
            </th>
            {report.indicators.map((i) => (
              <th key={i.id}>
                <button
                  type="button"
                  className={`assessment-rank${rankBy === i.id ? ' tab-active' : ''}`}
                  data-testid={`assessment-rank-${i.id}`}
                  title={`${i.numerator} ÷ ${i.denominator}`}
                  onClick={() => onRankBy(i.id)}
                >
                  {name(i)}
                </button>
                <div className="console-dim">{a.weight(report.scoring.weights[i.id])}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <UnitRow
            a={a}
            unit={report.totals}
            indicators={report.indicators}
            label={a.total}
            testId="assessment-total"
          />
          {units.map((u) => (
            <UnitRow
              key={`${u.org_code}/${u.enterprise_id ?? ''}/${u.access_code ?? ''}`}
              a={a}
              unit={u}
              indicators={report.indicators}
              label={u.name}
              testId="assessment-unit"
            />
          ))}
        </tbody>
      </table>
      {units.length === 0 ? <p className="console-empty">{a.noRows}</p> : null}
    </>
  );
}

function UnitRow({
  a,
  unit,
  indicators,
  label,
  testId,
}: {
  a: AssessmentMessages;
  unit: ScoredUnit;
  indicators: readonly AssessmentIndicator[];
  label: string;
  testId: string;
}) {
  const list = unit.lists[0];
  return (
    <tr
      className={
        testId === 'assessment-total'
          ? 'assessment-total'
          : `${unit.view_only ? 'console-dim' : ''}${list ? ` assessment-on-${list.list}` : ''}`
      }
      data-testid={testId}
      data-org-code={unit.org_code}
      data-enterprise-id={unit.enterprise_id ?? ''}
      data-access-code={unit.access_code ?? ''}
      data-list={list?.list ?? ''}
    >
      <td data-rank={unit.rank ?? ''}>{unit.rank ?? a.noData}</td>
      <td>
        {label}
        {unit.directly_administered ? <span className="assessment-tag">{a.directlyAdministered}</span> : null}
        {unit.view_only ? <span className="assessment-tag">{a.viewOnly}</span> : null}
        {list ? (
          <span
            className={`assessment-mark assessment-mark-${list.list}`}
            data-testid={`assessment-mark-${list.list}`}
            title={list.reasons.map((r) => r.text).join('；')}
          >
            {list.list === 'red' ? a.red : a.black}
          </span>
        ) : null}
      </td>
      <td className="assessment-score" data-score={unit.score ?? ''}>
        <span className="assessment-value">{scoreText(unit.score, a.noData)}</span>
      </td>
      {indicators.map((i) => {
        const figure = unit.figures[i.id];
        const contribution = unit.contributions.find((c) => c.indicator === i.id);
        return (
          <td
            key={i.id}
            data-indicator={i.id}
            data-numerator={figure.numerator}
            data-denominator={figure.denominator}
            data-points={contribution?.attainment === null ? '' : (contribution?.points ?? '')}
          >
            <span className="assessment-value">{figureText(i, figure, a.noData)}</span>
            <div className="console-dim">
              {countText(figure.numerator)}/{countText(figure.denominator)} {i.unit}
            </div>
            {contribution && contribution.attainment !== null ? (
              <div className="assessment-points">{a.points(contribution.points)}</div>
            ) : null}
          </td>
        );
      })}
    </tr>
  );
}

/**
 * The archive of generated circulars and scheduled reports (newest first), each file downloaded as it was stored.
 * The one just generated is confirmed beside the heading and marked in its row, not by a toast: a toast in the
 * corner sat on the download buttons of the rows below it.
 */
function CircularsSection({
  a,
  circulars,
  made,
}: {
  a: AssessmentMessages;
  circulars: CircularRecord[] | null;
  made: CircularRecord | null;
}) {
  const ws = useWorkspace();
  const download = async (circular: CircularRecord, file: CircularRecord['files'][number]) => {
    try {
      saveBlob(await ws.api.blob(file.href), `${circular.title}.${file.format}`);
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
    }
  };
  return (
    <section className="duty-section" data-testid="assessment-circulars">
      <h2>
        {a.circulars}
        {made === null ? null : (
          <span className="assessment-made" role="status" data-testid="assessment-generated">
            {a.generated(made.title)}
          </span>
        )}
      </h2>
      {circulars === null ? (
        <p className="console-dim">{a.loading}</p>
      ) : circulars.length === 0 ? (
        <p className="console-empty">{a.noCirculars}</p>
      ) : (
        <table className="console-table">
          <thead>
            <tr>
              <th>{a.circularTitle}</th>
              <th>{a.circularPeriod}</th>
              <th>{a.circularBy}</th>
              <th>{a.circularAt}</th>
              <th>{a.circularFiles}</th>
            </tr>
          </thead>
          <tbody>
            {circulars.map((c) => (
              <tr
                key={c.id}
                data-testid="assessment-circular"
                data-circular-id={c.id}
                data-schedule={c.schedule ?? ''}
                className={c.id === made?.id ? 'assessment-circular-new' : undefined}
              >
                <td>
                  {c.title}
                  {c.kind === 'report' ? <span className="assessment-kind">{a.reportKind}</span> : null}
                </td>
                <td className="assessment-nowrap">
                  {c.schedule === null ? null : <span className="assessment-schedule">{a.schedules[c.schedule]}</span>}
                  {c.period.from} — {c.period.to}
                </td>
                <td>{c.schedule === null ? c.created_by : a.scheduledBy}</td>
                <td className="assessment-nowrap">{chinaFullDateTime(c.created_at)}</td>
                <td className="assessment-files assessment-nowrap">
                  {c.files.map((f) => (
                    <button
                      key={f.format}
                      type="button"
                      data-testid={`assessment-download-${f.format}`}
                      onClick={() => void download(c, f)}
                    >
                      {f.format.toUpperCase()}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
