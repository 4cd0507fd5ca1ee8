/**
 * Normalized records of the non-GPS sources (guideline G6, 应接尽接): roadside cameras reading plates (ANPR),
 * weigh-in-motion sites (WIM), expressway ETC gantries, the health of that equipment, and the vehicle
 * registry. Ingestion (HTTP, platforms) produces them; the rules and the stores consume them.
 */

export type VehicleClass = 'coach' | 'dangerous_goods' | 'heavy_truck' | 'tractor' | 'bus' | 'taxi' | 'other';
export const VEHICLE_CLASSES: readonly VehicleClass[] = [
  'coach',
  'dangerous_goods',
  'heavy_truck',
  'tractor',
  'bus',
  'taxi',
  'other',
];

/**
 * `toll` sightings are not posted as such: the toll ingestion derives one at the entry and one at the exit
 * station of each transaction (docs/sources/toll.md).
 */
export type CameraEventKind = 'anpr' | 'wim' | 'gantry' | 'toll';

/** One sighting of a vehicle by roadside equipment; `kind` says which fields are filled. */
export interface CameraEvent {
  /** Source-supplied id, unique per source: the idempotency key. */
  event_id: string;
  kind: CameraEventKind;
  /** Camera id, WIM site id, gantry id or toll station id. */
  device_id: string;
  plate: string;
  /** JT/T 415 colour code, 0 when unknown. */
  plate_color: number;
  /** Event time at the device, epoch ms. */
  ts: number;
  received_at: number;
  lat: number;
  lon: number;
  /** Division where the device stands. */
  org_code: string;
  /** anpr */
  lane: number;
  direction: string;
  confidence: number;
  image_ref: string;
  /** wim, toll */
  axles: number;
  gross_kg: number;
  axle_weights_kg: number[];
  speed_kmh: number;
  /** gantry */
  obu_id: string;
  /** API key id (or platform) that delivered it. */
  source: string;
}

export type DeviceState = 'online' | 'offline' | 'fault';

export interface DeviceStatus {
  event_id: string;
  device_id: string;
  device_kind: 'camera' | 'wim' | 'gantry' | 'other';
  status: DeviceState;
  ts: number;
  received_at: number;
  org_code: string;
  detail: string;
  source: string;
}

/** A vehicle as the registry knows it: what the rules need to judge it. */
export interface VehicleRecord {
  plate: string;
  plate_color: number;
  vehicle_class: VehicleClass;
  axles: number;
  /** Driven axles (of the tractor, for a combination): 1 or 2; 0 or absent when the registry does not say. */
  drive_axles?: number;
  enterprise_id: string;
  /** JT/T 808 terminal number as on the wire, when the vehicle has one. */
  terminal_id: string;
  /** Road-transport permit validity, epoch ms; null when the vehicle has no permit. */
  permit_valid_until: number | null;
  /** Route length of a scheduled coach, km (long-distance when > 100). */
  route_length_km: number;
  /** Home county, 6-digit division code. */
  home_org_code: string;
}

/** Read access to the registry, as the rules and the feed need it. */
export interface VehicleRegistry {
  byTerminal(terminalId: string): VehicleRecord | undefined;
  byPlate(plate: string): VehicleRecord | undefined;
  /**
   * The driver whose qualification certificate number (the id the registry keys drivers by) this is; absent
   * when the registry holds no drivers (then `driver_mismatch` cannot judge registration and says nothing).
   */
  byDriver?(certificate: string): DriverRecord | undefined;
  /**
   * The taxi or ride-hailing permit of a vehicle (by plate) or a driver (by licence number); absent when the
   * registry holds no permits (then `taxi_permit` cannot judge and says nothing).
   */
  taxiPermit?(type: TaxiPermitType, subject: string): TaxiPermitRecord | undefined;
}

export type TaxiService = 'taxi' | 'ride_hailing';
export type TaxiPermitType = 'vehicle' | 'driver';
export type TaxiPermitStatus = 'valid' | 'suspended' | 'revoked';

/**
 * A vehicle transport permit (车辆运输证, `subject` the plate) or a driver permit (驾驶员证, `subject` the driver's
 * licence number) of a taxi or ride-hailing service, as the licensing system issued it.
 */
export interface TaxiPermitRecord {
  permit_type: TaxiPermitType;
  subject: string;
  service: TaxiService;
  permit_no: string;
  company_id: string;
  /** The driver's name (driver permits), '' otherwise. */
  name: string;
  valid_from: number | null;
  /** End of validity, epoch ms; null when open-ended. */
  valid_until: number | null;
  status: TaxiPermitStatus;
  /** Division of the issuing authority. */
  org_code: string;
}

export type MarketStatus = 'active' | 'revoked' | 'cancelled' | 'moved_out' | 'other';

/** An enterprise registration of market supervision (企业登记), keyed by the unified social credit code. */
export interface MarketRegistrationRecord {
  credit_code: string;
  name: string;
  status: MarketStatus;
  /** The status as the register words it (存续, 吊销, 注销, …). */
  status_text: string;
  legal_representative: string;
  business_scope: string;
  /** Permit and licence numbers the register lists. */
  licence_numbers: string[];
  established_on: number | null;
  status_changed_on: number | null;
  authority: string;
  /** Division of the registration authority. */
  org_code: string;
}

/** A licensing record written to PostgreSQL beside the registry: a taxi permit or a market registration. */
export type LicenceRecord =
  ({ type: 'taxi_permit' } & TaxiPermitRecord) | ({ type: 'market_registration' } & MarketRegistrationRecord);

/** An enterprise (transport company) as the registry knows it. */
export interface EnterpriseRecord {
  /** Unified social credit code or the province's enterprise id. */
  id: string;
  name: string;
  /** Division of the authority supervising it, 6-digit code. */
  org_code: string;
  /** Business scope as licensed, e.g. 'passenger', 'dangerous_goods', 'freight'. */
  business_scope: string;
  /** Road-transport operating licence number. */
  licence_no: string;
}

/** A driver (practitioner) as the registry knows it. */
export interface DriverRecord {
  /** Qualification certificate number (从业资格证号) or the province's driver id. */
  id: string;
  name: string;
  enterprise_id: string;
  /** Plate of the vehicle the driver is assigned to, may be empty. */
  plate: string;
  /** Qualification validity, epoch ms; null when unknown. */
  qualification_valid_until: number | null;
}

/** One record of a registry sync, tagged by its type. */
export type RegistryRecord =
  | ({ type: 'vehicle' } & VehicleRecord)
  | ({ type: 'enterprise' } & EnterpriseRecord)
  | ({ type: 'driver' } & DriverRecord);
