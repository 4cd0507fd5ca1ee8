/**
 * Which registry rows a writer may create or update: those of its own org subtree. The unit of a row is
 *   - an enterprise: its `org_code`;
 *   - a vehicle: its home county, else its enterprise's unit, else the unit of the source key or upload that wrote it;
 *   - a driver: its enterprise's unit, else the unit of the source key or upload that wrote it;
 * and a row with none of these belongs to the province. A record may also not point at an enterprise of another
 * unit, which would put its vehicle in that enterprise's fleet (and its alarms in that enterprise's queue).
 * The new record's own org codes are already checked against the key when it is normalized.
 */
import type { RegistryRecord } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { orgCovers } from '../api/scope.js';

type Tx = Pick<Sql, 'query'>;

/** A refusal of one record: `registry_row_out_of_scope` or `enterprise_out_of_scope`. */
export interface RegistryScopeRefusal {
  reason: 'registry_row_out_of_scope' | 'enterprise_out_of_scope';
  detail: string;
}

/** Whether a writer of `writerOrg` covers a row of `unit` ('' = no unit: the province's). */
function writerCovers(writerOrg: string, unit: string): boolean {
  return unit === '' ? orgCovers(writerOrg, writerOrg.slice(0, 2) + '0000') : orgCovers(writerOrg, unit);
}

/**
 * The unit of the writer named by a `source` column: a source key (`key:<id>`) or a unit's upload
 * (`upload:<org code>[:<enterprise id>]`, center/uploads/); NULL for other writers.
 */
const KEY_ORG_OF_SOURCE = `COALESCE((SELECT k.org_code FROM source_keys k WHERE r.source = 'key:' || k.id::text), substring(r.source from '^upload:([0-9]{6})'))`;

export async function registryRecordRefusal(
  tx: Tx,
  record: RegistryRecord,
  writerOrg: string,
): Promise<RegistryScopeRefusal | null> {
  const refuse = (what: string, unit: string): RegistryScopeRefusal => ({
    reason: 'registry_row_out_of_scope',
    detail: `${what} belongs to ${unit || 'the province'}, outside the writer's unit ${writerOrg}`,
  });
  if (record.type === 'enterprise') {
    const [row] = await tx.query<{ org_code: string }>('SELECT org_code FROM enterprises WHERE id = $1 FOR UPDATE', [
      record.id,
    ]);
    return row && !writerCovers(writerOrg, row.org_code) ? refuse(`enterprise ${record.id}`, row.org_code) : null;
  }
  const referenced = await enterpriseRefusal(tx, record.enterprise_id, writerOrg);
  if (referenced) return referenced;
  if (record.type === 'vehicle') {
    const [row] = await tx.query<{ unit: string | null }>(
      `SELECT COALESCE(NULLIF(r.home_org_code, ''), e.org_code, ${KEY_ORG_OF_SOURCE}, '') AS unit
         FROM vehicles r LEFT JOIN enterprises e ON e.id = r.enterprise_id AND r.enterprise_id <> ''
        WHERE r.plate = $1 AND r.plate_color = $2 FOR UPDATE OF r`,
      [record.plate, record.plate_color],
    );
    const unit = row?.unit ?? '';
    return row && !writerCovers(writerOrg, unit)
      ? refuse(`vehicle ${record.plate} (colour ${record.plate_color})`, unit)
      : null;
  }
  const [row] = await tx.query<{ unit: string | null }>(
    `SELECT COALESCE(e.org_code, ${KEY_ORG_OF_SOURCE}, '') AS unit
       FROM drivers r LEFT JOIN enterprises e ON e.id = r.enterprise_id AND r.enterprise_id <> ''
      WHERE r.id = $1 FOR UPDATE OF r`,
    [record.id],
  );
  const unit = row?.unit ?? '';
  return row && !writerCovers(writerOrg, unit) ? refuse(`driver ${record.id}`, unit) : null;
}

async function enterpriseRefusal(
  tx: Tx,
  enterpriseId: string,
  writerOrg: string,
): Promise<RegistryScopeRefusal | null> {
  if (enterpriseId === '') return null;
  const [row] = await tx.query<{ org_code: string }>('SELECT org_code FROM enterprises WHERE id = $1', [enterpriseId]);
  // An enterprise not registered yet may come in a later record or batch; it will have to be in scope then.
  if (!row || writerCovers(writerOrg, row.org_code)) return null;
  return {
    reason: 'enterprise_out_of_scope',
    detail: `enterprise ${enterpriseId} belongs to ${row.org_code}, outside the writer's unit ${writerOrg}`,
  };
}
