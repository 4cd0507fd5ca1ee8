/**
 * What of the demo a province supervised by configuration gets. The committed sample (`fixtures/sample/`, made by
 * the generator from Henan's roads and towns), the showcase (its cases at named Henan places: 郑州's camera, the
 * 南阳 ANPR of the cloned plate, the route corridor along 34.70°N) and the counting, shipping, toll and bus sources
 * (stations around 郑州, ships on the 沙颍河, two 郑州 bus routes) are Henan's data, not derivable from a
 * province's divisions and boundaries; for any other province they are left out, said once in the log. What a
 * province's reference does give is kept: the speeding vehicles (its plate prefixes, legs between its county seats
 * inside its outline), more of them to stand in for the sample's traffic, and one dangerous-goods restricted zone
 * around the seat of each city's seat county, as the sample has for Henan's cities.
 */
import type { GeneratedZone } from '../../fixtures/generator/index.js';
import { countyAt, divisions, HENAN_PROVINCE_CODE, provinceCode } from '../../schema/index.js';

/** Speeding vehicles standing in for the sample's traffic in a province other than Henan (`--demo-vehicles` caps). */
export const OTHER_PROVINCE_DEMO_VEHICLES = 30;
/** The radius of the sample's restricted zones. */
const ZONE_RADIUS_M = 3000;

/** True when the sample, the showcase and the flows fit the supervised province: Henan's. */
export function henanDemo(): boolean {
  return provinceCode() === HENAN_PROVINCE_CODE;
}

/** How many speeding vehicles the demo runs: SPEEDING_VEHICLES_DEFAULTS' for Henan, else a stand-in traffic. */
export function demoSpeedingVehicles(henanDefault: number, demoVehicles: number): number {
  return henanDemo() ? henanDefault : Math.max(1, Math.min(demoVehicles, OTHER_PROVINCE_DEMO_VEHICLES));
}

/** One restricted zone per city: a 3 km circle around the seat of the county its seat lies in. */
export function provinceDemoZones(): GeneratedZone[] {
  return divisions()
    .filter((d) => d.level === 'city')
    .flatMap((city) => {
      const county = countyAt(...city.seatLonLatDeg);
      if (county === undefined) return [];
      const [lon, lat] = county.seatLonLatDeg;
      return [
        {
          zone_id: `zone-${county.code}`,
          name: `${county.name}危险品禁行区`,
          org_code: county.code,
          lon,
          lat,
          radius_m: ZONE_RADIUS_M,
        },
      ];
    });
}

/** The one line saying what the demo leaves out, and why. */
export function otherProvinceDemoNote(): string {
  const province = divisions()[0]!;
  return (
    `demo for ${province.code} ${province.name}: the generated sample, the showcase and the toll, rail, ship, bus ` +
    'and taxi sources are Henan data and are left out; running speeding vehicles with its plates and its zones'
  );
}
