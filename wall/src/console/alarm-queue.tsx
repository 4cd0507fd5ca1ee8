/**
 * The alarm queue of the officer's unit: new and acknowledged alarms, with acknowledge, dismiss (with a reason)
 * and dispatch as a work order. The server decides who may do what; a refusal is shown with its reason.
 */
import { useState } from 'react';
import type { FeedAlarmCase } from '../../../schema/feed.js';
import type { Lang } from '../i18n/locale.js';
import { ruleName } from '../i18n/rule-names.js';
import { shanghaiClock, shanghaiDate } from '../i18n/shanghai-time.js';
import type { ConsoleApi } from './console-api.js';
import type { ConsoleMessages } from './console-messages.js';

export interface AlarmQueueProps {
  api: ConsoleApi;
  alarms: readonly FeedAlarmCase[] | null;
  /** False when the server has no alarm-handling routes: the queue is then not offered at all. */
  available: boolean;
  lang: Lang;
  messages: ConsoleMessages;
  places: ReadonlyMap<string, string>;
  onChanged: () => void;
  onShowVehicle: (terminalId: string) => void;
}

function AlarmRowActions({
  alarm,
  api,
  messages,
  onChanged,
}: { alarm: FeedAlarmCase } & Pick<AlarmQueueProps, 'api' | 'messages' | 'onChanged'>) {
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (path: string, body: unknown = {}) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/alarms/${encodeURIComponent(alarm.alarm_id)}/${path}`, body);
      setDismissing(false);
      onChanged();
    } catch (failure) {
      setError(messages.failed(failure instanceof Error ? failure.message : String(failure)));
    } finally {
      setBusy(false);
    }
  };
  if (dismissing) {
    return (
      <span className="console-actions">
        <input
          data-testid="dismiss-reason"
          value={reason}
          placeholder={messages.dismissReason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
        />
        <button
          type="button"
          data-testid="confirm-dismiss"
          disabled={busy || reason.trim().length < 2}
          onClick={() => void act('dismiss', { reason: reason.trim() })}
        >
          {messages.confirmDismiss}
        </button>
        <button type="button" onClick={() => setDismissing(false)}>
          {messages.cancel}
        </button>
        {error !== null ? <span className="console-error">{error}</span> : null}
      </span>
    );
  }
  return (
    <span className="console-actions">
      {alarm.state === 'new' ? (
        <button type="button" data-testid="acknowledge" disabled={busy} onClick={() => void act('acknowledge')}>
          {messages.acknowledge}
        </button>
      ) : null}
      <button type="button" data-testid="dispatch" disabled={busy} onClick={() => void act('dispatch')}>
        {messages.dispatch}
      </button>
      <button type="button" data-testid="dismiss" disabled={busy} onClick={() => setDismissing(true)}>
        {messages.dismiss}
      </button>
      {error !== null ? <span className="console-error">{error}</span> : null}
    </span>
  );
}

export function AlarmQueue(props: AlarmQueueProps) {
  const { alarms, available, lang, messages, places, onShowVehicle } = props;
  if (!available)
    return (
      <p className="console-notice" data-testid="handling-unavailable">
        {messages.handlingUnavailable}
      </p>
    );
  const pending = (alarms ?? []).filter((a) => a.state === 'new' || a.state === 'acknowledged');
  return (
    <table className="console-table" data-testid="alarm-queue">
      <thead>
        <tr>
          <th>{messages.columns.time}</th>
          <th>{messages.columns.rule}</th>
          <th>{messages.columns.plate}</th>
          <th>{messages.columns.place}</th>
          <th>{messages.columns.state}</th>
          <th>{messages.columns.actions}</th>
        </tr>
      </thead>
      <tbody>
        {pending.length === 0 ? (
          <tr>
            <td colSpan={6} className="console-empty">
              {messages.queueEmpty}
            </td>
          </tr>
        ) : null}
        {pending.map((alarm) => (
          <tr
            key={alarm.alarm_id}
            data-testid="queue-row"
            data-alarm-id={alarm.alarm_id}
            data-state={alarm.state}
            className={`severity-${alarm.severity}`}
          >
            <td>
              {shanghaiDate(alarm.started_at)} {shanghaiClock(alarm.started_at)}
            </td>
            <td>{ruleName(alarm.rule, lang)}</td>
            <td>
              <button type="button" className="console-link" onClick={() => onShowVehicle(alarm.terminal_id)}>
                {alarm.plate === '' ? alarm.terminal_id : alarm.plate}
              </button>
            </td>
            <td>{places.get(alarm.org_code) ?? alarm.org_code}</td>
            <td>{messages.stateNames[alarm.state] ?? alarm.state}</td>
            <td>
              <AlarmRowActions alarm={alarm} api={props.api} messages={messages} onChanged={props.onChanged} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
