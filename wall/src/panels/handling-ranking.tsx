/**
 * Child units ranked by today's handling rate (处置率): cities on the province's wall, counties on a city's, the
 * county itself on a county's. Units that received no alarm today have no rate; they are counted in one line
 * under the bars rather than drawn as empty rows. d3 does the scales, React draws the SVG.
 */
import { scaleBand, scaleLinear } from 'd3';
import type { SummaryUnit } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { formatRate } from './headline-tiles.js';
import { formatCount } from './number-format.js';

const CHART_WIDTH = 900;
const ROW_HEIGHT = 46;
/** Henan has 18 city-level units and at most 14 counties under one city: every unit fits. */
export const RANKING_ROWS_MAX = 18;
const RANK_WIDTH = 52;
const LABEL_WIDTH = 250;
const VALUE_WIDTH = 230;
/** Bar colours by rate: at or above GOOD green, at or above FAIR amber, below red. */
const RATE_GOOD = 0.9;
const RATE_FAIR = 0.6;
const COLOR_GOOD = '#3ddc84';
const COLOR_FAIR = '#ffb020';
const COLOR_POOR = '#ff4d4d';

export function rateColor(rate: number): string {
  return rate >= RATE_GOOD ? COLOR_GOOD : rate >= RATE_FAIR ? COLOR_FAIR : COLOR_POOR;
}

export interface HandlingRankingProps {
  units: readonly SummaryUnit[];
  messages: Messages;
}

export function HandlingRanking({ units, messages }: HandlingRankingProps) {
  const ranked = units.filter((unit) => unit.handling_rate !== null);
  const rows = ranked.slice(0, RANKING_ROWS_MAX);
  const withoutAlarms = units.length - ranked.length;
  const notShown = ranked.length - rows.length;
  const height = rows.length * ROW_HEIGHT;
  const barLeft = RANK_WIDTH + LABEL_WIDTH;
  const barWidth = CHART_WIDTH - barLeft - VALUE_WIDTH;
  const y = scaleBand<string>()
    .domain(rows.map((row) => row.org_code))
    .range([0, rows.length * ROW_HEIGHT])
    .paddingInner(0.26);
  const x = scaleLinear().domain([0, 1]).range([0, barWidth]).clamp(true);
  return (
    <div className="ranking" data-testid="handling-ranking">
      {rows.length === 0 ? null : (
        <svg className="chart" viewBox={`0 0 ${CHART_WIDTH} ${height}`}>
          {rows.map((row, index) => {
            const top = y(row.org_code) ?? 0;
            const middle = top + y.bandwidth() / 2;
            const rate = row.handling_rate ?? 0;
            return (
              <g
                key={row.org_code}
                data-testid="ranking-row"
                data-org-code={row.org_code}
                data-rate={rate}
                data-received={row.alarms_received}
                data-handled={row.alarms_handled}
              >
                <text className="chart-axis" x={RANK_WIDTH - 14} y={middle} textAnchor="end" dominantBaseline="central">
                  {index + 1}
                </text>
                <text className="chart-label" x={barLeft - 16} y={middle} textAnchor="end" dominantBaseline="central">
                  {row.name}
                </text>
                <rect x={barLeft} y={top} width={barWidth} height={y.bandwidth()} className="chart-track" />
                <rect x={barLeft} y={top} width={x(rate)} height={y.bandwidth()} fill={rateColor(rate)} rx={4} />
                <text className="chart-value" x={CHART_WIDTH - VALUE_WIDTH + 14} y={middle} dominantBaseline="central">
                  {formatRate(rate)}
                  <tspan className="chart-axis" dx={12}>
                    {`${formatCount(row.alarms_handled)}/${formatCount(row.alarms_received)}`}
                  </tspan>
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {withoutAlarms > 0 || notShown > 0 ? (
        <div className="ranking-note">
          {[
            notShown > 0 ? messages.rankingMore(formatCount(notShown)) : null,
            withoutAlarms > 0 ? messages.rankingNoAlarms(formatCount(withoutAlarms)) : null,
          ]
            .filter((text) => text !== null)
            .join(' · ')}
        </div>
      ) : null}
    </div>
  );
}

/** Which title fits the ranking: the scope's level, read from what the units are. */
export function rankingLevel(scopeOrgCode: string, units: readonly SummaryUnit[]): 'province' | 'city' | 'county' {
  const first = units[0];
  if (first === undefined || first.org_code === scopeOrgCode) return 'county';
  return first.level === 'city' ? 'province' : 'city';
}
