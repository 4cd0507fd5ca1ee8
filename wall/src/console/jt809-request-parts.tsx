/**
 * What the JT/T 809 page's two kinds of request to a lower platform — 查岗 (inspections) and 督办 (supervisions) —
 * show and send alike: the form that posts one, its time-limit field, and the table of those sent, whose rows
 * stand out by state and whose deadlines count down while a request waits for its answer. The page says per kind
 * which fields and columns it has.
 */
import type { ReactNode } from 'react';
import { chinaDateTime, coarseDurationText } from './console-time.js';
import type { Jt809Messages } from './jt809-messages.js';
import { useNow } from './use-now.js';
import { useWorkspace } from './workspace-context.js';

/** Runs a change, toasts `done` or the refusal as a sentence, and reloads the page's lists; true when it went. */
export type Step = (run: () => Promise<unknown>, done: string) => Promise<boolean>;

export const ms = (iso: string): number => Date.parse(iso);

/** What every request sent to a platform has, whatever its kind. */
export interface SentRequest {
  id: number;
  sent_at: string;
  deadline_at: string;
  /** `sent` while it waits for the platform's answer; the other states are the kind's own. */
  status: string;
}

/** The form that sends one request of a kind to the platform: its fields, then the send button. */
export function RequestForm({
  testId,
  url,
  body,
  step,
  done,
  sendLabel,
  sendTestId,
  children,
}: {
  testId: string;
  /** Where the request is posted. */
  url: string;
  /** The request as posted, read from the fields when the form is sent. */
  body: () => unknown;
  step: Step;
  /** The toast once the server took it. */
  done: string;
  sendLabel: string;
  sendTestId: string;
  children: ReactNode;
}) {
  const ws = useWorkspace();
  return (
    <form
      className="duty-form"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        void step(() => ws.api.post(url, body()), done);
      }}
    >
      {children}
      <button type="submit" className="primary" data-testid={sendTestId}>
        {sendLabel}
      </button>
    </form>
  );
}

/** How many minutes the platform has to answer, from one up to `max`. */
export function MinutesField({
  label,
  max,
  testId,
  value,
  onChange,
}: {
  label: string;
  max: number;
  testId: string;
  value: number;
  onChange: (minutes: number) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={1}
        max={max}
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </label>
  );
}

/** One column of a request table: its heading and what a row shows under it. */
export interface RequestColumn<T> {
  header: string;
  /** The cell's class, e.g. `jt809-nowrap`. */
  className?: string;
  testId?: string;
  cell: (item: T) => ReactNode;
}

/** The requests of a kind sent to the platform, newest as the server orders them; a row's class names its state. */
export function RequestTable<T extends SentRequest>({
  items,
  empty,
  testId,
  rowTestId,
  idAttribute,
  requestId,
  columns,
}: {
  /** Null while loading. */
  items: T[] | null;
  /** Said when none was sent. */
  empty: string;
  testId: string;
  rowTestId: string;
  /** The row's attribute carrying the request's id on the wire (e.g. `data-info-id`) and its value. */
  idAttribute: `data-${string}`;
  requestId: (item: T) => number;
  columns: readonly RequestColumn<T>[];
}) {
  const ws = useWorkspace();
  if (items === null) return <p className="console-dim">{ws.m.loading}</p>;
  if (items.length === 0) return <p className="console-empty">{empty}</p>;
  return (
    <table className="console-table jt809-table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((column, n) => (
            <th key={n}>{column.header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr
            key={item.id}
            className={`jt809-row-${item.status}`}
            data-testid={rowTestId}
            {...{ [idAttribute]: requestId(item) }}
            data-status={item.status}
          >
            {columns.map((column, n) => (
              <td key={n} className={column.className} data-testid={column.testId}>
                {column.cell(item)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** When the request was sent, and by whom (`by` says it). */
export function sentColumn<T extends SentRequest>(header: string, by: (item: T) => string): RequestColumn<T> {
  return {
    header,
    className: 'jt809-nowrap',
    cell: (item) => (
      <>
        {chinaDateTime(ms(item.sent_at))}
        <div className="console-dim">{by(item)}</div>
      </>
    ),
  };
}

/** The deadline, counting down while the request waits for its answer. */
export function deadlineColumn<T extends SentRequest>(j: Jt809Messages, header: string): RequestColumn<T> {
  return { header, cell: (item) => <Deadline j={j} deadline={item.deadline_at} open={item.status === 'sent'} /> };
}

/** The request's state in words, coloured by state. */
export function statusColumn<T extends SentRequest>(
  header: string,
  statuses: Readonly<Record<string, string>>,
  testId: string,
): RequestColumn<T> {
  return {
    header,
    cell: (item) => (
      <span className={`jt809-status jt809-status-${item.status}`} data-testid={testId}>
        {statuses[item.status]}
      </span>
    ),
  };
}

/** Time left to a deadline, counting down each second; past it, said so. */
function Deadline({ j, deadline, open }: { j: Jt809Messages; deadline: string; open: boolean }) {
  const ws = useWorkspace();
  const now = useNow(1_000);
  const left = ms(deadline) - now;
  return (
    <span className="jt809-deadline">
      {chinaDateTime(ms(deadline))}
      {open ? (
        left > 0 ? (
          <span className="jt809-countdown" data-testid="jt809-countdown">
            {j.remaining(coarseDurationText(left, ws.lang))}
          </span>
        ) : (
          <span className="jt809-late" data-testid="jt809-past-deadline">
            {j.pastDeadline}
          </span>
        )
      ) : null}
    </span>
  );
}
