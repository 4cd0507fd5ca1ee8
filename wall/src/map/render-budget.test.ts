import { describe, expect, it } from 'vitest';
import { detectRenderBudget } from './render-budget.js';
import { discOffsets } from './vehicle-canvas.js';

describe('render budget', () => {
  it('draws vehicles in a 2D canvas at half resolution in the lite budget, with deck.gl at full resolution otherwise', () => {
    expect(detectRenderBudget('?render=lite')).toMatchObject({
      vehicleLayer: 'canvas',
      pixelRatio: 0.5,
      animate: false,
      heat: false,
    });
    expect(detectRenderBudget('?render=full')).toMatchObject({
      vehicleLayer: 'deck',
      pixelRatio: 1,
      animate: true,
      heat: true,
    });
  });

  it('takes pixel-ratio and vehicle-layer from the address, and names a pixel-ratio out of bounds', () => {
    expect(detectRenderBudget('?render=lite&pixel-ratio=0.25&vehicle-layer=deck')).toMatchObject({
      pixelRatio: 0.25,
      vehicleLayer: 'deck',
    });
    expect(() => detectRenderBudget('?render=lite&pixel-ratio=5')).toThrow('pixel-ratio value 5 is outside 0.25..2');
    expect(() => detectRenderBudget('?render=full&pixel-ratio=abc')).toThrow(
      'pixel-ratio value abc is outside 0.25..2',
    );
  });
});

describe('vehicle dots', () => {
  it('are at least one pixel and grow as discs with the radius', () => {
    expect(Array.from(discOffsets(0.4))).toEqual([0, 0]);
    // Radius 1.6 (3.2 design px at half resolution): the 3×3 square, corners at distance 1.41.
    expect(discOffsets(1.6).length / 2).toBe(9);
    // Radius 3.25 (an alarming vehicle at half resolution): a disc, without the corners of its 7×7 box.
    const disc = discOffsets(3.25);
    expect(disc.length / 2).toBe(37);
    for (let k = 0; k < disc.length; k += 2) expect(disc[k] ** 2 + disc[k + 1] ** 2).toBeLessThanOrEqual(3.25 ** 2);
  });
});
