/** Turns JT/T 809 positions and alarm reports into Vigil's telemetry rows and alarms. */
import { countyAt, type AlarmRow, type TelemetryRow, type VehicleRegistry } from '../../schema/index.js';
import { alarmIdOf } from '../../stream/index.js';
import type { AlarmInfo2019 } from './bodies-2019.js';
import type { AlarmReport, GnssData } from './messages.js';

/**
 * Telemetry is keyed by terminal number, but a platform names vehicles by plate and colour. A vehicle the
 * registry knows keeps its own terminal number, so its JT/T 808 and JT/T 809 positions are one track; any other
 * gets a stable 20-digit number derived from plate and colour: "809" then 17 digits of a 64-bit FNV-1a hash.
 */
export function terminalIdOf(plate: string, plateColor: number, registry: VehicleRegistry | undefined): string {
  const known = registry?.byPlate(plate);
  if (known && known.plate_color === plateColor && known.terminal_id !== '') return known.terminal_id;
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(`${plate}|${plateColor}`, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return `809${(hash % 10n ** 17n).toString().padStart(17, '0')}`;
}

export function telemetryOfGnss(
  terminalId: string,
  plate: string,
  gnss: GnssData,
  receivedAt: number,
  backfill: boolean,
  accessCode: number,
): TelemetryRow {
  return {
    terminal_id: terminalId,
    plate,
    ts: gnss.time,
    received_at: receivedAt,
    lat: gnss.lat,
    lon: gnss.lon,
    altitude_m: gnss.altitudeM,
    speed_kmh: gnss.speedKmh,
    direction_deg: gnss.directionDeg,
    alarm_bits: gnss.alarmBits,
    status_bits: gnss.statusBits,
    source: 'jt809',
    backfill: backfill ? 1 : 0,
    extras: JSON.stringify({
      platform: accessCode,
      mileage_km: gnss.mileageKm,
      tachograph_speed_kmh: gnss.tachographSpeedKmh,
      ...(gnss.coordinatesEncrypted ? { coordinates_encrypted: true } : {}),
      // 2019: only the pairs that say something (a platform id or alarm bits), so 2011 rows stay as they were.
      ...platformAlarmsOf(gnss),
    }),
    // The county where the fix is: what analysts' reads of telemetry are scoped by.
    org_code: countyAt(gnss.lon, gnss.lat)?.code ?? '',
  };
}

function platformAlarmsOf(gnss: GnssData): { platform_alarms?: { platform_id: string; alarm_bits: number }[] } {
  const said = (gnss.platformAlarms ?? []).filter((p) => p.platformId !== '' || p.alarmBits !== 0);
  if (said.length === 0) return {};
  return { platform_alarms: said.map((p) => ({ platform_id: p.platformId, alarm_bits: p.alarmBits })) };
}

/** The rule name of alarms reported by lower platforms (0x1402), as opposed to those Vigil's rules raise. */
export const PLATFORM_ALARM_RULE = 'jt809_report';

/**
 * A reported alarm is an instant episode (it starts and ends at the reported time): the lower platform owns its
 * lifecycle, Vigil records and routes it. Its id is deterministic, so a report sent twice is one alarm.
 */
export function alarmOfReport(
  terminalId: string,
  plate: string,
  plateColor: number,
  report: AlarmReport,
  orgCode: string,
  accessCode: number,
  receivedAt: number,
): AlarmRow {
  return {
    alarm_id: alarmIdOf(`${PLATFORM_ALARM_RULE}:${report.warnType}`, `${plate}|${plateColor}`, report.warnTime),
    rule: PLATFORM_ALARM_RULE,
    rule_version: 1,
    severity: 'warning',
    terminal_id: terminalId,
    plate,
    started_at: report.warnTime,
    ended_at: report.warnTime,
    org_code: orgCode,
    lat: 0,
    lon: 0,
    late: 0,
    details: JSON.stringify({
      platform: accessCode,
      warn_src: report.warnSource,
      warn_type: report.warnType,
      info_id: report.infoId,
      info: report.info,
    }),
    version: 1,
    updated_at: receivedAt,
  };
}

/**
 * A 2019 0x1402: like a 2011 report, with the event's start and end when the platform gives them (else the
 * reported time), and what 2019 names the alarm by: the MSG_SN of its frame (`msg_sn`, which a 0x1412 handling
 * result and Vigil's 2019 督办 repeat) and the platform that raised it. 2019 has no WARN_SRC and no INFO_ID.
 */
export function alarmOfReport2019(
  terminalId: string,
  report: AlarmInfo2019,
  msgSn: number,
  orgCode: string,
  accessCode: number,
  receivedAt: number,
): AlarmRow {
  const hasSpan = report.startTime > 0 && report.endTime >= report.startTime;
  return {
    alarm_id: alarmIdOf(
      `${PLATFORM_ALARM_RULE}:${report.warnType}`,
      `${report.plate}|${report.plateColor}`,
      report.warnTime,
    ),
    rule: PLATFORM_ALARM_RULE,
    rule_version: 1,
    severity: 'warning',
    terminal_id: terminalId,
    plate: report.plate,
    started_at: hasSpan ? report.startTime : report.warnTime,
    ended_at: hasSpan ? report.endTime : report.warnTime,
    org_code: orgCode,
    lat: 0,
    lon: 0,
    late: 0,
    details: JSON.stringify({
      platform: accessCode,
      edition: 2019,
      warn_type: report.warnType,
      warn_time: report.warnTime,
      msg_sn: msgSn,
      source_platform_id: report.sourcePlatformId,
      target_platform_id: report.targetPlatformId,
      line_id: report.lineId,
      plate_color: report.plateColor,
      info: report.info,
    }),
    version: 1,
    updated_at: receivedAt,
  };
}
