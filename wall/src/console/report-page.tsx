/**
 * The reports page (报表): daily, weekly or monthly series of the caller's scope — alarms raised and handled,
 * vehicles online, positions stored, overspeed episodes — for the scope as a whole and per unit below it, enterprise,
 * vehicle class or alarm rule, each interval with its change against the one before; a trend chart of the chosen
 * figure; the same report as an Excel workbook. The figures are the server's (`GET /api/reports`), the page only
 * arranges them. Formulas: docs/reports.md.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { saveBlob } from './save-blob.js';
import { chinaDay } from './console-time.js';
import { DayRangeInputs } from './day-range-inputs.js';
import {
  REPORT_GROUPINGS,
  REPORT_INTERVALS,
  type ReportAnswer,
  type ReportFigure,
  type ReportFigureId,
  type ReportGroup,
  type ReportGrouping,
  type ReportInterval,
} from '../../../schema/reports.js';
import { errorSentence } from './error-text.js';
import { REPORT_MESSAGES, type ReportMessages } from './report-messages.js';
import { useWorkspace } from './workspace-context.js';
import './reports.css';

/** Groups drawn in the chart beside the total, the largest by the figure first. */
const CHART_GROUPS = 5;
const CHART_COLOURS = ['#7fb3e6', '#f0b44c', '#6fcf97', '#e57373', '#ba68c8', '#4dd0e1'];

/** A figure as a report prints it: a whole number, or a percentage with one decimal; — where it has no value. */
export function reportValueText(figure: ReportFigure, value: number | null, none: string): string {
  if (value === null) return none;
  return figure.kind === 'ratio' ? `${(value * 100).toFixed(1)}%` : String(Math.round(value));
}

/** A change with its sign: +3 / −2 / 0, or percentage points for a share. */
export function reportChangeText(figure: ReportFigure, change: number | null, none: string): string {
  if (change === null) return none;
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  const size = Math.abs(change);
  return figure.kind === 'ratio' ? `${sign}${(size * 100).toFixed(1)}pp` : `${sign}${Math.round(size)}`;
}

/** An interval's column heading: the day, the week's Monday, or the month. */
function intervalLabel(interval: ReportInterval, from: string): string {
  return interval === 'month' ? from.slice(0, 7) : from.slice(5);
}

export function ReportPage() {
  const ws = useWorkspace();
  const r = REPORT_MESSAGES[ws.lang];
  const [days, setDays] = useState(() => ({ from: chinaDay(Date.now(), 27), to: chinaDay(Date.now()) }));
  const [interval, setStep] = useState<ReportInterval>('week');
  const [by, setBy] = useState<ReportGrouping>('unit');
  const [figureId, setFigureId] = useState<ReportFigureId>('alarms_raised');
  const [report, setReport] = useState<ReportAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = `from=${days.from}&to=${days.to}&interval=${interval}&by=${by}`;

  // Only the answer to the latest query is shown: changing two controls quickly starts two loads, and the first
  // may well answer last.
  const latest = useRef(0);
  const load = useCallback(async () => {
    const asked = ++latest.current;
    setError(null);
    setReport(null);
    try {
      const answer = await ws.api.get<ReportAnswer>(`/api/reports?${query}`);
      if (asked === latest.current) setReport(answer);
    } catch (failure) {
      if (asked === latest.current) setError(errorSentence(failure, ws.m));
    }
  }, [ws.api, ws.lang, query]);

  useEffect(() => void load(), [load]);

  const exportXlsx = async () => {
    try {
      saveBlob(
        await ws.api.blob(`/api/reports?${query}&format=xlsx`),
        `report-${report?.scope.org_code ?? ws.session.user.org_code}-${by}-${interval}-${days.from}-${days.to}.xlsx`,
      );
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
    }
  };
  const figure = report?.figures.find((f) => f.id === figureId);

  return (
    <div className="duty-page report-page" data-testid="report-page">
      <section className="duty-section">
        <h2>{r.title}</h2>
        <form
          className="duty-form report-form"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <DayRangeInputs labels={r} value={days} onChange={setDays} testIdPrefix="report" />
          <label>
            {r.interval}
            <select
              data-testid="report-interval"
              value={interval}
              onChange={(e) => setStep(e.target.value as ReportInterval)}
            >
              {REPORT_INTERVALS.map((i) => (
                <option key={i} value={i}>
                  {r.intervals[i]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {r.by}
            <select data-testid="report-by" value={by} onChange={(e) => setBy(e.target.value as ReportGrouping)}>
              {REPORT_GROUPINGS.map((g) => (
                <option key={g} value={g}>
                  {r.groupings[g]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {r.figure}
            <select
              data-testid="report-figure"
              value={figureId}
              onChange={(e) => setFigureId(e.target.value as ReportFigureId)}
            >
              {(report?.figures ?? []).map((f) => (
                <option key={f.id} value={f.id}>
                  {ws.lang === 'zh' ? f.name : f.name_en}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" data-testid="report-show">
            {r.show}
          </button>
          <button type="button" data-testid="report-export" disabled={report === null} onClick={exportXlsx}>
            {r.exportXlsx}
          </button>
        </form>
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="report-error">
            {error}
          </p>
        ) : report === null || figure === undefined ? (
          <p className="console-dim">{r.loading}</p>
        ) : (
          <>
            <p className="console-dim" data-testid="report-period">
              {report.scope.name} ·{' '}
              {r.periodText(report.period.from, report.period.to, report.baseline.from, report.baseline.to)}
            </p>
            <TrendChart r={r} report={report} figure={figure} />
            <ReportTable r={r} report={report} figure={figure} />
          </>
        )}
      </section>
    </div>
  );
}

/** The chosen figure over the intervals: the total and the largest groups, each a line with its colour named. */
function TrendChart({ r, report, figure }: { r: ReportMessages; report: ReportAnswer; figure: ReportFigure }) {
  const ws = useWorkspace();
  const sum = (g: ReportGroup) => g.series.reduce((n, p) => n + (p.values[figure.id] ?? 0), 0);
  // The total of counts dwarfs its parts; shares are on one scale, so the total can be drawn with them.
  const groups = [...report.groups]
    .filter((g) => g.series.some((p) => p.values[figure.id] !== null))
    .sort((a, b) => sum(b) - sum(a))
    .slice(0, CHART_GROUPS);
  const lines = [{ group: report.totals, name: r.total }, ...groups.map((group) => ({ group, name: group.name }))];
  const width = 720;
  const height = 180;
  const left = 44;
  const bottom = 20;
  const top = 8;
  const points = report.totals.series.length;
  const labelEvery = Math.max(1, Math.ceil(points / 12));
  // Shares on 0…100 %; counts from 0 to the largest rounded up to an even number (at least 2), so that the middle
  // grid line is a whole number too.
  const largest = Math.max(0, ...lines.flatMap((l) => l.group.series.map((p) => p.values[figure.id] ?? 0)));
  const max = figure.kind === 'ratio' ? 1 : Math.max(2, 2 * Math.ceil(largest / 2));
  const x = (i: number) => (points <= 1 ? (left + width) / 2 : left + 12 + (i * (width - left - 40)) / (points - 1));
  const y = (v: number) => top + (height - top - bottom) * (1 - v / max);
  const axis = (v: number) => reportValueText(figure, v, '');
  return (
    <figure className="report-chart" data-testid="report-chart">
      <figcaption>{r.chartTitle(ws.lang === 'zh' ? figure.name : figure.name_en)}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={left} x2={width} y1={y(max * f)} y2={y(max * f)} stroke="#2a4a6b" strokeWidth={0.5} />
            <text x={left - 4} y={y(max * f) + 4} textAnchor="end">
              {axis(max * f)}
            </text>
          </g>
        ))}
        {report.totals.series.map((p, i) =>
          // At most about a dozen labels: every k-th interval's, so that a quarter of days stays legible.
          i % labelEvery === 0 ? (
            <text key={p.interval.from} x={x(i)} y={height - 4} textAnchor="middle">
              {intervalLabel(report.interval, p.interval.from)}
            </text>
          ) : null,
        )}
        {lines.map((line, k) => {
          const colour = CHART_COLOURS[k % CHART_COLOURS.length];
          const known = line.group.series.map((p, i) => ({ p, i })).filter(({ p }) => p.values[figure.id] !== null);
          return (
            <g key={line.group.key} data-testid="report-chart-line" data-key={line.group.key}>
              <polyline
                fill="none"
                stroke={colour}
                strokeWidth={k === 0 ? 2.5 : 1.5}
                points={known.map(({ p, i }) => `${x(i)},${y(p.values[figure.id]!)}`).join(' ')}
              />
              {known.map(({ p, i }) => (
                // An interval not over yet is drawn hollow: its figure still grows.
                <circle
                  key={p.interval.from}
                  cx={x(i)}
                  cy={y(p.values[figure.id]!)}
                  r={k === 0 ? 3 : 2}
                  fill={p.interval.complete ? colour : '#0b1626'}
                  stroke={colour}
                  strokeWidth={1.5}
                >
                  <title>{`${line.name} ${p.interval.from} ${reportValueText(figure, p.values[figure.id], '')}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <ul className="report-legend">
        {lines.map((line, k) => (
          <li key={line.group.key}>
            <span className="report-swatch" style={{ background: CHART_COLOURS[k % CHART_COLOURS.length] }} />
            {line.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** One row per group (the total first), one column per interval: the figure and its change. */
function ReportTable({ r, report, figure }: { r: ReportMessages; report: ReportAnswer; figure: ReportFigure }) {
  const row = (group: ReportGroup, label: string, total: boolean) => (
    <tr
      key={group.key}
      className={total ? 'report-total' : undefined}
      data-testid={total ? 'report-total' : 'report-group'}
      data-key={group.key}
    >
      <th scope="row">{label}</th>
      {group.series.map((p) => {
        const change = p.change[figure.id];
        return (
          <td
            key={p.interval.from}
            data-testid="report-cell"
            data-from={p.interval.from}
            data-value={p.values[figure.id] ?? ''}
            data-change={change ?? ''}
          >
            <span className="report-value">{reportValueText(figure, p.values[figure.id], r.noData)}</span>
            <span className="report-change" title={r.changeTitle}>
              {reportChangeText(figure, change, r.noData)}
            </span>
          </td>
        );
      })}
    </tr>
  );
  return (
    <>
      <p className="console-dim">{r.hint}</p>
      <div className="report-scroll">
        <table className="console-table report-table" data-testid="report-table">
          <thead>
            <tr>
              <th>{r.group}</th>
              {report.totals.series.map((p) => (
                <th key={p.interval.from} title={`${p.interval.from} – ${p.interval.to}`}>
                  {intervalLabel(report.interval, p.interval.from)}
                  {p.interval.complete ? null : <div className="console-dim">{r.openInterval}</div>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {row(report.totals, `${report.totals.name}（${r.total}）`, true)}
            {report.groups.map((g) => row(g, g.name, false))}
          </tbody>
        </table>
      </div>
      {report.groups.length === 0 ? <p className="console-empty">{r.noGroups}</p> : null}
    </>
  );
}
