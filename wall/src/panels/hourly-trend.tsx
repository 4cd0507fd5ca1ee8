/** Today's alarms per hour (Asia/Shanghai) as an area, drawn up to the current hour only. */
import { area, curveMonotoneX, line, max, scaleLinear } from 'd3';
import { formatCount } from './number-format.js';

const CHART_WIDTH = 900;
const CHART_HEIGHT = 430;
const MARGIN = { top: 30, right: 30, bottom: 56, left: 90 };
const HOURS = 24;
const TICK_HOURS = [0, 3, 6, 9, 12, 15, 18, 21, 24];
const LINE_COLOR = '#4fc3ff';

export interface HourlyTrendProps {
  byHour: readonly number[];
  /** Hour of the Shanghai day now, 0-23: later hours have not happened yet and are not drawn. */
  currentHour: number;
  unit: string;
}

export function HourlyTrend({ byHour, currentHour, unit }: HourlyTrendProps) {
  const hours = byHour.slice(0, currentHour + 1).map((count, hour) => ({ hour, count }));
  const x = scaleLinear()
    .domain([0, HOURS])
    .range([MARGIN.left, CHART_WIDTH - MARGIN.right]);
  const top = Math.max(4, max(hours, (point) => point.count) ?? 0);
  const y = scaleLinear()
    .domain([0, top])
    .nice(4)
    .range([CHART_HEIGHT - MARGIN.bottom, MARGIN.top]);
  // Each hour's count is drawn at the middle of its hour.
  const xOf = (point: { hour: number }) => x(point.hour + 0.5);
  const areaPath =
    area<{ hour: number; count: number }>()
      .x(xOf)
      .y0(y(0))
      .y1((point) => y(point.count))
      .curve(curveMonotoneX)(hours) ?? '';
  const linePath =
    line<{ hour: number; count: number }>()
      .x(xOf)
      .y((point) => y(point.count))
      .curve(curveMonotoneX)(hours) ?? '';
  const last = hours[hours.length - 1];
  return (
    <svg className="chart" viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`} data-testid="chart-by-hour">
      <defs>
        <linearGradient id="trend-fill" x1="0" x2="0" y1="0" y2="1">
          <stop offset="0%" stopColor={LINE_COLOR} stopOpacity={0.55} />
          <stop offset="100%" stopColor={LINE_COLOR} stopOpacity={0.03} />
        </linearGradient>
      </defs>
      {y.ticks(4).map((tick) => (
        <g key={tick}>
          <line className="chart-grid" x1={MARGIN.left} x2={CHART_WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
          <text className="chart-axis" x={MARGIN.left - 14} y={y(tick)} textAnchor="end" dominantBaseline="central">
            {formatCount(tick)}
          </text>
        </g>
      ))}
      {TICK_HOURS.map((hour) => (
        <text key={hour} className="chart-axis" x={x(hour)} y={CHART_HEIGHT - MARGIN.bottom + 36} textAnchor="middle">
          {String(hour).padStart(2, '0')}
        </text>
      ))}
      <text className="chart-axis" x={CHART_WIDTH - MARGIN.right} y={MARGIN.top - 8} textAnchor="end">
        {unit}
      </text>
      <path d={areaPath} fill="url(#trend-fill)" />
      <path d={linePath} fill="none" stroke={LINE_COLOR} strokeWidth={4} />
      {last === undefined ? null : (
        <circle cx={xOf(last)} cy={y(last.count)} r={9} fill="#ffffff" stroke={LINE_COLOR} strokeWidth={4} />
      )}
    </svg>
  );
}
