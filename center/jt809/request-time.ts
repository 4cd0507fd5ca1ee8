/**
 * Times the duty console or an API caller names in a JT/T 809 request (a supervision's `warn_time`, its `deadline`),
 * read by the ingestion's rule for time text from Chinese systems: ISO-8601 without an offset is China time (UTC+8),
 * whatever zone the server runs in; an explicit `Z` or offset is taken as given. A number is epoch ms.
 */
import { timeTextMs } from '../../ingest/index.js';
import { HttpError } from '../http/router.js';

export function requestTimeMs(value: unknown, field: string, error: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  try {
    const ms = timeTextMs(String(value).trim(), field);
    if (Number.isFinite(ms)) return ms;
  } catch {
    // Falls through to the request's own error: the caller names what it expected.
  }
  throw new HttpError(
    400,
    error,
    `${field} ${JSON.stringify(value)} is not an ISO 8601 time (China time when it has no offset) or epoch ms`,
  );
}
