/**
 * The upload page (数据上传): a unit's administrator or an enterprise chooses a source kind and a CSV or XLSX
 * file; the server applies it in the uploader's scope and answers with the counts and every refused row (row
 * number, column, reason, original values), or with the earlier upload when the same file came before; each kind's
 * columns are listed and offered as a template to fill in. Below, the
 * uploads of the caller's scope; choosing one shows its result again, with its error report to download.
 * Everything is the server's (`/api/uploads`, docs/sources/uploads.md); the page only arranges it.
 */
import { useCallback, useEffect, useState } from 'react';
import { saveBlob } from './save-blob.js';
import type { UploadAnswer, UploadDetail, UploadSummary } from '../../../schema/uploads.js';
import { ApiError } from './console-api.js';
import { chinaDateTime } from './console-time.js';
import { errorSentence } from './error-text.js';
import { reasonText, UPLOAD_MESSAGES, type UploadMessages } from './upload-messages.js';
import { KIND_COLUMNS, templateCsv } from './upload-templates.js';
import { useWorkspace } from './workspace-context.js';
import { UPLOAD_KINDS } from '../../../schema/source-kinds.js';
import './uploads.css';

/** The server's bounds (UPLOAD_BYTES_MAX, the ingestion's records per request), shown to the user. */
const BYTES_MAX_TEXT = '8 MiB';
const ROWS_MAX = 5_000;
/** Refused rows shown on the page; the report holds them all. */
const ERRORS_SHOWN_MAX = 200;

export function UploadsPage() {
  const ws = useWorkspace();
  const u = UPLOAD_MESSAGES[ws.lang];
  const [kind, setKind] = useState(ws.session.user.role === 'enterprise' ? 'registry' : 'anpr');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<UploadAnswer | UploadDetail | null>(null);
  const [history, setHistory] = useState<UploadSummary[] | null>(null);

  const loadHistory = useCallback(async () => {
    try {
      setHistory((await ws.api.get<{ uploads: UploadSummary[] }>('/api/uploads')).uploads);
    } catch (failure) {
      setError(errorSentence(failure, ws.m));
    }
  }, [ws.api, ws.m]);

  useEffect(() => void loadHistory(), [loadHistory]);

  const send = async () => {
    if (file === null) {
      setError(u.chooseFile);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const query = `kind=${encodeURIComponent(kind)}&filename=${encodeURIComponent(file.name)}`;
      const { body } = await ws.api.postFile<UploadAnswer>(`/api/uploads?${query}`, file);
      setShown(body);
      await loadHistory();
    } catch (failure) {
      setError(refusalText(u, failure, ws.m));
    } finally {
      setBusy(false);
    }
  };

  const open = async (id: number) => {
    setError(null);
    try {
      setShown(await ws.api.get<UploadDetail>(`/api/uploads/${id}`));
    } catch (failure) {
      setError(errorSentence(failure, ws.m));
    }
  };

  const enterpriseId = ws.session.user.enterprise_id ?? null;
  return (
    <div className="duty-page uploads-page" data-testid="uploads-page">
      <section className="duty-section">
        <h2>{u.title}</h2>
        <form
          className="duty-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label>
            {u.kind}
            <select data-testid="upload-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
              {UPLOAD_KINDS.map((k) => (
                <option key={k} value={k}>
                  {u.kinds[k]} ({k})
                </option>
              ))}
            </select>
          </label>
          <label>
            {u.file}
            <input
              type="file"
              data-testid="upload-file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <button type="submit" className="primary" data-testid="upload-send" disabled={busy}>
            {busy ? u.uploading : u.upload}
          </button>
          <button
            type="button"
            data-testid="upload-template"
            onClick={() => saveBlob(new Blob([templateCsv(kind)], { type: 'text/csv' }), `${kind}-template.csv`)}
          >
            {u.template}
          </button>
        </form>
        <p className="console-dim" data-testid="upload-columns">
          {u.columns(KIND_COLUMNS[kind]?.required.join(', ') ?? '', KIND_COLUMNS[kind]?.optional.join(', ') ?? '')}
        </p>
        <p className="console-dim">{u.hint(BYTES_MAX_TEXT, ROWS_MAX)}</p>
        <p className="console-dim" data-testid="upload-scope">
          {enterpriseId !== null
            ? u.scopeEnterprise(ws.enterpriseName(enterpriseId))
            : u.scopeStaff(ws.placeName(ws.session.user.org_code))}
        </p>
        {error !== null ? (
          <p className="console-error" role="alert" data-testid="upload-error">
            {error}
          </p>
        ) : null}
      </section>
      {shown !== null ? <UploadResult u={u} upload={shown} /> : null}
      <section className="duty-section">
        <h2>{u.history}</h2>
        <HistoryTable u={u} uploads={history} selected={shown?.id ?? null} onOpen={(id) => void open(id)} />
      </section>
    </div>
  );
}

function refusalText(u: UploadMessages, failure: unknown, m: Parameters<typeof errorSentence>[1]): string {
  if (failure instanceof ApiError && u.refusals[failure.reason] !== undefined) return u.refusals[failure.reason];
  return errorSentence(failure, m);
}

function UploadResult({ u, upload }: { u: UploadMessages; upload: UploadAnswer | UploadDetail }) {
  const ws = useWorkspace();
  const repeated = 'repeated' in upload && upload.repeated;
  const download = () => {
    ws.api
      .blob(`/api/uploads/${upload.id}/errors.csv`)
      .then((blob) => saveBlob(blob, `upload-${upload.id}-errors.csv`))
      .catch((failure: unknown) => ws.toast(errorSentence(failure, ws.m), 'error'));
  };
  return (
    <section className="duty-section" data-testid="upload-result" data-upload-id={upload.id}>
      <h2>
        {u.result} · {upload.file_name} · {u.kinds[upload.kind] ?? upload.kind}
      </h2>
      <p
        className={repeated ? 'upload-notice upload-repeated' : 'upload-notice'}
        data-testid={repeated ? 'upload-repeated' : 'upload-applied'}
      >
        {repeated ? u.repeated(upload.id, chinaDateTime(upload.uploaded_at), upload.uploaded_by) : u.applied(upload.id)}
      </p>
      <div className="upload-counts">
        <Count testId="upload-records" label={u.records} value={upload.records} />
        <Count testId="upload-accepted" label={u.accepted} value={upload.accepted} />
        <Count testId="upload-duplicates" label={u.duplicates} value={upload.duplicates} />
        <Count testId="upload-rejected" label={u.rejected} value={upload.rejected} tone="bad" />
      </div>
      {upload.errors.length === 0 ? (
        <p className="console-dim">{u.noErrors}</p>
      ) : (
        <>
          <h3>
            {u.errorsTitle}{' '}
            <button type="button" data-testid="upload-report" onClick={download}>
              {u.downloadReport}
            </button>
          </h3>
          <table className="console-table upload-errors" data-testid="upload-errors">
            <thead>
              <tr>
                <th>{u.row}</th>
                <th>{u.field}</th>
                <th>{u.reason}</th>
                <th>{u.detail}</th>
                <th>{u.values}</th>
              </tr>
            </thead>
            <tbody>
              {upload.errors.slice(0, ERRORS_SHOWN_MAX).map((e) => (
                <tr key={e.row} data-testid={`upload-error-${e.row}`} data-reason={e.reason}>
                  <td>{e.row}</td>
                  <td>{e.field}</td>
                  <td>{reasonText(u, e.reason)}</td>
                  <td className="upload-detail">{e.detail}</td>
                  <td className="upload-values">
                    {e.values === null
                      ? e.raw
                      : upload.columns
                          .filter((c) => e.values?.[c] !== undefined)
                          .map((c) => `${c}=${e.values?.[c]}`)
                          .join('  ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Count({ testId, label, value, tone }: { testId: string; label: string; value: number; tone?: 'bad' }) {
  return (
    <div className={`upload-count${tone === 'bad' && value > 0 ? ' upload-count-bad' : ''}`} data-testid={testId}>
      <span className="upload-count-value">{value}</span>
      <span className="console-dim">{label}</span>
    </div>
  );
}

function HistoryTable({
  u,
  uploads,
  selected,
  onOpen,
}: {
  u: UploadMessages;
  uploads: UploadSummary[] | null;
  selected: number | null;
  onOpen: (id: number) => void;
}) {
  const ws = useWorkspace();
  if (uploads === null) return <p className="console-dim">…</p>;
  if (uploads.length === 0) return <p className="console-dim">{u.noHistory}</p>;
  return (
    <table className="console-table" data-testid="upload-history">
      <thead>
        <tr>
          <th>{u.at}</th>
          <th>{u.fileName}</th>
          <th>{u.kind}</th>
          <th>{u.by}</th>
          <th>{u.unit}</th>
          <th>{u.counts}</th>
        </tr>
      </thead>
      <tbody>
        {uploads.map((x) => (
          <tr
            key={x.id}
            data-testid={`upload-row-${x.id}`}
            className={x.id === selected ? 'row-selected' : undefined}
            onClick={() => onOpen(x.id)}
          >
            <td>{chinaDateTime(x.uploaded_at)}</td>
            <td>{x.file_name}</td>
            <td>{u.kinds[x.kind] ?? x.kind}</td>
            <td>{x.uploaded_by}</td>
            <td>
              {ws.placeName(x.org_code)}
              {x.enterprise_id !== null ? ` · ${ws.enterpriseName(x.enterprise_id)}` : ''}
            </td>
            <td className={x.rejected > 0 ? 'upload-has-errors' : undefined}>
              {u.countsText(x.records, x.accepted, x.rejected)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
