/**
 * Owns the maplibre map and the deck.gl overlay, and redraws at its own pace from the feed state instead of in
 * reaction to each message: layers are rebuilt at most once per the render budget's frame interval, only when
 * something changed or pulses are animating, and the 100,000-vehicle attributes are recomputed at most every
 * VEHICLE_REFRESH_MS.
 */
import type { Layer } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import { Map as MaplibreMap, type IControl, type PaddingOptions } from 'maplibre-gl';
import type { FeedAlarm } from '../../../schema/feed.js';
import type { FeedState } from '../feed/feed-state.js';
import type { ProvinceGeo } from '../feed/http-api.js';
import { VEHICLE_ON_MAP_WINDOW_MS, VEHICLE_ONLINE_WINDOW_MS } from '../feed/wall-summary.js';
import { CriticalFlight, FLY_DURATION_MS, FLY_ZOOM } from './critical-flight.js';
import { DeckFrameGate, type FrameProvider } from './deck-frame-gate.js';
import type { RenderBudget } from './render-budget.js';
import type { WallSizes } from '../app/wall-layout.js';
import type { Bounds } from './division-geometry.js';
import { buildProvinceStyle } from './province-style.js';
import { MapLabels } from './map-labels.js';
import { countyLabels, homeLabels, scopeBounds, type MapLabel, type WallScope } from './wall-scope.js';
import { VehicleBuffers, type VehicleBinaryData } from './vehicle-buffers.js';
import { VehicleCanvas } from './vehicle-canvas.js';
import { mapProbes, type MapProbe } from './map-probe.js';
import { buildWallLayers, type CountedData, type FlowMarks } from './wall-layers.js';

const VEHICLE_REFRESH_MS = 250;
const HEAT_REFRESH_MS = 2_000;
const OPEN_ALARMS_REFRESH_MS = 500;
/** Faded/online colours are recomputed at least this often even when no position changes. */
const ONLINE_BUCKET_MS = 30_000;
const PULSE_PERIOD_MS = 1_600;
/** During a visit, every county is named once the camera is this close to the visit's zoom (not on the way). */
const COUNTY_NAMES_ZOOM_BELOW_VISIT = 1.5;
/** Where in the pulse cycle still rings are drawn when the budget allows no animation. */
const PULSE_PHASE_STILL = 0.3;
/** Space kept free of the map for the side panels, header and legend, in 2160-px design pixels. */
const SIDE_PANEL_SPACE_PX = 1_080;
const TOP_SPACE_PX = 200;
const BOTTOM_SPACE_PX = 170;
/** The smallest map area kept when a small test window cannot fit the panels' full padding. */
const MAP_AREA_PX_MIN = 240;

export interface MapDriverOptions {
  container: HTMLElement;
  geo: ProvinceGeo;
  state: FeedState;
  /** Wall height over 2160. */
  scale: number;
  fontFamily: string;
  budget: RenderBudget;
  /** Whose wall: its extent, lit area and names. */
  scope: WallScope;
  /** Sizes from the wall's layout and viewing distance (vehicle marks). */
  sizes: WallSizes;
  /** Called when a WebGL context is lost: a kiosk cannot recover it by itself, the app reloads. */
  onContextLost: () => void;
  /** Vessels (AIS), buses (GTFS-Realtime) and taxis (`taxi_position`) to draw, read on every frame; none when absent. */
  marks?: FlowMarks;
}

const EMPTY_VEHICLES: VehicleBinaryData = {
  length: 0,
  attributes: {
    getPosition: { value: new Float32Array(0), size: 3 },
    getFillColor: { value: new Uint8Array(0), size: 4, normalized: true },
    getRadius: { value: new Float32Array(0), size: 1 },
  },
};

/**
 * The parts of the Deck instance inside a non-interleaved MapboxOverlay that the frame gate needs. They are not
 * exported by deck.gl's types (the overlay keeps its Deck in `_deck`, the Deck its loop in `animationLoop`); the
 * wall's idle-frames case in tests/browser-wall-revoked.test.ts fails if an upgrade moves them.
 */
interface OverlayDeck {
  _deck?: {
    animationLoop?: { setProps(props: { animationFrameProvider: FrameProvider }): unknown } | null;
    layerManager?: { needsUpdate(): string | false; getLayers(): { isLoaded: boolean }[] } | null;
    needsRedraw(options: { clearRedrawFlags: boolean }): string | false;
  };
}

/** Puts deck.gl's render loop behind a gate that lets frames through only while there is something to draw. */
function gateDeckFrames(overlay: MapboxOverlay): DeckFrameGate | null {
  const deck = (overlay as unknown as OverlayDeck)._deck;
  const loop = deck?.animationLoop;
  if (deck === undefined || loop === undefined || loop === null) return null;
  const gate = new DeckFrameGate(() => {
    const layers = deck.layerManager;
    if (layers === undefined || layers === null) return true;
    return (
      deck.needsRedraw({ clearRedrawFlags: false }) !== false ||
      layers.needsUpdate() !== false ||
      layers.getLayers().some((layer) => !layer.isLoaded)
    );
  });
  loop.setProps({ animationFrameProvider: gate.provider });
  return gate;
}

function hasPlace(alarm: FeedAlarm): boolean {
  return Number.isFinite(alarm.lat) && Number.isFinite(alarm.lon) && !(alarm.lat === 0 && alarm.lon === 0);
}

export class MapDriver {
  private readonly map: MaplibreMap;
  private readonly overlay: MapboxOverlay;
  /** Keeps deck.gl's loop asleep while nothing it draws changes; null if deck.gl's insides were not found. */
  private readonly deckFrames: DeckFrameGate | null;
  /** The deck.gl layers last handed to the overlay, for the map's probe. */
  private layersDrawn: Layer[] = [];
  private readonly flight: CriticalFlight;
  private readonly bounds: Bounds;
  private readonly labels: MapLabels;
  private readonly homeLabels: readonly MapLabel[];
  private readonly flightLabels: readonly MapLabel[];
  private frameHandle: number | null = null;
  private frameTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly vehicleBuffers = new VehicleBuffers();
  private vehicleData: VehicleBinaryData;
  /** The 2D-canvas vehicle layer of the software-rendering budget; null when deck.gl draws the vehicles. */
  private readonly vehicleCanvas: VehicleCanvas | null;
  private vehicleVersionDrawn = -1;
  private onlineBucketDrawn = -1;
  private vehicleRefreshedAt = 0;
  private heatData: CountedData = { length: 0 };
  private heatRefreshedAt = 0;
  private heatDayDrawn = -1;
  private openAlarms: FeedAlarm[] = [];
  private openVersionDrawn = -1;
  private openRefreshedAt = 0;
  private criticalSeqHandled = 0;
  private overlayCanvasWatched = false;
  /** What the layers were last built from; with no animation, an unchanged signature means no redraw. */
  private signatureDrawn = '';
  /** When the layers of a redraw not yet drawn were rebuilt (performance.now()), for the frame timing. */
  private redrawStartedAt: number | null = null;

  constructor(private readonly options: MapDriverOptions) {
    const { container, geo, scale, scope } = options;
    this.bounds = scopeBounds(geo, scope);
    this.homeLabels = homeLabels(geo, scope);
    this.flightLabels = [...this.homeLabels.filter((label) => label.level !== 'county'), ...countyLabels(geo)];
    this.criticalSeqHandled = options.state.criticalVisit?.seq ?? 0;
    this.vehicleData =
      options.budget.vehicleLayer === 'deck'
        ? this.vehicleBuffers.fill(options.state.vehicles, 0, 0, this.markRadii())
        : EMPTY_VEHICLES;
    this.map = new MaplibreMap({
      container,
      style: buildProvinceStyle(geo, scale, scope.level === 'province' ? null : scope.orgCode),
      bounds: this.bounds,
      fitBoundsOptions: { padding: this.padding() },
      interactive: false,
      attributionControl: false,
      fadeDuration: 0,
      renderWorldCopies: false,
      maxPitch: 0,
      pixelRatio: options.budget.pixelRatio * window.devicePixelRatio,
    });
    let drawStartedAt = 0;
    // `?timing=finish` (benchmarks only): wait for the GPU, software or not, so the draw time includes the drawing.
    const waitForGpu = new URLSearchParams(window.location.search).get('timing') === 'finish';
    this.overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      useDevicePixels: options.budget.pixelRatio * window.devicePixelRatio,
      onBeforeRender: () => {
        drawStartedAt = performance.now();
      },
      onAfterRender: ({ gl }) => {
        // With the canvas vehicle layer the timings are the vehicles' (drawVehicleCanvas), not the overlay's.
        if (this.vehicleCanvas !== null) return;
        if (waitForGpu) gl.finish();
        options.state.timings.drawMs.add(performance.now() - drawStartedAt);
        this.timeFrameEnd();
      },
    });
    // MapboxOverlay implements the IControl contract maplibre shares with mapbox-gl; only the declared types differ.
    this.map.addControl(this.overlay as unknown as IControl);
    this.deckFrames = gateDeckFrames(this.overlay);
    // The overlay follows maplibre's camera and size on maplibre's own renders, which happen only on a change.
    this.map.on('render', () => this.deckFrames?.wake());
    this.flight = new CriticalFlight(
      this.map,
      () => ({ bounds: this.bounds, padding: this.padding() }),
      // In software a flight is a map frame on every animation frame for seconds: jump instead.
      options.budget.animate ? FLY_DURATION_MS : 0,
    );
    this.labels = new MapLabels(this.map, () => {
      const { left = 0, top = 0, right = 0, bottom = 0 } = this.padding();
      return {
        left,
        top: top * 0.75,
        right: container.clientWidth - right,
        bottom: container.clientHeight - bottom * 0.5,
      };
    });
    this.labels.show(this.homeLabels);
    this.map.on('render', () => {
      options.state.timings.mapRenders += 1;
    });
    this.vehicleCanvas =
      options.budget.vehicleLayer === 'canvas'
        ? new VehicleCanvas(this.map, options.budget.pixelRatio * window.devicePixelRatio)
        : null;
    // The canvas layer follows the camera itself (a critical alarm's flight); deck.gl follows it through the overlay.
    this.map.on('move', () => this.drawVehicleCanvas(Date.now()));
    mapProbes.current = this.probe;
    this.map.on('resize', () => {
      if (!this.flight.isAway) this.flight.goHome(0);
    });
    this.map.getCanvas().addEventListener('webglcontextlost', options.onContextLost);
    this.frameHandle = requestAnimationFrame(this.onFrame);
  }

  destroy(): void {
    if (this.frameHandle !== null) cancelAnimationFrame(this.frameHandle);
    if (this.frameTimer !== null) clearTimeout(this.frameTimer);
    this.frameHandle = null;
    this.frameTimer = null;
    this.flight.cancel();
    this.map.getCanvas().removeEventListener('webglcontextlost', this.options.onContextLost);
    this.vehicleCanvas?.destroy();
    this.labels.destroy();
    if (mapProbes.current === this.probe) mapProbes.current = null;
    this.map.remove();
  }

  /**
   * The next frame is asked for only when the budget allows one: an animation frame requested on every vsync keeps
   * the browser's compositor producing frames, which with software rendering costs a core even when nothing moves.
   */
  private scheduleFrame(): void {
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      this.frameHandle = requestAnimationFrame(this.onFrame);
    }, this.options.budget.frameIntervalMs);
  }

  private readonly onFrame = (): void => {
    this.frameHandle = null;
    this.scheduleFrame();
    const now = Date.now();
    this.followCritical();
    // Close in on a critical alarm every county is named, so the room reads where it is; else the wall's own names.
    const closeIn = this.flight.isAway && this.map.getZoom() >= FLY_ZOOM - COUNTY_NAMES_ZOOM_BELOW_VISIT;
    this.labels.show(closeIn ? this.flightLabels : this.homeLabels);
    this.refreshVehicles(now);
    this.refreshHeat(now);
    this.refreshOpenAlarms(now);
    const animate = this.options.budget.animate && this.openAlarms.length > 0;
    // With the canvas vehicle layer, vehicles moving is no reason for deck.gl to redraw.
    const vehiclePart = this.vehicleCanvas === null ? `${this.vehicleVersionDrawn}:${this.onlineBucketDrawn}` : '';
    const marks = this.options.marks;
    const signature = `${vehiclePart}|${this.heatDayDrawn}:${this.heatData.length}|${this.openVersionDrawn}|${marks?.version ?? 0}`;
    // deck.gl redraws the whole canvas whenever a layer prop changes; skip frames where nothing would change.
    if (!animate && signature === this.signatureDrawn) return;
    this.signatureDrawn = signature;
    this.redrawStartedAt ??= performance.now();
    this.layersDrawn = buildWallLayers({
      scale: this.options.scale,
      fontFamily: this.options.fontFamily,
      vehicleData: this.vehicleData,
      alarms: this.options.state.alarms,
      heatData: this.heatData,
      heatTrigger: `${this.heatDayDrawn}:${this.heatData.length}`,
      openAlarms: this.openAlarms,
      pulsePhase: animate ? (now % PULSE_PERIOD_MS) / PULSE_PERIOD_MS : PULSE_PHASE_STILL,
      heat: this.options.budget.heat,
      vessels: marks?.vessels ?? [],
      buses: marks?.buses ?? [],
      taxis: marks?.taxis ?? [],
    });
    this.overlay.setProps({ layers: this.layersDrawn });
    this.deckFrames?.wake();
    this.watchOverlayCanvas();
  };

  private readonly probe: MapProbe = {
    vehicleAlphaAt: (slot) => {
      const { vehicles } = this.options.state;
      if (this.vehicleCanvas === null || slot < 0 || slot >= vehicles.count) return null;
      return this.vehicleCanvas.alphaAt(vehicles.lon[slot], vehicles.lat[slot]);
    },
    visibleLabels: () => this.labels.visibleNames(),
    visibleLabelBoxes: () => this.labels.visibleBoxes(),
    overlayMarks: (id) => {
      const layer = this.layersDrawn.find((candidate) => candidate.id === id);
      const data = layer?.props.data as { length?: number } | undefined;
      return layer === undefined ? null : (data?.length ?? 0);
    },
    isAway: () => this.flight.isAway,
    deckLoop: () => ({
      gated: this.deckFrames !== null,
      asleep: this.deckFrames?.asleep ?? false,
      framesRun: this.deckFrames?.framesRun ?? 0,
    }),
    bounds: () => {
      const b = this.map.getBounds();
      return [
        [b.getWest(), b.getSouth()],
        [b.getEast(), b.getNorth()],
      ];
    },
  };

  /** The frame of a redraw ends when the browser starts the next one, after compositing what deck.gl drew. */
  private timeFrameEnd(): void {
    const startedAt = this.redrawStartedAt;
    if (startedAt === null) return;
    this.redrawStartedAt = null;
    requestAnimationFrame(() => this.options.state.timings.frameMs.add(performance.now() - startedAt));
  }

  /** Refills the vehicle attributes when positions changed, or when vehicles may have gone offline meanwhile. */
  private refreshVehicles(now: number): void {
    const { vehicles } = this.options.state;
    const serverNow = this.options.state.serverNow(now);
    const onlineBucket = Math.floor(serverNow / ONLINE_BUCKET_MS);
    const unchanged = vehicles.version === this.vehicleVersionDrawn && onlineBucket === this.onlineBucketDrawn;
    if (unchanged || now - this.vehicleRefreshedAt < VEHICLE_REFRESH_MS) return;
    this.vehicleVersionDrawn = vehicles.version;
    this.onlineBucketDrawn = onlineBucket;
    this.vehicleRefreshedAt = now;
    if (this.vehicleCanvas !== null) this.drawVehicleCanvas(now);
    else
      this.vehicleData = this.vehicleBuffers.fill(
        vehicles,
        serverNow - VEHICLE_ONLINE_WINDOW_MS,
        serverNow - VEHICLE_ON_MAP_WINDOW_MS,
        this.markRadii(),
      );
  }

  /** Mark radii in CSS pixels: the layout's sizes (design pixels) at this screen's height. */
  private markRadii(): { normal: number; alarming: number } {
    const { sizes, scale } = this.options;
    return { normal: sizes.vehicleRadiusPx * scale, alarming: sizes.alarmingRadiusPx * scale };
  }

  /** Redraws the 2D-canvas vehicle layer now, timing the draw and its frame like a deck.gl redraw. */
  private drawVehicleCanvas(now: number): void {
    if (this.vehicleCanvas === null) return;
    const { state } = this.options;
    const startedAt = performance.now();
    const serverNow = state.serverNow(now);
    this.vehicleCanvas.draw(
      state.vehicles,
      serverNow - VEHICLE_ONLINE_WINDOW_MS,
      serverNow - VEHICLE_ON_MAP_WINDOW_MS,
      this.markRadii(),
    );
    state.timings.drawMs.add(performance.now() - startedAt);
    requestAnimationFrame(() => state.timings.frameMs.add(performance.now() - startedAt));
  }

  private refreshHeat(now: number): void {
    const { alarms } = this.options.state;
    if (now - this.heatRefreshedAt < HEAT_REFRESH_MS) return;
    this.heatRefreshedAt = now;
    if (alarms.heatCount === this.heatData.length && alarms.dayKey === this.heatDayDrawn) return;
    this.heatDayDrawn = alarms.dayKey;
    this.heatData = { length: alarms.heatCount };
  }

  private refreshOpenAlarms(now: number): void {
    const { alarms } = this.options.state;
    if (alarms.openVersion === this.openVersionDrawn || now - this.openRefreshedAt < OPEN_ALARMS_REFRESH_MS) return;
    this.openVersionDrawn = alarms.openVersion;
    this.openRefreshedAt = now;
    this.openAlarms = Array.from(alarms.open.values()).filter(hasPlace);
  }

  private followCritical(): void {
    const critical = this.options.state.criticalVisit;
    if (critical === null || critical.seq === this.criticalSeqHandled) return;
    this.criticalSeqHandled = critical.seq;
    this.flight.visit(critical.alarm.lon, critical.alarm.lat);
  }

  /** deck.gl creates its canvas lazily; attach the context-loss listener once it exists. */
  private watchOverlayCanvas(): void {
    if (this.overlayCanvasWatched) return;
    const canvas = this.overlay.getCanvas();
    if (canvas === null) return;
    canvas.addEventListener('webglcontextlost', this.options.onContextLost);
    this.overlayCanvasWatched = true;
  }

  private padding(): PaddingOptions {
    const { scale, container } = this.options;
    const width = container.clientWidth;
    const height = container.clientHeight;
    const side = Math.max(0, Math.min(SIDE_PANEL_SPACE_PX * scale, (width - MAP_AREA_PX_MIN) / 2));
    const top = Math.max(0, Math.min(TOP_SPACE_PX * scale, (height - MAP_AREA_PX_MIN) / 2));
    const bottom = Math.max(0, Math.min(BOTTOM_SPACE_PX * scale, (height - MAP_AREA_PX_MIN) / 2));
    return { left: side, right: side, top, bottom };
  }
}
