/** Names of the rule ids the server puts in `AlarmRow.rule`, from the one table in schema/rule-names.ts. */
import { RULE_NAMES, ruleNameIn } from '../../../schema/rule-names.js';
import type { Lang } from './locale.js';

export { RULE_NAMES };

/** Rule ids in the order the bar chart lists them when counts tie. */
export const KNOWN_RULES: readonly string[] = Object.keys(RULE_NAMES).filter((rule) => rule !== 'jt809_report');

export function ruleName(rule: string, lang: Lang): string {
  return ruleNameIn(rule, lang);
}
