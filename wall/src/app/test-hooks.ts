/** A read-only window onto the feed state for the browser tests (playwright reads `window.__vigilWall`). */
import type { FeedState } from '../feed/feed-state.js';
import { mapProbes, type DeckLoopState } from '../map/map-probe.js';
import type { RenderBudget } from '../map/render-budget.js';

export interface VigilWallHooks {
  readonly vehicleCount: number;
  /** Today's alarm episodes as the headline tile counts them. */
  readonly alarmsToday: number;
  alarmIds(): string[];
  openAlarmIds(): string[];
  /** Kiosk-clock time of the last message, epoch ms, or null. */
  readonly lastMessageAt: number | null;
  readonly serverId: string | null;
  readonly alarmSeq: number | null;
  /** 'full' with a GPU, 'lite' when WebGL is rendered in software (no pulses, no heat map). */
  readonly render: 'full' | 'lite';
  /** Latest per-update timings in ms: applying a positions frame, drawing the vehicles, a redraw's whole frame. */
  timings(): {
    applyFrameMs: number[];
    drawMs: number[];
    frameMs: number[];
    frames: number;
    draws: number;
    redraws: number;
    mapRenders: number;
  };
  readonly renderer: string;
  /** Alpha of the 2D-canvas vehicle layer where maplibre projects vehicle `slot`; null with deck.gl vehicles. */
  vehicleAlphaAt(slot: number): number | null;
  /** Place names shown inside the map's visible area now. */
  visibleLabels(): string[];
  /** The screen boxes of those names, CSS pixels. */
  visibleLabelBoxes(): { name: string; left: number; top: number; right: number; bottom: number }[];
  /** Marks the map's overlay layer `id` draws now (`taxis`, `buses`, `vessels`); null before the map exists. */
  overlayMarks(id: string): number | null;
  /** True while the map is away at a critical alarm. */
  readonly mapAway: boolean;
  /** The map's visible extent, [[west, south], [east, north]], or null before the map exists. */
  mapBounds(): [[number, number], [number, number]] | null;
  /** deck.gl's render loop behind its frame gate (map/deck-frame-gate.ts); null before the map exists. */
  deckLoop(): DeckLoopState | null;
}

declare global {
  interface Window {
    __vigilWall?: VigilWallHooks;
  }
}

export function installTestHooks(state: FeedState, budget: RenderBudget): () => void {
  const hooks: VigilWallHooks = {
    get vehicleCount() {
      return state.vehicles.count;
    },
    get alarmsToday() {
      return state.alarms.todayCount;
    },
    alarmIds: () => state.alarms.ids(),
    openAlarmIds: () => Array.from(state.alarms.open.keys()),
    get lastMessageAt() {
      return state.lastMessageAt;
    },
    get serverId() {
      return state.serverId;
    },
    get alarmSeq() {
      return state.alarmSeq;
    },
    render: budget.heat ? 'full' : 'lite',
    timings: () => ({
      applyFrameMs: state.timings.applyFrameMs.values(),
      drawMs: state.timings.drawMs.values(),
      frames: state.timings.applyFrameMs.count,
      draws: state.timings.drawMs.count,
      frameMs: state.timings.frameMs.values(),
      redraws: state.timings.frameMs.count,
      mapRenders: state.timings.mapRenders,
    }),
    renderer: budget.renderer,
    vehicleAlphaAt: (slot) => mapProbes.current?.vehicleAlphaAt(slot) ?? null,
    visibleLabels: () => mapProbes.current?.visibleLabels() ?? [],
    visibleLabelBoxes: () => mapProbes.current?.visibleLabelBoxes() ?? [],
    overlayMarks: (id) => mapProbes.current?.overlayMarks(id) ?? null,
    get mapAway() {
      return mapProbes.current?.isAway() ?? false;
    },
    mapBounds: () => mapProbes.current?.bounds() ?? null,
    deckLoop: () => mapProbes.current?.deckLoop() ?? null,
  };
  window.__vigilWall = hooks;
  return () => {
    if (window.__vigilWall === hooks) delete window.__vigilWall;
  };
}
