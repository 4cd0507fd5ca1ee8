/**
 * 收费站通行: the expressway toll stations of the wall's scope, one row each — journeys that entered and that left
 * there in the last hour, and the overweight trucks its lanes weighed (`overload` alarms from toll data). Figures
 * from `GET /api/summary/flows`, the busiest station first; a station with overweight trucks shows them in orange.
 */
import type { TollStationFlow } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { FlowFigure } from './flow-figure.js';
import { formatCount } from './number-format.js';

export interface TollStationListProps {
  stations: readonly TollStationFlow[];
  rowsMax: number;
  messages: Messages;
}

export function TollStationList({ stations, rowsMax, messages }: TollStationListProps) {
  return (
    <ol className="flow-rows" data-testid="toll-stations">
      {stations.slice(0, rowsMax).map((station) => (
        <li
          key={station.station_id}
          className="flow-row toll-row"
          data-testid="toll-station"
          data-station-id={station.station_id}
          data-entries={station.entries}
          data-exits={station.exits}
          data-overweight={station.overweight}
        >
          <span className="flow-name">{station.station_name === '' ? station.station_id : station.station_name}</span>
          <FlowFigure unit={messages.tollEntries} count={station.entries} />
          <FlowFigure unit={messages.tollExits} count={station.exits} />
          <span className={station.overweight > 0 ? 'toll-overweight' : 'toll-none-overweight'}>
            {messages.tollOverweight(formatCount(station.overweight))}
          </span>
        </li>
      ))}
    </ol>
  );
}
