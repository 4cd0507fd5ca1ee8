/**
 * The pictures and clips an intelligent video terminal uploaded for an active-safety alarm (T/JSATL 12), next to
 * the alarm: the officer sees what the camera saw before signing for or dismissing it. Listed by the alarm's
 * `attachment_number` (`GET /api/vehicles/:terminal/attachments/:number`); each file is fetched with the token
 * in the header and shown from a blob URL. Uploads take a while after the alarm, so the list is asked again
 * until something arrives.
 */
import { useEffect, useRef, useState } from 'react';
import { named } from './console-messages.js';
import { chinaDateTime } from './console-time.js';
import { useWorkspace } from './workspace-context.js';

interface AttachmentFile {
  name: string;
  file_type: number;
  bytes: number;
  received_at: number;
  url: string;
}

/** How often an empty list is asked again while the alarm is open on screen. */
const EMPTY_REFRESH_MS = 10_000;

export function AlarmAttachments({ terminalId, alarmNumber }: { terminalId: string; alarmNumber: string }) {
  const ws = useWorkspace();
  const { m } = ws;
  const [files, setFiles] = useState<AttachmentFile[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      ws.api
        .get<{ files: AttachmentFile[] }>(
          `/api/vehicles/${encodeURIComponent(terminalId)}/attachments/${encodeURIComponent(alarmNumber)}`,
        )
        .then((answer) => {
          if (cancelled) return;
          setFailed(false);
          setFiles(answer.files);
          if (answer.files.length === 0) timer = setTimeout(load, EMPTY_REFRESH_MS);
        })
        .catch(() => !cancelled && setFailed(true));
    };
    load();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ws.api, terminalId, alarmNumber]);
  return (
    <section className="alarm-attachments" data-testid="alarm-attachments">
      <h4>{m.evidence.title}</h4>
      {failed ? <p className="console-error">{m.evidence.failed}</p> : null}
      {files !== null && files.length === 0 ? <p className="console-dim">{m.evidence.waiting}</p> : null}
      <div className="media-grid">
        {(files ?? []).map((file) => (
          <AttachmentView key={file.name} file={file} />
        ))}
      </div>
    </section>
  );
}

function AttachmentView({ file }: { file: AttachmentFile }) {
  const ws = useWorkspace();
  const [url, setUrl] = useState<string | null>(null);
  const urlRef = useRef<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    ws.api
      .blob(file.url)
      .then((blob) => {
        if (cancelled) return;
        urlRef.current = URL.createObjectURL(blob);
        setUrl(urlRef.current);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      if (urlRef.current !== null) URL.revokeObjectURL(urlRef.current);
    };
  }, [ws.api, file.url]);
  const kind = named(ws.m.evidence.fileTypes, String(file.file_type));
  return (
    <figure data-testid="alarm-attachment" data-name={file.name}>
      {url === null ? (
        <div className="media-placeholder" />
      ) : file.file_type === 0 ? (
        <a href={url} target="_blank" rel="noreferrer">
          <img src={url} alt={file.name} />
        </a>
      ) : file.file_type === 2 ? (
        <video src={url} controls muted playsInline preload="metadata" />
      ) : (
        <a href={url} download={file.name}>
          {file.name}
        </a>
      )}
      <figcaption>
        {kind} · {Math.max(1, Math.round(file.bytes / 1024))} KB · {chinaDateTime(file.received_at)}
      </figcaption>
    </figure>
  );
}
