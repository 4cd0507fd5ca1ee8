/**
 * JT/T 809-2011 static data exchange (静态信息交换): the upper platform asks for a vehicle's registration with
 * 0x9600 / 0x9601 (补报车辆静态信息请求: the vehicle envelope naming it, no data) and the lower platform answers on the
 * main link with 0x1600 / 0x1601 (补报车辆静态信息应答) in the same envelope, its data CAR_INFO: GBK text of
 * `KEY:=value` pairs separated by `;`, in the order VIN, VEHICLE_COLOR, VEHICLE_TYPE, TRANS_TYPE,
 * VEHICLE_NATIONALITY, OWERS_ID, OWERS_NAME, OWERS_TEL. A key whose value is unknown is sent with an empty value.
 */
import { encodeGbk } from '../jt808/codec/text.js';

export const STATIC_MSG = { exchangeDown: 0x9600, exchangeUp: 0x1600 } as const;
export const STATIC_INFO = { request: 0x9601, answer: 0x1601 } as const;

/** What Vigil knows of a vehicle for 0x1601; the keys of CAR_INFO in comments. */
export interface VehicleStaticInfo {
  /** VIN: the plate (Vigil's registry keeps no vehicle identification number). */
  vin: string;
  /** VEHICLE_COLOR: the plate colour (JT/T 415). */
  plateColor: number;
  /** VEHICLE_TYPE and TRANS_TYPE: JT/T 415 codes; empty when the registry does not hold them. */
  vehicleType: string;
  transType: string;
  /** VEHICLE_NATIONALITY: the vehicle's home division, 6-digit code. */
  nationality: string;
  /** OWERS_ID, OWERS_NAME, OWERS_TEL: the operating enterprise (业户). */
  ownerId: string;
  ownerName: string;
  ownerTel: string;
}

/**
 * CAR_INFO. A value holding the separator `;` or the `:=` of a pair would end its field early and shift the rest,
 * so those characters are replaced by spaces: registry text is not trusted to be clean.
 */
export function encodeCarInfo(info: VehicleStaticInfo): Buffer {
  const clean = (value: string | number) => String(value).replace(/;|:=/g, ' ');
  const pairs: [string, string | number][] = [
    ['VIN', info.vin],
    ['VEHICLE_COLOR', info.plateColor],
    ['VEHICLE_TYPE', info.vehicleType],
    ['TRANS_TYPE', info.transType],
    ['VEHICLE_NATIONALITY', info.nationality],
    ['OWERS_ID', info.ownerId],
    ['OWERS_NAME', info.ownerName],
    ['OWERS_TEL', info.ownerTel],
  ];
  return encodeGbk(pairs.map(([key, value]) => `${key}:=${clean(value)}`).join(';'));
}
