/**
 * Alarm routing is keyed by rule ids: the defaults send each rule to the department of the guideline, and a
 * category that is not a rule id is refused by name when sent, dropped when read back from an older version.
 */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../http/router.js';
import { ALL_RULES } from '../../stream/index.js';
import { byCategory, checkConfig, CONFIG_DEFAULTS, ROUTING_CATEGORIES } from './center-config.js';

const departmentOf = (rule: string) => byCategory(CONFIG_DEFAULTS.alarm_routing.departments, rule);

describe('alarm routing defaults', () => {
  it('name only rule ids, and route every rule to the department of the guideline', () => {
    for (const category of Object.keys(CONFIG_DEFAULTS.alarm_routing.departments))
      expect([...ROUTING_CATEGORIES, '*']).toContain(category);
    for (const rule of ALL_RULES) expect(CONFIG_DEFAULTS.alarm_routing.departments).toHaveProperty(rule.id);
    // Issue #17's probes: device_offline went to road transport, geofence (dangerous goods) not to safety.
    expect(departmentOf('device_offline')).toBe('tech_support');
    expect(departmentOf('geofence')).toBe('safety');
    expect(departmentOf('overspeed')).toBe('enforcement');
    expect(departmentOf('overload')).toBe('enforcement');
    expect(departmentOf('fatigue')).toBe('road_transport');
    expect(departmentOf('night_ban')).toBe('road_transport');
    expect(departmentOf('gps_drift')).toBe('tech_support');
    expect(() => checkConfig('alarm_routing', CONFIG_DEFAULTS.alarm_routing)).not.toThrow();
  });
});

describe('alarm routing checks', () => {
  const routing = (departments: Record<string, string>, auto: { category: string; severities: string[] }[] = []) => ({
    departments,
    unit: { '*': 'event' },
    level: { '*': 'county' },
    auto_work_order: auto,
  });

  it('refuses a category that is not a rule id, naming it, in every section', () => {
    expect(() => checkConfig('alarm_routing', routing({ no_such_rule: 'safety', '*': 'road_transport' }))).toThrow(
      /alarm_routing\.departments\.no_such_rule: "no_such_rule" is not a rule id \(rules: overspeed, /,
    );
    expect(() =>
      checkConfig('alarm_routing', { ...routing({ '*': 'road_transport' }), unit: { night_driving: 'home' } }),
    ).toThrow(/alarm_routing\.unit\.night_driving: "night_driving" is not a rule id/);
    expect(() =>
      checkConfig('alarm_routing', { ...routing({ '*': 'road_transport' }), level: { device_fault: 'city' } }),
    ).toThrow(/alarm_routing\.level\.device_fault: "device_fault" is not a rule id/);
    expect(() =>
      checkConfig('alarm_routing', routing({ '*': 'road_transport' }, [{ category: 'speeding', severities: [] }])),
    ).toThrow(/alarm_routing\.auto_work_order\[0\]\.category: "speeding" is not a rule id/);
  });

  it('accepts every rule id and the JT/T 809 platform reports', () => {
    const all = Object.fromEntries(ROUTING_CATEGORIES.map((id) => [id, 'safety']));
    expect(checkConfig('alarm_routing', routing({ ...all, '*': 'road_transport' })).departments).toMatchObject(all);
    expect(ROUTING_CATEGORIES).toContain('jt809_report');
  });

  it('drops unknown categories of a version read back, keeping the rest of it', () => {
    const stored = routing({ overspeed: 'expressway', dangerous_goods: 'safety', '*': 'road_transport' }, [
      { category: 'device_fault', severities: ['critical'] },
      { category: 'overload', severities: ['critical'] },
    ]);
    expect(checkConfig('alarm_routing', stored, 'stored')).toEqual({
      departments: { overspeed: 'expressway', '*': 'road_transport' },
      unit: { '*': 'event' },
      level: { '*': 'county' },
      auto_work_order: [{ category: 'overload', severities: ['critical'] }],
    });
  });
});

describe('a refusal says which check failed', () => {
  const refusal = (key: Parameters<typeof checkConfig>[0], value: unknown): HttpError => {
    try {
      checkConfig(key, value);
    } catch (error) {
      if (error instanceof HttpError) return error;
      throw error;
    }
    throw new Error(`${key} was accepted`);
  };

  it('as the credit and assessment models do: unknown_rule, out_of_bounds, bad_value, with the field', () => {
    const unknownRule = refusal('alarm_routing', { ...CONFIG_DEFAULTS.alarm_routing, unit: { speeding: 'home' } });
    expect([unknownRule.status, unknownRule.reason]).toEqual([400, 'bad_config']);
    expect(unknownRule.extra).toEqual({ field: 'alarm_routing.unit.speeding', problem: 'unknown_rule' });
    const tooLong = refusal('escalation', { alarm_unhandled_minutes: 7 * 24 * 60 + 1 });
    expect(tooLong.extra).toEqual({ field: 'escalation.alarm_unhandled_minutes', problem: 'out_of_bounds' });
    expect(tooLong.message).toMatch(/greater than max allowed 10080/);
    const misspelt = refusal('escalation', { alarm_unhandled_minute: 30 });
    expect(misspelt.extra).toEqual({ field: 'escalation.alarm_unhandled_minute', problem: 'bad_value' });
  });
});
