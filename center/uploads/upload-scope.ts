/**
 * What an uploaded row may name, by who uploads it (docs/sources/uploads.md, "Scope"). Every row is first bound to
 * the uploader's unit by the normalizers, exactly as a source key's records are to the key's unit: an `org_code`
 * outside it is `org_out_of_scope`, and the registry store refuses rows of other units. On top of that:
 *
 * - staff: the unit a row names must lie in the uploader's command subtree (`OrgDirectory.covers`), which, unlike
 *   the division-code prefix the normalizers check, leaves out the 省直管县 a city may only view;
 * - an enterprise: rows that name a vehicle (sightings and toll transactions) must name one of its own vehicles,
 *   registered to it or bound to it by an admin (`vehicle_out_of_scope`); registry rows write only its own
 *   enterprise record, vehicles and drivers (`enterprise_out_of_scope`), never a vehicle or driver another
 *   enterprise holds (`vehicle_out_of_scope`, `driver_out_of_scope`); rows of places (equipment health, counts,
 *   vessels) must lie in its unit; a taxi permit or market registration must name the enterprise itself.
 */
import type { RegistryRecord } from '../../schema/index.js';
import type { ScopedRecord, ScopeRefusal, Submitter } from '../../ingest/index.js';
import type { Sql } from '../../store/index.js';
import type { Principal } from '../auth/accounts.js';
import type { OrgDirectory } from '../org/org-directory.js';
import { inUnitOf, unitRefusal, type InUnit } from '../org/record-scope.js';

type Refusal = ScopeRefusal | null;

/** Who holds vehicles and drivers, as the vehicle pages decide it (an admin's binding first, then the registry). */
export class Owners {
  private readonly vehicles = new Map<string, Promise<string>>();
  private readonly drivers = new Map<string, Promise<string>>();

  constructor(private readonly sql: Pick<Sql, 'query'>) {}

  /** The enterprise holding a plate ('' for none); with colour 0, any vehicle of that plate. */
  ofVehicle(plate: string, plateColor: number): Promise<string> {
    const key = `${plate}|${plateColor}`;
    let owner = this.vehicles.get(key);
    if (!owner) {
      owner = this.sql
        .query<{ owner: string | null }>(
          `SELECT COALESCE(
             (SELECT enterprise_id FROM enterprise_vehicles WHERE plate = $1),
             (SELECT NULLIF(enterprise_id, '') FROM vehicles WHERE plate = $1 AND ($2 = 0 OR plate_color = $2)
               ORDER BY updated_at DESC LIMIT 1)) AS owner`,
          [plate, plateColor],
        )
        .then(([row]) => row?.owner ?? '');
      this.vehicles.set(key, owner);
    }
    return owner;
  }

  ofDriver(id: string): Promise<string> {
    let owner = this.drivers.get(id);
    if (!owner) {
      owner = this.sql
        .query<{ enterprise_id: string }>('SELECT enterprise_id FROM drivers WHERE id = $1', [id])
        .then(([row]) => row?.enterprise_id ?? '');
      this.drivers.set(id, owner);
    }
    return owner;
  }
}

/** Who uploads: the `source` its rows carry and the scope checks of `admits` (one `Owners` per upload). */
export function submitterOf(principal: Principal, org: OrgDirectory, sql: Pick<Sql, 'query'>): Submitter {
  const enterpriseId = principal.role === 'enterprise' ? (principal.enterpriseId ?? '') : '';
  const inUnit = inUnitOf(org, principal.orgCode, "the uploader's");
  if (enterpriseId === '')
    return {
      source: `upload:${principal.orgCode}`,
      orgCode: principal.orgCode,
      admits: (row) => Promise.resolve(unitRefusal(row, inUnit)),
    };
  const owners = new Owners(sql);
  return {
    source: `upload:${principal.orgCode}:${enterpriseId}`,
    orgCode: principal.orgCode,
    enterpriseId,
    admits: (row) => enterpriseRefusal(row, enterpriseId, owners, inUnit),
  };
}

async function enterpriseRefusal(
  row: ScopedRecord,
  enterpriseId: string,
  owners: Owners,
  inUnit: InUnit,
): Promise<Refusal> {
  if (row.kind === 'place') return inUnit(row.org_code, 'org_code');
  if (row.kind === 'sighting') {
    const placed = inUnit(row.org_code, 'org_code');
    if (placed) return placed;
    if (row.plate === '')
      return {
        reason: 'vehicle_out_of_scope',
        detail: `the record names no plate; enterprise ${enterpriseId} uploads records of its own vehicles`,
      };
    return (await owners.ofVehicle(row.plate, row.plate_color)) === enterpriseId
      ? null
      : { reason: 'vehicle_out_of_scope', detail: `plate ${row.plate} is not a vehicle of enterprise ${enterpriseId}` };
  }
  if (row.kind === 'licence')
    return row.enterprise_id === enterpriseId
      ? inUnit(row.org_code, 'org_code')
      : {
          reason: 'enterprise_out_of_scope',
          detail: `the record names company ${row.enterprise_id || '(none)'}, not the uploader's enterprise ${enterpriseId}`,
        };
  return registryRefusal(row.record, enterpriseId, owners, inUnit);
}

async function registryRefusal(
  record: RegistryRecord,
  enterpriseId: string,
  owners: Owners,
  inUnit: InUnit,
): Promise<Refusal> {
  const other = (named: string): Refusal => ({
    reason: 'enterprise_out_of_scope',
    detail: `enterprise_id ${named} is not the uploader's enterprise ${enterpriseId}`,
  });
  if (record.type === 'enterprise')
    return record.id === enterpriseId ? inUnit(record.org_code, 'org_code') : other(record.id);
  if (record.enterprise_id !== enterpriseId) return other(record.enterprise_id);
  if (record.type === 'vehicle') {
    const held = await owners.ofVehicle(record.plate, record.plate_color);
    if (held !== '' && held !== enterpriseId)
      return { reason: 'vehicle_out_of_scope', detail: `plate ${record.plate} is held by another enterprise` };
    return inUnit(record.home_org_code, 'home_org_code');
  }
  const held = await owners.ofDriver(record.id);
  return held !== '' && held !== enterpriseId
    ? { reason: 'driver_out_of_scope', detail: `driver ${record.id} is held by another enterprise` }
    : null;
}
