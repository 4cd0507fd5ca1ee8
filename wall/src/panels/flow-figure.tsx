/** One figure of a flow row (rail hubs, toll stations): its unit in small type, then the count. */
import { formatCount } from './number-format.js';

export function FlowFigure({ unit, count }: { unit: string; count: number }) {
  return (
    <span className="hub-figure">
      <span className="flow-unit">{unit}</span>
      {formatCount(count)}
    </span>
  );
}
