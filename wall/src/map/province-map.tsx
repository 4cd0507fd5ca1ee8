/**
 * The map's place in the React tree: a container element, and a MapDriver that lives as long as the geography.
 * React never re-renders the map; the driver pulls from the feed state on its own clock.
 */
import { useEffect, useRef } from 'react';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeedState } from '../feed/feed-state.js';
import type { ProvinceGeo } from '../feed/http-api.js';
import { MapDriver } from './map-driver.js';
import type { RenderBudget } from './render-budget.js';
import type { WallSizes } from '../app/wall-layout.js';
import type { WallScope } from './wall-scope.js';
import type { FlowMarks } from './wall-layers.js';

export interface ProvinceMapProps {
  geo: ProvinceGeo;
  state: FeedState;
  scale: number;
  fontFamily: string;
  budget: RenderBudget;
  scope: WallScope;
  sizes: WallSizes;
  onContextLost: () => void;
  /** A stable object the driver reads each frame: refilling it never re-creates the map. */
  marks: FlowMarks;
}

export function ProvinceMap({
  geo,
  state,
  scale,
  fontFamily,
  budget,
  scope,
  sizes,
  onContextLost,
  marks,
}: ProvinceMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const container = containerRef.current;
    if (container === null) return undefined;
    const driver = new MapDriver({
      container,
      geo,
      state,
      scale,
      fontFamily,
      budget,
      scope,
      sizes,
      onContextLost,
      marks,
    });
    return () => driver.destroy();
  }, [geo, state, scale, fontFamily, budget, scope, sizes, onContextLost, marks]);
  return <div className="wall-map" data-testid="map" ref={containerRef} />;
}
