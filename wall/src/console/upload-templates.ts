/**
 * The columns of each source kind's file, as docs/sources/<kind>.md names them: what the upload page lists as
 * required and writes into a template (a CSV of the header row) a unit fills in. The server decides what a row
 * must hold; these are the names it reads.
 */
export interface KindColumns {
  required: readonly string[];
  optional: readonly string[];
}

export const KIND_COLUMNS: Readonly<Record<string, KindColumns>> = {
  anpr: {
    required: ['event_id', 'camera_id', 'plate', 'time'],
    optional: ['plate_color', 'lane', 'direction', 'confidence', 'image_ref', 'lat', 'lon', 'org_code'],
  },
  wim: {
    required: ['event_id', 'site_id', 'plate', 'time', 'axles', 'gross_kg'],
    optional: ['plate_color', 'speed_kmh', 'lane', 'lat', 'lon', 'org_code'],
  },
  gantry: {
    required: ['event_id', 'gantry_id', 'plate', 'time'],
    optional: ['obu_id', 'plate_color', 'lane', 'lat', 'lon', 'org_code'],
  },
  toll: {
    required: ['event_id', 'plate', 'entry_station_id', 'exit_station_id', 'entry_time', 'exit_time'],
    optional: [
      'plate_color',
      'toll_class',
      'axles',
      'entry_station_name',
      'exit_station_name',
      'entry_lat',
      'entry_lon',
      'exit_lat',
      'exit_lon',
      'gross_kg',
      'weighed_at',
      'fee_yuan',
      'obu_id',
      'org_code',
    ],
  },
  device_status: {
    required: ['device_id', 'status', 'time'],
    optional: ['device_kind', 'detail', 'event_id', 'lat', 'lon', 'org_code'],
  },
  registry: {
    // One file may mix vehicles, enterprises and drivers: `type` says which, each fills its own columns.
    required: ['type'],
    optional: [
      'plate',
      'plate_color',
      'vehicle_class',
      'axles',
      'drive_axles',
      'enterprise_id',
      'terminal_id',
      'permit_valid_until',
      'route_length_km',
      'home_org_code',
      'id',
      'name',
      'org_code',
      'business_scope',
      'licence_no',
      'qualification_valid_until',
    ],
  },
  traffic_count: {
    required: ['station_id', 'vehicle_class', 'interval_start', 'interval_minutes', 'volume'],
    optional: [
      'station_name',
      'road',
      'direction',
      'lane',
      'mean_speed_kmh',
      'occupancy_percent',
      'lat',
      'lon',
      'org_code',
    ],
  },
  rail_flow: {
    required: ['station_id', 'interval_start', 'interval_minutes', 'arrivals', 'departures'],
    optional: ['station_name', 'lat', 'lon', 'org_code'],
  },
  ais: {
    // `nmea`: the message's sentences as one text, one per line (a quoted cell may hold line breaks).
    required: ['nmea', 'time'],
    optional: ['station_id', 'org_code'],
  },
  taxi_position: {
    required: ['company_id', 'plate', 'time', 'lat', 'lon'],
    optional: [
      'service',
      'plate_color',
      'driver_id',
      'speed_kmh',
      'heading_deg',
      'biz_status',
      'order_id',
      'encrypt',
      'org_code',
    ],
  },
  taxi_order: {
    // dispatched, picked_up and dropped_off rows need plate and driver_id as well (docs/sources/taxi.md).
    required: ['company_id', 'order_id', 'event', 'time'],
    optional: [
      'service',
      'plate',
      'plate_color',
      'driver_id',
      'lat',
      'lon',
      'encrypt',
      'fare_yuan',
      'distance_km',
      'org_code',
    ],
  },
  taxi_permit: {
    // A vehicle permit names its plate, a driver permit the driver's licence number (driver_id).
    required: ['permit_type', 'permit_no'],
    optional: [
      'plate',
      'driver_id',
      'name',
      'service',
      'company_id',
      'valid_from',
      'valid_until',
      'status',
      'org_code',
    ],
  },
  market_registration: {
    required: ['credit_code', 'name', 'status'],
    optional: [
      'legal_representative',
      'business_scope',
      'licence_numbers',
      'established_on',
      'status_changed_on',
      'authority',
      'org_code',
    ],
  },
  gtfs_static: {
    // routes.txt, stops.txt and trips.txt in one sheet: `type` (route, stop, trip) says which, each fills its own
    // GTFS columns. A GTFS zip as the operator publishes it is posted to the HTTP ingestion instead.
    required: ['type'],
    optional: [
      'route_id',
      'route_short_name',
      'route_long_name',
      'route_type',
      'agency_id',
      'stop_id',
      'stop_name',
      'stop_lat',
      'stop_lon',
      'trip_id',
      'service_id',
      'direction_id',
      'trip_headsign',
    ],
  },
};

/** The template of a kind: its header row as CSV, with a byte-order mark so spreadsheets read it as UTF-8. */
export function templateCsv(kind: string): string {
  const columns = KIND_COLUMNS[kind];
  return columns === undefined ? '' : `\uFEFF${[...columns.required, ...columns.optional].join(',')}\r\n`;
}
