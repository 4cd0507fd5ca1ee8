/**
 * Taxis and ride-hailing cars of a scope for the wall's taxi layer, from `taxi_positions` (docs/sources/taxi.md):
 * every plate where it was last heard within the window. Like the buses, a car that drove out of the scope leaves its
 * map at once (its latest fix decides), and the query is filtered to the caller's area on `org_code`.
 */
import { clickHouseInstant, quoteString, type TaxiMark } from '../../schema/index.js';
import type { Analytics } from '../../store/index.js';

const MINUTE_MS = 60_000;

export interface CentreTaxisOptions {
  /** A car not heard for this long leaves the map. */
  taxiWindowMinutes: number;
  /** Cars drawn at most; a province's fleets are tens of thousands, well within one deck.gl layer. */
  taxisMax: number;
}

export const CENTRE_TAXIS_DEFAULTS: CentreTaxisOptions = {
  // Platforms report a car in service every few seconds to a minute; one silent for 10 minutes is off duty.
  taxiWindowMinutes: 10,
  taxisMax: 50_000,
};

export class CentreTaxisReader {
  constructor(
    private readonly analytics: Pick<Analytics, 'queryInternal'>,
    readonly options: CentreTaxisOptions = CENTRE_TAXIS_DEFAULTS,
  ) {}

  async read(area: readonly string[], now: number): Promise<TaxiMark[]> {
    if (area.length === 0) return [];
    const codes = area.map(quoteString).join(', ');
    const from = clickHouseInstant(now - this.options.taxiWindowMinutes * MINUTE_MS);
    const sql = `
SELECT plate, argMax(service, ts) AS service_, argMax(company_id, ts) AS company_id_,
       toUnixTimestamp64Milli(max(ts)) AS ts_ms, argMax(lat, ts) AS lat_, argMax(lon, ts) AS lon_,
       argMax(speed_kmh, ts) AS speed_, argMax(heading_deg, ts) AS heading_, argMax(biz_state, ts) AS biz_state_,
       argMax(org_code, ts) AS org_code_
FROM taxi_positions
WHERE ts >= ${from} AND plate IN (
  SELECT plate FROM taxi_positions WHERE ts >= ${from} AND org_code IN (${codes}))
GROUP BY plate
HAVING org_code_ IN (${codes})
ORDER BY plate
LIMIT ${this.options.taxisMax}`;
    const result = await this.analytics.queryInternal(sql, { rowsMax: this.options.taxisMax });
    const names = result.columns.map((c) => c.name);
    return result.rows.map((values) => {
      const row = Object.fromEntries(names.map((name, i) => [name, values[i]]));
      return {
        plate: String(row.plate),
        service: String(row.service_),
        company_id: String(row.company_id_),
        ts: Number(row.ts_ms),
        lat: Number(row.lat_),
        lon: Number(row.lon_),
        speed_kmh: Math.round(Number(row.speed_) * 10) / 10,
        heading_deg: Number(row.heading_),
        biz_state: String(row.biz_state_),
        org_code: String(row.org_code_),
      };
    });
  }
}
