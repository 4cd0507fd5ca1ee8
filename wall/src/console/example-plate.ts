import type { ProvinceGeo } from '../feed/http-api.js';

/**
 * A plate of the served province for the search's placeholder: of the user's own city when the user's unit is a
 * city or lies in one, else of the province's first city (its capital, plate …A); '' before the boundaries arrive.
 */
export function examplePlate(geo: ProvinceGeo | null, orgCode: string): string {
  const cities = (geo?.features ?? []).map((f) => f.properties).filter((p) => p.plate_prefix);
  const own = cities.find((c) => c.code === orgCode) ?? cities.find((c) => c.code.slice(0, 4) === orgCode.slice(0, 4));
  const prefix = (own ?? cities[0])?.plate_prefix;
  return prefix ? `${prefix}12345` : '';
}
