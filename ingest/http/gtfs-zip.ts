/**
 * A GTFS static feed as body items: the zip an operator publishes (`application/zip`), of which Vigil reads
 * routes.txt, stops.txt and trips.txt (CSV files, RFC 4180, first row the field names). Each row becomes one record
 * with its file's `type` (route, stop, trip) and the line it came from, so a bad row is refused alone; the other
 * files of the feed (calendar, stop_times, shapes, ...) are not read. Each file's declared uncompressed size is
 * bounded before it is inflated, so a small zip cannot unpack into gigabytes.
 */
import { strFromU8, unzipSync } from 'fflate';
import { BodyError, type BodyItem } from './body-items.js';
import { parseCsv } from './parse-csv.js';

const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed'];

export function isZip(contentType: string | undefined): boolean {
  return ZIP_TYPES.includes((contentType ?? '').split(';')[0].trim().toLowerCase());
}

/** The GTFS files read, and the `type` their rows get. */
export const GTFS_FILES = { 'routes.txt': 'route', 'stops.txt': 'stop', 'trips.txt': 'trip' } as const;

/** One file read uncompressed at most: a large city's trips.txt is some tens of MB. */
export const GTFS_FILE_BYTES_MAX = 64 * 1024 * 1024;

export function gtfsZipItems(bytes: Uint8Array, itemsMax: number): BodyItem[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (!(baseName(file.name) in GTFS_FILES)) return false;
        if (file.originalSize > GTFS_FILE_BYTES_MAX)
          throw new BodyError(
            'file_too_large',
            `${file.name} unpacks to ${file.originalSize} bytes, more than ${GTFS_FILE_BYTES_MAX}`,
          );
        return true;
      },
    });
  } catch (error) {
    if (error instanceof BodyError) throw error;
    throw new BodyError('bad_zip', `the body is not a readable zip: ${(error as Error).message}`);
  }
  const names = Object.keys(files);
  if (names.length === 0)
    throw new BodyError('missing_gtfs_files', `the zip holds none of ${Object.keys(GTFS_FILES).join(', ')}`);
  const items: BodyItem[] = [];
  // A fixed order (routes, stops, trips), whatever the zip's, so indexes in the answer are stable.
  for (const [file, type] of Object.entries(GTFS_FILES)) {
    const name = names.find((n) => baseName(n) === file);
    if (name === undefined) continue;
    let rows: BodyItem[];
    try {
      rows = parseCsv(strFromU8(files[name]), itemsMax - items.length);
    } catch (error) {
      if (error instanceof BodyError && error.reason === 'too_many_records')
        throw new BodyError('too_many_records', `the feed's routes, stops and trips exceed ${itemsMax} rows`);
      throw error;
    }
    for (const row of rows) {
      const where = `${file} line ${row.line ?? '?'}`;
      items.push(
        row.ok
          ? { ok: true, value: { ...(row.value as object), type }, raw: `${where}: ${row.raw}`, line: row.line }
          : { ...row, raw: `${where}: ${row.raw}` },
      );
    }
  }
  return items;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
