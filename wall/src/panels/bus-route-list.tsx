/**
 * 公交线路: the bus routes of the wall's scope that need a look, one row each — buses on the map, the average delay
 * of its trips and its bunched pairs (formulas: docs/command-centre.md). Figures from `GET /api/summary/flows`, the
 * most bunched route first, then the latest; a bunched route's figure is orange like its buses on the map.
 */
import type { BusRouteIndicator } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { formatCount } from './number-format.js';

export interface BusRouteListProps {
  routes: readonly BusRouteIndicator[];
  rowsMax: number;
  messages: Messages;
}

/** Within half a minute either way a route runs to its timetable. */
const ON_TIME_S = 30;

function delayText(delayS: number | null, messages: Messages): string {
  if (delayS === null) return messages.busNoDelay;
  if (Math.abs(delayS) < ON_TIME_S) return messages.busOnTime;
  return messages.busDelay((Math.abs(delayS) / 60).toFixed(1), delayS < 0);
}

export function BusRouteList({ routes, rowsMax, messages }: BusRouteListProps) {
  return (
    <ol className="flow-rows" data-testid="bus-routes">
      {routes.slice(0, rowsMax).map((route) => (
        <li
          key={`${route.feed_org}/${route.route_id}`}
          className="flow-row bus-row"
          data-testid="bus-route"
          data-route-id={route.route_id}
          data-average-delay-s={route.average_delay_s ?? ''}
          data-bunched-pairs={route.bunched_pairs}
        >
          <span className="bus-tag">{route.route_name === '' ? route.route_id : route.route_name}</span>
          <span className="flow-name">{messages.busCount(formatCount(route.buses))}</span>
          <span className="hub-figure">{delayText(route.average_delay_s, messages)}</span>
          <span className={route.bunched_pairs > 0 ? 'bus-bunched' : 'bus-unbunched'}>
            {messages.busBunched(formatCount(route.bunched_pairs))}
          </span>
        </li>
      ))}
    </ol>
  );
}
