/**
 * 用户 (the administration page): the accounts of the admin's subtree as `GET /api/users` gives them (unit name,
 * creator, login lock), filtered here by role, unit and text; a new account through `POST /api/users`; disable,
 * enable, unlock, password reset and session revocation, each after a confirmation, each answer shown.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { adminRefusal, ConfirmDialog, StepResult, type StepOutcome } from './admin-common.js';
import { UnitOptions } from './assignment-fields.js';
import { ADMIN_MESSAGES, type AdminMessages } from './admin-messages.js';
import { named } from './console-messages.js';
import { chinaDateTime, chinaFullDateTime } from './console-time.js';
import { Modal } from './modal.js';
import { useWorkspace, type Workspace } from './workspace-context.js';

export interface ListedUser {
  id: number;
  username: string;
  display_name: string;
  role: string;
  org_code: string;
  org_name: string;
  enterprise_id: string | null;
  disabled: boolean;
  locked_until: number | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: number;
}

/** Roles a person's account may have (a wall's kiosk account is made by the centre, not here). */
const CREATABLE_ROLES = ['duty_officer', 'dispatcher', 'leader', 'analyst', 'admin', 'enterprise'];
const FILTER_ROLES = [...CREATABLE_ROLES, 'wall'];

type Step = 'disable' | 'enable' | 'unlock' | 'password' | 'revoke-sessions';

/** A user as people know them: the display name, with the login name to tell two alike apart. */
export function personName(user: Pick<ListedUser, 'username' | 'display_name'>): string {
  return user.display_name === '' ? user.username : `${user.display_name}（${user.username}）`;
}

export function AdminUsers() {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  const [users, setUsers] = useState<ListedUser[] | null>(null);
  const [role, setRole] = useState('');
  const [unit, setUnit] = useState('');
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  const [step, setStep] = useState<{ step: Step; user: ListedUser } | null>(null);
  const [result, setResult] = useState<StepOutcome | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await ws.api.get<{ users: ListedUser[] }>('/api/users')).users);
      setLoadError(null);
    } catch (failure) {
      setLoadError(adminRefusal(failure, ws, a));
    }
  }, [ws, a]);
  useEffect(() => void load(), [load]);

  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return (users ?? []).filter(
      (u) =>
        (role === '' || u.role === role) &&
        (unit === '' || u.org_code === unit) &&
        (needle === '' || u.username.toLowerCase().includes(needle) || u.display_name.toLowerCase().includes(needle)),
    );
  }, [users, role, unit, text]);

  const done = (outcome: StepOutcome) => {
    setResult(outcome);
    ws.toast(outcome.text, outcome.tone);
    void load();
  };

  return (
    <section className="duty-section" data-testid="admin-users">
      <h2>{a.usersTitle}</h2>
      <div className="queue-filters">
        <select data-testid="users-filter-role" value={role} onChange={(e) => setRole(e.target.value)}>
          <option value="">{a.anyRole}</option>
          {FILTER_ROLES.map((r) => (
            <option key={r} value={r}>
              {named(ws.m.roleNames, r)}
            </option>
          ))}
        </select>
        <select data-testid="users-filter-unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
          <option value="">{a.anyUnit}</option>
          <UnitOptions units={ws.units} />
        </select>
        <input
          type="search"
          data-testid="users-filter-text"
          placeholder={a.searchPlaceholder}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="button" className="primary" data-testid="user-new" onClick={() => setCreating(true)}>
          + {a.newUser}
        </button>
        {users !== null ? (
          <span className="console-dim" data-testid="users-count">
            {a.usersCount(shown.length, users.length)}
          </span>
        ) : null}
      </div>
      <StepResult result={result} />
      {loadError !== null ? (
        <p className="console-error" role="alert">
          {loadError}
        </p>
      ) : null}
      <UsersTable a={a} users={shown} loaded={users !== null} onStep={(s, user) => setStep({ step: s, user })} />
      {creating ? (
        <CreateUserDialog
          onClose={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            done({ text: a.created(personName(user)), tone: 'ok' });
          }}
        />
      ) : null}
      {step !== null ? (
        <UserStepDialog
          step={step.step}
          user={step.user}
          onClose={() => setStep(null)}
          onDone={(text) => {
            setStep(null);
            done({ text, tone: 'ok' });
          }}
        />
      ) : null}
    </section>
  );
}

function UsersTable({
  a,
  users,
  loaded,
  onStep,
}: {
  a: AdminMessages;
  users: ListedUser[];
  loaded: boolean;
  onStep: (step: Step, user: ListedUser) => void;
}) {
  const ws = useWorkspace();
  const me = ws.session.user.username;
  const c = a.userColumns;
  if (loaded && users.length === 0) return <p className="console-dim">{a.noUsers}</p>;
  return (
    <table className="console-table admin-table" data-testid="users-table">
      <thead>
        <tr>
          <th>{c.username}</th>
          <th>{c.displayName}</th>
          <th>{c.role}</th>
          <th>{c.unit}</th>
          <th>{c.enterprise}</th>
          <th>{c.state}</th>
          <th>{c.createdBy}</th>
          <th>{c.createdAt}</th>
          <th>{c.actions}</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => {
          const self = u.username === me;
          return (
            <tr key={u.id} data-testid="user-row" data-username={u.username} className={u.disabled ? 'row-left' : ''}>
              <td className="admin-mono">
                {u.username}
                {self ? <span className="console-dim">{a.self}</span> : null}
              </td>
              <td>{u.display_name}</td>
              <td>{named(ws.m.roleNames, u.role)}</td>
              <td>{u.org_name}</td>
              <td>{u.enterprise_id === null ? '' : ws.enterpriseName(u.enterprise_id)}</td>
              <td data-testid="user-state">
                <UserState a={a} user={u} />
              </td>
              <td>{u.created_by_name ?? <span className="admin-dim">{a.startUp}</span>}</td>
              <td>{chinaDateTime(u.created_at)}</td>
              <td className="admin-actions">
                {u.disabled ? (
                  <button type="button" data-testid="user-enable" onClick={() => onStep('enable', u)}>
                    {a.enable}
                  </button>
                ) : (
                  <button type="button" data-testid="user-disable" disabled={self} onClick={() => onStep('disable', u)}>
                    {a.disable}
                  </button>
                )}
                <button type="button" data-testid="user-unlock" onClick={() => onStep('unlock', u)}>
                  {a.unlock}
                </button>
                <button type="button" data-testid="user-password" disabled={self} onClick={() => onStep('password', u)}>
                  {a.resetPassword}
                </button>
                <button type="button" data-testid="user-revoke" onClick={() => onStep('revoke-sessions', u)}>
                  {a.revokeSessions}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function UserState({ a, user }: { a: AdminMessages; user: ListedUser }) {
  const parts: { text: string; tone: string }[] = [];
  if (user.disabled) parts.push({ text: a.disabled, tone: 'admin-state-off' });
  if (user.locked_until !== null)
    parts.push({ text: a.lockedUntil(chinaFullDateTime(user.locked_until)), tone: 'admin-state-locked' });
  if (parts.length === 0) parts.push({ text: a.active, tone: 'admin-state-on' });
  return (
    <>
      {parts.map((p) => (
        <span key={p.text} className={`admin-state ${p.tone}`}>
          {p.text}
        </span>
      ))}
    </>
  );
}

function stepText(a: AdminMessages, step: Step, who: string): { title: string; text: string; label: string } {
  switch (step) {
    case 'disable':
      return { title: a.disable, text: a.confirmDisable(who), label: a.disable };
    case 'enable':
      return { title: a.enable, text: a.confirmEnable(who), label: a.enable };
    case 'unlock':
      return { title: a.unlock, text: a.confirmUnlock(who), label: a.unlock };
    case 'password':
      return { title: a.resetPassword, text: a.confirmReset(who), label: a.resetPassword };
    case 'revoke-sessions':
      return { title: a.revokeSessions, text: a.confirmRevoke(who), label: a.revokeSessions };
  }
}

async function runStep(ws: Workspace, a: AdminMessages, step: Step, user: ListedUser, password: string) {
  const who = personName(user);
  const path = `/api/users/${user.id}/${step}`;
  switch (step) {
    case 'disable':
      await ws.api.post(path);
      return a.disabledDone(who);
    case 'enable':
      await ws.api.post(path);
      return a.enabledDone(who);
    case 'unlock':
      return a.unlockedDone(who, (await ws.api.post<{ counts_cleared: number }>(path)).counts_cleared);
    case 'password':
      return a.resetDone(who, (await ws.api.post<{ sessions_revoked: number }>(path, { password })).sessions_revoked);
    case 'revoke-sessions':
      return a.revokedDone(who, (await ws.api.post<{ revoked: number }>(path)).revoked);
  }
}

function UserStepDialog({
  step,
  user,
  onClose,
  onDone,
}: {
  step: Step;
  user: ListedUser;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { title, text, label } = stepText(a, step, personName(user));
  return (
    <ConfirmDialog
      title={title}
      text={text}
      confirmLabel={label}
      danger={step === 'disable' || step === 'revoke-sessions'}
      error={error}
      busy={busy}
      onClose={onClose}
      onConfirm={() => {
        setBusy(true);
        setError(null);
        runStep(ws, a, step, user, password)
          .then(onDone)
          .catch((failure: unknown) => setError(adminRefusal(failure, ws, a)))
          .finally(() => setBusy(false));
      }}
    >
      {step === 'password' ? (
        <>
          <label className="admin-field">
            {a.fields.newPassword}
            <input
              type="password"
              autoComplete="new-password"
              data-testid="user-new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <p className="console-dim">{a.passwordHint}</p>
        </>
      ) : null}
    </ConfirmDialog>
  );
}

interface EnterpriseRow {
  id: string;
  name: string;
  org_code: string;
}

function CreateUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (user: ListedUser) => void }) {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState('duty_officer');
  const [orgCode, setOrgCode] = useState(ws.session.user.org_code);
  const [enterpriseId, setEnterpriseId] = useState('');
  const [password, setPassword] = useState('');
  const [enterprises, setEnterprises] = useState<EnterpriseRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ws.api
      .get<{ enterprises: EnterpriseRow[] }>('/api/enterprises')
      .then((answer) => setEnterprises(answer.enterprises))
      .catch(() => undefined);
  }, [ws.api]);
  const enterprise = role === 'enterprise';
  const submit = () => {
    setBusy(true);
    setError(null);
    const body: Record<string, string> = { username: username.trim(), password, role, org_code: orgCode };
    if (displayName.trim() !== '') body.display_name = displayName.trim();
    if (enterprise && enterpriseId !== '') body.enterprise_id = enterpriseId;
    ws.api
      .post<ListedUser>('/api/users', body)
      .then(onCreated)
      .catch((failure: unknown) => setError(adminRefusal(failure, ws, a)))
      .finally(() => setBusy(false));
  };
  return (
    <Modal title={a.createTitle} onClose={onClose} closeLabel={a.close} testId="user-create" wide>
      <form
        className="admin-dialog-form admin-create-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label className="admin-field">
          {a.fields.username}
          <input
            data-testid="user-create-username"
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <span className="console-dim">{a.usernameHint}</span>
        </label>
        <label className="admin-field">
          {a.fields.displayName}
          <input
            data-testid="user-create-display-name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <label className="admin-field">
          {a.fields.role}
          <select data-testid="user-create-role" value={role} onChange={(e) => setRole(e.target.value)}>
            {CREATABLE_ROLES.map((r) => (
              <option key={r} value={r}>
                {named(ws.m.roleNames, r)}
              </option>
            ))}
          </select>
        </label>
        <label className="admin-field">
          {a.fields.unit}
          <select data-testid="user-create-unit" value={orgCode} onChange={(e) => setOrgCode(e.target.value)}>
            <UnitOptions units={ws.units} />
          </select>
        </label>
        {enterprise ? (
          <label className="admin-field">
            {a.fields.enterprise}
            <select
              data-testid="user-create-enterprise"
              value={enterpriseId}
              onChange={(e) => setEnterpriseId(e.target.value)}
            >
              <option value="">{enterprises.length === 0 ? a.noEnterprise : a.chooseEnterprise}</option>
              {enterprises.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}（{ws.placeName(e.org_code)}）
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="admin-field">
          {a.fields.password}
          <input
            type="password"
            autoComplete="new-password"
            data-testid="user-create-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span className="console-dim">{a.passwordHint}</span>
        </label>
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="user-create-error">
            {error}
          </p>
        ) : null}
        <div className="admin-dialog-buttons">
          <button type="button" onClick={onClose}>
            {a.cancel}
          </button>
          <button type="submit" className="primary" data-testid="user-create-submit" disabled={busy}>
            {a.create}
          </button>
        </div>
      </form>
    </Modal>
  );
}
