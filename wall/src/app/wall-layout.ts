/**
 * The physical wall the page is shown on (`?layout=`), and the sizes that follow from reading it from across the
 * room. Every size of the wall is in design pixels of a 2160-px-tall canvas (`--u` in wall.css); what a design pixel
 * measures on the glass depends on the wall, and what must be read depends on how far away people stand.
 *
 * The rule: a character must subtend at least **16 arcminutes** at the eye (ISO 9241-303's minimum character
 * height) for secondary text — axes, notes, tags — and **20 arcminutes** (its preferred size) for everything read
 * at a glance — names, rows, labels. That is 4.65 mm and 5.82 mm of character height per metre of viewing distance.
 * A character's height is its font size (a CJK glyph fills its em box). Vehicle marks subtend at least 5
 * arcminutes (1.45 mm per metre), alarming ones twice that.
 *
 * The standard walls are read from about 3.65 times their height (2.5 m for one 55″ screen, 5 m for a 2×2 of 55″,
 * 7.5 m for a 3×3), so all three get the same sizes in design pixels; `&viewing-distance-m=` says otherwise. What
 * the layout changes is where the seams are: nothing that must be read is centred on a seam between two screens.
 */

export type LayoutId = '1x1-4k' | '2x2-1080p' | '3x3-1080p';

export interface WallLayout {
  id: LayoutId;
  /** Screens across and down. */
  columns: number;
  rows: number;
  /** Height of the whole wall's glass, mm (a 55″ 16:9 panel is 685 mm tall). */
  heightMm: number;
  viewingDistanceM: number;
}

const PANEL_55_HEIGHT_MM = 685;
export const LAYOUTS: Readonly<Record<LayoutId, WallLayout>> = {
  '1x1-4k': { id: '1x1-4k', columns: 1, rows: 1, heightMm: PANEL_55_HEIGHT_MM, viewingDistanceM: 2.5 },
  '2x2-1080p': { id: '2x2-1080p', columns: 2, rows: 2, heightMm: 2 * PANEL_55_HEIGHT_MM, viewingDistanceM: 5 },
  '3x3-1080p': { id: '3x3-1080p', columns: 3, rows: 3, heightMm: 3 * PANEL_55_HEIGHT_MM, viewingDistanceM: 7.5 },
};
/** A 2×2 splice of 55″ 1080p panels read from 5 m: the common centre wall, and the example. */
export const DEFAULT_LAYOUT: LayoutId = '2x2-1080p';
export const VIEWING_DISTANCE_M_MIN = 1;
export const VIEWING_DISTANCE_M_MAX = 30;

/** Character height per metre of viewing distance, mm: 16′ (secondary) and 20′ (primary) of arc. */
export const SECONDARY_TEXT_MM_PER_M = 1000 * Math.tan((16 / 60) * (Math.PI / 180));
export const PRIMARY_TEXT_MM_PER_M = 1000 * Math.tan((20 / 60) * (Math.PI / 180));
/** A vehicle mark's diameter per metre: 5′ of arc. */
export const VEHICLE_MARK_MM_PER_M = 1000 * Math.tan((5 / 60) * (Math.PI / 180));
export const DESIGN_HEIGHT_PX = 2_160;

/** The sizes a wall needs, in design pixels. */
export interface WallSizes {
  layout: WallLayout;
  /** Smallest font size for secondary text. */
  secondaryPx: number;
  /** Smallest font size for text read at a glance. */
  primaryPx: number;
  /** Radius of a vehicle's mark, and of an alarming one. */
  vehicleRadiusPx: number;
  alarmingRadiusPx: number;
}

/** Design pixels for `mm` on the glass of `layout`. */
function designPx(layout: WallLayout, mm: number): number {
  return (mm * DESIGN_HEIGHT_PX) / layout.heightMm;
}

export function wallSizes(layout: WallLayout): WallSizes {
  const d = layout.viewingDistanceM;
  const mark = designPx(layout, VEHICLE_MARK_MM_PER_M * d) / 2;
  return {
    layout,
    secondaryPx: Math.ceil(designPx(layout, SECONDARY_TEXT_MM_PER_M * d)),
    primaryPx: Math.ceil(designPx(layout, PRIMARY_TEXT_MM_PER_M * d)),
    vehicleRadiusPx: mark,
    alarmingRadiusPx: 2 * mark,
  };
}

/**
 * The layout from the page's query: `?layout=` one of LAYOUTS (default 2x2-1080p) and optionally
 * `&viewing-distance-m=`. An unknown layout or a distance out of bounds is a configuration error the wall shows.
 */
export function layoutFromSearch(search: string): WallLayout {
  const params = new URLSearchParams(search);
  const id = params.get('layout') ?? DEFAULT_LAYOUT;
  if (!(id in LAYOUTS)) throw new Error(`layout value ${id} is not one of ${Object.keys(LAYOUTS).join(', ')}`);
  const layout = LAYOUTS[id as LayoutId];
  const distance = params.get('viewing-distance-m');
  if (distance === null) return layout;
  const metres = Number(distance);
  if (!(metres >= VIEWING_DISTANCE_M_MIN && metres <= VIEWING_DISTANCE_M_MAX))
    throw new Error(
      `viewing-distance-m value ${distance} is outside ${VIEWING_DISTANCE_M_MIN}..${VIEWING_DISTANCE_M_MAX}`,
    );
  return { ...layout, viewingDistanceM: metres };
}

/** The CSS custom properties the stylesheet sizes text and the seams' gaps with. */
export function layoutCssVariables(sizes: WallSizes): Record<string, string> {
  return {
    '--t1': `calc(var(--u) * ${sizes.primaryPx})`,
    '--t2': `calc(var(--u) * ${sizes.secondaryPx})`,
    '--t1-px': String(sizes.primaryPx),
    '--t2-px': String(sizes.secondaryPx),
  };
}
