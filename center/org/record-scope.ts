/**
 * Whether a record a unit sends lies in that unit's command subtree (`OrgDirectory.covers`), for records posted with
 * a source key and files uploaded by staff alike. The normalizers of the HTTP ingestion bind each record to the
 * sender's unit by the division code (`isWithin`: a city's code covers every county under it); this check is the
 * command tree on top, which leaves out the 省直管县 a city may only view — a 郑州 key cannot write rows of 巩义,
 * which the province commands — and follows the configuration when a city does command them.
 */
import type { ScopedRecord, ScopeRefusal } from '../../ingest/index.js';
import type { OrgDirectory } from './org-directory.js';

/** A refusal when `code` (named in field `what`) is outside the unit's command subtree, else null; '' passes. */
export type InUnit = (code: string, what: string) => ScopeRefusal | null;

/** The check of one unit: `whose` names the sender in the refusal's detail ("the uploader's", "the source key's"). */
export function inUnitOf(org: Pick<OrgDirectory, 'covers'>, orgCode: string, whose: string): InUnit {
  return (code, what) =>
    code === '' || org.covers(orgCode, code)
      ? null
      : {
          reason: 'org_out_of_scope',
          detail: `${what} ${code} is outside ${whose} unit ${orgCode} (the units it commands)`,
        };
}

/**
 * A staff sender's or a source key's verdict on a record: the unit where it was made (places and sightings), the
 * enterprise's unit or the vehicle's home unit (registry); drivers carry no unit of their own.
 */
export function unitRefusal(row: ScopedRecord, inUnit: InUnit): ScopeRefusal | null {
  if (row.kind !== 'registry') return inUnit(row.org_code, 'org_code');
  const record = row.record;
  if (record.type === 'enterprise') return inUnit(record.org_code, 'org_code');
  if (record.type === 'vehicle') return inUnit(record.home_org_code, 'home_org_code');
  return null;
}
