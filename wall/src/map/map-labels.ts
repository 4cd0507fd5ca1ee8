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

/** How much of `box` the boxes placed cover, in square pixels. */
function overlapArea(placed: readonly Box[], box: Box): number {
  return placed.reduce((sum, other) => {
    const w = Math.min(box.right, other.right) - Math.max(box.left, other.left);
    const h = Math.min(box.bottom, other.bottom) - Math.max(box.top, other.top);
    return sum + (w > 0 && h > 0 ? w * h : 0);
  }, 0);
}

/**
 * Where a name of this size may go around its point, nearest first: on it, just below or above, beside it (right,
 * left), diagonally, then the same twice as far. Moved by about its height and its half width, the name stays next
 * to its point and reads as its.
 */
function spotsAround(width: number, height: number): [number, number][] {
  const spots: [number, number][] = [[0, 0]];
  for (const reach of [1, 2]) {
    const dy = height * 0.9 * reach;
    const dx = (width / 2 + height * 0.3) * reach;
    spots.push([0, dy], [0, -dy], [dx, 0], [-dx, 0], [dx, dy], [-dx, dy], [dx, -dy], [-dx, -dy]);
  }
  return spots;
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
    // The wall's font arrives after the first placement and sets names wider than the fallback did: placed with
    // the fallback's widths, neighbours (荥阳市 and 上街区 at 4K) overlapped once it had loaded.
    document.fonts.addEventListener('loadingdone', this.place);
    void document.fonts.ready.then(() => this.place());
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

  /** The boxes of the names shown now, in CSS pixels of the map's container: the tests check none overlap. */
  visibleBoxes(): { name: string; left: number; top: number; right: number; bottom: number }[] {
    return this.spans
      .filter(({ span }) => span.style.visibility !== 'hidden')
      .map(({ label, span }) => {
        const box = span.getBoundingClientRect();
        return { name: label.name, left: box.left, top: box.top, right: box.right, bottom: box.bottom };
      });
  }

  /**
   * Places every name at its point, main names first. One that would cover a name placed before it is moved to
   * the nearest free spot around its point — below, above, then beside it, then twice as far — so that neighbours
   * whose points lie close together (荥阳市 and 上街区 at 4K) both read. A context name with no free spot, or any
   * name outside the clear area, is hidden; a main name with no free spot takes the spot it overlaps least.
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
      const boxAt = ([dx, dy]: readonly [number, number]): Box => ({
        left: point.x + dx - width / 2,
        right: point.x + dx + width / 2,
        top: point.y + dy - height / 2,
        bottom: point.y + dy + height / 2,
      });
      const inArea = point.x >= area.left && point.x <= area.right && point.y >= area.top && point.y <= area.bottom;
      if (!inArea) {
        span.style.visibility = 'hidden';
        continue;
      }
      const offsets = spotsAround(width, height);
      let offset = offsets.find((spot) => !placed.some((box) => overlaps(box, boxAt(spot))));
      if (offset === undefined && label.tone === 'main')
        offset = offsets.reduce((best, spot) =>
          overlapArea(placed, boxAt(spot)) < overlapArea(placed, boxAt(best)) ? spot : best,
        );
      span.style.visibility = offset === undefined ? 'hidden' : 'visible';
      if (offset === undefined) continue;
      placed.push(boxAt(offset));
      span.style.transform =
        `translate(${Math.round(point.x + offset[0])}px, ${Math.round(point.y + offset[1])}px) ` +
        'translate(-50%, -50%)';
    }
  };

  destroy(): void {
    this.map.off('move', this.place);
    this.map.off('resize', this.place);
    document.fonts.removeEventListener('loadingdone', this.place);
    this.layer.remove();
  }
}
