/**
 * The zones the generator declares for route_deviation, overtime_parking and area_entry_exit: a configuration
 * the rules accept as it is, the same for the same seed, and routes that hold exactly their violators' plates.
 * That nobody else stands in or crosses them is checked on the traffic itself (traffic-labels.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { planTraffic, simulateVehicle } from '../fixtures/generator/index.js';
import { accuracyConfig } from '../bench/accuracy/shard.js';
import { ALL_RULES, checkRulesConfig } from '../stream/index.js';

const START_MS = Date.parse('2026-11-02T03:00:00+08:00');

describe('generated zones of the zone-based rules', () => {
  it('form a rules configuration without a problem, also for the largest fleet', () => {
    for (const vehicles of [300, 10_000, 2_000_000]) {
      const plan = planTraffic({ vehicles, hours: 24, seed: 20_261_128, startMs: START_MS });
      expect(checkRulesConfig(accuracyConfig(plan, false), ALL_RULES), `${vehicles} vehicles`).toEqual([]);
      const kinds = plan.ruleZoneConfigs.map((z) => z.kind);
      expect(kinds.filter((k) => k === 'no_parking')).toHaveLength(30);
      expect(kinds.filter((k) => k === 'area')).toHaveLength(30);
      expect(kinds.filter((k) => k === 'route').length).toBeGreaterThan(0);
    }
  });

  it('follow from the seed', () => {
    const zones = (seed: number): string =>
      JSON.stringify(planTraffic({ vehicles: 500, hours: 24, seed, startMs: START_MS }).ruleZoneConfigs);
    expect(zones(7)).toBe(zones(7));
    expect(zones(8)).not.toBe(zones(7));
  });

  it('assign each route the plates of its route_deviation violators and no other', () => {
    const plan = planTraffic({ vehicles: 600, hours: 24, seed: 3, startMs: START_MS });
    const listed = new Map<string, string>();
    for (const z of plan.ruleZoneConfigs.filter((r) => r.kind === 'route'))
      for (const plate of z.vehicles!) listed.set(plate, z.id);
    const violators = new Map<string, string>();
    for (let i = 0; i < 600; i++) {
      const v = simulateVehicle(plan, i, undefined).vehicle;
      if (v.rule === 'route_deviation') violators.set(v.plate, plan.ruleZones.corridors[v.corridorIndex!].route.id);
    }
    expect(violators.size).toBeGreaterThan(5);
    expect(listed).toEqual(violators);
  });

  it('leave windows too short for a detour without zone-rule violators', () => {
    const plan = planTraffic({ vehicles: 200, hours: 2, seed: 3, startMs: START_MS });
    expect(plan.vehicleRules).not.toContain('route_deviation');
    expect(plan.ruleZoneConfigs.filter((z) => z.kind === 'route')).toEqual([]);
  });
});
