/**
 * What the browser tests may ask the live map (through `window.__vigilWall`): whether the vehicle layer has drawn a
 * vehicle where maplibre itself projects the vehicle's position. Set by the MapDriver while it lives.
 */
export interface MapProbe {
  /**
   * The alpha (0-255) of the 2D-canvas vehicle layer at the screen point of vehicle `slot`, or null when deck.gl
   * draws the vehicles (a GPU budget) or the slot has no position.
   */
  vehicleAlphaAt(slot: number): number | null;
  /** Place names shown inside the map's visible area now. */
  visibleLabels(): string[];
  /** The screen boxes of those names, CSS pixels. */
  visibleLabelBoxes(): { name: string; left: number; top: number; right: number; bottom: number }[];
  /** Marks in the deck.gl layer `id` as last drawn (`taxis`, `buses`, `vessels`), or null when no such layer. */
  overlayMarks(id: string): number | null;
  /** True while the map is away at a critical alarm. */
  isAway(): boolean;
  /** The map's visible extent, [[west, south], [east, north]] in degrees. */
  bounds(): [[number, number], [number, number]];
  /** deck.gl's render loop: whether it is behind the frame gate, asleep now, and the frames it has run. */
  deckLoop(): DeckLoopState;
}

export interface DeckLoopState {
  gated: boolean;
  asleep: boolean;
  framesRun: number;
}

export const mapProbes: { current: MapProbe | null } = { current: null };
