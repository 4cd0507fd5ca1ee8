/** While the map visits a new critical alarm, this card says what and where it is. */
import type { CriticalEvent } from '../feed/feed-state.js';
import type { Lang } from '../i18n/locale.js';
import type { Messages } from '../i18n/messages.js';
import { ruleName } from '../i18n/rule-names.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';

export interface CriticalCalloutProps {
  critical: CriticalEvent | null;
  lang: Lang;
  messages: Messages;
  places: ReadonlyMap<string, string>;
}

export function CriticalCallout({ critical, lang, messages, places }: CriticalCalloutProps) {
  if (critical === null) return null;
  const { alarm } = critical;
  return (
    <div className="critical-callout" data-testid="critical-callout" data-alarm-id={alarm.alarm_id}>
      <div className="critical-title">{messages.criticalCallout}</div>
      <div className="critical-line">
        <span>{ruleName(alarm.rule, lang)}</span>
        <span>{alarm.plate === '' ? alarm.terminal_id : alarm.plate}</span>
      </div>
      <div className="critical-line critical-sub">
        <span>{places.get(alarm.org_code) ?? alarm.org_code}</span>
        <span>{shanghaiClock(alarm.started_at)}</span>
      </div>
    </div>
  );
}
