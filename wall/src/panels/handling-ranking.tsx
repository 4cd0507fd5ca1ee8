/**
 * The wall's own units ranked by today's handling rate (处置率): on the province's wall its cities and 省直管县, on a
 * city's its counties (and the 省直管县 it views, marked), on a county's its departments. Units that received no
 * alarm today have no rate; they are counted in one line under the rows rather than drawn empty. Rows flow into as
 * many columns as the panel's height needs, so 28 units fit, and names are never cut: the name column is as wide as
 * the longest name.
 */
import type { CentreSummary } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { formatRate } from './headline-tiles.js';
import { formatCount } from './number-format.js';

/** Bar colours by rate: at or above GOOD green, at or above FAIR amber, below red. */
const RATE_GOOD = 0.9;
const RATE_FAIR = 0.6;
const COLOR_GOOD = '#3ddc84';
const COLOR_FAIR = '#ffb020';
const COLOR_POOR = '#ff4d4d';

export function rateColor(rate: number): string {
  return rate >= RATE_GOOD ? COLOR_GOOD : rate >= RATE_FAIR ? COLOR_FAIR : COLOR_POOR;
}

export interface RankingRow {
  code: string;
  name: string;
  rate: number | null;
  received: number;
  handled: number;
  mark: string | null;
}

/** What the wall ranks: a county its departments, any other unit the units it commands (and views). */
export function rankingRows(summary: CentreSummary, messages: Messages): RankingRow[] {
  if (
    summary.scope.level === 'county' ||
    summary.units.length === 0 ||
    summary.units[0].org_code === summary.scope.org_code
  )
    return summary.departments.map((d) => ({
      code: d.code,
      name: d.name,
      rate: d.handling_rate,
      received: d.alarms_received,
      handled: d.alarms_handled,
      mark: null,
    }));
  return summary.units.map((u) => ({
    code: u.org_code,
    name: u.name,
    rate: u.handling_rate,
    received: u.alarms_received,
    handled: u.alarms_handled,
    mark: u.view_only ? messages.rankingView : u.directly_administered ? messages.rankingDirect : null,
  }));
}

/** Which title fits the ranking: the scope's level. */
export function rankingLevel(summary: CentreSummary): 'province' | 'city' | 'county' {
  return summary.scope.level === 'province' ? 'province' : summary.scope.level === 'city' ? 'city' : 'county';
}

export interface HandlingRankingProps {
  rows: readonly RankingRow[];
  /** Departments (a county's wall) rather than units. */
  departments: boolean;
  /** Rows that fit in one column of the panel; more flow into further columns. */
  rowsPerColumn: number;
  messages: Messages;
}

export function HandlingRanking({ rows, departments, rowsPerColumn, messages }: HandlingRankingProps) {
  const ranked = rows.filter((row) => row.rate !== null);
  const withoutAlarms = rows.length - ranked.length;
  const columns = Math.max(1, Math.ceil(ranked.length / Math.max(1, rowsPerColumn)));
  const perColumn = Math.ceil(ranked.length / columns);
  return (
    <div className="ranking" data-testid="handling-ranking" data-columns={columns}>
      {ranked.length === 0 ? null : (
        <ol
          className={`ranking-rows${columns > 1 ? ' ranking-rows-compact' : ''}`}
          style={{ gridTemplateRows: `repeat(${perColumn}, auto)`, gridTemplateColumns: `repeat(${columns}, 1fr)` }}
        >
          {ranked.map((row, index) => {
            const rate = row.rate ?? 0;
            return (
              <li
                key={row.code}
                className="ranking-row"
                data-testid="ranking-row"
                data-org-code={row.code}
                data-rate={rate}
                data-received={row.received}
                data-handled={row.handled}
              >
                <span className="ranking-rank">{index + 1}</span>
                <span className="ranking-name">
                  {row.name}
                  {row.mark === null ? null : <span className="tag tag-direct">{row.mark}</span>}
                </span>
                <span className="ranking-bar">
                  <span style={{ width: `${Math.round(rate * 100)}%`, background: rateColor(rate) }} />
                </span>
                <span className="ranking-rate">{formatRate(rate)}</span>
                {columns > 1 ? null : (
                  <span className="ranking-count">{`${formatCount(row.handled)}/${formatCount(row.received)}`}</span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {withoutAlarms > 0 ? (
        <div className="ranking-note">
          {(departments ? messages.rankingNoAlarmsDepartments : messages.rankingNoAlarms)(formatCount(withoutAlarms))}
        </div>
      ) : null}
    </div>
  );
}
