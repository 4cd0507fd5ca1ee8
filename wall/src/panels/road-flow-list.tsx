/**
 * 路段流量: the busiest traffic survey stations of the wall's scope, one row each — route, station, vehicles per hour
 * in their latest counted interval, heavy vehicles' share. Figures from `GET /api/summary/flows`; the rows that fit
 * at a size read from across the room, the busiest first.
 */
import type { RoadFlow } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { formatCount } from './number-format.js';

export interface RoadFlowListProps {
  roads: readonly RoadFlow[];
  rowsMax: number;
  messages: Messages;
}

/** Heavy vehicles' share as a whole percent; a dash when no counted class was a survey class name. */
export function formatShare(share: number | null): string {
  return share === null ? '–' : `${Math.round(share * 100)}%`;
}

export function RoadFlowList({ roads, rowsMax, messages }: RoadFlowListProps) {
  if (roads.length === 0) return <div className="flow-empty">{messages.roadFlowEmpty}</div>;
  const busiest = Math.max(1, ...roads.map((road) => road.vehicles_per_hour));
  return (
    <ol className="flow-rows" data-testid="road-flows">
      {roads.slice(0, rowsMax).map((road) => (
        <li
          key={road.station_id}
          className="flow-row road-row"
          data-testid="road-flow"
          data-station-id={road.station_id}
          data-vehicles-per-hour={road.vehicles_per_hour}
          data-heavy-share={road.heavy_share ?? ''}
        >
          <span className="road-tag">{road.road === '' ? '—' : road.road}</span>
          <span className="flow-name">{road.station_name === '' ? road.station_id : road.station_name}</span>
          <span className="flow-bar">
            <span style={{ width: `${Math.round((road.vehicles_per_hour / busiest) * 100)}%` }} />
          </span>
          <span className="flow-value">
            {formatCount(road.vehicles_per_hour)}
            <span className="flow-unit">{messages.vehiclesPerHour}</span>
          </span>
          <span className="flow-share">{messages.heavyShare(formatShare(road.heavy_share))}</span>
        </li>
      ))}
    </ol>
  );
}
