/**
 * How much drawing the wall can afford. Video-wall controllers have GPUs, but a kiosk PC whose GPU the browser has
 * blocklisted (and headless test browsers) render WebGL in software, where one 4K redraw with the heat map takes
 * over a second and a 20 fps pulse animation would starve the page of time to read its WebSocket. There the wall
 * redraws only when data changed, at most once a second, the pulses stand still, the heat map is left out, the
 * vehicles are drawn into a plain 2D canvas instead of WebGL (a deck.gl layer of 100,000 vehicles costs software
 * WebGL seconds per redraw), the camera jumps to a critical alarm instead of flying, and the map and vehicles are
 * drawn at half the screen's resolution and scaled up (a quarter of the pixels; a wall is read from metres away).
 * `?render=full` or `?render=lite` overrides the detection for a kiosk it gets wrong; `?pixel-ratio=` sets the
 * drawing resolution (PIXEL_RATIO_MIN..PIXEL_RATIO_MAX) and `?vehicle-layer=deck|canvas` how vehicles are drawn (for
 * comparing the two).
 */
const SOFTWARE_RENDERER_PATTERN = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

export interface RenderBudget {
  /** Shortest time between two redraws of the deck.gl layers. */
  frameIntervalMs: number;
  /**
   * Whether open alarms pulse and the camera flies to a critical alarm; without it they are drawn as still rings and
   * the camera jumps (critical-flight.ts).
   */
  animate: boolean;
  /** Whether today's alarms are drawn as a heat map, the costliest layer to draw. */
  heat: boolean;
  /** Drawing-buffer pixels per CSS pixel for the map and the vehicle layers; 1 = full resolution. */
  pixelRatio: number;
  /** 'deck': a deck.gl layer (GPU); 'canvas': a 2D canvas, the cheap path for software rendering. */
  vehicleLayer: 'deck' | 'canvas';
  renderer: string;
}

/** With a GPU: pulses at 20 fps. */
const FULL_BUDGET = { frameIntervalMs: 50, animate: true, heat: true, pixelRatio: 1, vehicleLayer: 'deck' } as const;
const LITE_BUDGET = {
  frameIntervalMs: 1_000,
  animate: false,
  heat: false,
  pixelRatio: 0.5,
  vehicleLayer: 'canvas',
} as const;
/** Bounds of `?pixel-ratio=`: below a quarter dots and borders blur into each other, above 2 nothing gets sharper. */
export const PIXEL_RATIO_MIN = 0.25;
export const PIXEL_RATIO_MAX = 2;

/** `?pixel-ratio=` when given; a value out of bounds is a configuration error the wall shows rather than guesses. */
function pixelRatioOverride(params: URLSearchParams): number | undefined {
  const raw = params.get('pixel-ratio');
  if (raw === null) return undefined;
  const value = Number(raw);
  if (!(value >= PIXEL_RATIO_MIN && value <= PIXEL_RATIO_MAX)) {
    throw new Error(`pixel-ratio value ${raw} is outside ${PIXEL_RATIO_MIN}..${PIXEL_RATIO_MAX}`);
  }
  return value;
}

/** Asks a throw-away WebGL context which renderer the browser uses; unknown counts as hardware. */
export function detectRenderBudget(search: string): RenderBudget {
  const params = new URLSearchParams(search);
  const detected = detectFromRenderer(params.get('render'));
  const layer = params.get('vehicle-layer');
  return {
    ...detected,
    pixelRatio: pixelRatioOverride(params) ?? detected.pixelRatio,
    vehicleLayer: layer === 'deck' || layer === 'canvas' ? layer : detected.vehicleLayer,
  };
}

function detectFromRenderer(forced: string | null): RenderBudget {
  if (forced === 'full') return { ...FULL_BUDGET, renderer: 'forced' };
  if (forced === 'lite') return { ...LITE_BUDGET, renderer: 'forced' };
  let renderer = 'unknown';
  try {
    const gl =
      document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    if (gl !== null) {
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      renderer = String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  } catch {
    // No WebGL at all: the map will fail on its own; the budget does not matter.
  }
  return { ...(SOFTWARE_RENDERER_PATTERN.test(renderer) ? LITE_BUDGET : FULL_BUDGET), renderer };
}
