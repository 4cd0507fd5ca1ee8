/**
 * Place names over the map as HTML text, positioned with the map's own projection. The browser draws them with its
 * own fonts at the screen's full resolution in every render mode: drawn by WebGL into a canvas at half resolution (the
 * lite mode), "三门峡市" blurred into "二门峡市" at 1080p. They are repositioned only when the camera moves, which on a
 * wall is at start and during the flight to a critical alarm.
 */
import type { Map as MaplibreMap } from 'maplibre-gl';
import type { MapLabel } from './wall-scope.js';

/** The part of the map not covered by the wall's panels, in CSS pixels of the map's container. */
export interface ClearArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

export class MapLabels {
  private readonly layer: HTMLDivElement;
  private spans: { label: MapLabel; span: HTMLSpanElement }[] = [];
  private shownKey = '';

  /** `clearArea`: names outside it (under a side panel) are not shown. */
  constructor(
    private readonly map: MaplibreMap,
    private readonly clearArea: () => ClearArea,
  ) {
    this.layer = document.createElement('div');
    this.layer.className = 'map-labels';
    this.layer.setAttribute('data-testid', 'map-labels');
    // Above every canvas of the map (base map, vehicles, deck.gl's overlay), under the wall's panels.
    map.getContainer().appendChild(this.layer);
    map.on('move', this.place);
    map.on('resize', this.place);
  }

  /** Shows these names (replacing the ones shown); a set equal to the one shown costs nothing. */
  show(labels: readonly MapLabel[]): void {
    const key = labels.map((label) => `${label.code}:${label.tone}`).join(',');
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.layer.replaceChildren();
    this.spans = labels.map((label) => {
      const span = document.createElement('span');
      span.className = `map-label map-label-${label.tone} map-label-${label.level}`;
      span.textContent = label.name;
      span.setAttribute('data-code', label.code);
      this.layer.appendChild(span);
      return { label, span };
    });
    this.place();
  }

  /** Names shown now (in the clear area, not hidden by a neighbour), for the tests and people inspecting the page. */
  visibleNames(): string[] {
    return this.spans.filter(({ span }) => span.style.visibility !== 'hidden').map(({ label }) => label.name);
  }

  /**
   * Places every name at its point; one that would cover a name placed before it (main names first) is moved just
   * below or above it, and a context name that still collides, or any name outside the clear area, is hidden.
   */
  private readonly place = (): void => {
    const area = this.clearArea();
    const placed: Box[] = [];
    const ordered = [...this.spans].sort(
      (a, b) => Number(a.label.tone === 'context') - Number(b.label.tone === 'context'),
    );
    for (const { label, span } of ordered) {
      const point = this.map.project(label.position);
      const width = span.offsetWidth;
      const height = span.offsetHeight;
      const boxAt = (dy: number): Box => ({
        left: point.x - width / 2,
        right: point.x + width / 2,
        top: point.y + dy - height / 2,
        bottom: point.y + dy + height / 2,
      });
      const inArea = point.x >= area.left && point.x <= area.right && point.y >= area.top && point.y <= area.bottom;
      const dy = [0, height * 0.9, -height * 0.9].find((offset) => !placed.some((box) => overlaps(box, boxAt(offset))));
      const shown = inArea && (dy !== undefined || label.tone === 'main');
      span.style.visibility = shown ? 'visible' : 'hidden';
      if (!shown) continue;
      const offset = dy ?? 0;
      placed.push(boxAt(offset));
      span.style.transform = `translate(${Math.round(point.x)}px, ${Math.round(point.y + offset)}px) translate(-50%, -50%)`;
    }
  };

  destroy(): void {
    this.map.off('move', this.place);
    this.map.off('resize', this.place);
    this.layer.remove();
  }
}
