/**
 * Driver identity cards (0x0702) as rows of `driver_events`: who took the wheel of a vehicle and when they left
 * it. The rules count fatigue per driver from them and check the card against the registry (`driver_mismatch`),
 * so a card report is acknowledged only once durable, like a position.
 */
import type { DriverEventRow } from '../../../schema/index.js';
import type { DriverInfo } from '../codec/index.js';

const DAY_MS = 86_400_000;

/** The end of a certificate's last valid day, China time (the card stores only the date). */
export function certificateValidUntil(expiry: string | null | undefined): number | null {
  if (!expiry) return null;
  const start = Date.parse(`${expiry}T00:00:00+08:00`);
  return Number.isFinite(start) ? start + DAY_MS - 1 : null;
}

export function driverEventFromCard(
  phone: string,
  plate: string,
  info: DriverInfo,
  receivedAt: number,
  orgCode: string,
): DriverEventRow {
  // 2011 terminals send neither status nor time: a card that was read, at arrival.
  const read = info.status === 1 && (info.readResult ?? 0) === 0;
  return {
    terminal_id: phone,
    plate,
    ts: info.time ?? receivedAt,
    received_at: receivedAt,
    status: info.status,
    read_result: info.status === 1 ? (info.readResult ?? 0) : 0,
    driver_name: read ? (info.name ?? '').trim() : '',
    certificate: read ? (info.certificate ?? '').trim() : '',
    authority: read ? (info.authority ?? '').trim() : '',
    certificate_valid_until: read ? certificateValidUntil(info.expiry) : null,
    org_code: orgCode,
    source: 'jt808',
  };
}
