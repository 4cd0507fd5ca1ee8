/**
 * The live alarm list, newest first, two lines a row so that every field is read whole from across the room: time,
 * rule and tags; plate and place. It never scrolls: rows that do not fit are clipped by the panel.
 */
import type { FeedAlarm } from '../../../schema/feed.js';
import type { Lang } from '../i18n/locale.js';
import type { Messages } from '../i18n/messages.js';
import { ruleName } from '../i18n/rule-names.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';
import { rgbCss, severityColor } from '../map/vehicle-colors.js';

export interface AlarmListProps {
  alarms: readonly FeedAlarm[];
  lang: Lang;
  messages: Messages;
  /** Division code -> name, to show where an alarm belongs. */
  places: ReadonlyMap<string, string>;
}

function AlarmRowView({ alarm, lang, messages, places }: { alarm: FeedAlarm } & Omit<AlarmListProps, 'alarms'>) {
  const closed = alarm.ended_at != null;
  return (
    <li
      className={`alarm-item alarm-${alarm.severity}${closed ? ' alarm-closed' : ''}`}
      data-testid="alarm-item"
      data-alarm-id={alarm.alarm_id}
      data-version={alarm.version}
      style={{ borderLeftColor: rgbCss(severityColor(alarm.severity)) }}
    >
      <span className="alarm-line">
        <span className="alarm-time">{shanghaiClock(alarm.started_at)}</span>
        <span className="alarm-rule">{ruleName(alarm.rule, lang)}</span>
        <span className="alarm-tags">
          {alarm.late ? <span className="tag tag-late">{messages.alarmLate}</span> : null}
          {closed ? <span className="tag tag-closed">{messages.alarmClosed}</span> : null}
        </span>
      </span>
      <span className="alarm-line alarm-line-sub">
        <span className="alarm-plate">{alarm.plate === '' ? alarm.terminal_id : alarm.plate}</span>
        <span className="alarm-place">{places.get(alarm.org_code) ?? alarm.org_code}</span>
      </span>
    </li>
  );
}

export function AlarmList({ alarms, lang, messages, places }: AlarmListProps) {
  return (
    <ol className="alarm-list" data-testid="alarm-list">
      {alarms.length === 0 ? <li className="alarm-empty">{messages.alarmListEmpty}</li> : null}
      {alarms.map((alarm) => (
        <AlarmRowView key={alarm.alarm_id} alarm={alarm} lang={lang} messages={messages} places={places} />
      ))}
    </ol>
  );
}
