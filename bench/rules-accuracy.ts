/**
 * Rule accuracy against the traffic generator's ground truth: precision and recall per rule.
 *
 *   npx tsx bench/rules-accuracy.ts [--dir fixtures/sample] [--tolerance-s 300]
 *   npx tsx bench/rules-accuracy.ts --vehicles 10000 --hours 24 [--seed 20261128] [--workers 2] [--group 100]
 *
 * With `--dir`, every wire frame (0x0200, 0x0704 items; 0x0704 type 1 is back-fill) and every HTTP record
 * (anpr, wim, gantry, device_status) of a generated directory is decoded and fed to one engine in send-time /
 * received-time order, with the default rule configuration plus the directory's zones (restricted circles, and the routes, no-parking
 * spots and areas of the zone-based rules).
 * With `--vehicles`, the traffic is generated in memory instead and evaluated in vehicle groups on worker
 * threads (`bench/accuracy/`, what `tests/rules-accuracy-scale.test.ts` asserts). Either way alarm episodes
 * (latest version per alarm id) are scored against the labels by `matchAlarms` (docs/rules.md, "Accuracy
 * against generated labels").
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { CameraEvent, DeviceStatus, TelemetryRow, VehicleRecord } from '../schema/index.js';
import {
  ALL_RULES,
  RuleEngine,
  circleOutline,
  compileRulesConfig,
  defaultRulesConfig,
  replayEvents,
} from '../stream/index.js';
import type { EngineEvent } from '../stream/index.js';
import { decodeMessage, parseFrame } from '../ingest/index.js';
import { telemetryFromLocation } from '../ingest/jt808/gateway/normalize.js';
import {
  FLOW_KINDS,
  alarmKeys,
  formatAccuracy,
  labelKeys,
  latestVersions,
  matchAlarms,
  readTerminalBlocks,
  type FlowKind,
  type FlowRecord,
  type GeneratedRuleZone,
  type Label,
  type ScoredAlarm,
} from '../fixtures/generator/index.js';
import { runAccuracyAtScale } from './accuracy/scale-run.js';
import { flowEngineEvents, permitKey, type PermitBook } from './accuracy/flow-events.js';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const TOLERANCE_MS = Number(flag('tolerance-s', '300')) * 1000;
const EXAMPLES_MAX = 4;

interface Zone {
  zone_id: string;
  name: string;
  lon: number;
  lat: number;
  radius_m: number;
}
interface Manifest {
  wire_shards: string[];
  http: Record<string, string[]>;
  registry: string;
  labels: string;
  zones?: Zone[];
  rule_zones?: GeneratedRuleZone[];
  end: number;
}

function ndjson<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

async function fromDirectory(dir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const byTerminal = new Map<string, VehicleRecord>();
  const byPlate = new Map<string, VehicleRecord>();
  for (const r of ndjson<VehicleRecord & { type?: string }>(join(dir, manifest.registry))) {
    if (r.type !== undefined && r.type !== 'vehicle') continue;
    byTerminal.set(r.terminal_id, r);
    byPlate.set(r.plate, r);
  }
  const events: EngineEvent[] = [];
  let decodeFailures = 0;
  for (const shard of manifest.wire_shards) {
    for await (const block of readTerminalBlocks(join(dir, shard))) {
      for (const f of block.frames) {
        const frame = parseFrame(Buffer.from(f.bytes));
        if (!frame.ok) {
          decodeFailures++;
          continue;
        }
        const message = decodeMessage(frame.value);
        if (!message.ok) {
          decodeFailures++;
          continue;
        }
        const m = message.value;
        const phone = frame.value.header.phone;
        let rows: TelemetryRow[] = [];
        if (m.msgId === 0x0200) rows = [telemetryFromLocation(phone, block.identity.plate, m.body, f.sendMs, false)];
        else if (m.msgId === 0x0704)
          rows = m.body.items.map((item) =>
            telemetryFromLocation(phone, block.identity.plate, item, f.sendMs, m.body.type === 1),
          );
        for (const row of rows) events.push({ topic: 'telemetry', partition: 0, at: f.sendMs, value: row });
      }
    }
  }
  const permits: PermitBook = new Map();
  for (const [kind, files] of Object.entries(manifest.http)) {
    for (const file of files) {
      if ((FLOW_KINDS as readonly string[]).includes(kind))
        for (const r of ndjson<FlowRecord>(join(dir, file)))
          events.push(...flowEngineEvents(kind as FlowKind, r, permits));
      else if (kind === 'device_status')
        for (const s of ndjson<DeviceStatus>(join(dir, file)))
          events.push({ topic: 'devices', at: s.received_at, value: s });
      else
        for (const c of ndjson<CameraEvent>(join(dir, file)))
          events.push({ topic: 'camera', at: c.received_at, value: c });
    }
  }
  events.sort((a, b) => (a.at ?? a.value.ts) - (b.at ?? b.value.ts));

  const config = defaultRulesConfig(ALL_RULES);
  for (const z of manifest.zones ?? [])
    config.zones.push({
      id: z.zone_id,
      name: z.name,
      kind: 'restricted',
      polygon: circleOutline(z.lon, z.lat, z.radius_m),
    });
  for (const z of manifest.rule_zones ?? []) config.zones.push(structuredClone(z));
  let now = events.length ? (events[0].at ?? events[0].value.ts) : 0;
  const engine = new RuleEngine(ALL_RULES, compileRulesConfig(config, 1, ALL_RULES), {
    registry: {
      byTerminal: (t) => byTerminal.get(t),
      byPlate: (p) => byPlate.get(p),
      taxiPermit: (type, subject) => permits.get(permitKey(type, subject)),
    },
    now: () => now,
  });
  const tracked = (function* () {
    for (const e of events) {
      now = Math.max(now, e.at ?? e.value.ts);
      yield e;
    }
  })();
  const started = performance.now();
  const versions = replayEvents(engine, tracked, { tickMs: 1_000, untilMs: manifest.end });
  const elapsedMs = performance.now() - started;
  const alarms = latestVersions(versions);
  const labels = ndjson<Label>(join(dir, manifest.labels));
  report(
    `dir ${dir}: ${events.length} events (${decodeFailures} frames not decoded), ${versions.length} alarm versions, ${alarms.length} episodes, ${labels.length} labels, tolerance ${TOLERANCE_MS / 1000} s, replay ${Math.round(elapsedMs)} ms`,
    alarms,
    labels,
  );
}

async function inMemory(): Promise<void> {
  const vehicles = Number(flag('vehicles', '10000'));
  const hours = Number(flag('hours', '24'));
  const seed = Number(flag('seed', '20261128'));
  const workers = Number(flag('workers', String(Math.min(2, availableParallelism()))));
  const startMs = Date.parse(flag('start', '2026-11-02T03:00:00+08:00'));
  let lastPrint = 0;
  const run = await runAccuracyAtScale({
    vehicles,
    hours,
    seed,
    startMs,
    workers,
    groupVehicles: Number(flag('group', '100')),
    toleranceMs: TOLERANCE_MS,
    onProgress: (done, total) => {
      if (performance.now() - lastPrint < 1000 && done < total) return;
      lastPrint = performance.now();
      process.stderr.write(`\r${done}/${total} vehicles   `);
    },
  });
  process.stderr.write('\n');
  const rss = process.resourceUsage().maxRSS / 1024;
  report(
    `in memory: seed ${seed}, ${vehicles} vehicles × ${hours} h, ${workers} workers: ${run.positions} positions, ${run.cameraEvents} roadside records, ${run.deviceStatuses} device statuses, ${run.alarms.length} episodes, ${run.labels.length} labels, tolerance ${TOLERANCE_MS / 1000} s, ${(run.elapsedMs / 1000).toFixed(1)} s, peak RSS of the process ${rss.toFixed(0)} MB`,
    run.alarms,
    run.labels,
  );
}

/** Prints the table and, for rules under 99 %, examples of misses and unmatched alarms. */
function report(title: string, alarms: ScoredAlarm[], labels: Label[]): void {
  const result = matchAlarms(alarms, labels, TOLERANCE_MS);
  console.log(title);
  console.log(formatAccuracy(result));
  if (result.keyless.length) {
    // Diagnostic only (not counted): would these match a missed label of their rule if the identity were there?
    const byTime = result.keyless.filter((a) =>
      result.missed.some((l) => l.rule === a.rule && Math.abs(l.start - a.started_at) <= TOLERANCE_MS),
    ).length;
    console.log(
      `${result.keyless.length} alarms name no vehicle or device (${[...new Set(result.keyless.map((a) => a.rule))].join(', ')}): they cannot match a label; ${byTime} of them start within the tolerance of a missed label of their rule`,
    );
  }
  const falseKinds = new Map<string, number>();
  for (const a of result.falseAlarms) {
    const kind = `${a.rule}:${Object.keys(JSON.parse(a.details || '{}') as object)
      .slice(0, 3)
      .join('+')}`;
    falseKinds.set(kind, (falseKinds.get(kind) ?? 0) + 1);
  }
  console.log(`false alarms by rule and evidence shape: ${JSON.stringify(Object.fromEntries(falseKinds))}`);
  console.log(
    '(TP lab: labels recalled; TP alm: alarms matching a label; precision = TP alm / alarms, recall = TP lab / labels)',
  );

  const falseIds = new Set(result.falseAlarms.map((a) => a.alarm_id));
  const iso = (ms: number | null) => (ms === null ? 'open' : new Date(ms).toISOString().slice(11, 19));
  const weak = result.rules
    .filter((r) => (r.precision !== null && r.precision < 0.99) || (r.recall !== null && r.recall < 0.99))
    .map((r) => r.rule);
  for (const rule of weak) {
    console.log(`\n== ${rule}`);
    for (const l of result.missed.filter((m) => m.rule === rule).slice(0, EXAMPLES_MAX)) {
      const k = labelKeys(l);
      const sameVehicle = k
        .flatMap((key) => alarms.filter((a) => alarmKeys(a).includes(key)))
        .map((a) => `${a.rule}@${iso(a.started_at)}-${iso(a.ended_at)}`);
      console.log(
        `  miss  ${k.join('/')} ${iso(l.start)}-${iso(l.end)} ${JSON.stringify(l.detail)}; this vehicle's alarms: ${[...new Set(sameVehicle)].slice(0, 6).join(', ') || 'none'}`,
      );
    }
    for (const a of alarms.filter((x) => x.rule === rule && falseIds.has(x.alarm_id)).slice(0, EXAMPLES_MAX)) {
      const k = alarmKeys(a);
      const near = labels
        .filter((l) => labelKeys(l).some((key) => k.includes(key)))
        .map((l) => `${l.rule}@${iso(l.start)}-${iso(l.end)}`);
      console.log(
        `  false ${k.join('/')} ${iso(a.started_at)}-${iso(a.ended_at)} ${a.details.slice(0, 300)}; this vehicle's labels: ${near.slice(0, 6).join(', ') || 'none'}`,
      );
    }
  }
}

if (process.argv.includes('--vehicles')) await inMemory();
else await fromDirectory(flag('dir', 'fixtures/sample'));
