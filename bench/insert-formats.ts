/**
 * The cost of one sink insert by payload format, without the log or any producer: the same telemetry rows
 * encoded as JSONEachRow (`JSON.stringify` per row, the sinks' format before TabSeparated) and as TabSeparated
 * (`schema/tsv-rows.ts`), each inserted through chDB's raw insert with a deduplication token, as the embedded
 * writer does. Formats alternate within each round so that the machine's load falls on both alike. Reports the
 * process CPU per row (all threads, chDB's included, and making the row objects, alike for both) and the part
 * of it spent encoding on the main thread.
 *
 * Run: npx tsx bench/insert-formats.ts [--rows 2500,8000,20000] [--rounds 3] [--rows-per-round 200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createChdbConnection } from 'chdb/connection';
import { TELEMETRY, TSV_INSERT_SETTINGS, tsvEncoderFor, type TelemetryRow } from '../schema/index.js';
import { openAnalytics } from '../store/index.js';

const args = process.argv.slice(2);
function flag(name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? String(args[at + 1]) : fallback;
}
const BATCH_SIZES = flag('rows', '2500,8000,20000').split(',').map(Number);
const ROUNDS = Number(flag('rounds', '3'));
const ROWS_PER_ROUND = Number(flag('rows-per-round', '200000'));

let seq = 0;
function fix(): TelemetryRow {
  seq++;
  return {
    terminal_id: String(13_000_000_000 + (seq % 2_000)),
    plate: '',
    ts: Date.UTC(2026, 0, 1) + seq * 1000,
    received_at: Date.now(),
    lat: 34 + (seq % 1000) * 1e-4,
    lon: 113.5,
    altitude_m: 100,
    speed_kmh: 60.1,
    direction_deg: 90,
    alarm_bits: 0,
    status_bits: 3,
    source: 'jt808',
    backfill: 0,
    extras: '{"mileage_km":1520.4}',
    org_code: '410102',
  };
}

type Format = 'JSONEachRow' | 'TabSeparated';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-formats-'));
  // Creates the tables; the inserts go through a session of their own, as the embedded writer's do.
  const analytics = await openAnalytics({ kind: 'embedded', dataDir });
  const session = createChdbConnection({ path: path.join(dataDir, 'clickhouse') });
  const encoder = tsvEncoderFor(TELEMETRY);
  let token = 0;
  console.log(
    `node ${process.version}, telemetry rows, ${ROWS_PER_ROUND.toLocaleString('en-US')} rows per format per round, ${ROUNDS} rounds`,
  );
  try {
    for (const rows of BATCH_SIZES) {
      const inserts = Math.max(5, Math.round(ROWS_PER_ROUND / rows));
      for (let round = 0; round < ROUNDS; round++) {
        for (const format of ['JSONEachRow', 'TabSeparated'] as Format[]) {
          let encodeMicros = 0;
          const cpuBefore = process.cpuUsage();
          const started = performance.now();
          for (let i = 0; i < inserts; i++) {
            const records = Array.from({ length: rows }, fix);
            const encodeBefore = process.cpuUsage();
            const body =
              format === 'JSONEachRow'
                ? Buffer.from(records.map((r) => JSON.stringify(r)).join('\n'))
                : encoder.encodeRows(records);
            const encoded = process.cpuUsage(encodeBefore);
            encodeMicros += encoded.user + encoded.system;
            const settings = {
              insert_deduplication_token: `bench-${token++}`,
              insert_deduplicate: 1,
              ...(format === 'TabSeparated' ? TSV_INSERT_SETTINGS : {}),
            };
            await session.chdb.rawInsert({
              table: TELEMETRY.name,
              values: body,
              format,
              ...(format === 'TabSeparated' ? { columns: encoder.columns } : {}),
              settings,
            });
          }
          const cpu = process.cpuUsage(cpuBefore);
          const total = inserts * rows;
          console.log(
            `${String(rows).padStart(6)} rows/insert, round ${round + 1}, ${format.padEnd(12)}: ${((cpu.user + cpu.system) / total).toFixed(2)} µs CPU per row ` +
              `(encoding ${(encodeMicros / total).toFixed(2)}), ${((performance.now() - started) / inserts).toFixed(1)} ms per insert`,
          );
        }
      }
    }
  } finally {
    await session.close();
    await analytics.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
