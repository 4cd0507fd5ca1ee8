/**
 * Colours of the map. Vehicle classes use hues that stay apart on a dark wall from across a room; red is kept for
 * alarms only, so nothing but an alarm ever looks like one.
 */
import { VEHICLE_CLASSES, type VehicleClass } from '../feed/vehicle-classes.js';

export type Rgb = [number, number, number];

export const VEHICLE_CLASS_COLORS: Readonly<Record<VehicleClass, Rgb>> = {
  coach: [34, 199, 255],
  dangerous_goods: [255, 159, 26],
  heavy_truck: [245, 224, 80],
  tractor: [179, 136, 255],
  bus: [61, 220, 132],
  taxi: [255, 122, 217],
  other: [143, 163, 191],
};

/** Indexed like VEHICLE_CLASSES, for the per-vehicle accessor that only has the class index. */
export const VEHICLE_CLASS_COLORS_BY_INDEX: readonly Rgb[] = VEHICLE_CLASSES.map((name) => VEHICLE_CLASS_COLORS[name]);

export const ALARMING_COLOR: Rgb = [255, 45, 45];
/** Vehicles whose last fix is older than the online window: still shown where they were, but faded. */
export const OFFLINE_ALPHA = 70;
export const ONLINE_ALPHA = 230;

export const SEVERITY_COLORS: Readonly<Record<string, Rgb>> = {
  critical: [255, 45, 45],
  warning: [255, 170, 30],
  info: [70, 170, 255],
};

export function severityColor(severity: string): Rgb {
  return Object.hasOwn(SEVERITY_COLORS, severity) ? SEVERITY_COLORS[severity] : SEVERITY_COLORS.info;
}

/** Heat map ramp: deep blue for a few alarms to hot white where they cluster. */
export const HEAT_COLOR_RANGE: Rgb[] = [
  [20, 40, 110],
  [40, 90, 190],
  [120, 80, 200],
  [230, 70, 120],
  [255, 150, 60],
  [255, 235, 170],
];

export function rgbCss([red, green, blue]: Rgb): string {
  return `rgb(${red}, ${green}, ${blue})`;
}
