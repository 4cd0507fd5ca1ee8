/**
 * 枢纽客流: the rail hubs of the wall's scope, one row each — passengers arrived and departed in the hub's latest
 * interval. Figures from `GET /api/summary/flows`, the busiest hub first.
 */
import type { HubFlow } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { FlowFigure } from './flow-figure.js';

export interface HubFlowListProps {
  hubs: readonly HubFlow[];
  rowsMax: number;
  messages: Messages;
}

export function HubFlowList({ hubs, rowsMax, messages }: HubFlowListProps) {
  if (hubs.length === 0) return <div className="flow-empty">{messages.hubFlowEmpty}</div>;
  return (
    <ol className="flow-rows" data-testid="hub-flows">
      {hubs.slice(0, rowsMax).map((hub) => (
        <li
          key={hub.station_id}
          className="flow-row hub-row"
          data-testid="hub-flow"
          data-station-id={hub.station_id}
          data-arrivals={hub.arrivals}
          data-departures={hub.departures}
        >
          <span className="flow-name">{hub.station_name === '' ? hub.station_id : hub.station_name}</span>
          <FlowFigure unit={messages.hubArrivals} count={hub.arrivals} />
          <FlowFigure unit={messages.hubDepartures} count={hub.departures} />
        </li>
      ))}
    </ol>
  );
}
