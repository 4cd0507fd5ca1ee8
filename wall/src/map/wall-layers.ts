/**
 * The deck.gl layers of the wall, as pure functions of a frame description. Vehicles arrive as binary attributes
 * (see vehicle-buffers.ts). The heat layer reads the alarm store's typed arrays through index accessors; its `data`
 * is a `{length}` wrapper replaced only when the count changes, and an updateTrigger says when to re-read.
 */
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { FeedAlarm } from '../../../schema/feed.js';
import type { BusMark, TaxiMark, VesselMark } from '../../../schema/summary.js';
import type { AlarmStore } from '../feed/alarm-store.js';
import type { VehicleBinaryData } from './vehicle-buffers.js';
import { HEAT_COLOR_RANGE, severityColor } from './vehicle-colors.js';

const PULSE_RADIUS_PX = 11;
const PULSE_GROWTH = 3.2;
const PULSE_LINE_PX = 3.5;
const ALARM_CORE_RADIUS_PX = 7;
const HEAT_RADIUS_PX = 55;
/** A vessel is a ring twice a vehicle mark's size: a shape of its own, not a colour among the vehicles'. */
const VESSEL_RADIUS_PX = 14;
const VESSEL_LINE_PX = 5;
export const VESSEL_COLOR: [number, number, number] = [0, 229, 255];
const VESSEL_FILL: [number, number, number, number] = [4, 9, 20, 200];
/**
 * A bus (GTFS-Realtime) is a white dot in a green ring: no vehicle class is white, so it never reads as a JT/T 808
 * vehicle (whose city buses are plain green dots). A bunched bus (too close to another of its route and direction)
 * is larger with an orange ring, so a bunch stands out on a city's map.
 */
const BUS_RADIUS_PX = 9;
const BUNCHED_BUS_RADIUS_PX = 14;
const BUS_LINE_PX = 4;
const BUS_FILL: [number, number, number] = [240, 248, 255];
export const BUS_COLOR: [number, number, number] = [0, 200, 83];
export const BUNCHED_BUS_COLOR: [number, number, number] = [255, 140, 0];
/**
 * A taxi or ride-hailing car its platform reports (`taxi_position`) is a small dark dot in a pink ring: the taxi
 * class's pink, so the room reads it as a taxi, but a ring like the other platform-fed marks (buses, vessels), never
 * a JT/T 808 vehicle's plain dot. Smaller than a bus: a city has thousands of them.
 */
const TAXI_RADIUS_PX = 7;
const TAXI_LINE_PX = 3;
const TAXI_FILL: [number, number, number, number] = [4, 9, 20, 220];
export const TAXI_COLOR: [number, number, number] = [255, 122, 217];

/**
 * The vessels, buses and taxis the map shows, refilled when the wall's flows are polled; `version` changes with every
 * refill, so the map driver knows when to redraw without comparing lists.
 */
export interface FlowMarks {
  version: number;
  vessels: readonly VesselMark[];
  buses: readonly BusMark[];
  taxis: readonly TaxiMark[];
}

export interface CountedData {
  length: number;
}

/** Everything one frame of the map depends on. */
export interface MapFrame {
  /** Wall height over 2160: pixel sizes are designed for a 2160-px-tall wall. */
  scale: number;
  fontFamily: string;
  /** A new object whenever the vehicles' attribute arrays were refilled. */
  vehicleData: VehicleBinaryData;
  alarms: AlarmStore;
  heatData: CountedData;
  heatTrigger: string;
  openAlarms: readonly FeedAlarm[];
  /** 0..1, position in the pulse cycle of the open alarms. */
  pulsePhase: number;
  /** False when the render budget cannot afford the heat map. */
  heat: boolean;
  vessels: readonly VesselMark[];
  buses: readonly BusMark[];
  taxis: readonly TaxiMark[];
}

function vehicleLayer(frame: MapFrame): Layer {
  return new ScatterplotLayer<unknown>({
    id: 'vehicles',
    data: frame.vehicleData,
    radiusUnits: 'pixels',
    stroked: false,
    filled: true,
  });
}

function heatLayer(frame: MapFrame): Layer {
  const { alarms } = frame;
  return new HeatmapLayer<unknown>({
    id: 'alarm-heat',
    data: frame.heatData,
    radiusPixels: HEAT_RADIUS_PX * frame.scale,
    intensity: 1,
    // A high threshold leaves thinly spread alarms undrawn, so only real clusters glow.
    threshold: 0.12,
    opacity: 0.5,
    colorRange: HEAT_COLOR_RANGE,
    getPosition: (_, { index, target }) => {
      target[0] = alarms.heatLon[index];
      target[1] = alarms.heatLat[index];
      return target as [number, number];
    },
    getWeight: 1,
    updateTriggers: { getPosition: frame.heatTrigger },
  });
}

function pulseLayers(frame: MapFrame): Layer[] {
  const { scale, pulsePhase } = frame;
  const position = (alarm: FeedAlarm): [number, number] => [alarm.lon, alarm.lat];
  return [
    // The ring's size and fade are uniforms (radiusScale, opacity), so animating them re-uploads nothing.
    new ScatterplotLayer<FeedAlarm>({
      id: 'alarm-pulse',
      data: frame.openAlarms,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      filled: false,
      stroked: true,
      getPosition: position,
      getRadius: PULSE_RADIUS_PX * scale,
      getLineWidth: PULSE_LINE_PX * scale,
      getLineColor: (alarm) => severityColor(alarm.severity),
      radiusScale: 1 + PULSE_GROWTH * pulsePhase,
      opacity: 0.95 * (1 - pulsePhase),
    }),
    new ScatterplotLayer<FeedAlarm>({
      id: 'alarm-core',
      data: frame.openAlarms,
      radiusUnits: 'pixels',
      lineWidthUnits: 'pixels',
      filled: true,
      stroked: true,
      getPosition: position,
      getRadius: ALARM_CORE_RADIUS_PX * scale,
      getFillColor: (alarm) => severityColor(alarm.severity),
      getLineColor: [255, 255, 255, 220],
      getLineWidth: 1.5 * scale,
    }),
  ];
}

/** How a layer of plain ringed dots draws: one size and one colour for every mark. */
interface RingedDotStyle {
  radiusPx: number;
  linePx: number;
  fill: [number, number, number, number];
  line: [number, number, number];
}

/** Marks all alike, a dark dot in a coloured ring: vessels, platform taxis. */
function ringedDotLayer<T extends { lon: number; lat: number }>(
  id: string,
  data: readonly T[],
  style: RingedDotStyle,
  scale: number,
): Layer {
  return new ScatterplotLayer<T>({
    id,
    data,
    radiusUnits: 'pixels',
    lineWidthUnits: 'pixels',
    filled: true,
    stroked: true,
    getPosition: (mark) => [mark.lon, mark.lat],
    getRadius: style.radiusPx * scale,
    getFillColor: style.fill,
    getLineColor: style.line,
    getLineWidth: style.linePx * scale,
  });
}

function vesselLayer(frame: MapFrame): Layer {
  const style = { radiusPx: VESSEL_RADIUS_PX, linePx: VESSEL_LINE_PX, fill: VESSEL_FILL, line: VESSEL_COLOR };
  return ringedDotLayer('vessels', frame.vessels, style, frame.scale);
}

function busLayer(frame: MapFrame): Layer {
  return new ScatterplotLayer<BusMark>({
    id: 'buses',
    data: frame.buses,
    radiusUnits: 'pixels',
    lineWidthUnits: 'pixels',
    filled: true,
    stroked: true,
    getPosition: (bus) => [bus.lon, bus.lat],
    getRadius: (bus) => (bus.bunched ? BUNCHED_BUS_RADIUS_PX : BUS_RADIUS_PX) * frame.scale,
    getFillColor: BUS_FILL,
    getLineColor: (bus) => (bus.bunched ? BUNCHED_BUS_COLOR : BUS_COLOR),
    getLineWidth: BUS_LINE_PX * frame.scale,
    updateTriggers: { getRadius: frame.scale, getLineWidth: frame.scale },
  });
}

function taxiLayer(frame: MapFrame): Layer {
  const style = { radiusPx: TAXI_RADIUS_PX, linePx: TAXI_LINE_PX, fill: TAXI_FILL, line: TAXI_COLOR };
  return ringedDotLayer('taxis', frame.taxis, style, frame.scale);
}

/**
 * Bottom to top: heat under the vehicles, taxis above them, buses above those (fewer, and bunching matters), vessels
 * above those (a river is seldom crowded, a road may be), pulses on top; names are HTML over all of it
 * (map-labels.ts).
 */
export function buildWallLayers(frame: MapFrame): Layer[] {
  return [
    ...(frame.heat ? [heatLayer(frame)] : []),
    vehicleLayer(frame),
    taxiLayer(frame),
    busLayer(frame),
    vesselLayer(frame),
    ...pulseLayers(frame),
  ];
}
