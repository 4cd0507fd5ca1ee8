/**
 * 数据源密钥 (the administration page, province admins): the keys `GET /api/sources/keys` lists with their use,
 * a new key for one kind and one unit (`POST /api/sources/keys`) whose secret is shown here once — the server
 * keeps only its digest — with a copy button, and revocation after a confirmation.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { adminRefusal, ConfirmDialog, StepResult, type StepOutcome } from './admin-common.js';
import { UnitOptions } from './assignment-fields.js';
import { ADMIN_MESSAGES, type AdminMessages } from './admin-messages.js';
import { chinaDateTime } from './console-time.js';
import { useWorkspace } from './workspace-context.js';
import { INGEST_KINDS as SOURCE_KINDS } from '../../../schema/source-kinds.js';

interface SourceKey {
  id: number;
  kind: string;
  org_code: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
  requests_count: number;
  records_count: number;
  last_seen_at: string | null;
  last_peer: string;
}

interface IssuedKey {
  id: number;
  key: string;
  kind: string;
  org_code: string;
  name: string;
}

export function AdminKeys() {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  const [keys, setKeys] = useState<SourceKey[] | null>(null);
  const [kind, setKind] = useState('anpr');
  const [orgCode, setOrgCode] = useState(ws.session.user.org_code);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [revoking, setRevoking] = useState<SourceKey | null>(null);
  const [result, setResult] = useState<StepOutcome | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys((await ws.api.get<{ keys: SourceKey[] }>('/api/sources/keys')).keys);
    } catch (failure) {
      setResult({ text: adminRefusal(failure, ws, a), tone: 'error' });
    }
  }, [ws, a]);
  useEffect(() => void load(), [load]);

  const issue = () => {
    setBusy(true);
    setResult(null);
    ws.api
      .post<IssuedKey>('/api/sources/keys', { kind, org_code: orgCode, name: name.trim() })
      .then((answer) => {
        setIssued(answer);
        setName('');
        void load();
      })
      .catch((failure: unknown) => setResult({ text: adminRefusal(failure, ws, a), tone: 'error' }))
      .finally(() => setBusy(false));
  };

  return (
    <section className="duty-section" data-testid="admin-keys">
      <h2>{a.keysTitle}</h2>
      <p className="console-dim">{a.keysIntro}</p>
      <form
        className="duty-form admin-key-form"
        onSubmit={(e) => {
          e.preventDefault();
          issue();
        }}
      >
        <label className="admin-field">
          {a.keyName}
          <input
            data-testid="key-name"
            placeholder={a.keyNamePlaceholder}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="admin-field">
          {a.kind}
          <select data-testid="key-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {SOURCE_KINDS.map((k) => (
              <option key={k} value={k}>
                {a.kinds[k] ?? k} ({k})
              </option>
            ))}
          </select>
        </label>
        <label className="admin-field">
          {a.keyColumns.unit}
          <select data-testid="key-unit" value={orgCode} onChange={(e) => setOrgCode(e.target.value)}>
            <UnitOptions units={ws.units} />
          </select>
        </label>
        <button type="submit" className="primary" data-testid="key-issue" disabled={busy}>
          {a.issue}
        </button>
      </form>
      {issued !== null ? <IssuedSecret a={a} issued={issued} onDismiss={() => setIssued(null)} /> : null}
      <StepResult result={result} />
      <KeysTable a={a} keys={keys} onRevoke={setRevoking} />
      {revoking !== null ? (
        <RevokeKeyDialog
          a={a}
          sourceKey={revoking}
          onClose={() => setRevoking(null)}
          onDone={(text) => {
            setRevoking(null);
            setResult({ text, tone: 'ok' });
            ws.toast(text);
            void load();
          }}
        />
      ) : null}
    </section>
  );
}

/** The secret, this once: the warning first, the key to select or copy, and how a source uses it. */
function IssuedSecret({ a, issued, onDismiss }: { a: AdminMessages; issued: IssuedKey; onDismiss: () => void }) {
  const ws = useWorkspace();
  const field = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    field.current?.select();
    const clipboard = navigator.clipboard as Clipboard | undefined;
    (clipboard === undefined ? Promise.reject(new Error('no clipboard')) : clipboard.writeText(issued.key))
      .then(() => setCopyState('copied'))
      .catch(() => setCopyState('failed'));
  };
  return (
    <div className="admin-secret" role="alert" data-testid="key-secret-panel" data-key-id={issued.id}>
      <h3>
        {a.secretTitle} · #{issued.id} {issued.name} · {a.kinds[issued.kind] ?? issued.kind} ·{' '}
        {ws.placeName(issued.org_code)}
      </h3>
      <p className="admin-secret-warning" data-testid="key-secret-warning">
        ⚠ {a.secretWarning}
      </p>
      <div className="admin-secret-row">
        <input
          ref={field}
          readOnly
          className="admin-mono"
          data-testid="key-secret"
          value={issued.key}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="primary" data-testid="key-copy" onClick={copy}>
          {a.copy}
        </button>
      </div>
      {copyState !== 'idle' ? (
        <p className={copyState === 'copied' ? 'console-dim' : 'console-error'} data-testid="key-copy-state">
          {copyState === 'copied' ? a.copied : a.copyFailed}
        </p>
      ) : null}
      <p className="console-dim admin-mono">{a.secretUse(issued.kind)}</p>
      <button type="button" data-testid="key-secret-dismiss" onClick={onDismiss}>
        {a.secretSaved}
      </button>
    </div>
  );
}

function KeysTable({
  a,
  keys,
  onRevoke,
}: {
  a: AdminMessages;
  keys: SourceKey[] | null;
  onRevoke: (key: SourceKey) => void;
}) {
  const ws = useWorkspace();
  const c = a.keyColumns;
  if (keys === null) return null;
  if (keys.length === 0) return <p className="console-dim">{a.noKeys}</p>;
  // Newest first: the key just issued is at the top, next to its secret.
  const rows = [...keys].sort((x, y) => y.id - x.id);
  return (
    <table className="console-table admin-table" data-testid="keys-table">
      <thead>
        <tr>
          <th>{c.id}</th>
          <th>{c.name}</th>
          <th>{c.kind}</th>
          <th>{c.unit}</th>
          <th>{c.createdAt}</th>
          <th>{c.lastUsed}</th>
          <th>{c.usage}</th>
          <th>{c.state}</th>
          <th>{c.actions}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((k) => (
          <tr key={k.id} data-testid="key-row" data-key-id={k.id} className={k.revoked_at !== null ? 'row-left' : ''}>
            <td>#{k.id}</td>
            <td>{k.name}</td>
            <td>
              {a.kinds[k.kind] ?? k.kind} <span className="console-dim admin-mono">{k.kind}</span>
            </td>
            <td>{ws.placeName(k.org_code)}</td>
            <td>{chinaDateTime(Date.parse(k.created_at))}</td>
            <td data-testid="key-last-used">
              {k.last_seen_at === null ? (
                <span className="admin-dim">{a.neverUsed}</span>
              ) : (
                <>
                  {chinaDateTime(Date.parse(k.last_seen_at))}{' '}
                  <span className="console-dim admin-mono">{k.last_peer}</span>
                </>
              )}
            </td>
            <td>{a.usageText(k.requests_count, k.records_count)}</td>
            <td data-testid="key-state">
              {k.revoked_at === null ? (
                <span className="admin-state admin-state-on">{a.keyActive}</span>
              ) : (
                <span className="admin-state admin-state-off">
                  {a.keyRevoked(chinaDateTime(Date.parse(k.revoked_at)))}
                </span>
              )}
            </td>
            <td className="admin-actions">
              {k.revoked_at === null ? (
                <button type="button" data-testid="key-revoke" onClick={() => onRevoke(k)}>
                  {a.revoke}
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevokeKeyDialog({
  a,
  sourceKey,
  onClose,
  onDone,
}: {
  a: AdminMessages;
  sourceKey: SourceKey;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const ws = useWorkspace();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <ConfirmDialog
      title={a.revoke}
      text={a.confirmRevokeKey(sourceKey.name, sourceKey.id)}
      confirmLabel={a.revoke}
      danger
      error={error}
      busy={busy}
      onClose={onClose}
      onConfirm={() => {
        setBusy(true);
        setError(null);
        ws.api
          .delete(`/api/sources/keys/${sourceKey.id}`)
          .then(() => onDone(a.keyRevokedDone(sourceKey.name, sourceKey.id)))
          .catch((failure: unknown) => setError(adminRefusal(failure, ws, a)))
          .finally(() => setBusy(false));
      }}
    />
  );
}
