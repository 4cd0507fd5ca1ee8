/** The few HTTP reads the wall makes, always with the kiosk token as a bearer token. */
import type { FeatureCollection, Geometry } from 'geojson';

export type DivisionLevel = 'province' | 'city' | 'county';

export interface DivisionProperties {
  code: string;
  name: string;
  level: DivisionLevel;
  parent: string | null;
  /** A city's plate prefix (e.g. 豫A), as the node serves it. */
  plate_prefix?: string;
}

export type ProvinceGeo = FeatureCollection<Geometry, DivisionProperties>;

export const PROVINCE_GEO_PATH = '/api/geo/province';

export type FetchOutcome<T> = { kind: 'ok'; body: T } | { kind: 'unauthorized' } | { kind: 'failed'; detail: string };

export async function fetchJsonWithToken<T>(
  path: string,
  token: string,
  signal: AbortSignal,
): Promise<FetchOutcome<T>> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal });
  } catch (error) {
    return { kind: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
  // 403 is treated like 401: for an unattended wall both mean "this token will not work", and both need a person.
  if (response.status === 401 || response.status === 403) return { kind: 'unauthorized' };
  if (!response.ok) return { kind: 'failed', detail: `HTTP ${response.status}` };
  try {
    return { kind: 'ok', body: (await response.json()) as T };
  } catch (error) {
    return { kind: 'failed', detail: `bad JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** True when the body looks like the divisions FeatureCollection; anything else is retried, never rendered. */
export function isProvinceGeo(body: unknown): body is ProvinceGeo {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as { type?: unknown; features?: unknown };
  return candidate.type === 'FeatureCollection' && Array.isArray(candidate.features);
}
