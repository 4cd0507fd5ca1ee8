import { describe, expect, it } from 'vitest';
import { flowTurnMsFromSearch } from './flow-turn.js';

describe('flowTurnMsFromSearch', () => {
  it('takes 15 s by default and whole seconds from 5 to 300', () => {
    expect(flowTurnMsFromSearch('?token=x')).toBe(15_000);
    expect(flowTurnMsFromSearch('?turn-s=5')).toBe(5_000);
    expect(flowTurnMsFromSearch('?layout=1x1-4k&turn-s=300')).toBe(300_000);
  });

  it('refuses a value out of bounds or not a whole number, naming it and the bounds', () => {
    for (const bad of ['4', '301', '7.5', 'fast', '-10'])
      expect(() => flowTurnMsFromSearch(`?turn-s=${bad}`)).toThrow(
        `turn-s=${bad}: a whole number of seconds from 5 to 300`,
      );
  });
});
