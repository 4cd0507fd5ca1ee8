/**
 * The AIS messages Vigil reads (ITU-R M.1371-5): position reports of class A vessels (types 1, 2 and 3, table
 * 46) and their static and voyage data (type 5, table 52). Field offsets and widths are the standard's; the
 * "not available" values it defines become `null` here so nobody mistakes them for readings.
 */
import { AisProblem, BitReader } from './sixbit.js';

export interface AisPosition {
  type: 1 | 2 | 3;
  mmsi: number;
  /** 0 under way using engine, 1 at anchor, 5 moored, 15 not defined, ... (table 46). */
  navStatus: number;
  /** Speed over ground, knots; null when not available (1023). 102.2 means 102.2 knots or more. */
  speedKnots: number | null;
  lon: number;
  lat: number;
  /** Course over ground, degrees; null when not available (3600). */
  courseDeg: number | null;
  /** True heading, degrees; null when not available (511). */
  headingDeg: number | null;
  /** UTC second of the fix; null when not available (60) or the positioning system is not working (61-63). */
  utcSecond: number | null;
}

export interface AisVoyage {
  type: 5;
  mmsi: number;
  /** IMO number, 0 when not available. */
  imo: number;
  callSign: string;
  name: string;
  /** Type of ship and cargo (table 53): 70-79 cargo, 80-89 tanker, 60-69 passenger, ... */
  shipType: number;
  lengthM: number;
  beamM: number;
  draughtM: number;
  destination: string;
  /** Month, day, hour, minute of the estimated arrival as sent (0 / 24 / 60 when not available). */
  eta: { month: number; day: number; hour: number; minute: number };
}

export type AisMessage = AisPosition | AisVoyage;

/** Longitude 181° and latitude 91° in 1/10 000 minute: the standard's "not available". */
const LON_NOT_AVAILABLE = 181 * 600_000;
const LAT_NOT_AVAILABLE = 91 * 600_000;
const POSITION_BITS = 168;
/** Type 5 through the destination; the last two bits (DTE, spare) are often cut off by transmitters. */
const VOYAGE_BITS_MIN = 422;

function needBits(reader: BitReader, bits: number, type: number): void {
  if (reader.length < bits)
    throw new AisProblem('payload_too_short', `type ${type} needs ${bits} bits, the payload holds ${reader.length}`);
}

function mmsiOf(reader: BitReader): number {
  const mmsi = reader.uint(8, 30);
  if (mmsi === 0 || mmsi > 999_999_999)
    throw new AisProblem('bad_mmsi', `MMSI ${mmsi} is not a 9-digit maritime mobile service identity`);
  return mmsi;
}

function position(reader: BitReader, type: 1 | 2 | 3): AisPosition {
  needBits(reader, POSITION_BITS, type);
  const lonRaw = reader.int(61, 28);
  const latRaw = reader.int(89, 27);
  if (lonRaw === LON_NOT_AVAILABLE || latRaw === LAT_NOT_AVAILABLE)
    throw new AisProblem('position_unavailable', 'the report says its position is not available (181°, 91°)');
  const lon = lonRaw / 600_000;
  const lat = latRaw / 600_000;
  if (Math.abs(lon) > 180) throw new AisProblem('lon_out_of_range', `longitude ${lon} is outside [-180, 180]`);
  if (Math.abs(lat) > 90) throw new AisProblem('lat_out_of_range', `latitude ${lat} is outside [-90, 90]`);
  const sog = reader.uint(50, 10);
  const cog = reader.uint(116, 12);
  const heading = reader.uint(128, 9);
  const second = reader.uint(137, 6);
  return {
    type,
    mmsi: mmsiOf(reader),
    navStatus: reader.uint(38, 4),
    speedKnots: sog === 1023 ? null : sog / 10,
    lon,
    lat,
    courseDeg: cog >= 3600 ? null : cog / 10,
    headingDeg: heading > 359 ? null : heading,
    utcSecond: second >= 60 ? null : second,
  };
}

function voyage(reader: BitReader): AisVoyage {
  needBits(reader, VOYAGE_BITS_MIN, 5);
  return {
    type: 5,
    mmsi: mmsiOf(reader),
    imo: reader.uint(40, 30),
    callSign: reader.text(70, 42),
    name: reader.text(112, 120),
    shipType: reader.uint(232, 8),
    lengthM: reader.uint(240, 9) + reader.uint(249, 9),
    beamM: reader.uint(258, 6) + reader.uint(264, 6),
    draughtM: reader.uint(294, 8) / 10,
    destination: reader.text(302, 120),
    eta: {
      month: reader.uint(274, 4),
      day: reader.uint(278, 5),
      hour: reader.uint(283, 5),
      minute: reader.uint(288, 6),
    },
  };
}

export function decodeMessage(bits: Uint8Array): AisMessage {
  const reader = new BitReader(bits);
  if (reader.length < 38) throw new AisProblem('payload_too_short', `${reader.length} bits hold no message header`);
  const type = reader.uint(0, 6);
  if (type === 1 || type === 2 || type === 3) return position(reader, type);
  if (type === 5) return voyage(reader);
  throw new AisProblem(
    'unsupported_message_type',
    `message type ${type} is not read by Vigil (1, 2, 3 position reports and 5 voyage data are)`,
  );
}
