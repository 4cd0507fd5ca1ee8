/**
 * The ClickHouse output formats an analyst's tool may ask for (a `FORMAT` clause, or `default_format` on the
 * ClickHouse-compatible HTTP endpoint), and the content type each is answered with.
 *
 * An allowlist, not a blocklist: formats that read a schema or a template from the server's disk (Protobuf,
 * CapnProto, Template, CustomSeparated with its settings) are left out, as is every input-only format.
 * Aliases are ClickHouse's own (TSV for TabSeparated …); names are case-sensitive, as in ClickHouse.
 */

const TSV = 'text/tab-separated-values; charset=UTF-8';
const CSV = 'text/csv; charset=UTF-8; header=absent';
const CSV_HEADER = 'text/csv; charset=UTF-8; header=present';
const JSON_TYPE = 'application/json; charset=UTF-8';
const NDJSON = 'application/x-ndjson; charset=UTF-8';
const TEXT = 'text/plain; charset=UTF-8';
const BINARY = 'application/octet-stream';

const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['TabSeparated', TSV],
  ['TSV', TSV],
  ['TabSeparatedRaw', TSV],
  ['TSVRaw', TSV],
  ['TabSeparatedWithNames', TSV],
  ['TSVWithNames', TSV],
  ['TabSeparatedWithNamesAndTypes', TSV],
  ['TSVWithNamesAndTypes', TSV],
  ['CSV', CSV],
  ['CSVWithNames', CSV_HEADER],
  ['CSVWithNamesAndTypes', CSV_HEADER],
  ['JSON', JSON_TYPE],
  ['JSONStrings', JSON_TYPE],
  ['JSONCompact', JSON_TYPE],
  ['JSONCompactStrings', JSON_TYPE],
  ['JSONColumns', JSON_TYPE],
  ['JSONColumnsWithMetadata', JSON_TYPE],
  ['JSONObjectEachRow', JSON_TYPE],
  ['JSONEachRow', NDJSON],
  ['JSONStringsEachRow', NDJSON],
  ['JSONCompactEachRow', NDJSON],
  ['JSONCompactEachRowWithNames', NDJSON],
  ['JSONCompactEachRowWithNamesAndTypes', NDJSON],
  ['JSONCompactStringsEachRow', NDJSON],
  ['Pretty', TEXT],
  ['PrettyCompact', TEXT],
  ['PrettyCompactMonoBlock', TEXT],
  ['PrettySpace', TEXT],
  ['PrettyNoEscapes', TEXT],
  ['PrettyCompactNoEscapes', TEXT],
  ['Vertical', TEXT],
  ['Markdown', 'text/markdown; charset=UTF-8'],
  ['Values', TEXT],
  ['XML', 'application/xml; charset=UTF-8'],
  ['Null', TEXT],
  ['RowBinary', BINARY],
  ['RowBinaryWithNames', BINARY],
  ['RowBinaryWithNamesAndTypes', BINARY],
  ['Native', BINARY],
  ['Parquet', BINARY],
  ['Arrow', BINARY],
  ['ArrowStream', BINARY],
  ['ORC', BINARY],
]);

/** ClickHouse's own default for an HTTP request that names no format. */
export const DEFAULT_OUTPUT_FORMAT = 'TabSeparated';

export const OUTPUT_FORMATS: ReadonlySet<string> = new Set(CONTENT_TYPES.keys());

export function isOutputFormat(name: string): boolean {
  return CONTENT_TYPES.has(name);
}

export function contentTypeOf(format: string): string {
  return CONTENT_TYPES.get(format) ?? BINARY;
}
