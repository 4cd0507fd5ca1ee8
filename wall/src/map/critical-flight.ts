/**
 * Flies the map to a critical alarm, holds there long enough for the room to look, and flies home. Which alarms
 * are visited, and how often, is decided by FeedState (CRITICAL_VISIT_MS); this only moves the camera.
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
    this.map.flyTo({ center: [lon, lat], zoom: FLY_ZOOM, duration: FLY_DURATION_MS, essential: true });
    this.returnTimer = setTimeout(() => this.goHome(), FLY_DURATION_MS + FLY_HOLD_MS);
  }

  /** Back to the whole province: after a visit, and whenever the wall is resized while at home. */
  goHome(durationMs = FLY_DURATION_MS): void {
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
