/**
 * The selected alarm beside the queue: what happened (rule, speed, place, times), who holds it, where it was
 * escalated, its work order, and every handling step with who and when (`GET /api/alarms/:id`); the pictures and
 * clips of an active-safety alarm; live video of the vehicle's camera beside it, for the roles that may watch.
 */
import { useEffect, useState } from 'react';
import type { AlarmQueueRow } from '../../../schema/handling.js';
import { MESSAGES } from '../i18n/messages.js';
import { AlarmAttachments } from './alarm-attachments.js';
import { ruleName } from '../i18n/rule-names.js';
import { named } from './console-messages.js';
import { chinaDateTime } from './console-time.js';
import { errorSentence } from './error-text.js';
import { VideoPlayer, type OpenedStream } from './video-player.js';
import { useWorkspace } from './workspace-context.js';

interface HistoryEntry {
  id: number;
  action: string;
  actor: string;
  /** Display name of the actor, else the username (server-side). */
  actor_name: string;
  org_code: string;
  detail: Record<string, unknown>;
  at: number;
}

/** Detail values worth showing: numbers and short texts, not nested objects. */
function detailEntries(details: unknown): [string, string][] {
  if (typeof details !== 'object' || details === null) return [];
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => typeof v === 'number' || (typeof v === 'string' && v.length <= 200))
    .map(([k, v]) => [k, typeof v === 'number' ? String(Math.round(v * 10) / 10) : (v as string)]);
}

export function AlarmDetail({ alarm, children }: { alarm: AlarmQueueRow; children?: React.ReactNode }) {
  const ws = useWorkspace();
  const { m, lang } = ws;
  const [history, setHistory] = useState<HistoryEntry[] | null>(null);
  const [details, setDetails] = useState<[string, string][]>([]);
  const attachmentNumber = details.find(([k]) => k === 'attachment_number')?.[1];
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    setError(null);
    ws.api
      .get<{ alarm: AlarmQueueRow; details: unknown; actions: HistoryEntry[] }>(
        `/api/alarms/${encodeURIComponent(alarm.alarm_id)}`,
      )
      .then((answer) => {
        if (cancelled) return;
        setHistory(answer.actions);
        setDetails(detailEntries(answer.details));
      })
      .catch((failure: unknown) => !cancelled && setError(errorSentence(failure, m)));
    return () => {
      cancelled = true;
    };
  }, [ws.api, alarm.alarm_id, alarm.updated_at, m]);
  return (
    <aside
      className={`alarm-detail severity-${alarm.severity}`}
      data-testid="alarm-detail"
      data-alarm-id={alarm.alarm_id}
    >
      <h3>
        <span className={`severity-badge severity-${alarm.severity}`}>{named(m.severityNames, alarm.severity)}</span>{' '}
        {ruleName(alarm.rule, lang)}
      </h3>
      <dl className="console-facts">
        <dt>{m.queue.columns.plate}</dt>
        <dd>
          <button
            type="button"
            className="console-link"
            onClick={() => ws.showVehicle(alarm.terminal_id || alarm.plate)}
          >
            {alarm.plate || alarm.terminal_id}
          </button>
        </dd>
        <dt>{m.queue.terminal}</dt>
        <dd>{alarm.terminal_id || '—'}</dd>
        <dt>{m.queue.columns.unit}</dt>
        <dd>
          {ws.placeName(alarm.org_code)} · {ws.departmentName(alarm.department)}
        </dd>
        {alarm.enterprise_id !== null ? (
          <>
            <dt>{m.queue.enterprise}</dt>
            <dd>{ws.enterpriseName(alarm.enterprise_id)}</dd>
          </>
        ) : null}
        <dt>{m.queue.started}</dt>
        <dd>{chinaDateTime(alarm.started_at)}</dd>
        <dt>{m.queue.endedAt}</dt>
        <dd>{alarm.ended_at === null ? m.queue.ongoing : chinaDateTime(alarm.ended_at)}</dd>
        <dt>{m.queue.received}</dt>
        <dd>{chinaDateTime(alarm.received_at)}</dd>
        <dt>{m.queue.columns.state}</dt>
        <dd>
          {named(m.stateNames, alarm.state)}
          {alarm.acknowledged_by !== null && alarm.acknowledged_at !== null
            ? ` · ${m.queue.heldBy(alarm.acknowledged_by_display ?? alarm.acknowledged_by, chinaDateTime(alarm.acknowledged_at))}`
            : ''}
          {alarm.work_order_id !== null ? ` · ${m.queue.workOrder(alarm.work_order_id)}` : ''}
        </dd>
        {alarm.dismiss_reason !== null ? (
          <>
            <dt>{m.dismiss.reason}</dt>
            <dd>{alarm.dismiss_reason}</dd>
          </>
        ) : null}
        {Object.keys(m.detailLabels)
          .flatMap((key) => details.filter(([k]) => k === key))
          .map(([key, value]) => (
            <FactRow
              key={key}
              label={named(m.detailLabels, key)}
              value={key === 'vehicle_class' ? named(MESSAGES[lang].vehicleClasses, value) : value}
            />
          ))}
      </dl>
      {attachmentNumber !== undefined && alarm.terminal_id !== '' ? (
        <AlarmAttachments terminalId={alarm.terminal_id} alarmNumber={attachmentNumber} />
      ) : null}
      <AlarmVideo alarm={alarm} />
      {children}
      <h4>{m.queue.history}</h4>
      {error !== null ? <p className="console-error">{error}</p> : null}
      <ol className="console-timeline" data-testid="alarm-history">
        {(history ?? []).map((h) => (
          <li key={h.id}>
            <span className="timeline-time">{chinaDateTime(h.at)}</span>
            <span className="timeline-what">{named(m.alarmHistory, h.action)}</span>
            <span className="timeline-who" title={h.actor === 'system' ? undefined : h.actor}>
              {h.actor === 'system' ? '' : h.actor_name}
              {typeof h.detail.to === 'string' ? ` → ${ws.placeName(h.detail.to)}` : ''}
              {typeof h.detail.reason === 'string' && h.action === 'dismissed' ? `：${h.detail.reason}` : ''}
              {h.action === 'platform_result' && typeof h.detail.result_name === 'string'
                ? `：${named(m.platformResults, h.detail.result_name)}`
                : ''}
            </span>
          </li>
        ))}
      </ol>
    </aside>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </>
  );
}

/** Channel 1 of the alarm's vehicle, live, on demand: the officer looks before signing for or dismissing it. */
function AlarmVideo({ alarm }: { alarm: AlarmQueueRow }) {
  const ws = useWorkspace();
  const [watching, setWatching] = useState<string | null>(null);
  if (ws.abilities?.video !== true || alarm.terminal_id === '') return null;
  if (watching !== alarm.alarm_id)
    return (
      <button type="button" data-testid="alarm-video" onClick={() => setWatching(alarm.alarm_id)}>
        {ws.m.video.live}
      </button>
    );
  const open = () =>
    ws.api.post<OpenedStream>(`/api/vehicles/${encodeURIComponent(alarm.terminal_id)}/video/live`, { channel: 1 });
  return (
    <VideoPlayer key={alarm.alarm_id} label={ws.m.video.liveOf(1)} open={open} onClose={() => setWatching(null)} />
  );
}
