/**
 * The assessment page (考核): the guideline's indicators of the caller's scope for a period of Beijing calendar
 * days — this month, last month, the last 7 days or any days — for the scope as a whole and per unit below it (or
 * every county, or every enterprise), each figure with its numerator and denominator, ranked by any indicator with
 * one click, and the same report as an Excel workbook. The figures are the server's (`GET /api/assessment`); the
 * page only arranges them. Formulas: docs/assessment.md.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  AssessmentFigure,
  AssessmentIndicator,
  AssessmentIndicatorId,
  AssessmentReport,
  AssessmentUnit,
} from '../../../schema/assessment.js';
import { ASSESSMENT_MESSAGES, type AssessmentMessages } from './assessment-messages.js';
import { errorSentence } from './error-text.js';
import { useWorkspace } from './workspace-context.js';

type Preset = 'this_month' | 'last_month' | 'last_7_days' | 'custom';
type Level = 'children' | 'county' | 'enterprise';

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** A Beijing calendar day, YYYY-MM-DD, `daysAgo` days before today's. */
function chinaDay(nowMs: number, daysAgo = 0): string {
  return new Date(nowMs + CHINA_OFFSET_MS - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

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

export function AssessmentPage() {
  const ws = useWorkspace();
  const a = ASSESSMENT_MESSAGES[ws.lang];
  const [preset, setPreset] = useState<Preset>('this_month');
  const [custom, setCustom] = useState(() => presetDays('this_month', Date.now()));
  const [level, setLevel] = useState<Level>('children');
  const [report, setReport] = useState<AssessmentReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rankBy, setRankBy] = useState<AssessmentIndicatorId | null>(null);

  const days = preset === 'custom' ? custom : presetDays(preset, Date.now());
  // The scope's child units are what the API lists without a level.
  const query = `from=${days.from}&to=${days.to}${level === 'children' ? '' : `&level=${level}`}`;

  const load = useCallback(async () => {
    setError(null);
    setReport(null);
    try {
      setReport(await ws.api.get<AssessmentReport>(`/api/assessment?${query}`));
    } catch (failure) {
      setError(errorSentence(failure, ws.m));
    }
  }, [ws.api, ws.lang, query]);

  useEffect(() => void load(), [load]);

  const exportXlsx = async () => {
    try {
      // Fetched with the token in the header (never in a URL), then saved from a blob.
      const blob = await ws.api.blob(`/api/assessment?${query}&format=xlsx`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `assessment-${report?.scope.org_code ?? ws.session.user.org_code}-${days.from}-${days.to}.xlsx`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
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
            <>
              <label>
                {a.from}
                <input
                  type="date"
                  data-testid="assessment-from"
                  value={custom.from}
                  onChange={(e) => setCustom({ ...custom, from: e.target.value })}
                />
              </label>
              <label>
                {a.to}
                <input
                  type="date"
                  data-testid="assessment-to"
                  value={custom.to}
                  onChange={(e) => setCustom({ ...custom, to: e.target.value })}
                />
              </label>
            </>
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
        </form>
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="assessment-error">
            {error}
          </p>
        ) : report === null ? (
          <p className="console-dim">{a.loading}</p>
        ) : (
          <AssessmentTable a={a} report={report} rankBy={rankBy} onRankBy={setRankBy} />
        )}
      </section>
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
  report: AssessmentReport;
  rankBy: AssessmentIndicatorId | null;
  onRankBy: (id: AssessmentIndicatorId) => void;
}) {
  const ws = useWorkspace();
  const units = useMemo(() => {
    if (rankBy === null) return report.units;
    // Highest first; units without a base for the figure last, in their listed order.
    return [...report.units].sort(
      (x, y) => (y.figures[rankBy].value ?? -Infinity) - (x.figures[rankBy].value ?? -Infinity),
    );
  }, [report.units, rankBy]);
  const name = (i: AssessmentIndicator) => (ws.lang === 'zh' ? i.name : i.name_en);
  return (
    <>
      <p className="console-dim" data-testid="assessment-period">
        {report.scope.name} · {a.periodText(report.period.from, report.period.to, report.period.days)} ·{' '}
        {a.parameters(
          report.parameters.config_version,
          report.parameters.track_gap_seconds,
          report.parameters.track_gap_km,
        )}
      </p>
      <p className="console-dim">{a.sortHint}</p>
      <table className="console-table assessment-table" data-testid="assessment-table">
        <thead>
          <tr>
            <th>{a.unit}</th>
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
              key={`${u.org_code}/${u.enterprise_id ?? ''}`}
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
  unit: AssessmentUnit;
  indicators: readonly AssessmentIndicator[];
  label: string;
  testId: string;
}) {
  return (
    <tr
      className={testId === 'assessment-total' ? 'assessment-total' : unit.view_only ? 'console-dim' : ''}
      data-testid={testId}
      data-org-code={unit.org_code}
      data-enterprise-id={unit.enterprise_id ?? ''}
    >
      <td>
        {label}
        {unit.directly_administered ? <span className="assessment-tag">{a.directlyAdministered}</span> : null}
        {unit.view_only ? <span className="assessment-tag">{a.viewOnly}</span> : null}
      </td>
      {indicators.map((i) => {
        const figure = unit.figures[i.id];
        return (
          <td key={i.id} data-indicator={i.id} data-numerator={figure.numerator} data-denominator={figure.denominator}>
            <span className="assessment-value">{figureText(i, figure, a.noData)}</span>
            <div className="console-dim">
              {countText(figure.numerator)}/{countText(figure.denominator)} {i.unit}
            </div>
          </td>
        );
      })}
    </tr>
  );
}
