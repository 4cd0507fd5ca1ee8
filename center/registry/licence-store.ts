/**
 * Taxi and ride-hailing permits and market-supervision registrations in PostgreSQL (`taxi_permits`,
 * `market_registrations`), beside the registry. Permits are also held in memory, as the registry's drivers are:
 * the `taxi_permit` rule looks one up at every order step. A writer creates and updates only records of its own
 * subtree: the unit of a permit or registration is the division of the authority that issued it, and an existing
 * one of another unit is refused (`registry_row_out_of_scope`), as a registry row is.
 */
import type { LicenceRecord, TaxiPermitRecord, TaxiPermitType } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import type { RegistryRefusal, RegistryWriterIdentity } from '../../ingest/index.js';
import { orgCovers } from '../api/scope.js';

type Tx = Pick<Sql, 'query'>;

export class LicenceStore {
  private readonly permits = new Map<string, TaxiPermitRecord>();

  private constructor(private readonly sql: Sql) {}

  static async open(sql: Sql): Promise<LicenceStore> {
    const store = new LicenceStore(sql);
    const rows = await sql.query<Record<string, unknown>>(
      `SELECT permit_type, subject, service, permit_no, company_id, name, valid_from, valid_until, status, org_code
         FROM taxi_permits`,
    );
    for (const row of rows) store.remember(permitOfRow(row));
    return store;
  }

  permit(type: TaxiPermitType, subject: string): TaxiPermitRecord | undefined {
    return this.permits.get(`${type}|${subject}`);
  }

  async upsert(records: readonly LicenceRecord[], writer: RegistryWriterIdentity): Promise<RegistryRefusal[]> {
    const written: TaxiPermitRecord[] = [];
    const refusals = await this.sql.transaction(async (tx) => {
      const refused: RegistryRefusal[] = [];
      for (const [index, record] of records.entries()) {
        const unit = await existingUnit(tx, record);
        if (unit !== undefined && !orgCovers(writer.orgCode, unit)) {
          const what =
            record.type === 'taxi_permit'
              ? `${record.permit_type} permit of ${record.subject}`
              : `registration ${record.credit_code}`;
          refused.push({
            index,
            reason: 'registry_row_out_of_scope',
            detail: `${what} belongs to ${unit}, outside the writer's unit ${writer.orgCode}`,
          });
          continue;
        }
        if (record.type === 'taxi_permit') {
          const { type: _type, ...permit } = record;
          await upsertPermit(tx, permit, writer.source);
          written.push(permit);
        } else {
          await upsertRegistration(tx, record, writer.source);
        }
      }
      return refused;
    });
    for (const permit of written) this.remember(permit);
    return refusals;
  }

  private remember(permit: TaxiPermitRecord): void {
    this.permits.set(`${permit.permit_type}|${permit.subject}`, permit);
  }
}

/** The unit of the record already stored under the same key, undefined when there is none. */
async function existingUnit(tx: Tx, record: LicenceRecord): Promise<string | undefined> {
  const [row] =
    record.type === 'taxi_permit'
      ? await tx.query<{ org_code: string }>(
          'SELECT org_code FROM taxi_permits WHERE permit_type = $1 AND subject = $2 FOR UPDATE',
          [record.permit_type, record.subject],
        )
      : await tx.query<{ org_code: string }>(
          'SELECT org_code FROM market_registrations WHERE credit_code = $1 FOR UPDATE',
          [record.credit_code],
        );
  return row?.org_code;
}

async function upsertPermit(tx: Tx, p: TaxiPermitRecord, source: string): Promise<void> {
  await tx.query(
    `INSERT INTO taxi_permits (permit_type, subject, service, permit_no, company_id, name, valid_from, valid_until, status,
                               org_code, source, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
     ON CONFLICT (permit_type, subject) DO UPDATE SET service = EXCLUDED.service, permit_no = EXCLUDED.permit_no,
       company_id = EXCLUDED.company_id, name = EXCLUDED.name, valid_from = EXCLUDED.valid_from,
       valid_until = EXCLUDED.valid_until, status = EXCLUDED.status, org_code = EXCLUDED.org_code,
       source = EXCLUDED.source, updated_at = now()`,
    [
      p.permit_type,
      p.subject,
      p.service,
      p.permit_no,
      p.company_id,
      p.name,
      timestampOf(p.valid_from),
      timestampOf(p.valid_until),
      p.status,
      p.org_code,
      source,
    ],
  );
}

async function upsertRegistration(
  tx: Tx,
  r: Extract<LicenceRecord, { type: 'market_registration' }>,
  source: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO market_registrations (credit_code, name, status, status_text, legal_representative, business_scope,
                                       licence_numbers, established_on, status_changed_on, authority, org_code, source,
                                       updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, now())
     ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name, status = EXCLUDED.status,
       status_text = EXCLUDED.status_text, legal_representative = EXCLUDED.legal_representative,
       business_scope = EXCLUDED.business_scope, licence_numbers = EXCLUDED.licence_numbers,
       established_on = EXCLUDED.established_on, status_changed_on = EXCLUDED.status_changed_on,
       authority = EXCLUDED.authority, org_code = EXCLUDED.org_code, source = EXCLUDED.source, updated_at = now()`,
    [
      r.credit_code,
      r.name,
      r.status,
      r.status_text,
      r.legal_representative,
      r.business_scope,
      JSON.stringify(r.licence_numbers),
      timestampOf(r.established_on),
      timestampOf(r.status_changed_on),
      r.authority,
      r.org_code,
      source,
    ],
  );
}

function timestampOf(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function msOf(value: unknown): number | null {
  return value === null || value === undefined ? null : new Date(value as string | Date).getTime();
}

function permitOfRow(row: Record<string, unknown>): TaxiPermitRecord {
  return {
    permit_type: row.permit_type as TaxiPermitType,
    subject: String(row.subject),
    service: row.service as TaxiPermitRecord['service'],
    permit_no: String(row.permit_no),
    company_id: String(row.company_id),
    name: String(row.name),
    valid_from: msOf(row.valid_from),
    valid_until: msOf(row.valid_until),
    status: row.status as TaxiPermitRecord['status'],
    org_code: String(row.org_code),
  };
}
