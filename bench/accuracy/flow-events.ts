/**
 * The generator's records of the newer kinds as the rules receive them, without a node: a toll transaction as the
 * two sightings its ingestion derives (`normalizeToll`), a taxi order step as its row (`normalizeTaxiOrder`), a
 * taxi permit as the registry holds it (`normalizeTaxiPermit`). Counts, rail flows, vessels and registrations feed no
 * rule. A record the ingestion would refuse throws: the generator must only write what a node accepts.
 */
import type { TaxiPermitRecord } from '../../schema/index.js';
import type { EngineEvent } from '../../stream/index.js';
import { normalizeToll } from '../../ingest/http/normalize-toll.js';
import { normalizeTaxiOrder, normalizeTaxiPermit } from '../../ingest/http/normalize-taxi.js';
import type { FlowKind, FlowRecord } from '../../fixtures/generator/index.js';

/** Taxi permits by `type:subject`, as the registry's lookup finds them. */
export type PermitBook = Map<string, TaxiPermitRecord>;

export function permitKey(type: string, subject: string): string {
  return `${type}:${subject}`;
}

function context(kind: FlowKind, record: FlowRecord) {
  return { source: `http:${kind}`, keyOrgCode: '410000', receivedAt: record.received_at, futureSkewMsMax: 600_000 };
}

/** The engine inputs of one record; permits go into `permits`. */
export function flowEngineEvents(kind: FlowKind, record: FlowRecord, permits: PermitBook): EngineEvent[] {
  const at = record.received_at;
  if (kind === 'toll') {
    const out = normalizeToll(record, context(kind, record));
    if (!out.ok) throw new Error(`toll record refused: ${out.reason} ${out.detail}`);
    return out.value.sightings.map((value) => ({ topic: 'camera' as const, at, value }));
  }
  if (kind === 'taxi_order') {
    const out = normalizeTaxiOrder(record, context(kind, record));
    if (!out.ok) throw new Error(`taxi order refused: ${out.reason} ${out.detail}`);
    return [{ topic: 'taxi_orders', at, value: out.value }];
  }
  if (kind === 'taxi_permit') {
    const out = normalizeTaxiPermit(record, context(kind, record));
    if (!out.ok) throw new Error(`taxi permit refused: ${out.reason} ${out.detail}`);
    if (out.value.type === 'taxi_permit') {
      const { type: _type, ...permit } = out.value;
      permits.set(permitKey(permit.permit_type, permit.subject), permit);
    }
  }
  return [];
}
