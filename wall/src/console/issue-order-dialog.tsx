/**
 * 下发工单: a dispatcher or leader issues a work order down the hierarchy — to a unit of their subtree, one of its
 * departments and optionally an enterprise to rectify, with a deadline — and confirms before it is sent.
 */
import { useEffect, useState } from 'react';
import type { FeedWorkOrder } from '../../../schema/feed.js';
import { chinaDateTime } from './console-time.js';
import { errorSentence } from './error-text.js';
import { Modal } from './modal.js';
import { useWorkspace, type Department } from './workspace-context.js';

const DEADLINE_CHOICES_HOURS = [4, 8, 24, 48, 72, 168, 360] as const;

interface Enterprise {
  id: string;
  name: string;
  org_code: string;
}

export function IssueOrderDialog({ onClose, onDone }: { onClose: () => void; onDone: (order: FeedWorkOrder) => void }) {
  const ws = useWorkspace();
  const { m } = ws;
  const below = ws.units.filter((u) => u.code !== ws.session.user.org_code);
  const choices = below.length > 0 ? below : ws.units;
  const [unit, setUnit] = useState(choices[0]?.code ?? ws.session.user.org_code);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [department, setDepartment] = useState('road_transport');
  const [enterprises, setEnterprises] = useState<Enterprise[]>([]);
  const [enterprise, setEnterprise] = useState('');
  const [category, setCategory] = useState('inspection');
  const [severity, setSeverity] = useState('warning');
  const [hours, setHours] = useState<number | null>(72);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    ws.departmentsOf(unit)
      .then((list) => {
        if (cancelled) return;
        setDepartments(list);
        setDepartment((current) => (list.some((d) => d.code === current) ? current : (list[0]?.code ?? current)));
      })
      .catch((failure: unknown) => !cancelled && setError(errorSentence(failure, m)));
    return () => {
      cancelled = true;
    };
  }, [ws, unit, m]);
  useEffect(() => {
    ws.api
      .get<{ enterprises: Enterprise[] }>('/api/enterprises')
      .then((answer) => setEnterprises(answer.enterprises))
      .catch(() => setEnterprises([]));
  }, [ws.api]);

  const deadlineText =
    hours === null
      ? m.dispatch.deadlineDefault
      : `${m.dispatch.hours(hours)}（${chinaDateTime(Date.now() + hours * 3_600_000)}）`;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = {
        title: title.trim(),
        category,
        severity,
        org_code: unit,
        department,
      };
      if (description.trim() !== '') body.description = description.trim();
      if (enterprise !== '') body.enterprise_id = enterprise;
      if (hours !== null) body.deadline_hours = hours;
      onDone(await ws.api.post<FeedWorkOrder>('/api/work-orders', body));
    } catch (failure) {
      setError(errorSentence(failure, m));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={m.orders.issueTitle} onClose={onClose} closeLabel={m.close} testId="issue-dialog" wide>
      {confirming ? (
        <div className="console-form">
          <p className="console-confirm">
            {m.dispatch.confirmText(ws.placeName(unit), ws.departmentName(department), deadlineText)}
          </p>
          <p className="console-dim">{title}</p>
          <div className="console-form-buttons">
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              {m.dispatch.back}
            </button>
            <button
              type="button"
              className="primary"
              data-testid="issue-confirm"
              disabled={busy}
              onClick={() => void submit()}
            >
              {m.dispatch.confirm}
            </button>
          </div>
        </div>
      ) : (
        <form
          className="console-form"
          onSubmit={(e) => {
            e.preventDefault();
            setConfirming(true);
          }}
        >
          <label>
            {m.dispatch.orderTitle}
            <input
              data-testid="issue-title"
              value={title}
              maxLength={200}
              required
              onChange={(e) => setTitle(e.target.value)}
            />
          </label>
          <div className="console-form-row">
            <label>
              {m.orders.issueCategory}
              <select data-testid="issue-category" value={category} onChange={(e) => setCategory(e.target.value)}>
                {Object.entries(m.orders.categories).map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {m.orders.severity}
              <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
                {['critical', 'warning', 'info'].map((s) => (
                  <option key={s} value={s}>
                    {m.severityNames[s]}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="console-form-row">
            <label>
              {m.dispatch.unit}
              <select data-testid="issue-unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
                {choices.map((u) => (
                  <option key={u.code} value={u.code}>
                    {u.level === 'county' ? '　' : ''}
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {m.dispatch.department}
              <select data-testid="issue-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
                {departments.map((d) => (
                  <option key={d.code} value={d.code}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="console-form-row">
            <label>
              {m.dispatch.enterprise}
              <select data-testid="issue-enterprise" value={enterprise} onChange={(e) => setEnterprise(e.target.value)}>
                <option value="">—</option>
                {enterprises.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {m.dispatch.deadline}
              <select
                data-testid="issue-deadline"
                value={hours === null ? '' : String(hours)}
                onChange={(e) => setHours(e.target.value === '' ? null : Number(e.target.value))}
              >
                <option value="">{m.dispatch.deadlineDefault}</option>
                {DEADLINE_CHOICES_HOURS.map((h) => (
                  <option key={h} value={h}>
                    {m.dispatch.hours(h)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <label>
            {m.dispatch.description}
            <textarea value={description} rows={4} maxLength={4000} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <div className="console-form-buttons">
            <button type="button" onClick={onClose}>
              {m.cancel}
            </button>
            <button
              type="submit"
              className="primary"
              data-testid="issue-next"
              disabled={title.trim() === '' || departments.length === 0}
            >
              {m.dispatch.next}
            </button>
          </div>
        </form>
      )}
      {error !== null ? (
        <p className="console-error" role="alert" data-testid="dialog-error">
          {error}
        </p>
      ) : null}
    </Modal>
  );
}
