/**
 * The scope's last 30 days beside today's figures: alarms received per Beijing day as bars (the last seven bright,
 * today outlined, still running) with the part handled so far as a green bar inside each, the last seven days against the seven before, and this month so far against the
 * same days of last month. Figures from `GET /api/summary/trends`, computed by the server from PostgreSQL.
 */
import { max, scaleBand, scaleLinear } from 'd3';
import type { CentreTrends, TrendPeriod } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { formatRate } from './headline-tiles.js';
import { formatCount } from './number-format.js';

const CHART_WIDTH = 900;
const CHART_HEIGHT = 300;
const MARGIN = { top: 12, right: 8, bottom: 56, left: 8 };
const BAR_OLD = '#2a5a9c';
const BAR_WEEK = '#4fc3ff';
/** The handled part of a day: narrower and green, inside the day's bar, so both read at a glance from 5 m. */
const BAR_HANDLED = '#5fd38d';
const HANDLED_WIDTH = 0.5;
const WEEK_DAYS = 7;
const DAY_MS = 86_400_000;

function sum(days: CentreTrends['days'], from: number, to: number): number {
  return days.slice(from, to).reduce((n, day) => n + day.alarms_received, 0);
}

/** Change from `before` to `now` as a signed whole percentage; null when there was nothing before. */
export function changePercent(now: number, before: number): string | null {
  if (before === 0) return null;
  const percent = Math.round(((now - before) / before) * 100);
  return `${percent > 0 ? '+' : ''}${percent}%`;
}

/** M-D of a Beijing day. */
function monthDay(dayStart: number): string {
  const local = new Date(dayStart + 8 * 3_600_000 + DAY_MS / 2);
  return `${local.getUTCMonth() + 1}-${local.getUTCDate()}`;
}

export interface TrendPanelProps {
  trends: CentreTrends | null;
  messages: Messages;
}

export function TrendPanel({ trends, messages }: TrendPanelProps) {
  if (trends === null) return <div className="alarm-empty">{messages.rankingEmpty}</div>;
  const { days, month } = trends;
  const x = scaleBand<number>()
    .domain(days.map((_, index) => index))
    .range([MARGIN.left, CHART_WIDTH - MARGIN.right])
    .paddingInner(0.25);
  const top = Math.max(1, max(days, (day) => day.alarms_received) ?? 1);
  const y = scaleLinear()
    .domain([0, top])
    .range([CHART_HEIGHT - MARGIN.bottom, MARGIN.top]);
  const week = sum(days, days.length - WEEK_DAYS, days.length);
  const weekBefore = sum(days, days.length - 2 * WEEK_DAYS, days.length - WEEK_DAYS);
  const tickDays = [0, 7, 14, 21, days.length - 1];
  return (
    <div className="trend" data-testid="trend-panel">
      <svg className="chart" viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`} data-testid="chart-30-days">
        {days.map((day, index) => {
          const isToday = index === days.length - 1;
          const height = y(0) - y(day.alarms_received);
          const handledHeight = y(0) - y(day.alarms_handled);
          const left = x(index) ?? 0;
          return (
            <g key={day.day_start}>
              <rect
                x={left}
                y={y(day.alarms_received)}
                width={x.bandwidth()}
                height={Math.max(height, day.alarms_received > 0 ? 3 : 0)}
                fill={index >= days.length - WEEK_DAYS ? BAR_WEEK : BAR_OLD}
                stroke={isToday ? '#ffffff' : 'none'}
                strokeWidth={isToday ? 3 : 0}
                data-testid="trend-day"
                data-day={day.day_start}
                data-received={day.alarms_received}
                data-handled={day.alarms_handled}
              />
              {day.alarms_handled > 0 ? (
                <rect
                  x={left + (x.bandwidth() * (1 - HANDLED_WIDTH)) / 2}
                  y={y(day.alarms_handled)}
                  width={x.bandwidth() * HANDLED_WIDTH}
                  height={Math.max(handledHeight, 3)}
                  fill={BAR_HANDLED}
                />
              ) : null}
            </g>
          );
        })}
        <line className="chart-grid" x1={MARGIN.left} x2={CHART_WIDTH - MARGIN.right} y1={y(0)} y2={y(0)} />
        {tickDays.map((index) => (
          <text
            key={index}
            className="chart-axis"
            x={(x(index) ?? 0) + x.bandwidth() / 2}
            y={CHART_HEIGHT - 8}
            textAnchor={index === 0 ? 'start' : index === days.length - 1 ? 'end' : 'middle'}
          >
            {monthDay(days[index].day_start)}
          </text>
        ))}
        <text className="chart-axis" x={MARGIN.left} y={MARGIN.top + 30}>
          {`${formatCount(top)} ${messages.trendDaysNote}`}
          <tspan fill={BAR_HANDLED}>{` · ${messages.trendHandledNote}`}</tspan>
        </text>
      </svg>
      <div className="trend-line" data-testid="trend-week" data-received={week} data-before={weekBefore}>
        {messages.trendWeek(formatCount(week), (week / WEEK_DAYS).toFixed(1), formatCount(weekBefore))}
      </div>
      <MonthLine month={month.this_month} last={month.last_month} messages={messages} />
    </div>
  );
}

function MonthLine({ month, last, messages }: { month: TrendPeriod; last: TrendPeriod; messages: Messages }) {
  const change = changePercent(month.alarms_received, last.alarms_received);
  return (
    <div
      className="trend-line"
      data-testid="trend-month"
      data-received={month.alarms_received}
      data-last-received={last.alarms_received}
    >
      <span>{messages.trendMonth(formatCount(month.alarms_received), formatRate(month.handling_rate))}</span>
      <span className="trend-last">
        {messages.trendLastMonth(formatCount(last.alarms_received), formatRate(last.handling_rate))}
        {change === null ? null : ` · ${messages.trendChange(change)}`}
      </span>
    </div>
  );
}
