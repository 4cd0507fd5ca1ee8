/**
 * The demo's city buses: two Zhengzhou routes as a bus operator publishes them, posted through the node's own HTTP
 * ingestion — the timetable's routes, stops and trips as `gtfs_static` records once at the start, then every 20 demo
 * seconds a GTFS-Realtime feed (in its JSON form) of every bus's position and its trip's delay, as `gtfs_rt`. Route
 * 1 runs east–west along 金水路, route 2 north–south along 紫荆山路; four buses each shuttle end to end at city speed.
 * Two of route 1 run a couple of hundred metres apart, so the wall's 公交线路 panel shows bunching; route 1 runs 2–5
 * minutes late, route 2 about on time. A pure function of the demo time, so a test judges it with the ingestion's
 * own normalizers without a node.
 */

interface Route {
  id: string;
  shortName: string;
  longName: string;
  /** Ends of the line, west/south first. */
  from: { lat: number; lon: number };
  to: { lat: number; lon: number };
  stops: readonly string[];
  /** Where each bus starts along its shuttle (0–2: out and back), so buses spread along the line. */
  offsets: readonly number[];
  /** Delay of its trips in seconds at demo minute 0, and how much it swings. */
  delayS: number;
  delaySwingS: number;
}

const ROUTES: readonly Route[] = [
  {
    id: 'R1',
    shortName: '1路',
    longName: '西站—郑州东站',
    from: { lat: 34.7575, lon: 113.6 },
    to: { lat: 34.7575, lon: 113.74 },
    stops: ['西站', '碧沙岗', '二七广场', '紫荆山', '未来路', '郑州东站'],
    // The first two a few hundred metres apart: bunched.
    offsets: [0.1, 0.11, 0.6, 1.3],
    delayS: 180,
    delaySwingS: 120,
  },
  {
    id: 'R2',
    shortName: '2路',
    longName: '南三环—北环',
    from: { lat: 34.7, lon: 113.6825 },
    to: { lat: 34.81, lon: 113.6825 },
    stops: ['南三环', '航海路', '陇海路', '紫荆山', '黄河路', '北环'],
    offsets: [0.05, 0.55, 1.05, 1.55],
    delayS: 20,
    delaySwingS: 40,
  },
];

/** City buses' mean speed along the line, stops included. */
const BUS_SPEED_KMH = 18;
const AGENCY = 'DEMO-ZZBUS';

const routeKm = (route: Route): number => {
  const dLat = (route.to.lat - route.from.lat) * 111.2;
  const dLon = (route.to.lon - route.from.lon) * 111.2 * Math.cos((route.from.lat * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
};

const vehicleId = (route: Route, bus: number): string => `ZZ-${route.id}-${bus + 1}`;
const tripId = (route: Route, bus: number, direction: number): string => `T-${route.id}-${bus + 1}-${direction}`;

/** The timetable: routes, stops, and a trip per bus and direction (what the positions name). */
export function busTimetable(): Record<string, unknown>[] {
  return ROUTES.flatMap((route) => [
    {
      type: 'route',
      route_id: route.id,
      route_short_name: route.shortName,
      route_long_name: route.longName,
      route_type: 3,
      agency_id: AGENCY,
    },
    ...route.stops.map((name, i) => {
      const f = i / (route.stops.length - 1);
      return {
        type: 'stop',
        stop_id: `${route.id}-S${i + 1}`,
        stop_name: name,
        stop_lat: Math.round((route.from.lat + (route.to.lat - route.from.lat) * f) * 1e5) / 1e5,
        stop_lon: Math.round((route.from.lon + (route.to.lon - route.from.lon) * f) * 1e5) / 1e5,
      };
    }),
    ...route.offsets.flatMap((_offset, bus) =>
      [0, 1].map((direction) => ({
        type: 'trip',
        trip_id: tripId(route, bus, direction),
        route_id: route.id,
        service_id: 'DAILY',
        direction_id: direction,
        trip_headsign: direction === 0 ? route.stops[route.stops.length - 1] : route.stops[0],
      })),
    ),
  ]);
}

/** The GTFS-Realtime feed (JSON form) at demo time `atMs`, `elapsedS` demo seconds after the start. */
export function busFeedAt(atMs: number, elapsedS: number): Record<string, unknown> {
  const timestamp = Math.floor(atMs / 1000);
  const entity = ROUTES.flatMap((route) => {
    const km = routeKm(route);
    const shuttleS = ((2 * km) / BUS_SPEED_KMH) * 3600;
    return route.offsets.flatMap((offset, bus) => {
      // Position along the out-and-back shuttle, 0–2: below 1 outbound (direction 0), above 1 on the way back.
      const phase = (offset + (elapsedS / shuttleS) * 2) % 2;
      const direction = phase < 1 ? 0 : 1;
      const f = direction === 0 ? phase : 2 - phase;
      const lat = route.from.lat + (route.to.lat - route.from.lat) * f;
      const lon = route.from.lon + (route.to.lon - route.from.lon) * f;
      const heading = route.from.lat === route.to.lat ? (direction === 0 ? 90 : 270) : direction === 0 ? 0 : 180;
      const trip = { tripId: tripId(route, bus, direction), routeId: route.id, directionId: direction };
      // The next stop along the trip: the trip's stops are numbered from its own first.
      const alongTrip = direction === 0 ? f : 1 - f;
      const stopSequence = Math.min(route.stops.length, Math.floor(alongTrip * (route.stops.length - 1)) + 2);
      const delay = Math.round(route.delayS + route.delaySwingS * Math.sin(elapsedS / 600 + bus));
      return [
        {
          id: `vp-${vehicleId(route, bus)}`,
          vehicle: {
            trip,
            vehicle: { id: vehicleId(route, bus), label: `${route.shortName}-${bus + 1}` },
            position: {
              latitude: Math.round(lat * 1e5) / 1e5,
              longitude: Math.round(lon * 1e5) / 1e5,
              bearing: heading,
              speed: Math.round((BUS_SPEED_KMH / 3.6) * 10) / 10,
            },
            timestamp,
          },
        },
        {
          id: `tu-${vehicleId(route, bus)}`,
          tripUpdate: {
            trip,
            vehicle: { id: vehicleId(route, bus) },
            stopTimeUpdate: [{ stopSequence, arrival: { delay } }],
            timestamp,
          },
        },
      ];
    });
  });
  return { header: { gtfsRealtimeVersion: '2.0', timestamp }, entity };
}
