/**
 * Rule accuracy against the traffic generator's ground truth: precision and recall per rule.
 *
 *   npx tsx bench/rules-accuracy.ts [--dir fixtures/sample] [--tolerance-s 300]
 *
 * Every wire frame (0x0200, 0x0704 items; 0x0704 type 1 is back-fill) and every HTTP record (anpr, wim, gantry,
 * device_status) of a generated directory is fed to the engine in send-time / received-time order with the
 * default rule configuration plus the directory's restricted zones (circles). Alarm episodes (latest version
 * per alarm_id) are matched to `labels.ndjson`: a label is recalled when an alarm of the same rule and vehicle
 * (terminal id or plate; device id for device_offline) overlaps [start - tolerance, end + tolerance]; an alarm
 * is precise when it matches some label.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlarmRow, CameraEvent, DeviceStatus, TelemetryRow, VehicleRecord } from '../schema/index.js';
import { ALL_RULES, RuleEngine, circleOutline, compileRulesConfig, defaultRulesConfig, replayEvents } from '../stream/index.js';
import type { EngineEvent } from '../stream/index.js';
import { decodeMessage, parseFrame } from '../ingest/index.js';
import { telemetryFromLocation } from '../ingest/jt808/gateway/normalize.js';
import { readTerminalBlocks } from '../fixtures/generator/output.js';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
}

const DIR = flag('dir', 'fixtures/sample');
const TOLERANCE_MS = Number(flag('tolerance-s', '300')) * 1000;
const EXAMPLES_MAX = 4;

interface Label { rule: string; terminal_id: string; plate: string; device_id: string; start: number; end: number; detail: unknown }
interface Zone { zone_id: string; name: string; lon: number; lat: number; radius_m: number }
interface Manifest { wire_shards: string[]; http: Record<string, string[]>; registry: string; labels: string; zones?: Zone[]; end: number }

function ndjson<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;

const byTerminal = new Map<string, VehicleRecord>();
const byPlate = new Map<string, VehicleRecord>();
for (const r of ndjson<VehicleRecord & { type?: string }>(join(DIR, manifest.registry))) {
  if (r.type !== undefined && r.type !== 'vehicle') continue;
  byTerminal.set(r.terminal_id, r);
  byPlate.set(r.plate, r);
}

const events: EngineEvent[] = [];
let decodeFailures = 0;
for (const shard of manifest.wire_shards) {
  for await (const block of readTerminalBlocks(join(DIR, shard))) {
    for (const f of block.frames) {
      const frame = parseFrame(Buffer.from(f.bytes));
      if (!frame.ok) { decodeFailures++; continue; }
      const message = decodeMessage(frame.value);
      if (!message.ok) { decodeFailures++; continue; }
      const m = message.value;
      const phone = frame.value.header.phone;
      let rows: TelemetryRow[] = [];
      if (m.msgId === 0x0200) rows = [telemetryFromLocation(phone, block.identity.plate, m.body, f.sendMs, false)];
      else if (m.msgId === 0x0704) rows = m.body.items.map((item) => telemetryFromLocation(phone, block.identity.plate, item, f.sendMs, m.body.type === 1));
      for (const row of rows) events.push({ topic: 'telemetry', partition: 0, at: f.sendMs, value: row });
    }
  }
}
for (const [kind, files] of Object.entries(manifest.http)) {
  for (const file of files) {
    if (kind === 'device_status') for (const s of ndjson<DeviceStatus>(join(DIR, file))) events.push({ topic: 'devices', at: s.received_at, value: s });
    else for (const c of ndjson<CameraEvent>(join(DIR, file))) events.push({ topic: 'camera', at: c.received_at, value: c });
  }
}
events.sort((a, b) => (a.at ?? a.value.ts) - (b.at ?? b.value.ts));

const config = defaultRulesConfig(ALL_RULES);
for (const z of manifest.zones ?? []) config.zones.push({ id: z.zone_id, name: z.name, kind: 'restricted', polygon: circleOutline(z.lon, z.lat, z.radius_m) });
let now = events.length ? (events[0].at ?? events[0].value.ts) : 0;
const engine = new RuleEngine(ALL_RULES, compileRulesConfig(config, 1, ALL_RULES), {
  registry: { byTerminal: (t) => byTerminal.get(t), byPlate: (p) => byPlate.get(p) },
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

const latest = new Map<string, AlarmRow>();
for (const a of versions) {
  const prev = latest.get(a.alarm_id);
  if (!prev || a.version >= prev.version) latest.set(a.alarm_id, a);
}
const alarms = [...latest.values()];
const labels = ndjson<Label>(join(DIR, manifest.labels));

function alarmKeys(a: AlarmRow): string[] {
  const keys = [a.terminal_id, a.plate];
  try {
    const d = JSON.parse(a.details || '{}') as { device_id?: unknown };
    if (typeof d.device_id === 'string') keys.push(d.device_id);
  } catch { /* details that are not JSON carry no device id */ }
  return keys.filter((k) => k !== '');
}
function labelKeys(l: Label): string[] {
  return (l.rule === 'device_offline' ? [l.device_id] : [l.terminal_id, l.plate]).filter((k) => k !== '');
}
function overlaps(a: AlarmRow, l: Label): boolean {
  const aEnd = a.ended_at ?? Number.POSITIVE_INFINITY;
  return a.started_at <= l.end + TOLERANCE_MS && aEnd >= l.start - TOLERANCE_MS;
}
const alarmsByRuleKey = new Map<string, AlarmRow[]>();
for (const a of alarms) for (const k of alarmKeys(a)) {
  const key = `${a.rule}|${k}`;
  const list = alarmsByRuleKey.get(key) ?? [];
  list.push(a);
  alarmsByRuleKey.set(key, list);
}

const preciseIds = new Set<string>();
const missed: Label[] = [];
const recalled = new Map<string, number>();
for (const l of labels) {
  let hit = false;
  for (const k of labelKeys(l)) for (const a of alarmsByRuleKey.get(`${l.rule}|${k}`) ?? []) {
    if (overlaps(a, l)) { hit = true; preciseIds.add(a.alarm_id); }
  }
  if (hit) recalled.set(l.rule, (recalled.get(l.rule) ?? 0) + 1);
  else missed.push(l);
}

const rules = [...new Set([...labels.map((l) => l.rule), ...alarms.map((a) => a.rule)])].sort();
const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
console.log(`dir ${DIR}: ${events.length} events (${decodeFailures} frames not decoded), ${versions.length} alarm versions, ${alarms.length} episodes, ${labels.length} labels, tolerance ${TOLERANCE_MS / 1000} s, replay ${Math.round(elapsedMs)} ms`);
console.log(`${'rule'.padEnd(16)} ${'labels'.padStart(7)} ${'alarms'.padStart(7)} ${'TP lab'.padStart(7)} ${'TP alm'.padStart(7)} ${'precision'.padStart(9)} ${'recall'.padStart(7)}`);
let tl = 0, ta = 0, trl = 0, tpa = 0;
const weak: string[] = [];
for (const rule of rules) {
  const nl = labels.filter((l) => l.rule === rule).length;
  const ruleAlarms = alarms.filter((a) => a.rule === rule);
  const na = ruleAlarms.length;
  const rl = recalled.get(rule) ?? 0;
  const pa = ruleAlarms.filter((a) => preciseIds.has(a.alarm_id)).length;
  tl += nl; ta += na; trl += rl; tpa += pa;
  console.log(`${rule.padEnd(16)} ${String(nl).padStart(7)} ${String(na).padStart(7)} ${String(rl).padStart(7)} ${String(pa).padStart(7)} ${pct(pa, na).padStart(9)} ${pct(rl, nl).padStart(7)}`);
  if ((na > 0 && pa / na < 0.99) || (nl > 0 && rl / nl < 0.99)) weak.push(rule);
}
console.log(`${'TOTAL'.padEnd(16)} ${String(tl).padStart(7)} ${String(ta).padStart(7)} ${String(trl).padStart(7)} ${String(tpa).padStart(7)} ${pct(tpa, ta).padStart(9)} ${pct(trl, tl).padStart(7)}`);
const keyless = alarms.filter((a) => alarmKeys(a).length === 0);
if (keyless.length) {
  // Diagnostic only (not counted): would these match a missed label of their rule if the identity were there?
  const byTime = keyless.filter((a) => missed.some((l) => l.rule === a.rule && Math.abs(l.start - a.started_at) <= TOLERANCE_MS)).length;
  console.log(`${keyless.length} alarms name no vehicle or device (${[...new Set(keyless.map((a) => a.rule))].join(', ')}): they cannot match a label; ${byTime} of them start within the tolerance of a missed label of their rule`);
}
const falseKinds = new Map<string, number>();
for (const a of alarms) if (!preciseIds.has(a.alarm_id)) {
  const kind = `${a.rule}:${Object.keys(JSON.parse(a.details || '{}') as object).slice(0, 3).join('+')}`;
  falseKinds.set(kind, (falseKinds.get(kind) ?? 0) + 1);
}
console.log(`false alarms by rule and evidence shape: ${JSON.stringify(Object.fromEntries(falseKinds))}`);
console.log('(TP lab: labels recalled; TP alm: alarms matching a label; precision = TP alm / alarms, recall = TP lab / labels)');

const iso = (ms: number | null) => (ms === null ? 'open' : new Date(ms).toISOString().slice(11, 19));
for (const rule of weak) {
  console.log(`\n== ${rule}`);
  for (const l of missed.filter((m) => m.rule === rule).slice(0, EXAMPLES_MAX)) {
    const k = labelKeys(l);
    const sameVehicle = k.flatMap((key) => alarms.filter((a) => alarmKeys(a).includes(key))).map((a) => `${a.rule}@${iso(a.started_at)}-${iso(a.ended_at)}`);
    console.log(`  miss  ${k.join('/')} ${iso(l.start)}-${iso(l.end)} ${JSON.stringify(l.detail)}; this vehicle's alarms: ${[...new Set(sameVehicle)].slice(0, 6).join(', ') || 'none'}`);
  }
  for (const a of alarms.filter((x) => x.rule === rule && !preciseIds.has(x.alarm_id)).slice(0, EXAMPLES_MAX)) {
    const k = alarmKeys(a);
    const near = labels.filter((l) => labelKeys(l).some((key) => k.includes(key))).map((l) => `${l.rule}@${iso(l.start)}-${iso(l.end)}`);
    console.log(`  false ${k.join('/')} ${iso(a.started_at)}-${iso(a.ended_at)} ${a.details.slice(0, 300)}; this vehicle's labels: ${near.slice(0, 6).join(', ') || 'none'}`);
  }
}
