/**
 * Today's alarms per rule as horizontal bars, the most frequent first (as many as the panel holds at a size read from
 * across the room); d3 does the scales, React draws the SVG. Text sizes are the layout's (wall.css).
 */
import { max, scaleBand, scaleLinear } from 'd3';
import { useLayoutEffect, useRef } from 'react';
import type { RuleCount } from '../feed/wall-summary.js';
import type { Lang } from '../i18n/locale.js';
import { ruleName } from '../i18n/rule-names.js';
import { formatCount } from './number-format.js';

const CHART_WIDTH = 900;
const ROW_HEIGHT = 64;
const LABEL_WIDTH = 340;
const VALUE_WIDTH = 130;
/** Room for a rule's name left of its bar; a longer name (终端当天累计驾驶超时 at the 4K sizes) is narrowed into it. */
const LABEL_ROOM = LABEL_WIDTH - 16;
const BAR_COLOR = '#3d8bfd';
const BAR_COLOR_TOP = '#ffb020';

export interface RuleBarChartProps {
  counts: readonly RuleCount[];
  lang: Lang;
  /** Rules shown, the most frequent first. */
  rowsMax: number;
}

export function RuleBarChart({ counts, lang, rowsMax }: RuleBarChartProps) {
  const rows = counts.slice(0, rowsMax);
  const svg = useRef<SVGSVGElement>(null);
  // The text's size comes from the layout's CSS, so only the drawn text says whether a name fits: one that does not
  // is narrowed to the room instead of running off the panel's left edge.
  useLayoutEffect(() => {
    for (const label of svg.current?.querySelectorAll<SVGTextElement>('.chart-label') ?? []) {
      label.removeAttribute('textLength');
      if (label.getComputedTextLength() > LABEL_ROOM) label.setAttribute('textLength', String(LABEL_ROOM));
    }
  });
  const height = rowsMax * ROW_HEIGHT;
  const y = scaleBand<string>()
    .domain(rows.map((row) => row.rule))
    .range([0, rows.length * ROW_HEIGHT])
    .paddingInner(0.28);
  const x = scaleLinear()
    .domain([0, Math.max(1, max(rows, (row) => row.count) ?? 1)])
    .range([0, CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH]);
  return (
    <svg ref={svg} className="chart" viewBox={`0 0 ${CHART_WIDTH} ${height}`} data-testid="chart-by-rule">
      {rows.map((row, index) => {
        const top = y(row.rule) ?? 0;
        const middle = top + y.bandwidth() / 2;
        return (
          <g key={row.rule}>
            <text
              className="chart-label"
              x={LABEL_ROOM}
              y={middle}
              textAnchor="end"
              dominantBaseline="central"
              lengthAdjust="spacingAndGlyphs"
            >
              {ruleName(row.rule, lang)}
            </text>
            <rect
              x={LABEL_WIDTH}
              y={top}
              width={CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH}
              height={y.bandwidth()}
              className="chart-track"
            />
            <rect
              x={LABEL_WIDTH}
              y={top}
              width={x(row.count)}
              height={y.bandwidth()}
              fill={index === 0 && row.count > 0 ? BAR_COLOR_TOP : BAR_COLOR}
              rx={4}
            />
            <text className="chart-value" x={CHART_WIDTH - VALUE_WIDTH + 14} y={middle} dominantBaseline="central">
              {formatCount(row.count)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
