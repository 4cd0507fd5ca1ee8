/**
 * `vigil start --demo`: the committed generated sample (`fixtures/sample/`) replayed into the node's own
 * gateway over real JT/T 808 connections, and its roadside records (ANPR, weigh-in-motion, gantries, device
 * status, the registry) posted to the node's own HTTP ingestion with source keys the demo issues itself, at
 * real speed, time-shifted so that it starts now, and started again when it ends. The demo therefore shows
 * exactly what the rules are tested against: real Henan geography, labelled violations (camera-based ones
 * too), outages with back-fill and the odd malformed frame.
 */
import path from 'node:path';
import { packagePath, type Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { ROADSIDE_KINDS } from '../../fixtures/generator/index.js';
import { readManifest, replayDirectory, REPLAY_DEFAULTS } from '../commands/replay/replay-engine.js';
import { ReplayStats } from '../commands/replay/replay-stats.js';
import { DemoClock } from './demo-clock.js';
import { DemoFlows } from './demo-flows.js';
import { henanDemo, otherProvinceDemoNote, provinceDemoZones } from './demo-province.js';
import { DemoTaxis } from './demo-taxis.js';
import { provisionDemoSourceKeys } from './demo-source-keys.js';
import { loadDemoZones } from './demo-zones.js';
import { SHOWCASE_ZONES, Showcase } from './showcase.js';

export const SAMPLE_DIR = packagePath('fixtures', 'sample') + path.sep;

export interface DemoOptions {
  host: string;
  port: number;
  /** Replay at most this many of the sample's terminals. */
  vehicles: number;
  /** Data seconds per real second: 1 in a real demo, more to rehearse or test it (`--demo-speed`). */
  speed: number;
  /**
   * Data ms into the sample the first loop starts at, what comes before left out (later loops replay it
   * whole): the sample's first ANPR and weigh-in-motion records are 275 s in.
   */
  startOffsetMs: number;
  dir: string;
  /** The node's HTTP base URL and operational store: roadside records go to `/api/ingest/<kind>`. */
  http?: { url: string; sql: Sql };
}

export const DEMO_DEFAULTS = { vehicles: 300, speed: 1, startOffsetMs: 0, dir: SAMPLE_DIR } as const;

/** Seconds of data the sample in `dir` holds (its last record is due before then). */
export function sampleSeconds(dir: string): number {
  const manifest = readManifest(dir);
  return Math.floor((manifest.end - manifest.start) / 1000);
}

/** Pause between two loops, so a broken gateway is not hammered. */
const LOOP_PAUSE_MS = 1000;

export class SampleDemo {
  private readonly abort = new AbortController();
  private showcase: Showcase | undefined;

  constructor(
    private readonly options: DemoOptions,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    if (!henanDemo()) return this.startOtherProvince();
    const manifest = readManifest(this.options.dir);
    const terminals = Math.min(this.options.vehicles, manifest.counts.terminals);
    const clock = new DemoClock(this.options.speed);
    const http = this.options.http
      ? {
          url: this.options.http.url,
          keys: await provisionDemoSourceKeys(this.options.http.sql, this.logger),
          batchRecords: REPLAY_DEFAULTS.batchRecords,
          // Of the sample's HTTP records only the roadside ones: the demo makes its own tolls, counts, rail flows,
          // ships, buses and taxis (demo-flows.ts, demo-taxis.ts), which a presenter sees from the first minute.
          kinds: ROADSIDE_KINDS,
        }
      : undefined;
    this.logger.info('demo replaying the generated sample', {
      dir: this.options.dir,
      terminals,
      hours: manifest.hours,
      seed: manifest.seed,
      start_offset_ms: this.options.startOffsetMs,
      // Demo second 0 of the showcase's schedule and the speed of the demo's clock.
      clock_start_ms: clock.startMs,
      speed: clock.speed,
      http_sources: http !== undefined,
    });
    if (http && this.options.http) {
      // Before any traffic: the sample's geofence cases and the showcase's need the zones in the configuration.
      await loadDemoZones(manifest.zones, this.options.http, this.logger, SHOWCASE_ZONES);
      const showcase = (this.showcase = new Showcase(
        clock,
        { host: this.options.host, port: this.options.port },
        { url: http.url, keys: http.keys },
        this.logger,
      ));
      if (!this.abort.signal.aborted)
        showcase.start().catch((error: unknown) => this.logger.error('demo showcase failed', { error: String(error) }));
      new DemoFlows(clock, { url: http.url, keys: http.keys }, this.logger)
        .run(this.abort.signal)
        .catch((error: unknown) => this.logger.error('demo flows failed', { error: String(error) }));
      new DemoTaxis(clock, { url: http.url, keys: http.keys }, this.logger)
        .run(this.abort.signal)
        .catch((error: unknown) => this.logger.error('demo taxis failed', { error: String(error) }));
    }
    for (let loop = 0; !this.abort.signal.aborted; loop++) {
      const stats = await replayDirectory(
        {
          dir: this.options.dir,
          host: this.options.host,
          port: this.options.port,
          speed: this.options.speed,
          terminalsMax: terminals,
          concurrency: terminals,
          windowFrames: REPLAY_DEFAULTS.windowFrames,
          ackTimeoutMs: REPLAY_DEFAULTS.ackTimeoutMs,
          retransmitsMax: REPLAY_DEFAULTS.retransmitsMax,
          shiftToNow: true,
          startOffsetMs: loop === 0 ? this.options.startOffsetMs : 0,
          http,
          loop,
          signal: this.abort.signal,
        },
        new ReplayStats(),
      );
      this.logger.info('demo loop finished', {
        loop,
        acknowledged: stats.acknowledged,
        retransmitted: stats.retransmitted,
        failed_terminals: stats.terminalsFailed,
        failures: stats.failures.slice(0, 3),
        http: Object.fromEntries(stats.http),
      });
      if (!this.abort.signal.aborted) await new Promise((resolve) => setTimeout(resolve, LOOP_PAUSE_MS));
    }
  }

  /** A province by configuration: its zones only; the traffic is the speeding vehicles' (demo-province.ts). */
  private async startOtherProvince(): Promise<void> {
    this.logger.info(otherProvinceDemoNote());
    if (this.options.http) await loadDemoZones(provinceDemoZones(), this.options.http, this.logger);
  }

  stop(): void {
    this.abort.abort();
    this.showcase?.stop();
  }
}
