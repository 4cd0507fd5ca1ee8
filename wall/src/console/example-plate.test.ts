import { describe, expect, it } from 'vitest';
import type { ProvinceGeo } from '../feed/http-api.js';
import { CONSOLE_MESSAGES } from './console-messages.js';
import { examplePlate } from './example-plate.js';

const division = (code: string, level: string, plate_prefix?: string) => ({
  type: 'Feature',
  properties: { code, name: code, level, parent: null, ...(plate_prefix ? { plate_prefix } : {}) },
  geometry: { type: 'MultiPolygon', coordinates: [] },
});
const HAINAN = {
  type: 'FeatureCollection',
  features: [
    division('460000', 'province'),
    division('460100', 'city', '琼A'),
    division('460200', 'city', '琼B'),
    division('460202', 'county'),
  ],
} as unknown as ProvinceGeo;

describe("the vehicle search's example plate", () => {
  it("is the served province's: the user's own city's, else its first city's", () => {
    expect(examplePlate(HAINAN, '460000')).toBe('琼A12345');
    expect(examplePlate(HAINAN, '460200')).toBe('琼B12345');
    expect(examplePlate(HAINAN, '460202')).toBe('琼B12345');
    expect(CONSOLE_MESSAGES.zh.vehicle.searchPlaceholder(examplePlate(HAINAN, '460202'))).toBe(
      '车牌或终端号，如 琼B12345',
    );
  });

  it('is left out before the boundaries arrive', () => {
    expect(examplePlate(null, '410000')).toBe('');
    expect(CONSOLE_MESSAGES.en.vehicle.searchPlaceholder('')).toBe('Plate or terminal number');
  });
});
