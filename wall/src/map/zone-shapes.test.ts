import { describe, expect, it } from 'vitest';
import { circleRing, distanceM, draftOf, draftZone, pixelsAtZoom0, zoneFeatures, type Zone } from './zone-shapes.js';

describe('zone shapes for the console map', () => {
  it('closes a drawn polygon, rounds to 1e-6 degree, and needs three points', () => {
    const points: [number, number][] = [
      [113.6000001, 34.7],
      [113.7, 34.7],
    ];
    expect(draftZone({ shape: 'polygon', points, sizeM: 0 })).toBeNull();
    const zone = draftZone({ shape: 'polygon', points: [...points, [113.7, 34.8]], sizeM: 0 });
    expect(zone?.polygon).toEqual([
      [113.6, 34.7],
      [113.7, 34.7],
      [113.7, 34.8],
      [113.6, 34.7],
    ]);
  });

  it('makes a circle from its centre and radius, and a corridor from two points and a width', () => {
    expect(draftZone({ shape: 'circle', points: [[113.65, 34.75]], sizeM: 499.6 })).toEqual({
      circle: { center: [113.65, 34.75], radiusM: 500 },
    });
    expect(draftZone({ shape: 'corridor', points: [[113.65, 34.75]], sizeM: 100 })).toBeNull();
    expect(
      draftZone({
        shape: 'corridor',
        points: [
          [113.65, 34.75],
          [113.66, 34.75],
        ],
        sizeM: 100,
      })?.corridor?.widthM,
    ).toBe(100);
  });

  it('draws a circle whose every vertex is the radius away from the centre', () => {
    const ring = circleRing([113.65, 34.75], 1000);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const p of ring) expect(distanceM([113.65, 34.75], p)).toBeCloseTo(1000, 0);
  });

  it('sizes a corridor in pixels from metres: 1 m per pixel is zoom log2(78271.5 × cos lat)', () => {
    const px0 = pixelsAtZoom0(100, 0);
    expect(px0 * 2 ** Math.log2(40_075_016.686 / 512)).toBeCloseTo(100, 6);
    expect(pixelsAtZoom0(100, 60)).toBeCloseTo(2 * px0, 9);
  });

  it('reopens an existing zone as a draft with its open ring, and marks the selected feature', () => {
    const zone: Zone = {
      id: 'z',
      name: 'z',
      kind: 'restricted',
      polygon: [
        [113.6, 34.7],
        [113.7, 34.7],
        [113.7, 34.8],
        [113.6, 34.7],
      ],
    };
    expect(draftOf(zone).points).toHaveLength(3);
    const features = zoneFeatures([zone], 'z').features;
    expect(features).toHaveLength(1);
    expect(features[0].properties).toMatchObject({ id: 'z', selected: true });
  });
});
