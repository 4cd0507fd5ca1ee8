/**
 * One work order: its facts, the deadline counting down, the steps the caller may take now (as the server
 * offers them) and the timeline of every step — who, which unit, when, what they wrote and the files they
 * attached (photos shown, other files downloaded).
 */
import { useEffect, useRef, useState } from 'react';
import type {
  WorkOrderAction,
  WorkOrderDetail,
  WorkOrderListRow,
  WorkOrderTimelineEvent,
} from '../../../schema/handling.js';
import { ruleName } from '../i18n/rule-names.js';
import {
  ATTACHMENTS_PER_STEP_MAX,
  ATTACHMENT_BYTES_MAX,
  prepareAttachment,
  STEP_BYTES_MAX,
  stepBytes,
  type PreparedAttachment,
} from './attachments.js';
import { named } from './console-messages.js';
import { chinaDateTime, coarseDurationText } from './console-time.js';
import { DepartmentSelect, UnitOptions, useUnitDepartments } from './assignment-fields.js';
import { errorSentence } from './error-text.js';
import { useNow } from './use-now.js';
import { useWorkspace } from './workspace-context.js';

/** Steps taken with one click; the others open a form. */
const ONE_CLICK: ReadonlySet<WorkOrderAction> = new Set(['sign', 'claim', 'start']);
const TEXT_REQUIRED: ReadonlySet<WorkOrderAction> = new Set([
  'self_check',
  'explanation',
  'rectification',
  'review',
  'feedback',
  'return',
  'urge',
  'comment',
]);
const WITH_FILES: ReadonlySet<WorkOrderAction> = new Set([
  'self_check',
  'explanation',
  'rectification',
  'review',
  'feedback',
  'comment',
]);
const TEXT_CHARS_MAX = 4000;

export function categoryName(category: string, ws: ReturnType<typeof useWorkspace>): string {
  return Object.hasOwn(ws.m.orders.categories, category)
    ? ws.m.orders.categories[category]
    : ruleName(category, ws.lang);
}

export function DeadlineText({ order, now }: { order: WorkOrderListRow; now: number }) {
  const { m, lang } = useWorkspace();
  if (order.state === 'accepted')
    return (
      <span className="console-dim">
        {order.closed_at !== null ? m.orders.closedAt(chinaDateTime(order.closed_at, now)) : ''}
      </span>
    );
  const left = order.deadline_at - now;
  return (
    <span
      className={
        left <= 0 || order.overdue ? 'deadline-overdue' : left < 2 * 3_600_000 ? 'deadline-soon' : 'deadline-ok'
      }
      data-testid="deadline"
    >
      {left <= 0
        ? m.orders.overdueBy(coarseDurationText(-left, lang))
        : m.orders.remaining(coarseDurationText(left, lang))}
    </span>
  );
}

export function OrderDetailPanel({
  orderId,
  version,
  onChanged,
}: {
  orderId: number;
  /** Changes when the list saw the order change, so the timeline is re-read. */
  version: number;
  onChanged: () => void;
}) {
  const ws = useWorkspace();
  const { m, lang } = ws;
  const now = useNow(1_000);
  const [detail, setDetail] = useState<WorkOrderDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState<WorkOrderAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [reloadNo, setReloadNo] = useState(0);

  useEffect(() => {
    let cancelled = false;
    ws.api
      .get<WorkOrderDetail>(`/api/work-orders/${orderId}`)
      .then((answer) => {
        if (cancelled) return;
        setDetail(answer);
        setError(null);
      })
      .catch((failure: unknown) => !cancelled && setError(errorSentence(failure, m)));
    return () => {
      cancelled = true;
    };
  }, [ws.api, orderId, version, reloadNo, m]);
  useEffect(() => setForm(null), [orderId]);

  const post = async (action: WorkOrderAction, body: Record<string, unknown>) => {
    setBusy(true);
    try {
      await ws.api.post(`/api/work-orders/${orderId}/${action.replace('_', '-')}`, body);
      ws.toast(m.orders.done(named(m.orderActions, action)));
      setForm(null);
      setReloadNo((n) => n + 1);
      onChanged();
      return true;
    } catch (failure) {
      ws.toast(errorSentence(failure, m), 'error');
      setReloadNo((n) => n + 1);
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (detail === null)
    return error !== null ? <p className="console-error">{error}</p> : <p className="console-dim">{m.loading}</p>;
  const order = detail.order;
  return (
    <aside className="order-detail" data-testid="order-detail" data-order-id={order.id} data-state={order.state}>
      <h3>
        #{order.id} {order.title}
      </h3>
      <dl className="console-facts">
        <dt>{m.orders.columns.state}</dt>
        <dd data-testid="order-state">
          {named(m.stateNames, order.state)} · <DeadlineText order={order} now={now} />
        </dd>
        <dt>{m.orders.columns.deadline}</dt>
        <dd>{chinaDateTime(order.deadline_at, now)}</dd>
        <dt>{m.orders.columns.assignee}</dt>
        <dd>
          {ws.placeName(order.org_code)} · {ws.departmentName(order.department)}
        </dd>
        <dt>{m.orders.columns.issuer}</dt>
        <dd>{ws.placeName(order.issuer_org)}</dd>
        <dt>{m.orders.category}</dt>
        <dd>
          {categoryName(order.category, ws)} · {named(m.severityNames, order.severity)} ·{' '}
          {m.orders.sources[order.source]}
        </dd>
        {order.enterprise_id !== null ? (
          <>
            <dt>{m.orders.enterprise}</dt>
            <dd>
              {ws.enterpriseName(order.enterprise_id)}
              {order.enterprise_claimed_at !== null
                ? ` · ${m.orders.claimed(chinaDateTime(order.enterprise_claimed_at, now))}`
                : ''}
            </dd>
          </>
        ) : null}
        {order.alarm_id !== null ? (
          <>
            <dt>{m.orders.alarm}</dt>
            <dd className="console-mono">{order.alarm_id.slice(0, 12)}</dd>
          </>
        ) : null}
        {order.escalated_to !== null ? (
          <>
            <dt>{m.orders.overdue}</dt>
            <dd className="deadline-overdue">{m.orders.escalatedTo(ws.placeName(order.escalated_to))}</dd>
          </>
        ) : null}
        {order.urged_at !== null ? (
          <>
            <dt>{m.orderActions.urge}</dt>
            <dd className="deadline-overdue">{m.orders.urged(chinaDateTime(order.urged_at, now))}</dd>
          </>
        ) : null}
      </dl>
      {order.description !== '' ? <p className="order-description">{order.description}</p> : null}
      <div className="console-actions order-actions" data-testid="order-actions">
        {order.actions.map((action) => (
          <button
            key={action}
            type="button"
            className={`${form === action ? 'segment-active ' : ''}action-${action}`}
            data-testid={`order-${action}`}
            disabled={busy}
            onClick={() => (ONE_CLICK.has(action) ? void post(action, {}) : setForm(form === action ? null : action))}
          >
            {named(m.orderActions, action)}
          </button>
        ))}
      </div>
      {form !== null ? (
        <StepForm
          key={form}
          action={form}
          order={order}
          busy={busy}
          onCancel={() => setForm(null)}
          onSubmit={(body) => post(form, body)}
        />
      ) : null}
      <h4>{m.orders.timeline}</h4>
      <ol className="console-timeline" data-testid="order-timeline">
        {detail.timeline.map((event) => (
          <TimelineItem key={event.id} event={event} orderId={order.id} lang={lang} now={now} />
        ))}
      </ol>
    </aside>
  );
}

function TimelineItem({
  event,
  orderId,
  now,
}: {
  event: WorkOrderTimelineEvent;
  orderId: number;
  lang: string;
  now: number;
}) {
  const ws = useWorkspace();
  const { m } = ws;
  const moved = event.detail.to as { org_code?: string; department?: string } | undefined;
  return (
    <li data-testid="timeline-event" data-kind={event.kind}>
      <span className="timeline-time">{chinaDateTime(event.at, now)}</span>
      <span className="timeline-what">{named(m.orderEvents, event.kind)}</span>
      <span className="timeline-who" title={event.actor === 'system' ? undefined : event.actor}>
        {event.actor === 'system' ? '' : `${event.actor_name} · ${ws.placeName(event.actor_org)}`}
      </span>
      {event.from_state !== event.to_state && event.from_state !== '' ? (
        <span className="timeline-transition">
          {named(m.stateNames, event.from_state)} → {named(m.stateNames, event.to_state)}
        </span>
      ) : null}
      {event.kind === 'transferred' && moved?.org_code !== undefined ? (
        <div className="timeline-text">
          → {ws.placeName(moved.org_code)} · {ws.departmentName(moved.department ?? '')}
        </div>
      ) : null}
      {event.text !== '' ? <div className="timeline-text">{event.text}</div> : null}
      {(event.detail.attachments ?? []).length > 0 ? (
        <div className="timeline-files">
          {event.detail.attachments!.map((a) => (
            <AttachmentView key={a.id} orderId={orderId} attachment={a} />
          ))}
        </div>
      ) : null}
    </li>
  );
}

function AttachmentView({
  orderId,
  attachment,
}: {
  orderId: number;
  attachment: { id: number; name: string; content_type: string; size_bytes: number };
}) {
  const ws = useWorkspace();
  const [url, setUrl] = useState<string | null>(null);
  const isImage = attachment.content_type.startsWith('image/');
  const path = `/api/work-orders/${orderId}/attachments/${attachment.id}`;
  useEffect(() => {
    if (!isImage) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    ws.api
      .blob(path)
      .then((blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      if (objectUrl !== null) URL.revokeObjectURL(objectUrl);
    };
  }, [ws.api, path, isImage]);
  const download = async () => {
    try {
      const blob = await ws.api.blob(path);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = attachment.name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (failure) {
      ws.toast(errorSentence(failure, ws.m), 'error');
    }
  };
  return (
    <button
      type="button"
      className="attachment"
      data-testid="attachment"
      title={attachment.name}
      onClick={() => void download()}
    >
      {isImage && url !== null ? <img src={url} alt={attachment.name} data-testid="attachment-image" /> : null}
      <span>
        {attachment.name} ({Math.ceil(attachment.size_bytes / 1024)} KB)
      </span>
    </button>
  );
}

function StepForm({
  action,
  order,
  busy,
  onCancel,
  onSubmit,
}: {
  action: WorkOrderAction;
  order: WorkOrderListRow;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (body: Record<string, unknown>) => Promise<boolean>;
}) {
  const ws = useWorkspace();
  const { m } = ws;
  const [text, setText] = useState('');
  const [files, setFiles] = useState<PreparedAttachment[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [unit, setUnit] = useState(order.org_code);
  const fileInput = useRef<HTMLInputElement>(null);
  const needsText = TEXT_REQUIRED.has(action);

  const { departments, department, setDepartment } = useUnitDepartments(unit, order.department, {
    enabled: action === 'transfer',
  });

  const addFiles = async (chosen: FileList | null) => {
    if (chosen === null) return;
    setProblem(null);
    const next = [...files];
    for (const file of Array.from(chosen)) {
      if (next.length >= ATTACHMENTS_PER_STEP_MAX) {
        setProblem(m.orders.tooManyFiles(ATTACHMENTS_PER_STEP_MAX));
        break;
      }
      const outcome = await prepareAttachment(file);
      if (!outcome.ok) {
        setProblem(m.orders.fileTooLarge(outcome.name, ATTACHMENT_BYTES_MAX / 1024));
        continue;
      }
      if (stepBytes([...next, outcome.file]) > STEP_BYTES_MAX) {
        setProblem(m.orders.filesTooLarge(Math.floor(STEP_BYTES_MAX / 1024)));
        break;
      }
      next.push(outcome.file);
    }
    setFiles(next);
    if (fileInput.current) fileInput.current.value = '';
  };

  const submit = async () => {
    if (needsText && text.trim() === '') {
      setProblem(m.orders.textRequired);
      return;
    }
    const body: Record<string, unknown> = {};
    if (text.trim() !== '') body.text = text.trim();
    if (files.length > 0)
      body.attachments = files.map((f) => ({ name: f.name, content_type: f.content_type, data_base64: f.data_base64 }));
    if (action === 'transfer') {
      body.org_code = unit;
      body.department = department;
    }
    await onSubmit(body);
  };

  return (
    <form
      className="console-form step-form"
      data-testid="step-form"
      data-action={action}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {action === 'transfer' ? (
        <div className="console-form-row">
          <label>
            {m.orders.transferTo}
            <select data-testid="transfer-unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
              <UnitOptions units={ws.units} />
            </select>
          </label>
          <label>
            {m.dispatch.department}
            <DepartmentSelect
              testId="transfer-department"
              departments={departments}
              value={department}
              onChange={setDepartment}
            />
          </label>
        </div>
      ) : null}
      <label>
        {m.orders.textLabel[action] ?? ''}
        <textarea
          data-testid="step-text"
          rows={3}
          maxLength={TEXT_CHARS_MAX}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      {WITH_FILES.has(action) ? (
        <div className="step-files">
          {/* The native input's own label is in the browser's language; a button in ours opens it. */}
          <button type="button" data-testid="step-add-files" onClick={() => fileInput.current?.click()}>
            + {m.orders.addFiles}
          </button>
          <label className="console-file-input">
            <input
              ref={fileInput}
              type="file"
              multiple
              data-testid="step-files"
              accept="image/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt"
              onChange={(e) => void addFiles(e.target.files)}
            />
            {m.orders.addFiles}
          </label>
          <ul className="step-file-list" data-testid="step-file-list">
            {files.map((f, i) => (
              <li key={`${f.name}-${i}`}>
                {f.name} ({Math.ceil(f.size_bytes / 1024)} KB)
                <button
                  type="button"
                  className="console-icon-button"
                  onClick={() => setFiles(files.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {problem !== null ? (
        <p className="console-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="console-form-buttons">
        <button type="button" onClick={onCancel} disabled={busy}>
          {m.cancel}
        </button>
        <button type="submit" className="primary" data-testid="step-submit" disabled={busy}>
          {named(m.orderActions, action)} · {m.orders.submit}
        </button>
      </div>
    </form>
  );
}
