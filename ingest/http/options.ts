/** Bounds of the HTTP ingestion path, each a named limit (see docs/sources/README.md). */
export interface HttpIngestOptions {
  /** Largest request body accepted, in bytes; larger bodies get 413 before they are parsed. */
  bodyBytesMax: number;
  /** Records in one request at most; more get 413 `too_many_records`. */
  recordsPerRequestMax: number;
  /**
   * Rows of one GTFS static feed (routes, stops and trips together) at most: a timetable is posted whole and
   * seldom, and a city's trips alone can number tens of thousands. The feed is counted as one record against the
   * key's rate.
   */
  gtfsStaticRecordsMax: number;
  /**
   * Entities of one GTFS-Realtime feed at most: a feed is a snapshot of a whole fleet (Zhengzhou runs some 6,000
   * buses), not a batch a sender can split. Against the key's rate it counts as its entities, but never more than
   * `burstRecordsPerKey`, so a large city's feed is never refused for good.
   */
  gtfsRtEntitiesMax: number;
  /** Sustained records per second one key may send (token bucket refill rate). */
  recordsPerSecondPerKey: number;
  /** Records one key may send in a burst (token bucket size); at least `recordsPerRequestMax`. */
  burstRecordsPerKey: number;
  /** Event ids remembered per node so a retried batch is answered without reaching the log again. */
  recentIdsMax: number;
  /** An event time further than this in the future is refused (`time_in_future`). */
  futureSkewMsMax: number;
}

export const HTTP_INGEST_DEFAULTS: HttpIngestOptions = {
  bodyBytesMax: 8 * 1024 * 1024,
  recordsPerRequestMax: 5_000,
  gtfsStaticRecordsMax: 200_000,
  gtfsRtEntitiesMax: 20_000,
  recordsPerSecondPerKey: 5_000,
  burstRecordsPerKey: 20_000,
  recentIdsMax: 200_000,
  futureSkewMsMax: 10 * 60_000,
};

/** Fails on a bound that cannot work, naming the option, its value and the bound. */
export function checkHttpIngestOptions(options: HttpIngestOptions): void {
  for (const [name, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`http ingest option ${name} value ${value} is less than min allowed 1`);
  }
  if (options.burstRecordsPerKey < options.recordsPerRequestMax) {
    throw new Error(
      `http ingest option burstRecordsPerKey value ${options.burstRecordsPerKey} is less than min allowed ${options.recordsPerRequestMax} (recordsPerRequestMax)`,
    );
  }
}
