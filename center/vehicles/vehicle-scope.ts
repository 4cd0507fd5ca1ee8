/**
 * Which vehicles a caller may look up as a whole (search, photos, a whole track): an enterprise its own
 * vehicles (bound by the registry or by an admin); staff the vehicles whose home county lies in their subtree,
 * or, for a vehicle without a known home, whose plate belongs to a city on their branch of the hierarchy (the
 * rule terminal commands follow). Staff still see any vehicle's fixes and alarms that lie in their own area.
 */
import { cityOfPlate, type VehicleSearchRow } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';

export type Covers = (scopeOrgCode: string, orgCode: string) => boolean;

export function vehicleVisible(principal: Principal, vehicle: VehicleSearchRow, covers: Covers): boolean {
  if (principal.role === 'enterprise')
    return principal.enterpriseId !== null && vehicle.enterprise_id === principal.enterpriseId;
  if (vehicle.home_org_code !== '') return covers(principal.orgCode, vehicle.home_org_code);
  const city = cityOfPlate(vehicle.plate);
  return city !== undefined && (covers(principal.orgCode, city.code) || covers(city.code, principal.orgCode));
}

const REGISTRY_COLUMNS = `v.plate, v.terminal_id, v.vehicle_class, v.home_org_code,
  COALESCE(ev.enterprise_id, NULLIF(v.enterprise_id, '')) AS enterprise_id`;

/** Vehicles whose plate or terminal number contains `text`, or every vehicle of an enterprise, at most `rowsMax`. */
export async function findVehicles(
  sql: Pick<Sql, 'query'>,
  match: { text: string } | { enterpriseId: string },
  rowsMax: number,
): Promise<VehicleSearchRow[]> {
  const byText = 'text' in match;
  const value = byText ? match.text.toUpperCase() : match.enterpriseId;
  const registry = await sql.query<VehicleSearchRow>(
    `SELECT ${REGISTRY_COLUMNS} FROM vehicles v LEFT JOIN enterprise_vehicles ev ON ev.plate = v.plate
      WHERE ${
        byText
          ? "strpos(upper(v.plate), $1) > 0 OR (v.terminal_id <> '' AND strpos(v.terminal_id, $1) > 0)"
          : 'v.enterprise_id = $1 OR ev.enterprise_id = $1'
      }
      ORDER BY v.plate LIMIT $2`,
    [value, rowsMax],
  );
  // Terminals that registered over JT/T 808 but are not (yet) in the registry.
  const terminals = await sql.query<{ terminal_id: string; plate: string; enterprise_id: string | null }>(
    `SELECT t.phone AS terminal_id, t.plate, ev.enterprise_id FROM terminals t LEFT JOIN enterprise_vehicles ev ON ev.plate = t.plate
      WHERE t.unregistered_at IS NULL AND (${
        byText ? 'strpos(upper(t.plate), $1) > 0 OR strpos(t.phone, $1) > 0' : 'ev.enterprise_id = $1'
      })
      ORDER BY t.plate LIMIT $2`,
    [value, rowsMax],
  );
  const out = new Map<string, VehicleSearchRow>();
  for (const v of registry)
    out.set(v.terminal_id || `plate:${v.plate}`, { ...v, enterprise_id: v.enterprise_id ?? null });
  for (const t of terminals) {
    const known = [...out.values()].find(
      (v) => v.terminal_id === t.terminal_id || (v.terminal_id === '' && v.plate === t.plate),
    );
    if (known) {
      if (known.terminal_id === '') known.terminal_id = t.terminal_id;
      continue;
    }
    out.set(t.terminal_id, {
      plate: t.plate,
      terminal_id: t.terminal_id,
      vehicle_class: 'other',
      home_org_code: '',
      enterprise_id: t.enterprise_id ?? null,
    });
  }
  return [...out.values()].slice(0, rowsMax);
}

/** What is known of the vehicle with this terminal: from the registry, else from its JT/T 808 registration. */
export async function vehicleOfTerminal(sql: Pick<Sql, 'query'>, terminalId: string): Promise<VehicleSearchRow | null> {
  const registry = await sql.query<VehicleSearchRow>(
    `SELECT ${REGISTRY_COLUMNS} FROM vehicles v LEFT JOIN enterprise_vehicles ev ON ev.plate = v.plate
      WHERE v.terminal_id = $1 LIMIT 1`,
    [terminalId],
  );
  if (registry[0]) return { ...registry[0], enterprise_id: registry[0].enterprise_id ?? null };
  const terminal = await sql.query<{ plate: string; enterprise_id: string | null }>(
    `SELECT t.plate, ev.enterprise_id FROM terminals t LEFT JOIN enterprise_vehicles ev ON ev.plate = t.plate
      WHERE t.phone = $1`,
    [terminalId],
  );
  if (!terminal[0]) return null;
  return {
    plate: terminal[0].plate,
    terminal_id: terminalId,
    vehicle_class: 'other',
    home_org_code: '',
    enterprise_id: terminal[0].enterprise_id ?? null,
  };
}
