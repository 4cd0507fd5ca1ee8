/**
 * The replay-with-labels scenario: a generated directory replayed over real JT/T 808 connections and HTTP
 * ingestion into a running node, then checked with SQL on its ClickHouse:
 *   - telemetry holds exactly one row per acknowledged position (raw count, no FINAL, equals the positions of
 *     the acknowledged frames, and every (terminal_id, ts) is distinct): nothing acknowledged lost, nothing
 *     retransmitted stored twice;
 *   - one `ingest_rejects` row per malformed frame sent;
 *   - `camera_events` and `device_status` hold exactly the records the HTTP sources had accepted (toll
 *     transactions as two sightings each), and each newer kind's tables one row per accepted record;
 *   - the alarms raised match the generator's labels: precision and recall per rule, scored by the shared
 *     matching of `fixtures/generator` (the same as `bench/rules-accuracy.ts` and the rule tests);
 *   - the city buses (each operator's GTFS static zip and GTFS-Realtime snapshots, posted under keys bound to the
 *     operator's city) stored row for row and as their truth has them: every trip's delay, and the wall's bus
 *     indicators at the last snapshot (bus-truth.ts).
 * Used by `vigil bench --scenario replay-labels` and by tests/replay-labels.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  FLOW_KINDS,
  HTTP_KINDS,
  formatAccuracy,
  matchAlarms,
  readTerminalBlocks,
  type FlowKind,
  type GeneratedRuleZone,
  type Label,
  type MatchResult,
  type ScoredAlarm,
} from '../../fixtures/generator/index.js';
import { readManifest, replayDirectory, REPLAY_DEFAULTS } from '../../cli/commands/replay/replay-engine.js';
import { ReplayStats } from '../../cli/commands/replay/replay-stats.js';
import { reportOf, type ReplayReport } from '../../cli/commands/replay.js';
import { circleOutline, type RulesConfig } from '../../stream/index.js';
import type { QueryResultTable } from '../../store/index.js';
import { checkBusTruth, type BusTruthChecks } from './bus-truth.js';

export interface NodeEndpoints {
  baseUrl: string;
  jt808Port: number;
  /** Bearer token of a province admin: issues the source keys and runs the SQL. */
  token: string;
}

export interface ReplayLabelsOptions {
  dir: string;
  /** Replay only the first N terminals (default: all); labels and alarms are then limited to them. */
  terminals?: number;
  /** Data time per real time; Infinity = as fast as acknowledgements allow. */
  speed: number;
  /** At Infinity speed: data ms one terminal may lead the slowest (0 = free running). */
  lockstepMs: number;
  concurrency?: number;
  windowFrames?: number;
  ackTimeoutMs?: number;
  toleranceMs?: number;
  /** Longest wait for the rules and sinks to drain after the replay. */
  settleMsMax?: number;
  log: (line: string) => void;
}

export interface ReplayLabelsChecks {
  positions_acknowledged: number;
  telemetry_rows: number;
  telemetry_rows_distinct: number;
  telemetry_exactly_once: boolean;
  malformed_sent: number;
  jt808_rejects: number;
  camera_rows: Record<string, number>;
  camera_accepted: Record<string, number>;
  device_status_rows: number;
  device_status_accepted: number;
  http_rows_match: boolean;
  /** Rows of each newer kind's tables, and the records of it the node accepted. */
  flow_rows: Record<string, number>;
  flow_accepted: Record<string, number>;
  /** The city buses against their truth; null when the directory has none. */
  buses: BusTruthChecks | null;
  labels: number;
  alarms: number;
}

export interface ReplayLabelsResult {
  replay: ReplayReport;
  checks: ReplayLabelsChecks;
  accuracy: MatchResult;
  /** Seconds from the last acknowledgement until the rules and sinks had drained. */
  settle_s: number;
  wall_clock_s: number;
}

const SETTLE_POLL_MS = 1000;
/** Polls in a row with an empty log and an unchanged alarm count before the node counts as drained. */
const SETTLE_STABLE_POLLS = 3;
const ALARM_PAGE_ROWS = 50_000;
const KINDS = [...HTTP_KINDS, 'registry'] as const;
/**
 * Rows a newer kind leaves in ClickHouse, one per accepted record: its table (an AIS message is a position or a
 * voyage). Permits and registrations live in PostgreSQL and are mirrored (FINAL: the mirror rewrites rows).
 */
const FLOW_ROWS_SQL: Record<FlowKind, string> = {
  toll: 'SELECT count() FROM toll_transactions',
  taxi_position: 'SELECT count() FROM taxi_positions',
  taxi_order: 'SELECT count() FROM taxi_order_events',
  taxi_permit: 'SELECT count() FROM taxi_permits FINAL',
  traffic_count: 'SELECT count() FROM traffic_counts',
  rail_flow: 'SELECT count() FROM rail_flows',
  ais: 'SELECT (SELECT count() FROM vessel_positions) + (SELECT count() FROM vessel_voyages)',
  market_registration: 'SELECT count() FROM market_registrations FINAL',
};
/** The mirror copies PostgreSQL's permits and registrations to ClickHouse within seconds: wait that long at most. */
const MIRROR_WAIT_MS = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function sqlTable(node: NodeEndpoints, sql: string): Promise<QueryResultTable> {
  const res = await fetch(`${node.baseUrl}/api/sql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}` },
    body: JSON.stringify({ sql }),
  });
  const body = (await res.json()) as QueryResultTable & { error?: string; detail?: string };
  if (res.status !== 200)
    throw new Error(`sql ${JSON.stringify(sql.slice(0, 80))} failed: ${res.status} ${body.error}: ${body.detail}`);
  return body;
}

export async function sqlRows(node: NodeEndpoints, sql: string): Promise<unknown[][]> {
  return (await sqlTable(node, sql)).rows;
}

async function issueSourceKey(node: NodeEndpoints, kind: string, orgCode: string, name: string): Promise<string> {
  const res = await fetch(`${node.baseUrl}/api/sources/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.token}` },
    body: JSON.stringify({ kind, org_code: orgCode, name }),
  });
  if (res.status !== 201)
    throw new Error(`issuing a ${kind} source key for ${orgCode} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/**
 * One source key per kind (keys are bound to a kind), issued through the API as the province admin, and for each
 * city bus operator its GTFS static and GTFS-Realtime keys bound to its own city (`gtfs_rt:<org>`), as in production.
 */
export async function issueSourceKeys(
  node: NodeEndpoints,
  name: string,
  busOperators: readonly string[] = [],
): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const kind of KINDS) keys[kind] = await issueSourceKey(node, kind, '410000', `${name} ${kind}`);
  for (const org of busOperators)
    for (const kind of ['gtfs_static', 'gtfs_rt'])
      keys[`${kind}:${org}`] = await issueSourceKey(node, kind, org, `${name} ${kind} ${org}`);
  return keys;
}

/**
 * The directory's zones added to the running rules configuration through `PUT /api/rules`, as an operator would
 * declare them: its restricted zones (circles in the manifest), so that the geofence labels can be raised at
 * all, and the zones of the zone-based rules (route corridors with their plates, no-parking spots, areas).
 */
export async function configureZones(
  node: NodeEndpoints,
  zones: readonly { zone_id: string; name: string; lon: number; lat: number; radius_m: number }[],
  ruleZones: readonly GeneratedRuleZone[] = [],
): Promise<number> {
  const headers = { authorization: `Bearer ${node.token}` };
  const current = (await (await fetch(`${node.baseUrl}/api/rules`, { headers })).json()) as { config: RulesConfig };
  const config = current.config;
  const known = new Set(config.zones.map((z) => z.id));
  const added = zones.filter((z) => !known.has(z.zone_id));
  const addedRuleZones = ruleZones.filter((z) => !known.has(z.id));
  if (added.length + addedRuleZones.length === 0) return 0;
  for (const z of added)
    config.zones.push({
      id: z.zone_id,
      name: z.name,
      kind: 'restricted',
      polygon: circleOutline(z.lon, z.lat, z.radius_m),
    });
  for (const z of addedRuleZones) config.zones.push(structuredClone(z));
  const count = added.length + addedRuleZones.length;
  const res = await fetch(`${node.baseUrl}/api/rules`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ config, comment: 'zones of the replayed traffic' }),
  });
  if (res.status !== 200) throw new Error(`configuring ${count} zones failed: ${res.status} ${await res.text()}`);
  return count;
}

async function logBacklog(node: NodeEndpoints): Promise<number> {
  const text = await (await fetch(`${node.baseUrl}/metrics`)).text();
  let backlog = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('vigil_log_backlog{')) backlog += Number(line.slice(line.lastIndexOf(' ') + 1));
  return backlog;
}

/** Waits until every topic is consumed by every group and the alarm count holds still. */
async function settle(node: NodeEndpoints, settleMsMax: number): Promise<void> {
  const deadline = Date.now() + settleMsMax;
  let stable = 0;
  let lastAlarms = -1;
  while (Date.now() < deadline) {
    const backlog = await logBacklog(node);
    const alarms = Number((await sqlRows(node, 'SELECT count() FROM alarms'))[0][0]);
    stable = backlog === 0 && alarms === lastAlarms ? stable + 1 : 0;
    if (stable >= SETTLE_STABLE_POLLS) return;
    lastAlarms = alarms;
    await sleep(SETTLE_POLL_MS);
  }
  throw new Error(`the node did not drain within ${settleMsMax} ms after the replay`);
}

async function readAlarms(node: NodeEndpoints): Promise<ScoredAlarm[]> {
  const alarms: ScoredAlarm[] = [];
  for (let offset = 0; ; offset += ALARM_PAGE_ROWS) {
    const rows = await sqlRows(
      node,
      `SELECT alarm_id, version, rule, terminal_id, plate, details, toUnixTimestamp64Milli(started_at), toUnixTimestamp64Milli(ended_at) FROM alarms FINAL ORDER BY alarm_id LIMIT ${ALARM_PAGE_ROWS} OFFSET ${offset}`,
    );
    for (const [alarm_id, version, rule, terminal_id, plate, details, started, ended] of rows) {
      alarms.push({
        alarm_id: String(alarm_id),
        version: Number(version),
        rule: String(rule),
        terminal_id: String(terminal_id),
        plate: String(plate),
        details: String(details),
        started_at: Number(started),
        ended_at: ended === null ? null : Number(ended),
      });
    }
    if (rows.length < ALARM_PAGE_ROWS) return alarms;
  }
}

/** Terminal ids (phones) and plates of the first `terminals` terminals of the directory. */
async function replayedSubjects(dir: string, shards: string[], terminals: number): Promise<Set<string>> {
  const subjects = new Set<string>();
  let seen = 0;
  for (const shard of shards) {
    for await (const block of readTerminalBlocks(path.join(dir, shard))) {
      if (seen++ >= terminals) return subjects;
      subjects.add(block.identity.phone);
      if (block.identity.plate) subjects.add(block.identity.plate);
    }
  }
  return subjects;
}

/** Each newer kind's rows, waiting (within MIRROR_WAIT_MS) for the mirrored ones to reach what was accepted. */
async function flowRows(node: NodeEndpoints, accepted: Record<string, number>): Promise<Record<string, number>> {
  const deadline = Date.now() + MIRROR_WAIT_MS;
  for (;;) {
    const rows: Record<string, number> = {};
    for (const kind of FLOW_KINDS) rows[kind] = Number((await sqlRows(node, FLOW_ROWS_SQL[kind]))[0][0]);
    if (FLOW_KINDS.every((k) => rows[k] === (accepted[k] ?? 0)) || Date.now() > deadline) return rows;
    await sleep(SETTLE_POLL_MS);
  }
}

function countsOf(rows: unknown[][]): Record<string, number> {
  return Object.fromEntries(rows.map(([k, n]) => [String(k), Number(n)]));
}

export async function runReplayLabels(node: NodeEndpoints, options: ReplayLabelsOptions): Promise<ReplayLabelsResult> {
  const began = performance.now();
  const manifest = readManifest(options.dir);
  const terminals = Math.min(options.terminals ?? manifest.counts.terminals, manifest.counts.terminals);
  const busOperators = (manifest.buses?.feeds ?? []).map((f) => f.org_code);
  const keys = await issueSourceKeys(node, 'replay-labels', busOperators);
  const zones = await configureZones(node, manifest.zones ?? [], manifest.rule_zones ?? []);
  if (zones > 0) options.log(`configured the ${zones} zones of the traffic`);
  options.log(
    `replaying ${terminals} of ${manifest.counts.terminals} terminals of ${options.dir} (${manifest.vehicles} vehicles × ${manifest.hours} h) at speed ${options.speed}${!Number.isFinite(options.speed) && options.lockstepMs > 0 ? `, lockstep ${options.lockstepMs / 1000} s` : ''}`,
  );
  const stats = new ReplayStats();
  const progress = setInterval(
    () =>
      options.log(
        `acked ${stats.acknowledged.toLocaleString('en')} frames, ${stats.terminalsDone}/${terminals} terminals done, retransmitted ${stats.retransmitted}, http ${[...stats.http.values()].reduce((n, e) => n + e.accepted, 0).toLocaleString('en')} records`,
      ),
    30_000,
  );
  const replayBegan = performance.now();
  try {
    await replayDirectory(
      {
        dir: options.dir,
        host: new URL(node.baseUrl).hostname,
        port: node.jt808Port,
        speed: options.speed,
        terminalsMax: terminals,
        concurrency: options.concurrency ?? terminals,
        windowFrames: options.windowFrames ?? REPLAY_DEFAULTS.windowFrames,
        ackTimeoutMs: options.ackTimeoutMs ?? 60_000,
        retransmitsMax: REPLAY_DEFAULTS.retransmitsMax,
        lockstepMs: options.lockstepMs,
        shiftToNow: false,
        http: { url: node.baseUrl, keys, batchRecords: REPLAY_DEFAULTS.batchRecords },
      },
      stats,
    );
  } finally {
    clearInterval(progress);
  }
  const replay = reportOf(stats, performance.now() - replayBegan);
  options.log(
    `replay done in ${replay.duration_s} s: ${replay.acknowledged} frames acked (${replay.acked_frames_per_s}/s), waiting for the rules and sinks to drain`,
  );
  const settleBegan = performance.now();
  await settle(node, options.settleMsMax ?? 600_000);
  const settleS = Math.round((performance.now() - settleBegan) / 100) / 10;

  const [[rows, distinct]] = await sqlRows(node, 'SELECT count(), uniqExact(terminal_id, ts) FROM telemetry');
  const [[rejects]] = await sqlRows(node, "SELECT count() FROM ingest_rejects WHERE source = 'jt808'");
  const cameraRows = countsOf(
    await sqlRows(node, 'SELECT kind, count() FROM camera_events GROUP BY kind ORDER BY kind'),
  );
  const [[deviceRows]] = await sqlRows(node, 'SELECT count() FROM device_status');
  // A toll transaction is stored as two sightings, its entry and its exit.
  const cameraAccepted = Object.fromEntries(
    ['anpr', 'gantry', 'toll', 'wim']
      .map((k) => [k, (replay.http[k]?.accepted ?? 0) * (k === 'toll' ? 2 : 1)])
      .filter(([, n]) => n !== 0),
  );
  const flowAccepted = Object.fromEntries(FLOW_KINDS.map((k) => [k, replay.http[k]?.accepted ?? 0]));
  const flowRowCounts = await flowRows(node, flowAccepted);
  const deviceAccepted = replay.http.device_status?.accepted ?? 0;
  const buses = await checkBusTruth((sql) => sqlTable(node, sql), options.dir, manifest, MIRROR_WAIT_MS);
  if (buses !== null)
    options.log(
      `buses: ${buses.position_rows} positions, ${buses.stop_delay_rows} stop delays, ${buses.trips_matching}/${buses.trips_labelled} trips as the truth has them, wall at the last snapshot ${buses.wall_bunched_matching && buses.wall_routes_matching ? 'as the truth' : 'NOT as the truth'}${buses.mismatches.length > 0 ? `\n  ${buses.mismatches.join('\n  ')}` : ''}`,
    );

  let labels = readFileSync(path.join(options.dir, manifest.labels), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Label);
  let alarms = await readAlarms(node);
  if (terminals < manifest.counts.terminals) {
    // Roadside sources cover every vehicle; score only the replayed ones, and devices (they name no vehicle).
    const subjects = await replayedSubjects(options.dir, manifest.wire_shards, terminals);
    const kept = (terminalId: string, plate: string): boolean =>
      (terminalId === '' && plate === '') || subjects.has(terminalId) || subjects.has(plate);
    labels = labels.filter((l) => kept(l.terminal_id, l.plate));
    alarms = alarms.filter((a) => kept(a.terminal_id, a.plate));
  }
  const accuracy = matchAlarms(alarms, labels, options.toleranceMs);
  options.log(`accuracy against ${labels.length} labels:\n${formatAccuracy(accuracy)}`);
  const checks: ReplayLabelsChecks = {
    positions_acknowledged: stats.positionsAcknowledged,
    telemetry_rows: Number(rows),
    telemetry_rows_distinct: Number(distinct),
    telemetry_exactly_once: Number(rows) === stats.positionsAcknowledged && Number(distinct) === Number(rows),
    malformed_sent: stats.malformedSent,
    jt808_rejects: Number(rejects),
    camera_rows: cameraRows,
    camera_accepted: cameraAccepted,
    device_status_rows: Number(deviceRows),
    device_status_accepted: deviceAccepted,
    http_rows_match:
      JSON.stringify(cameraRows) === JSON.stringify(cameraAccepted) &&
      Number(deviceRows) === deviceAccepted &&
      FLOW_KINDS.every((k) => flowRowCounts[k] === flowAccepted[k]),
    flow_rows: flowRowCounts,
    flow_accepted: flowAccepted,
    buses,
    labels: labels.length,
    alarms: alarms.length,
  };
  return {
    replay,
    checks,
    accuracy,
    settle_s: settleS,
    wall_clock_s: Math.round((performance.now() - began) / 100) / 10,
  };
}
