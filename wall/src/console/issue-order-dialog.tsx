/**
 * 下发工单: a dispatcher or leader issues a work order down the hierarchy — to a unit of their subtree, one of its
 * departments and optionally an enterprise to rectify, with a deadline — and confirms before it is sent.
 */
import { useEffect, useState } from 'react';
import type { FeedWorkOrder } from '../../../schema/feed.js';
import { AssignmentSteps, UnitDepartmentFields } from './assignment-dialog.js';
import { DeadlineSelect, useUnitDepartments } from './assignment-fields.js';
import { DialogError, useDialogAction } from './dialog-action.js';
import { Modal } from './modal.js';
import { useWorkspace } from './workspace-context.js';

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
  const [enterprises, setEnterprises] = useState<Enterprise[]>([]);
  const [enterprise, setEnterprise] = useState('');
  const [category, setCategory] = useState('inspection');
  const [severity, setSeverity] = useState('warning');
  const [hours, setHours] = useState<number | null>(72);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const action = useDialogAction(onDone);
  const { departments, department, setDepartment } = useUnitDepartments(unit, 'road_transport', {
    onError: action.fail,
  });
  useEffect(() => {
    ws.api
      .get<{ enterprises: Enterprise[] }>('/api/enterprises')
      .then((answer) => setEnterprises(answer.enterprises))
      .catch(() => setEnterprises([]));
  }, [ws.api]);

  const send = () => {
    const body: Record<string, unknown> = { title: title.trim(), category, severity, org_code: unit, department };
    if (description.trim() !== '') body.description = description.trim();
    if (enterprise !== '') body.enterprise_id = enterprise;
    if (hours !== null) body.deadline_hours = hours;
    return ws.api.post<FeedWorkOrder>('/api/work-orders', body);
  };
  return (
    <Modal title={m.orders.issueTitle} onClose={onClose} closeLabel={m.close} testId="issue-dialog" wide>
      <AssignmentSteps
        action={action}
        unit={unit}
        department={department}
        hours={hours}
        title={title}
        nextDisabled={title.trim() === '' || departments.length === 0}
        onClose={onClose}
        send={send}
        testId="issue"
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
          <UnitDepartmentFields
            testId="issue"
            units={choices}
            unit={unit}
            onUnit={setUnit}
            departments={departments}
            department={department}
            onDepartment={setDepartment}
          />
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
            <DeadlineSelect
              testId="issue-deadline"
              choices={DEADLINE_CHOICES_HOURS}
              hours={hours}
              onChange={setHours}
            />
          </label>
        </div>
        <label>
          {m.dispatch.description}
          <textarea value={description} rows={4} maxLength={4000} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </AssignmentSteps>
      <DialogError error={action.error} />
    </Modal>
  );
}
