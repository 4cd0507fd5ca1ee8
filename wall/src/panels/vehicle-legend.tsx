/** What the colours on the map mean. */
import { VEHICLE_CLASSES } from '../feed/vehicle-classes.js';
import type { Messages } from '../i18n/messages.js';
import { formatCount } from './number-format.js';
import { ALARMING_COLOR, HEAT_COLOR_RANGE, VEHICLE_CLASS_COLORS, rgbCss } from '../map/vehicle-colors.js';

export interface VehicleLegendProps {
  messages: Messages;
  /** False when the heat map is not drawn (software rendering), so the legend does not promise it. */
  showHeat: boolean;
  /** Vessels on the map; their entry shows once the flows have been read. */
  vessels: number | null;
  /** Taxis and ride-hailing cars on the map; their entry shows only when there are some. */
  taxis: number;
}

export function VehicleLegend({ messages, showHeat, vessels, taxis }: VehicleLegendProps) {
  const heatGradient = `linear-gradient(90deg, ${HEAT_COLOR_RANGE.map(rgbCss).join(', ')})`;
  return (
    <div className="legend" data-testid="legend">
      {VEHICLE_CLASSES.map((name) => (
        <span className="legend-item" key={name}>
          <span className="legend-dot" style={{ background: rgbCss(VEHICLE_CLASS_COLORS[name]) }} />
          {messages.vehicleClasses[name]}
        </span>
      ))}
      <span className="legend-item">
        <span className="legend-dot legend-alarming" style={{ background: rgbCss(ALARMING_COLOR) }} />
        {messages.legendAlarming}
      </span>
      {vessels === null ? null : (
        <span className="legend-item" data-testid="legend-vessels" data-count={vessels}>
          <span className="legend-dot legend-vessel" />
          {messages.legendVessels(formatCount(vessels))}
        </span>
      )}
      {taxis === 0 ? null : (
        <span className="legend-item" data-testid="legend-taxis" data-count={taxis}>
          <span className="legend-dot legend-taxi" />
          {messages.legendTaxis(formatCount(taxis))}
        </span>
      )}
      {showHeat ? (
        <span className="legend-item">
          <span className="legend-ramp" style={{ background: heatGradient }} />
          {messages.legendHeat}
        </span>
      ) : null}
    </div>
  );
}
