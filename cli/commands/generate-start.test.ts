import { describe, expect, it } from 'vitest';
import { ConfigError } from '../flags.js';
import { parseStart } from './generate.js';

describe('vigil generate --start', () => {
  it('reads a time without an offset as China time, whatever zone the machine runs in', () => {
    const chinaThree = Date.UTC(2026, 10, 1, 19, 0, 0);
    expect(parseStart('2026-11-02T03:00:00')).toBe(chinaThree);
    expect(parseStart('2026-11-02T03:00:00+08:00')).toBe(chinaThree);
    expect(parseStart('2026-11-01T19:00:00Z')).toBe(chinaThree);
  });

  it('refuses what is no ISO time, or not on a whole second, naming the flag', () => {
    for (const bad of ['2026-11-02', 'tomorrow', '2026-02-30T03:00:00', '2026-11-02T03:00:00.5'])
      expect(() => parseStart(bad), bad).toThrow(ConfigError);
    expect(() => parseStart('yesterday')).toThrow(/--start value "yesterday"/);
  });
});
