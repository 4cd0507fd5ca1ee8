/**
 * HTTP ingestion of roadside and registry data: `POST /api/ingest/<kind>` with a source key. Every record gets
 * its own verdict, so one bad record never drops its neighbours; the answer is sent only once every accepted
 * record is durable (in ClickHouse through the event log, or committed in PostgreSQL for the registry) and
 * every rejected one is dead-lettered. The HTTP server belongs to the command centre; this module sees only
 * the request's parts, so it owns the wire format without owning the server.
 */
import type { IncomingMessage } from 'node:http';
import type {
  CameraEvent,
  DeviceStatus,
  IngestRejectRow,
  LicenceRecord,
  Logger,
  Metrics,
  RailFlowRow,
  RegistryRecord,
  TaxiOrderEventRow,
  TaxiPositionRow,
  TrafficCountRow,
} from '../../schema/index.js';
import { TOPICS, type EventLog, type Producer } from '../../stream/index.js';
import type { Outcome } from './fields.js';
import { gtfsZipItems, isZip } from './gtfs-zip.js';
import { isProtobuf, jsonFeedItems, protobufFeedItems } from './gtfs-rt-body.js';
import { aisReportId, normalizeAis, type AisRecord } from './normalize-ais.js';
import {
  gtfsRtReportId,
  gtfsStaticReportId,
  normalizeGtfsRt,
  normalizeGtfsStatic,
  type GtfsRtRecord,
  type GtfsStaticRecord,
} from './normalize-gtfs.js';
import { normalizeCameraEvent, type NormalizeContext } from './normalize-camera.js';
import { countReportId, normalizeRailFlow, normalizeTrafficCount } from './normalize-counts.js';
import { normalizeDeviceStatus } from './normalize-device.js';
import { normalizeRegistryRecord, registryKeyOf } from './normalize-registry.js';
import { normalizeMarketRegistration } from './normalize-market.js';
import { normalizeTaxiOrder, normalizeTaxiPermit, normalizeTaxiPosition, taxiReportId } from './normalize-taxi.js';
import { normalizeToll, type TollRecord } from './normalize-toll.js';
import { checkHttpIngestOptions, type HttpIngestOptions } from './options.js';
import { BodyError, parseBody, type BodyItem } from './parse-body.js';
import { RecentIds } from './recent-ids.js';
import {
  INGEST_KINDS,
  isIngestKind,
  type IngestKind,
  STORE_KINDS,
  type RegistryWriter,
  type SourceKeyVerifier,
} from './source-key.js';
import { TokenBucket } from './token-bucket.js';
import { vehicleKeyOfPlate, type PlateRegistry } from './vehicle-key.js';
import { itemsOfFile, type UploadFormat } from './upload-file.js';

export interface HttpIngestDeps {
  log: EventLog;
  keys: SourceKeyVerifier;
  registry: RegistryWriter;
  /**
   * The vehicles by plate, for the partition key of records about a plate (`vehicle-key.ts`): usually the same
   * registry store that `registry` writes to.
   */
  vehicles: PlateRegistry;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

export interface IngestRequest {
  kind: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The request, read here with this path's own body bound; or a body already read (a fetched feed). */
  body: IncomingMessage | Buffer;
  peer: string;
}

export interface RejectedRecord {
  index: number;
  reason: string;
  detail: string;
}

export interface IngestResult {
  /** Records now durable, including those that were already (`duplicates`). */
  accepted: number;
  duplicates: number;
  rejected: RejectedRecord[];
}

export interface IngestResponse {
  status: number;
  body: IngestResult | { error: string; detail: string };
  headers?: Record<string, string>;
}

/**
 * Who sent records: a source key (`source` = `key:<id>`) or a unit uploading a file (`upload:<org code>`, with
 * `:<enterprise id>` for an enterprise), and the org unit whose subtree the records must lie in.
 */
export interface Submitter {
  source: string;
  orgCode: string;
  /**
   * An enterprise's upload: its registry vehicles and drivers that name no enterprise are bound to this one, so
   * the enterprise need not repeat its own id on every row (what it may name is for `admits` to say).
   */
  enterpriseId?: string;
  /** A further check of each record the normalizer accepted, by the uploader's scope: a refusal, or null. */
  admits?: (record: ScopedRecord) => Promise<ScopeRefusal | null>;
}

export interface ScopeRefusal {
  reason: string;
  detail: string;
}

/** What a record says about scope: the vehicle it saw, the registry row it writes, or only where it was made. */
export type ScopedRecord =
  | { kind: 'sighting'; org_code: string; plate: string; plate_color: number }
  | { kind: 'registry'; record: RegistryRecord }
  | { kind: 'place'; org_code: string }
  /** A permit or registration: the issuing authority's division, and the company (credit code) it names. */
  | { kind: 'licence'; org_code: string; enterprise_id: string };

/**
 * An uploaded file's records as read (with the line each came from) and their verdicts; or the file refused as a
 * whole, with a named reason (`bad_xlsx`, `bad_encoding`, `bad_csv_header`, `too_many_records`, `file_too_large`).
 */
export type UploadOutcome =
  | { ok: true; format: UploadFormat; items: BodyItem[]; result: IngestResult }
  | { ok: false; reason: string; detail: string };

type Normalized =
  | CameraEvent
  | DeviceStatus
  | RegistryRecord
  | TollRecord
  | TrafficCountRow
  | RailFlowRow
  | AisRecord
  | GtfsRtRecord
  | GtfsStaticRecord
  | TaxiPositionRow
  | TaxiOrderEventRow
  | LicenceRecord;

export class HttpIngest {
  private readonly producer: Producer;
  private readonly buckets = new Map<number, TokenBucket>();
  private readonly recent: RecentIds;
  private readonly now: () => number;

  constructor(
    private readonly options: HttpIngestOptions,
    private readonly deps: HttpIngestDeps,
  ) {
    checkHttpIngestOptions(options);
    this.producer = deps.log.producer();
    this.recent = new RecentIds(options.recentIdsMax);
    this.now = deps.now ?? Date.now;
    deps.metrics.onCollect(() =>
      deps.metrics
        .gauge('vigil_ingest_http_recent_ids', 'Event ids remembered for retry deduplication')
        .set(undefined, this.recent.size),
    );
  }

  async handle(request: IngestRequest): Promise<IngestResponse> {
    const response = await this.answer(request).catch((error: unknown) => {
      if (error instanceof BodyError)
        return refuse(
          error.reason === 'body_too_large' || error.reason === 'too_many_records' ? 413 : 400,
          error.reason,
          error.message,
        );
      throw error;
    });
    this.deps.metrics
      .counter('vigil_ingest_http_requests_total', 'HTTP ingestion requests by kind and status', ['kind', 'status'])
      .inc({ kind: isIngestKind(request.kind) ? request.kind : 'unknown', status: String(response.status) });
    return response;
  }

  private async answer(request: IngestRequest): Promise<IngestResponse> {
    if (!isIngestKind(request.kind))
      return refuse(
        404,
        'unknown_kind',
        `kind ${JSON.stringify(request.kind)} is not one of ${INGEST_KINDS.join(', ')}`,
      );
    const key = bearer(request.authorization);
    if (key === undefined) return refuse(401, 'missing_key', 'send the source key as Authorization: Bearer <key>');
    const identity = await this.deps.keys.verify(key);
    if (!identity) return refuse(401, 'bad_key', 'the source key is unknown or revoked');
    if (identity.kind !== request.kind)
      return refuse(403, 'wrong_kind', `this key is for ${identity.kind}, not ${request.kind}`);
    const bucket = this.bucketOf(identity.keyId);
    // A key already over its rate is turned away before its body is read.
    const waitS = bucket.secondsUntil(1);
    if (waitS > 0) return throttled(waitS);
    const bytes = await readBody(request.body, this.options.bodyBytesMax);
    const items = this.itemsOf(request.kind, bytes, request.contentType);
    const retryAfterS = bucket.take(this.costOf(request.kind, items.length));
    if (retryAfterS > 0) return throttled(retryAfterS);
    const result = await this.ingest(
      request.kind,
      { source: `key:${identity.keyId}`, orgCode: identity.orgCode, admits: identity.admits },
      items,
      request.peer,
    );
    this.deps.keys.recordUse(identity, items.length, request.peer);
    return { status: 200, body: result };
  }

  /**
   * What a request takes from its key's rate: its records; a GTFS static feed, a whole timetable posted seldom, one;
   * a GTFS-Realtime feed, a fleet's snapshot that cannot be split, at most a burst's worth.
   */
  private costOf(kind: IngestKind, records: number): number {
    if (kind === 'gtfs_static') return 1;
    if (kind === 'gtfs_rt') return Math.min(records, this.options.burstRecordsPerKey);
    return records;
  }

  /** A body as records: a GTFS-Realtime feed by its entities, a GTFS static zip by its rows, others as text. */
  private itemsOf(kind: IngestKind, bytes: Buffer, contentType: string | undefined): BodyItem[] {
    const max = this.options.recordsPerRequestMax;
    if (kind === 'gtfs_rt') {
      const entitiesMax = this.options.gtfsRtEntitiesMax;
      return isProtobuf(contentType)
        ? protobufFeedItems(bytes, entitiesMax)
        : jsonFeedItems(bytes.toString('utf8'), entitiesMax);
    }
    if (kind === 'gtfs_static' && isZip(contentType)) return gtfsZipItems(bytes, this.options.gtfsStaticRecordsMax);
    return parseBody(
      bytes.toString('utf8'),
      contentType,
      kind === 'gtfs_static' ? this.options.gtfsStaticRecordsMax : max,
    );
  }

  private bucketOf(keyId: number): TokenBucket {
    let bucket = this.buckets.get(keyId);
    if (!bucket) {
      bucket = new TokenBucket(this.options.recordsPerSecondPerKey, this.options.burstRecordsPerKey, this.now);
      this.buckets.set(keyId, bucket);
    }
    return bucket;
  }

  /**
   * A file a person uploaded (CSV or XLSX, center/uploads/): read here, then the same verdicts, scope and
   * durability as a source's POST, with the uploader's unit in the place of the key's. Refuses the whole file
   * only when it cannot be read as records at all or holds more records than a request may.
   */
  async ingestUpload(kind: IngestKind, submitter: Submitter, bytes: Buffer, peer: string): Promise<UploadOutcome> {
    let file: Awaited<ReturnType<typeof itemsOfFile>>;
    try {
      file = await itemsOfFile(bytes, this.options.recordsPerRequestMax);
    } catch (error) {
      if (error instanceof BodyError) return { ok: false, reason: error.reason, detail: error.message };
      throw error;
    }
    const result = await this.ingest(kind, submitter, file.items, peer);
    return { ok: true, format: file.format, items: file.items, result };
  }

  private async ingest(
    kind: IngestKind,
    submitter: Submitter,
    items: readonly BodyItem[],
    peer: string,
  ): Promise<IngestResult> {
    const receivedAt = this.now();
    const source = submitter.source;
    const ctx: NormalizeContext = {
      source,
      keyOrgCode: submitter.orgCode,
      receivedAt,
      futureSkewMsMax: this.options.futureSkewMsMax,
    };
    const rejected: RejectedRecord[] = [];
    const rejectRows: IngestRejectRow[] = [];
    const refuse = (index: number, reason: string, detail: string, raw: string): void => {
      rejected.push({ index, reason, detail });
      rejectRows.push({
        received_at: receivedAt,
        source: `http:${kind}`,
        reason,
        detail: `record ${index}: ${detail}`,
        raw,
        peer: source,
        terminal_id: '',
      });
    };
    const fresh = new Map<string, { value: Normalized; index: number; raw: string }>();
    let duplicates = 0;
    for (const [index, item] of items.entries()) {
      const outcome: Outcome<Normalized> = item.ok
        ? this.normalize(kind, boundToEnterprise(kind, item.value, submitter.enterpriseId), ctx)
        : { ok: false, reason: item.reason, detail: item.detail };
      if (!outcome.ok) {
        refuse(index, outcome.reason, outcome.detail, item.raw);
        continue;
      }
      const outOfScope = submitter.admits ? await submitter.admits(scopedRecordOf(kind, outcome.value)) : null;
      if (outOfScope) {
        refuse(index, outOfScope.reason, outOfScope.detail, item.raw);
        continue;
      }
      const id = idOf(kind, source, outcome.value);
      const stored = STORE_KINDS.includes(kind);
      if (this.recent.has(id) || (fresh.has(id) && !stored)) {
        duplicates++;
        continue;
      }
      // For the registry and licences a later record of the same identity in one batch wins, as in two batches.
      fresh.set(id, { value: outcome.value, index, raw: item.raw });
    }
    const accepted = [...fresh.values()];
    let refusedByStore = 0;
    if (STORE_KINDS.includes(kind)) {
      // The store refuses rows of other units; they are dead-lettered like any refused record.
      const writer = { source, orgCode: submitter.orgCode };
      const refusals =
        kind === 'registry'
          ? await this.deps.registry.upsert(
              accepted.map((a) => a.value as RegistryRecord),
              writer,
            )
          : await this.deps.registry.upsertLicences(
              accepted.map((a) => a.value as LicenceRecord),
              writer,
            );
      refusedByStore = refusals.length;
      for (const refusal of refusals) {
        const record = accepted[refusal.index];
        refuse(record.index, refusal.reason, refusal.detail, record.raw);
      }
      rejected.sort((a, b) => a.index - b.index);
      await this.deadLetter(rejectRows, kind);
    } else {
      await Promise.all([
        this.publish(
          kind,
          accepted.map((a) => a.value),
        ),
        this.deadLetter(rejectRows, kind),
      ]);
      for (const id of fresh.keys()) this.recent.add(id);
    }
    const records = this.deps.metrics.counter(
      'vigil_ingest_http_records_total',
      'HTTP ingestion records by kind and outcome',
      ['kind', 'outcome'],
    );
    records.inc({ kind, outcome: 'accepted' }, fresh.size - refusedByStore);
    records.inc({ kind, outcome: 'duplicate' }, duplicates);
    records.inc({ kind, outcome: 'rejected' }, rejected.length);
    if (rejected.length > 0)
      this.deps.logger.debug('records rejected', { kind, source, peer, rejected: rejected.length });
    return { accepted: items.length - rejected.length, duplicates, rejected };
  }

  private normalize(kind: IngestKind, value: unknown, ctx: NormalizeContext): Outcome<Normalized> {
    switch (kind) {
      case 'anpr':
      case 'wim':
      case 'gantry':
        return normalizeCameraEvent(kind, value, ctx);
      case 'device_status':
        return normalizeDeviceStatus(value, ctx);
      case 'registry':
        return normalizeRegistryRecord(value, ctx);
      case 'toll':
        return normalizeToll(value, ctx);
      case 'traffic_count':
        return normalizeTrafficCount(value, ctx);
      case 'rail_flow':
        return normalizeRailFlow(value, ctx);
      case 'ais':
        return normalizeAis(value, ctx);
      case 'gtfs_rt':
        return normalizeGtfsRt(value, ctx);
      case 'gtfs_static':
        return normalizeGtfsStatic(value, ctx);
      case 'taxi_position':
        return normalizeTaxiPosition(value, ctx);
      case 'taxi_order':
        return normalizeTaxiOrder(value, ctx);
      case 'taxi_permit':
        return normalizeTaxiPermit(value, ctx);
      case 'market_registration':
        return normalizeMarketRegistration(value, ctx);
    }
  }

  private async publish(kind: IngestKind, records: Normalized[]): Promise<void> {
    if (records.length === 0) return;
    switch (kind) {
      case 'registry':
      case 'taxi_permit':
      case 'market_registration':
        throw new Error(`${kind} records are stored in PostgreSQL, not sent to the log`);
      case 'taxi_position':
        return this.producer.send(
          TOPICS.taxiPositions,
          (records as TaxiPositionRow[]).map((r) => ({ key: r.plate, value: r })),
        );
      case 'taxi_order':
        // By the vehicle (its terminal, else its plate), so the steps of one vehicle's orders reach the permit rule
        // in order on the partition of its fixes; bookings have no vehicle yet.
        return this.producer.send(
          TOPICS.taxiOrders,
          (records as TaxiOrderEventRow[]).map((r) => ({
            key: this.vehicleKey(r.plate) || `${r.company_id}/${r.order_id}`,
            value: r,
          })),
        );
      case 'device_status':
        return this.producer.send(
          TOPICS.devices,
          (records as DeviceStatus[]).map((r) => ({ key: r.device_id, value: r })),
        );
      case 'toll': {
        // The transaction and its sightings are acknowledged together; a retry after a failure of either repeats
        // both, which the replacing tables and the rules' once-per-event evaluation make harmless.
        const tolls = records as TollRecord[];
        await Promise.all([
          this.producer.send(
            TOPICS.tolls,
            tolls.map((r) => ({
              key: this.vehicleKey(r.transaction.plate) || r.transaction.plate,
              value: r.transaction,
            })),
          ),
          this.sendSightings(tolls.flatMap((r) => r.sightings)),
        ]);
        return;
      }
      case 'traffic_count':
        return this.producer.send(
          TOPICS.trafficCounts,
          (records as TrafficCountRow[]).map((r) => ({ key: r.station_id, value: r })),
        );
      case 'rail_flow':
        return this.producer.send(
          TOPICS.railFlows,
          (records as RailFlowRow[]).map((r) => ({ key: r.station_id, value: r })),
        );
      case 'ais': {
        const messages = records as AisRecord[];
        const of = <T extends AisRecord['table']>(table: T) =>
          messages.flatMap((m) => (m.table === table ? [{ key: String(m.row.mmsi), value: m.row }] : []));
        const positions = of('positions');
        const voyages = of('voyages');
        await Promise.all([
          positions.length > 0 ? this.producer.send(TOPICS.vesselPositions, positions) : undefined,
          voyages.length > 0 ? this.producer.send(TOPICS.vesselVoyages, voyages) : undefined,
        ]);
        return;
      }
      case 'gtfs_rt': {
        // Keyed by the feed's unit and the vehicle (trip), so one bus's positions (one trip's updates) stay in order.
        const feed = records as GtfsRtRecord[];
        const positions = feed.flatMap((r) =>
          r.table === 'positions' ? [{ key: `${r.row.feed_org}/${r.row.vehicle_id}`, value: r.row }] : [],
        );
        const delays = feed.flatMap((r) =>
          r.table === 'delays' ? r.rows.map((row) => ({ key: `${row.feed_org}/${row.trip_id}`, value: row })) : [],
        );
        await Promise.all([
          positions.length > 0 ? this.producer.send(TOPICS.busPositions, positions) : undefined,
          delays.length > 0 ? this.producer.send(TOPICS.busStopDelays, delays) : undefined,
        ]);
        return;
      }
      case 'gtfs_static': {
        const rows = records as GtfsStaticRecord[];
        const of = <T extends GtfsStaticRecord['table']>(table: T) =>
          rows.flatMap((r) => (r.table === table ? [{ key: r.row.org_code, value: r.row }] : []));
        const sends: [string, { key: string; value: unknown }[]][] = [
          [TOPICS.gtfsRoutes, of('routes')],
          [TOPICS.gtfsStops, of('stops')],
          [TOPICS.gtfsTrips, of('trips')],
        ];
        await Promise.all(
          sends.map(([topic, list]) => (list.length > 0 ? this.producer.send(topic, list) : undefined)),
        );
        return;
      }
      case 'anpr':
      case 'wim':
      case 'gantry':
        return this.sendSightings(records as CameraEvent[]);
    }
  }

  private sendSightings(events: CameraEvent[]): Promise<void> {
    // Keyed by the vehicle (its terminal, else its plate) so one vehicle's sightings stay in order on the partition
    // of its fixes; unread plates spread by device.
    return this.producer.send(
      TOPICS.camera,
      events.map((r) => ({ key: this.vehicleKey(r.plate) || r.device_id, value: r })),
    );
  }

  private vehicleKey(plate: string): string {
    return vehicleKeyOfPlate(this.deps.vehicles, plate);
  }

  private async deadLetter(rows: IngestRejectRow[], kind: IngestKind): Promise<void> {
    if (rows.length === 0) return;
    const counter = this.deps.metrics.counter('vigil_ingest_rejects_total', 'Rejected frames and records by reason', [
      'source',
      'reason',
    ]);
    for (const row of rows) counter.inc({ source: `http:${kind}`, reason: row.reason });
    await this.producer.send(
      TOPICS.rejects,
      rows.map((row) => ({ key: row.peer, value: row })),
    );
  }
}

/** An enterprise's registry vehicle or driver naming no enterprise, as one naming the uploading enterprise. */
function boundToEnterprise(kind: IngestKind, value: unknown, enterpriseId: string | undefined): unknown {
  if (enterpriseId === undefined || kind !== 'registry' || typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record.type !== 'vehicle' && record.type !== 'driver') return value;
  const named = record.enterprise_id;
  return named === undefined || named === null || named === '' ? { ...record, enterprise_id: enterpriseId } : value;
}

function scopedRecordOf(kind: IngestKind, record: Normalized): ScopedRecord {
  switch (kind) {
    case 'registry':
      return { kind: 'registry', record: record as RegistryRecord };
    case 'anpr':
    case 'wim':
    case 'gantry': {
      const event = record as CameraEvent;
      return { kind: 'sighting', org_code: event.org_code, plate: event.plate, plate_color: event.plate_color };
    }
    case 'toll': {
      const { transaction } = record as TollRecord;
      return {
        kind: 'sighting',
        org_code: transaction.org_code,
        plate: transaction.plate,
        plate_color: transaction.plate_color,
      };
    }
    case 'ais':
      return { kind: 'place', org_code: (record as AisRecord).row.org_code };
    case 'gtfs_rt': {
      const feed = record as GtfsRtRecord;
      return {
        kind: 'place',
        org_code: feed.table === 'positions' ? feed.row.org_code : (feed.rows[0]?.org_code ?? ''),
      };
    }
    case 'gtfs_static':
      return { kind: 'place', org_code: (record as GtfsStaticRecord).row.org_code };
    case 'taxi_position':
    case 'taxi_order':
      return { kind: 'place', org_code: (record as TaxiPositionRow | TaxiOrderEventRow).org_code };
    case 'taxi_permit':
    case 'market_registration': {
      const licence = record as LicenceRecord;
      return {
        kind: 'licence',
        org_code: licence.org_code,
        enterprise_id: licence.type === 'taxi_permit' ? licence.company_id : licence.credit_code,
      };
    }
    default:
      return { kind: 'place', org_code: (record as DeviceStatus | TrafficCountRow | RailFlowRow).org_code };
  }
}

/** What a retry of the record repeats: the key the node remembers to answer a retry without resending it. */
function idOf(kind: IngestKind, source: string, record: Normalized): string {
  switch (kind) {
    case 'registry':
      return registryKeyOf(record as RegistryRecord);
    case 'toll':
      return `${source}/${(record as TollRecord).transaction.event_id}`;
    case 'traffic_count':
    case 'rail_flow':
      return `${kind}/${countReportId(record as TrafficCountRow | RailFlowRow)}`;
    case 'ais':
      return aisReportId(record as AisRecord);
    case 'gtfs_rt':
      return gtfsRtReportId(record as GtfsRtRecord);
    case 'gtfs_static':
      return gtfsStaticReportId(record as GtfsStaticRecord);
    case 'taxi_position':
    case 'taxi_order':
      return `${kind}/${taxiReportId(record as TaxiPositionRow | TaxiOrderEventRow)}`;
    case 'taxi_permit': {
      const permit = record as Extract<LicenceRecord, { type: 'taxi_permit' }>;
      return `taxi_permit/${permit.permit_type}/${permit.subject}`;
    }
    case 'market_registration':
      return `market_registration/${(record as Extract<LicenceRecord, { type: 'market_registration' }>).credit_code}`;
    default:
      return `${source}/${(record as CameraEvent | DeviceStatus).event_id}`;
  }
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function refuse(status: number, error: string, detail: string): IngestResponse {
  return { status, body: { error, detail } };
}

function throttled(retryAfterS: number): IngestResponse {
  return {
    status: 429,
    body: { error: 'rate_limited', detail: `this key is over its rate; retry after ${retryAfterS} s` },
    headers: { 'retry-after': String(retryAfterS) },
  };
}

async function readBody(req: IncomingMessage | Buffer, bytesMax: number): Promise<Buffer> {
  if (Buffer.isBuffer(req)) {
    if (req.length > bytesMax) throw new BodyError('body_too_large', `body of ${req.length} bytes exceeds ${bytesMax}`);
    return req;
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > bytesMax) throw new BodyError('body_too_large', `body of ${declared} bytes exceeds ${bytesMax}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > bytesMax) throw new BodyError('body_too_large', `body exceeds ${bytesMax} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
