/**
 * Names of the rule ids in `AlarmRow.rule`, in Chinese and English: the wall and the console show them, the
 * server writes them into the titles of work orders made from alarms. Dependency-free, so the wall imports it.
 * An id not listed here (a rule added later) is shown as the raw id rather than hidden.
 */
export interface RuleName {
  zh: string;
  en: string;
}

export const RULE_NAMES: Readonly<Record<string, RuleName>> = {
  overspeed: { zh: '超速报警', en: 'Overspeed' },
  fatigue: { zh: '疲劳驾驶', en: 'Fatigue driving' },
  night_ban: { zh: '夜间禁行', en: 'Night ban' },
  offline: { zh: '离线', en: 'Offline' },
  gps_drift: { zh: '轨迹漂移', en: 'GPS drift' },
  geofence: { zh: '电子围栏', en: 'Geofence' },
  cloned_plate: { zh: '套牌嫌疑', en: 'Cloned plate?' },
  overload: { zh: '超限超载', en: 'Overload' },
  adas: { zh: '主动安全ADAS', en: 'ADAS' },
  dsm: { zh: '驾驶员状态DSM', en: 'Driver (DSM)' },
  terminal_alarm: { zh: '终端报警', en: 'Terminal alarm' },
  unlicensed: { zh: '无证经营', en: 'Unlicensed' },
  device_offline: { zh: '设备离线', en: 'Device offline' },
  driver_mismatch: { zh: '驾驶员不符', en: 'Driver mismatch' },
  taxi_permit: { zh: '出租车/网约车无证营运', en: 'Taxi service without permit' },
  jt809_report: { zh: '下级平台报警', en: 'Platform report' },
  // The terminal's own judgements (0x0200 bits 1, 2, 18-23), JT/T 1078 video alarms, tyre and blind spot.
  terminal_overspeed: { zh: '终端超速报警', en: 'Terminal overspeed' },
  terminal_fatigue: { zh: '终端疲劳驾驶', en: 'Terminal fatigue' },
  terminal_daily_driving: { zh: '终端当天累计驾驶超时', en: 'Daily driving exceeded' },
  terminal_overtime_parking: { zh: '终端超时停车', en: 'Terminal overtime parking' },
  terminal_area_in_out: { zh: '终端进出区域', en: 'Terminal area in/out' },
  terminal_route_in_out: { zh: '终端进出路线', en: 'Terminal route in/out' },
  terminal_road_section_time: { zh: '终端路段行驶时间不足/过长', en: 'Road-section time' },
  terminal_route_deviation: { zh: '终端路线偏离', en: 'Terminal route deviation' },
  video_fault: { zh: '视频设备故障', en: 'Video fault' },
  abnormal_driving: { zh: '异常驾驶行为', en: 'Abnormal driving' },
  tyre: { zh: '胎压异常TPMS', en: 'Tyre pressure (TPMS)' },
  blind_spot: { zh: '盲区监测BSD', en: 'Blind spot (BSD)' },
  overtime_parking: { zh: '超时停车', en: 'Overtime parking' },
  route_deviation: { zh: '偏离路线', en: 'Route deviation' },
  area_entry_exit: { zh: '进出区域', en: 'Area entry/exit' },
  // Credit warnings (docs/credit.md): raised by the daily credit run, not by a rule of the engine.
  credit_grade_drop: { zh: '企业信用等级下降', en: 'Credit grade fell' },
  driver_points: { zh: '驾驶员记分预警', en: 'Driver points' },
  deregistered_operating: { zh: '吊销/注销企业车辆仍在营运', en: 'Revoked enterprise still operating' },
};

export function ruleNameIn(rule: string, lang: keyof RuleName): string {
  // Object.hasOwn keeps ids such as "constructor" from reaching Object.prototype.
  return Object.hasOwn(RULE_NAMES, rule) ? RULE_NAMES[rule][lang] : rule;
}

export function ruleNameZh(rule: string): string {
  return ruleNameIn(rule, 'zh');
}
