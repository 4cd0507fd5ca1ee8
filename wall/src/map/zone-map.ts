/**
 * The console's zone map: the province's basemap (the wall's own style, served by Vigil, nothing fetched from outside)
 * with the configuration's zones and the shape being drawn, as maplibre GeoJSON layers. Unlike the wall's map it
 * is interactive — officers pan and zoom to a road — and it reports clicks as [lon, lat] to whoever draws.
 * maplibre alone does all of it: fills, outlines, round-capped corridor lines sized in metres, vertex dots.
 */
import { Map as MaplibreMap, type GeoJSONSource, type MapMouseEvent } from 'maplibre-gl';
import type { ProvinceGeo } from '../feed/http-api.js';
import { provinceBounds } from './division-geometry.js';
import { buildProvinceStyle } from './province-style.js';
import { draftFeatures, zoneFeatures, type Draft, type LonLat, type Zone } from './zone-shapes.js';

const ZONES_SOURCE = 'zones';
const DRAFT_SOURCE = 'zone-draft';
/**
 * Colours by kind: restricted areas red, speed limits amber, relay points green, no-parking orange, route
 * corridors blue, watched areas violet; the selected one brighter.
 */
const KIND_COLORS = [
  'match',
  ['get', 'kind'],
  'restricted',
  '#ff5b5b',
  'speed_limit',
  '#ffb020',
  'no_parking',
  '#ff8a3d',
  'route',
  '#4aa3ff',
  'area',
  '#b38bff',
  '#3ddc97',
];
const DRAFT_COLOR = '#7cc8ff';
const FIT_PADDING_PX = 24;
/** A corridor's pixel width doubles with each zoom level: interpolate exponentially from zoom 0 to the deepest. */
const ZOOM_MAX = 22;

/** A click: where, and the zone drawn under it (the topmost), if any. */
type ClickHandler = (lonLat: LonLat, zoneId: string | null) => void;
const PICKABLE_LAYERS = ['zone-fill', 'zone-corridor'];
/** A vertex of the draft dragged to a new place (its index in the draft's points). */
type DragHandler = (index: number, lonLat: LonLat) => void;

export class ZoneMap {
  private readonly map: MaplibreMap;
  private loaded = false;
  private zones: readonly Zone[] = [];
  private selectedId: string | null = null;
  private draft: Draft | null = null;
  private onClick: ClickHandler = () => undefined;
  private onDrag: DragHandler = () => undefined;
  /** What the map's sources were last given (the same objects: the page keeps them as immutable state). */
  private pushed: { zones: readonly Zone[]; selectedId: string | null; draft: Draft | null } | null = null;
  /** The vertex being dragged. */
  private dragging: { index: number } | null = null;

  constructor(container: HTMLElement, geo: ProvinceGeo) {
    this.map = new MaplibreMap({
      container,
      style: buildProvinceStyle(geo, 1),
      bounds: provinceBounds(geo),
      fitBoundsOptions: { padding: FIT_PADDING_PX },
      attributionControl: false,
      fadeDuration: 0,
      renderWorldCopies: false,
      maxPitch: 0,
      dragRotate: false,
      // A double click finishes nothing and must not zoom while vertices are being placed.
      doubleClickZoom: false,
    });
    this.map.on('load', () => {
      this.addLayers();
      this.loaded = true;
      this.push();
      container.dataset.ready = 'true';
    });
    // `data-idle` tells a screenshot (or a test) that what was last pushed is on screen.
    this.map.on('render', () => delete container.dataset.idle);
    this.map.on('idle', () => {
      container.dataset.idle = 'true';
      // Where the draft's vertices are on screen (CSS pixels in the map): what a test drags, what a screen
      // reader's helper could name. Cheap: a draft has a few points.
      container.dataset.draftVertices = JSON.stringify(
        (this.draft?.points ?? []).map((p) => {
          const at = this.map.project(p);
          return [Math.round(at.x), Math.round(at.y)];
        }),
      );
    });
    this.listenForDrags(container);
    this.map.on('click', (e: MapMouseEvent) => {
      if (!this.loaded) return;
      // A click on a vertex of the draft is the end of a drag (maplibre still clicks after a move of a few
      // pixels), never a new point on top of it.
      if (this.map.queryRenderedFeatures(e.point, { layers: ['draft-vertices'] }).length > 0) return;
      const under = this.map.queryRenderedFeatures(e.point, { layers: PICKABLE_LAYERS });
      const id = under[0]?.properties?.id;
      this.onClick([e.lngLat.lng, e.lngLat.lat], typeof id === 'string' ? id : null);
    });
  }

  setClickHandler(handler: ClickHandler): void {
    this.onClick = handler;
  }

  setDragHandler(handler: DragHandler): void {
    this.onDrag = handler;
  }

  /**
   * A draft's vertex can be dragged: pressing on it stops the map from panning until the button is released,
   * and every move reports the vertex's new place.
   */
  private listenForDrags(container: HTMLElement): void {
    this.map.on('mousedown', 'draft-vertices', (e) => {
      const index = e.features?.[0]?.properties?.index;
      if (typeof index !== 'number') return;
      e.preventDefault();
      this.dragging = { index };
      container.style.cursor = 'grabbing';
    });
    this.map.on('mousemove', (e) => {
      if (this.dragging === null) return;
      this.onDrag(this.dragging.index, [e.lngLat.lng, e.lngLat.lat]);
    });
    this.map.on('mouseup', () => {
      if (this.dragging === null) return;
      container.style.cursor = '';
      this.dragging = null;
    });
  }

  show(zones: readonly Zone[], selectedId: string | null, draft: Draft | null): void {
    this.zones = zones;
    this.selectedId = selectedId;
    this.draft = draft;
    this.push();
  }

  /** Brings a zone into view (when it is picked from the list). */
  focus(points: readonly LonLat[]): void {
    if (points.length === 0) return;
    let [lonMin, latMin, lonMax, latMax] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [lon, lat] of points) {
      lonMin = Math.min(lonMin, lon);
      lonMax = Math.max(lonMax, lon);
      latMin = Math.min(latMin, lat);
      latMax = Math.max(latMax, lat);
    }
    this.map.fitBounds(
      [
        [lonMin, latMin],
        [lonMax, latMax],
      ],
      { padding: 80, maxZoom: 14, duration: 0 },
    );
  }

  destroy(): void {
    this.map.remove();
  }

  /**
   * Hands maplibre only the source that changed: each `setData` is re-cut into tiles by a worker and drawn again,
   * and a vertex placed or dragged changes the draft alone (in software WebGL a frame of this map is ~0.3 CPU-s).
   */
  private push(): void {
    if (!this.loaded) return;
    const { zones, selectedId, draft } = this;
    if (this.pushed === null || this.pushed.zones !== zones || this.pushed.selectedId !== selectedId)
      (this.map.getSource(ZONES_SOURCE) as GeoJSONSource).setData(zoneFeatures(zones, selectedId));
    if (this.pushed === null || this.pushed.draft !== draft)
      (this.map.getSource(DRAFT_SOURCE) as GeoJSONSource).setData(draftFeatures(draft));
    this.pushed = { zones, selectedId, draft };
  }

  private addLayers(): void {
    const empty = { type: 'FeatureCollection' as const, features: [] };
    this.map.addSource(ZONES_SOURCE, { type: 'geojson', data: empty });
    this.map.addSource(DRAFT_SOURCE, { type: 'geojson', data: empty });
    const polygons = ['==', ['geometry-type'], 'Polygon'] as const;
    const lines = ['==', ['geometry-type'], 'LineString'] as const;
    const selected = ['get', 'selected'];
    const corridorWidth = [
      'interpolate',
      ['exponential', 2],
      ['zoom'],
      0,
      ['get', 'px0'],
      ZOOM_MAX,
      ['*', ['get', 'px0'], 2 ** ZOOM_MAX],
    ];
    // The expressions are plain JSON; maplibre's types want its own tuple types, so they are cast once here.
    const add = (layer: Record<string, unknown>) => this.map.addLayer(layer as never);
    add({
      id: 'zone-fill',
      type: 'fill',
      source: ZONES_SOURCE,
      filter: polygons,
      paint: { 'fill-color': KIND_COLORS, 'fill-opacity': ['case', selected, 0.45, 0.25] },
    });
    add({
      id: 'zone-outline',
      type: 'line',
      source: ZONES_SOURCE,
      filter: polygons,
      paint: { 'line-color': KIND_COLORS, 'line-width': ['case', selected, 3, 1.5] },
    });
    add({
      id: 'zone-corridor',
      type: 'line',
      source: ZONES_SOURCE,
      filter: lines,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': KIND_COLORS,
        'line-width': corridorWidth,
        'line-opacity': ['case', selected, 0.6, 0.4],
      },
    });
    add({
      id: 'zone-corridor-axis',
      type: 'line',
      source: ZONES_SOURCE,
      filter: lines,
      paint: { 'line-color': KIND_COLORS, 'line-width': 1.5, 'line-dasharray': [3, 2] },
    });
    add({
      id: 'draft-fill',
      type: 'fill',
      source: DRAFT_SOURCE,
      filter: ['all', polygons, ['==', ['get', 'role'], 'shape']],
      paint: { 'fill-color': DRAFT_COLOR, 'fill-opacity': 0.3 },
    });
    add({
      id: 'draft-corridor',
      type: 'line',
      source: DRAFT_SOURCE,
      filter: ['all', lines, ['==', ['get', 'role'], 'shape']],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': DRAFT_COLOR, 'line-width': corridorWidth, 'line-opacity': 0.45 },
    });
    add({
      id: 'draft-edges',
      type: 'line',
      source: DRAFT_SOURCE,
      filter: lines,
      paint: { 'line-color': DRAFT_COLOR, 'line-width': 2, 'line-dasharray': [2, 1] },
    });
    add({
      id: 'draft-vertices',
      type: 'circle',
      source: DRAFT_SOURCE,
      filter: ['==', ['get', 'role'], 'vertex'],
      paint: {
        'circle-radius': 5,
        'circle-color': '#ffffff',
        'circle-stroke-color': DRAFT_COLOR,
        'circle-stroke-width': 2,
      },
    });
  }
}
