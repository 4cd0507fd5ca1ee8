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
  jt809_report: { zh: '下级平台报警', en: 'Platform report' },
};

export function ruleNameIn(rule: string, lang: keyof RuleName): string {
  // Object.hasOwn keeps ids such as "constructor" from reaching Object.prototype.
  return Object.hasOwn(RULE_NAMES, rule) ? RULE_NAMES[rule][lang] : rule;
}

export function ruleNameZh(rule: string): string {
  return ruleNameIn(rule, 'zh');
}
