/**
 * Enterprises market supervision has revoked (吊销) or struck off (注销) whose vehicles still ran on the day graded
 * (docs/credit.md, `deregistered_operating`). Such an operator no longer lawfully exists as a business; its vehicles
 * running under its road-transport licence are what 运管 must stop. A vehicle ran when its JT/T 808 terminal reported a
 * position (`telemetry`) or its taxi platform did (`taxi_positions`) within the day; the registration counts from its
 * `status_changed_on` (a registration without a date counts from the start).
 */
import type { Analytics, Sql } from '../../store/index.js';
import type { CreditWindow } from './credit-facts.js';
import { clickHouseInstant, quoteString } from '../../schema/index.js';

/** Plates named in a warning at most: the count says how many ran. */
export const PLATES_LISTED_MAX = 20;
/** Vehicles of deregistered enterprises looked up at most per day; beyond it the run fails rather than undercount. */
const VEHICLES_MAX = 100_000;

export interface DeregisteredOperating {
  enterpriseId: string;
  name: string;
  orgCode: string;
  status: string;
  statusText: string;
  statusChangedOn: number | null;
  /** The plates that ran, sorted. */
  plates: string[];
}

export async function deregisteredOperating(
  sql: Sql,
  analytics: Pick<Analytics, 'queryInternal'>,
  window: CreditWindow,
): Promise<DeregisteredOperating[]> {
  const rows = await sql.query<{
    id: string;
    name: string;
    org_code: string;
    status: string;
    status_text: string;
    status_changed_on: unknown;
    plate: string;
    terminal_id: string;
  }>(
    `SELECT e.id, e.name, e.org_code, m.status, m.status_text, m.status_changed_on, v.plate, v.terminal_id
       FROM enterprises e
       JOIN market_registrations m ON m.credit_code = e.id
       JOIN vehicles v ON v.enterprise_id = e.id
      WHERE m.status IN ('revoked', 'cancelled') AND (m.status_changed_on IS NULL OR m.status_changed_on < $1)
      ORDER BY e.id, v.plate
      LIMIT ${VEHICLES_MAX + 1}`,
    [new Date(window.endsAt)],
  );
  if (rows.length === 0) return [];
  if (rows.length > VEHICLES_MAX)
    throw new Error(`more than ${VEHICLES_MAX} vehicles of revoked or cancelled enterprises: not judged`);
  const terminals = [...new Set(rows.map((r) => r.terminal_id).filter((t) => t !== ''))];
  const plates = [...new Set(rows.map((r) => r.plate))];
  const from = clickHouseInstant(window.startsAt);
  const to = clickHouseInstant(window.endsAt);
  const ranTerminals = new Set<string>();
  const ranPlates = new Set<string>();
  if (terminals.length > 0) {
    const result = await analytics.queryInternal(
      `SELECT DISTINCT terminal_id FROM telemetry
        WHERE ts >= ${from} AND ts < ${to} AND terminal_id IN (${terminals.map(quoteString).join(', ')})`,
      { rowsMax: terminals.length },
    );
    for (const [terminal] of result.rows) ranTerminals.add(String(terminal));
  }
  const taxis = await analytics.queryInternal(
    `SELECT DISTINCT plate FROM taxi_positions
      WHERE ts >= ${from} AND ts < ${to} AND plate IN (${plates.map(quoteString).join(', ')})`,
    { rowsMax: plates.length },
  );
  for (const [plate] of taxis.rows) ranPlates.add(String(plate));
  const byEnterprise = new Map<string, DeregisteredOperating>();
  for (const r of rows) {
    if (!ranPlates.has(r.plate) && !(r.terminal_id !== '' && ranTerminals.has(r.terminal_id))) continue;
    let found = byEnterprise.get(r.id);
    if (found === undefined) {
      const changed = r.status_changed_on;
      found = {
        enterpriseId: r.id,
        name: r.name,
        orgCode: r.org_code,
        status: r.status,
        statusText: r.status_text,
        statusChangedOn:
          changed === null || changed === undefined ? null : new Date(changed as string | Date).getTime(),
        plates: [],
      };
      byEnterprise.set(r.id, found);
    }
    found.plates.push(r.plate);
  }
  return [...byEnterprise.values()];
}
