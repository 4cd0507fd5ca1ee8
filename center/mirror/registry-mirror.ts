/**
 * Mirrors the registry (org units, enterprises, vehicles) from PostgreSQL to ClickHouse so analysts can join
 * their facts to names, enterprises and vehicle classes. These tables are small (a province has ~200 units and
 * some 10^5 vehicles) and change seldom, with no per-row change flag, so the mirror compares a fingerprint of
 * each table (row count and a sum of row hashes) with the one it last copied and copies the table whole when it
 * differs. Every copied row carries `mirrored_at`; the ClickHouse tables keep the latest copy of each key
 * (ReplacingMergeTree), so a repeated or interrupted copy leaves no wrong row, only duplicates until merges (FINAL
 * hides them). The registry never deletes rows, so a copy never has to remove one. A vehicle's enterprise is the
 * one the rest of Vigil uses (the centres' binding, else the registry's), and its fingerprint covers both and the
 * enterprise's unit, so binding a vehicle or moving an enterprise copies the vehicles again.
 */
import {
  ENTERPRISES,
  MARKET_REGISTRATIONS,
  ORG_UNITS,
  TAXI_PERMITS,
  VEHICLES,
  tsvEncoderFor,
  type EnterpriseRow,
  type Logger,
  type MarketRegistrationRow,
  type Metrics,
  type OrgUnitRow,
  type TableSpec,
  type TaxiPermitRow,
  type VehicleRow,
} from '../../schema/index.js';
import type { RowWriter, Sql } from '../../store/index.js';

type Json = Record<string, unknown>;

interface RegistryTable {
  spec: TableSpec;
  /** The PostgreSQL table, for the log and the fingerprint's memory. */
  source: string;
  /** Row count and sum of row hashes of everything the copy reads: any change changes it (but for a collision). */
  fingerprint: string;
  /** One page of rows after `$1` (the last key of the previous page, '' at first), `$2` rows at most. */
  page: string;
  keyOf: (row: Json) => string;
  toRow: (row: Json, mirroredAtMs: number) => Json;
}

/**
 * A vehicle's enterprise as the rest of Vigil reads it (vehicle-scope.ts): the centres' own binding
 * (`enterprise_vehicles`) first, else the registry's.
 */
const VEHICLE_ENTERPRISE = "coalesce(ev.enterprise_id, v.enterprise_id, '')";
const VEHICLE_SOURCE = `vehicles v LEFT JOIN enterprise_vehicles ev ON ev.plate = v.plate
  LEFT JOIN enterprises e ON e.id = coalesce(ev.enterprise_id, nullif(v.enterprise_id, ''))`;

const REGISTRY_TABLES: readonly RegistryTable[] = [
  {
    spec: ORG_UNITS,
    source: 'org_units',
    fingerprint: 'SELECT count(*)::text AS n, coalesce(sum(hashtext(t::text)::bigint), 0)::text AS h FROM org_units t',
    page: `SELECT code, name, level, parent_code, directly_administered FROM org_units
            WHERE code > $1 ORDER BY code LIMIT $2`,
    keyOf: (r) => String(r.code),
    toRow: (r, mirroredAtMs): OrgUnitRow => ({
      code: String(r.code),
      name: String(r.name),
      level: String(r.level),
      parent_code: String(r.parent_code ?? ''),
      directly_administered: r.directly_administered ? 1 : 0,
      mirrored_at: mirroredAtMs,
    }),
  },
  {
    // With market supervision's status beside the transport department's own fields (never over them), so a
    // revoked or cancelled enterprise shows wherever enterprises are joined.
    spec: ENTERPRISES,
    source: 'enterprises',
    fingerprint: `SELECT count(*)::text AS n,
                         coalesce(sum(hashtext(ROW(t.*, m.status, m.status_changed_on)::text)::bigint), 0)::text AS h
                    FROM enterprises t LEFT JOIN market_registrations m ON m.credit_code = t.id`,
    page: `SELECT t.id, t.name, t.org_code, t.business_scope, t.licence_no, t.source, t.updated_at,
                  coalesce(m.status, '') AS market_status, m.status_changed_on AS market_status_changed_on
             FROM enterprises t LEFT JOIN market_registrations m ON m.credit_code = t.id
            WHERE t.id > $1 ORDER BY t.id LIMIT $2`,
    keyOf: (r) => String(r.id),
    toRow: (r, mirroredAtMs): EnterpriseRow => ({
      enterprise_id: String(r.id),
      name: String(r.name),
      org_code: String(r.org_code),
      business_scope: String(r.business_scope),
      licence_no: String(r.licence_no),
      market_status: String(r.market_status),
      market_status_changed_on: msOrNull(r.market_status_changed_on),
      source: String(r.source),
      updated_at: new Date(r.updated_at as Date).getTime(),
      mirrored_at: mirroredAtMs,
    }),
  },
  {
    spec: VEHICLES,
    source: 'vehicles',
    fingerprint: `SELECT count(*)::text AS n,
                         coalesce(sum(hashtext(ROW(v.*, ev.enterprise_id, e.org_code)::text)::bigint), 0)::text AS h
                    FROM ${VEHICLE_SOURCE}`,
    // Keyset pagination on the primary key, as one text so that a page boundary inside a plate is exact.
    page: `SELECT v.plate, v.plate_color, v.vehicle_class, v.axles, ${VEHICLE_ENTERPRISE} AS enterprise_id,
                  coalesce(e.org_code, '') AS enterprise_org_code, v.home_org_code, v.terminal_id, v.permit_valid_until,
                  v.route_length_km, v.source, v.updated_at, v.plate || '|' || lpad(v.plate_color::text, 3, '0') AS page_key
             FROM ${VEHICLE_SOURCE}
            WHERE v.plate || '|' || lpad(v.plate_color::text, 3, '0') > $1
            ORDER BY page_key LIMIT $2`,
    keyOf: (r) => String(r.page_key),
    toRow: (r, mirroredAtMs): VehicleRow => ({
      plate: String(r.plate),
      plate_color: Number(r.plate_color),
      vehicle_class: String(r.vehicle_class),
      axles: Number(r.axles),
      enterprise_id: String(r.enterprise_id),
      enterprise_org_code: String(r.enterprise_org_code),
      home_org_code: String(r.home_org_code),
      terminal_id: String(r.terminal_id),
      permit_valid_until: r.permit_valid_until == null ? null : new Date(r.permit_valid_until as Date).getTime(),
      route_length_km: Number(r.route_length_km),
      source: String(r.source),
      updated_at: new Date(r.updated_at as Date).getTime(),
      mirrored_at: mirroredAtMs,
    }),
  },
  {
    spec: TAXI_PERMITS,
    source: 'taxi_permits',
    fingerprint:
      'SELECT count(*)::text AS n, coalesce(sum(hashtext(t::text)::bigint), 0)::text AS h FROM taxi_permits t',
    page: `SELECT *, permit_type || '|' || subject AS page_key FROM taxi_permits
            WHERE permit_type || '|' || subject > $1 ORDER BY page_key LIMIT $2`,
    keyOf: (r) => String(r.page_key),
    toRow: (r, mirroredAtMs): TaxiPermitRow => ({
      permit_type: String(r.permit_type),
      subject: String(r.subject),
      service: String(r.service),
      permit_no: String(r.permit_no),
      company_id: String(r.company_id),
      name: String(r.name),
      valid_from: msOrNull(r.valid_from),
      valid_until: msOrNull(r.valid_until),
      status: String(r.status),
      org_code: String(r.org_code),
      source: String(r.source),
      updated_at: new Date(r.updated_at as Date).getTime(),
      mirrored_at: mirroredAtMs,
    }),
  },
  {
    spec: MARKET_REGISTRATIONS,
    source: 'market_registrations',
    fingerprint:
      'SELECT count(*)::text AS n, coalesce(sum(hashtext(t::text)::bigint), 0)::text AS h FROM market_registrations t',
    page: `SELECT * FROM market_registrations WHERE credit_code > $1 ORDER BY credit_code LIMIT $2`,
    keyOf: (r) => String(r.credit_code),
    toRow: (r, mirroredAtMs): MarketRegistrationRow => ({
      credit_code: String(r.credit_code),
      name: String(r.name),
      status: String(r.status),
      status_text: String(r.status_text),
      legal_representative: String(r.legal_representative),
      business_scope: String(r.business_scope),
      licence_numbers: (r.licence_numbers as string[]).join(';'),
      established_on: msOrNull(r.established_on),
      status_changed_on: msOrNull(r.status_changed_on),
      authority: String(r.authority),
      org_code: String(r.org_code),
      source: String(r.source),
      updated_at: new Date(r.updated_at as Date).getTime(),
      mirrored_at: mirroredAtMs,
    }),
  },
];

function msOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : new Date(value as string | Date).getTime();
}

export interface RegistryMirrorOptions {
  /** Rows per PostgreSQL page and ClickHouse insert at most. */
  pageRowsMax: number;
}

export const REGISTRY_MIRROR_DEFAULTS: RegistryMirrorOptions = { pageRowsMax: 5_000 };

export class RegistryMirror {
  /** The fingerprint of each table as last copied; empty after a start, so the first pass copies everything. */
  private readonly copied = new Map<string, string>();

  constructor(
    private readonly deps: { sql: Sql; writer: RowWriter; metrics: Metrics; logger: Logger },
    private readonly options: RegistryMirrorOptions = REGISTRY_MIRROR_DEFAULTS,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Copies each registry table that changed since its last copy; returns how many rows were copied. */
  async pass(): Promise<number> {
    let copiedRows = 0;
    for (const table of REGISTRY_TABLES) {
      const fingerprint = await this.fingerprintOf(table);
      if (this.copied.get(table.source) === fingerprint) continue;
      copiedRows += await this.copy(table);
      this.copied.set(table.source, fingerprint);
    }
    return copiedRows;
  }

  private async fingerprintOf(table: RegistryTable): Promise<string> {
    const [row] = await this.deps.sql.query<Json>(table.fingerprint);
    return `${String(row?.n)}:${String(row?.h)}`;
  }

  private async copy(table: RegistryTable): Promise<number> {
    const mirroredAtMs = this.nowMs();
    const encoder = tsvEncoderFor(table.spec);
    let after = '';
    let copiedRows = 0;
    for (;;) {
      const rows = await this.deps.sql.query<Json>(table.page, [after, this.options.pageRowsMax]);
      if (rows.length === 0) break;
      const values = rows.map((r) => table.toRow(r, mirroredAtMs));
      // A token of this copy and page: a later copy of the same rows must land, so it cannot be their content.
      const token = `registry|${table.spec.name}|${mirroredAtMs}|${after}`;
      await this.deps.writer.insertTabSeparated(table.spec.name, encoder.columns, encoder.encodeRows(values), token);
      copiedRows += values.length;
      after = table.keyOf(rows[rows.length - 1]!);
      if (rows.length < this.options.pageRowsMax) break;
    }
    this.deps.metrics
      .counter('vigil_center_mirror_rows_total', 'Rows mirrored from the command centres to ClickHouse', ['table'])
      .inc({ table: table.spec.name }, copiedRows);
    this.deps.logger.info('registry table copied to ClickHouse', { table: table.spec.name, rows: copiedRows });
    return copiedRows;
  }
}
