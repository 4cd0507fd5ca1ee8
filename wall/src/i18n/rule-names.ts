/**
 * Names of the rule ids the server puts in `AlarmRow.rule`. The wall shows Chinese by default; an id that is not
 * listed here (a rule added on the server later) is shown as the raw id rather than hidden.
 */
import type { Lang } from './locale.js';

interface RuleName {
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
};

/** Rule ids in the order the bar chart lists them when counts tie. */
export const KNOWN_RULES: readonly string[] = Object.keys(RULE_NAMES);

export function ruleName(rule: string, lang: Lang): string {
  // Object.hasOwn keeps ids such as "constructor" from reaching Object.prototype.
  return Object.hasOwn(RULE_NAMES, rule) ? RULE_NAMES[rule][lang] : rule;
}
