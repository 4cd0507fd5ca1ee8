/**
 * What Vigil keeps of an OpenStreetMap road: its `highway` value, the type the speed rules reason with and its
 * posted limit. The four types are the ones the regulation's limits differ by: 高速公路 (expressway), 国道
 * (national), 省道 and lower public highways (provincial: 省道、县道、乡道, the `S`, `X`, `Y` refs) and urban
 * streets (everything else a vehicle drives on: arterials without a highway ref, residential and service
 * roads). Chinese OSM data names the highway network in `ref` (`G4` expressway, `G107` national road, `S312`
 * provincial road), so the type is read from `highway` first (motorway is an expressway whatever its ref) and
 * from `ref` next.
 */

export const ROAD_TYPES = ['expressway', 'national', 'provincial', 'urban'] as const;
export type RoadType = (typeof ROAD_TYPES)[number];

/**
 * `highway` values kept, in the order of their code in the index file. Footways, paths, tracks, steps, roads
 * under construction or only proposed carry no supervised vehicle and are left out.
 */
export const KEPT_HIGHWAYS = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
] as const;
export type KeptHighway = (typeof KEPT_HIGHWAYS)[number];

const KEPT = new Set<string>(KEPT_HIGHWAYS);

export function isKeptHighway(highway: string | undefined): highway is KeptHighway {
  return highway !== undefined && KEPT.has(highway);
}

/** The road type of a kept way from its `highway` and `ref` tags (`ref` may list several: `G107;S312`). */
export function roadTypeOf(highway: KeptHighway, ref: string | undefined): RoadType {
  if (highway === 'motorway' || highway === 'motorway_link') return 'expressway';
  const refs = (ref ?? '')
    .split(';')
    .map((r) => r.trim().toUpperCase().replace(/\s+/g, ''))
    .filter((r) => r !== '');
  // Three digits after G or S: a national (G1xx–G3xx, G5xx…) or provincial (S1xx–S3xx) ordinary highway; one,
  // two or four digits are expressways (G4, G30, G1511, S22), which are tagged motorway where they are built.
  if (refs.some((r) => /^G\d{3}$/.test(r))) return 'national';
  if (refs.some((r) => /^G\d{1,2}$|^G\d{4}$/.test(r)) && (highway === 'trunk' || highway === 'trunk_link'))
    return 'expressway';
  if (refs.some((r) => /^[SXY]\d{3}$/.test(r))) return 'provincial';
  return 'urban';
}

/** Highest limit kept from `maxspeed`; anything above is a tagging error, km/h. */
export const MAXSPEED_MAX = 200;

/**
 * A `maxspeed` value in km/h: `60`, `60 km/h`, `50 mph`; undefined for what is not a number (`none`, `signals`,
 * `CN:urban` — implicit limits, which the type's class defaults stand for) or outside 5..MAXSPEED_MAX.
 */
export function parseMaxspeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph)?\s*$/i.exec(text);
  if (!match) return undefined;
  let kmh = Number(match[1]);
  if (match[2]?.toLowerCase() === 'mph') kmh *= 1.609344;
  kmh = Math.round(kmh);
  return kmh >= 5 && kmh <= MAXSPEED_MAX ? kmh : undefined;
}
