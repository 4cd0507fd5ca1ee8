import { describe, expect, it } from 'vitest';
import { hiddenOverlaysFromSearch } from './overlay-choice.js';

describe('hidden overlays from the wall address', () => {
  it('reads the layers to leave out, none by default', () => {
    expect([...hiddenOverlaysFromSearch('?token=x')]).toEqual([]);
    expect([...hiddenOverlaysFromSearch('?token=x&hide=taxis')]).toEqual(['taxis']);
    expect([...hiddenOverlaysFromSearch('?hide=taxis,%20vessels')]).toEqual(['taxis', 'vessels']);
  });

  it('names a layer it does not know', () => {
    expect(() => hiddenOverlaysFromSearch('?hide=taxi')).toThrow(/"taxi" is not one of taxis, buses, vessels/);
  });
});
