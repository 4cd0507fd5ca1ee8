/**
 * Positions the upward link could not send while it was down, as 0x1200/0x1203 history bodies: one message holds
 * fixes of one vehicle only (the envelope names it), at most five (GNSS_CNT, 1-5 in the standard), in the order
 * they came. Vehicles follow each other in the order of their first missed fix, so each vehicle's track arrives in
 * order and the fewest messages carry it.
 */
import type { Jt809Edition } from './frame.js';
import { encodeLocation2019 } from './location-2019.js';
import { EXCHANGE } from './messages.js';
import { encodeVehicleEnvelope } from './supervision-messages.js';
import { encodeGnss } from './upward-messages.js';
import type { UpwardPosition } from './upward-link.js';

/** GNSS_CNT of 0x1203 is 1 to 5. */
export const HISTORY_FIXES_PER_MESSAGE_MAX = 5;

export function historyMessages(positions: readonly UpwardPosition[], edition: Jt809Edition): Buffer[] {
  const byVehicle = new Map<string, UpwardPosition[]>();
  for (const p of positions) {
    const key = `${p.plate}|${p.plateColor}`;
    const list = byVehicle.get(key);
    if (list) list.push(p);
    else byVehicle.set(key, [p]);
  }
  const encode = edition === 2019 ? encodeLocation2019 : encodeGnss;
  const bodies: Buffer[] = [];
  for (const fixes of byVehicle.values()) {
    for (let i = 0; i < fixes.length; i += HISTORY_FIXES_PER_MESSAGE_MAX) {
      const chunk = fixes.slice(i, i + HISTORY_FIXES_PER_MESSAGE_MAX);
      const data = Buffer.concat([Buffer.from([chunk.length]), ...chunk.map((p) => encode(p.gnss))]);
      bodies.push(encodeVehicleEnvelope(chunk[0].plate, chunk[0].plateColor, EXCHANGE.historyLocation, data));
    }
  }
  return bodies;
}
