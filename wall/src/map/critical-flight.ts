/**
 * Flies the map to a critical alarm, holds there long enough for the room to look, and flies home. Which alarms
 * are visited, and how often, is decided by FeedState (CRITICAL_VISIT_MS); this only moves the camera.
 *
 * Where WebGL is drawn in software (the render budget's `animate` off) the camera jumps instead of flying: a flight
 * is a map frame on every animation frame for 2.5 s each way, which in software is seconds of CPU for every visit and
 * breaks the budget's promise of at most a redraw a second. The visit lasts as long either way.
 */
import type { Map as MaplibreMap, PaddingOptions } from 'maplibre-gl';
import { CRITICAL_VISIT_MS } from '../feed/feed-state.js';
import type { Bounds } from './division-geometry.js';

export const FLY_DURATION_MS = 2_500;
/** The rest of the visit, about 8 s, is spent looking at the alarm. */
export const FLY_HOLD_MS = CRITICAL_VISIT_MS - 2 * FLY_DURATION_MS;
export const FLY_ZOOM = 10.5;

export class CriticalFlight {
  private returnTimer: ReturnType<typeof setTimeout> | null = null;
  private homeTimer: ReturnType<typeof setTimeout> | null = null;
  private away = false;

  constructor(
    private readonly map: MaplibreMap,
    private readonly home: () => { bounds: Bounds; padding: PaddingOptions },
    /** How long the camera takes to the alarm and back: FLY_DURATION_MS, or 0 to jump. */
    private readonly flyMs: number = FLY_DURATION_MS,
  ) {}

  get isAway(): boolean {
    return this.away;
  }

  /** Starts a visit; one already under way is cut short in favour of this one. */
  visit(lon: number, lat: number): void {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    this.away = true;
    if (this.returnTimer !== null) clearTimeout(this.returnTimer);
    if (this.homeTimer !== null) clearTimeout(this.homeTimer);
    this.homeTimer = null;
    // No padding here: maplibre keeps a camera's padding and adds it to the next fitBounds' own, which then no
    // longer fits and silently stays put. The screen's centre is inside the map area anyway.
    if (this.flyMs > 0) this.map.flyTo({ center: [lon, lat], zoom: FLY_ZOOM, duration: this.flyMs, essential: true });
    else this.map.jumpTo({ center: [lon, lat], zoom: FLY_ZOOM });
    // Home again at the end of the visit, whether the way there and back is flown or jumped.
    this.returnTimer = setTimeout(() => this.goHome(), CRITICAL_VISIT_MS - this.flyMs);
  }

  /** Back to the whole province: after a visit, and whenever the wall is resized while at home. */
  goHome(durationMs = this.flyMs): void {
    if (this.returnTimer !== null) clearTimeout(this.returnTimer);
    this.returnTimer = null;
    const { bounds, padding } = this.home();
    this.map.fitBounds(bounds, { padding, duration: durationMs, essential: true });
    // The next visit may start once the way home has been flown.
    if (this.homeTimer !== null) clearTimeout(this.homeTimer);
    this.homeTimer = setTimeout(() => {
      this.homeTimer = null;
      this.away = false;
    }, durationMs);
  }

  cancel(): void {
    if (this.returnTimer !== null) clearTimeout(this.returnTimer);
    if (this.homeTimer !== null) clearTimeout(this.homeTimer);
    this.returnTimer = null;
    this.homeTimer = null;
  }
}
