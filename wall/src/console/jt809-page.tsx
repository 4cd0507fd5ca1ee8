/**
 * The JT/T 809 page (下级平台): the lower platforms with the state of their links, and for the one chosen the
 * inspections (查岗) and alarm supervisions (督办) sent to it — each with its deadline counting down, its state,
 * the platform's answer and when it came; unanswered and overdue requests stand out. Forms send a new 查岗 (a
 * question and an answer time) and a new 督办 (an alarm picked from the queue, or a plate, its colour and a
 * warning type; deadline, level, supervisor). The server decides who may do what: the platform list is the
 * province administrator's, so others open a platform by its access code; a refusal is said as a sentence.
 */
import { useCallback, useEffect, useState } from 'react';
import type { AlarmListAnswer, AlarmQueueRow } from '../../../schema/handling.js';
import type { PlatformInspectionSchedule } from '../../../schema/credit.js';
import type { Jt809InspectionView, Jt809SupervisionView } from '../../../schema/jt809-requests.js';
import { ruleName } from '../i18n/rule-names.js';
import { chinaDateTime } from './console-time.js';
import { JT809_MESSAGES, jt809ErrorSentence, type Jt809Messages } from './jt809-messages.js';
import {
  deadlineColumn,
  MinutesField,
  ms,
  RequestForm,
  RequestTable,
  sentColumn,
  statusColumn,
  type RequestColumn,
  type Step,
} from './jt809-request-parts.js';
import { UpperRequestsPanel } from './upper-requests-panel.js';
import { useNow } from './use-now.js';
import { useWorkspace } from './workspace-context.js';
import './jt809.css';

const REFRESH_MS = 5_000;
/** Who may send requests (JT809_STAFF on the server); analysts read. */
const SENDER_ROLES: readonly string[] = ['admin', 'leader', 'dispatcher', 'duty_officer'];
const INSPECTION_MINUTES_DEFAULT = 10;
const SUPERVISION_MINUTES_DEFAULT = 30;
const OPEN_ALARMS_SHOWN = 50;
/** What a 督办 names: an alarm of the queue, or a vehicle by its plate. */
const SOURCES = ['alarm', 'plate'] as const;
const PLATE_COLOR_CODES = [1, 2, 3, 4, 5, 9];
const WARN_TYPE_CODES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0xff];

interface PlatformView {
  access_code: number;
  name: string;
  org_code: string;
  disabled_at: string | null;
  last_login_at: string | null;
  main_link: string;
  sub_link: string;
  /** The JT/T 809 edition of the logged-in main link (2011 or 2019), null when none is logged in. */
  edition?: number | null;
}

interface Requests {
  inspections: Jt809InspectionView[];
  supervisions: Jt809SupervisionView[];
}

function useJt809Error(j: Jt809Messages): (failure: unknown) => string {
  const { m } = useWorkspace();
  return useCallback((failure: unknown) => jt809ErrorSentence(failure, j, m), [j, m]);
}

export function Jt809Page({ refreshNo }: { refreshNo: number }) {
  const ws = useWorkspace();
  const j = JT809_MESSAGES[ws.lang];
  const sayError = useJt809Error(j);
  const [platforms, setPlatforms] = useState<PlatformView[] | null>(null);
  const [schedules, setSchedules] = useState<Map<number, PlatformInspectionSchedule>>(new Map());
  const [selected, setSelected] = useState<number | null>(null);
  const [requests, setRequests] = useState<Requests | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [changedNo, setChangedNo] = useState(0);

  // Staff get the platforms their unit supervises (the province admin every one, disabled ones too).
  const loadPlatforms = useCallback(async () => {
    try {
      const answer = await ws.api.get<{ platforms: PlatformView[] }>('/api/jt809/platforms');
      const enabled = answer.platforms.filter((p) => p.disabled_at === null);
      setPlatforms(enabled);
      // Grades and scheduled 查岗: a node without the credit model's schedule answers 404; the list stands without.
      const schedule = await ws.api
        .get<{ platforms: PlatformInspectionSchedule[] }>('/api/jt809/platforms/schedule')
        .catch(() => ({ platforms: [] }));
      setSchedules(new Map(schedule.platforms.map((p) => [p.access_code, p])));
      setSelected((current) => current ?? (enabled.length > 0 ? enabled[0].access_code : null));
    } catch (failure) {
      setError(sayError(failure));
    }
  }, [ws.api, sayError]);

  const loadRequests = useCallback(async () => {
    if (selected === null) return;
    try {
      const base = `/api/jt809/platforms/${selected}`;
      const [inspections, supervisions] = await Promise.all([
        ws.api.get<{ inspections: Jt809InspectionView[] }>(`${base}/inspections`),
        ws.api.get<{ supervisions: Jt809SupervisionView[] }>(`${base}/supervisions`),
      ]);
      setRequests({ inspections: inspections.inspections, supervisions: supervisions.supervisions });
      setError(null);
    } catch (failure) {
      setRequests(null);
      setError(sayError(failure));
    }
  }, [ws.api, selected, sayError]);

  // Another platform chosen: its own lists, not the previous one's, once they come.
  useEffect(() => setRequests(null), [selected]);

  useEffect(() => {
    const load = () => void loadPlatforms().then(loadRequests);
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [loadPlatforms, loadRequests, refreshNo, changedNo]);

  const step: Step = useCallback(
    async (run, done) => {
      try {
        await run();
        ws.toast(done);
        return true;
      } catch (failure) {
        ws.toast(sayError(failure), 'error');
        return false;
      } finally {
        setChangedNo((n) => n + 1);
      }
    },
    [ws, sayError],
  );

  const platform = platforms?.find((p) => p.access_code === selected);
  const canSend = SENDER_ROLES.includes(ws.session.user.role);
  return (
    <div className="duty-page jt809-page" data-testid="jt809-page">
      <UpperRequestsPanel j={j} sayError={sayError} refreshNo={refreshNo} />
      <section className="duty-section">
        <h2>{j.platforms}</h2>
        <PlatformTable j={j} platforms={platforms} schedules={schedules} selected={selected} onSelect={setSelected} />
      </section>
      {error !== null ? (
        <p className="console-error" role="alert" data-testid="jt809-error">
          {error}
        </p>
      ) : null}
      {selected === null ? (
        <p className="console-dim">{j.pickPlatform}</p>
      ) : (
        <>
          <h2 className="jt809-selected" data-testid="jt809-selected">
            {platform ? j.selected(platform.name, platform.access_code) : `${j.accessCode} ${selected}`}
            {platform && platform.main_link !== 'logged_in' ? (
              <span className="jt809-warning" data-testid="jt809-not-logged-in">
                {j.notLoggedInNote}
              </span>
            ) : null}
          </h2>
          <div className="jt809-columns">
            <section className="duty-section">
              <h2>{j.inspections}</h2>
              {canSend ? <InspectForm j={j} accessCode={selected} step={step} /> : null}
              <InspectionTable j={j} items={requests?.inspections ?? null} />
            </section>
            <section className="duty-section">
              <h2>{j.supervisions}</h2>
              {canSend ? <SuperviseForm j={j} accessCode={selected} step={step} refreshNo={refreshNo} /> : null}
              <SupervisionTable j={j} items={requests?.supervisions ?? null} />
            </section>
          </div>
        </>
      )}
    </div>
  );
}

function LinkState({ j, state, testId }: { j: Jt809Messages; state: string; testId: string }) {
  return (
    <span className={`jt809-link jt809-link-${state}`} data-testid={testId} data-state={state}>
      {j.linkStates[state] ?? state}
    </span>
  );
}

function PlatformTable({
  j,
  platforms,
  schedules,
  selected,
  onSelect,
}: {
  j: Jt809Messages;
  platforms: PlatformView[] | null;
  schedules: ReadonlyMap<number, PlatformInspectionSchedule>;
  selected: number | null;
  onSelect: (code: number) => void;
}) {
  const ws = useWorkspace();
  if (platforms === null) return <p className="console-dim">{ws.m.loading}</p>;
  if (platforms.length === 0) return <p className="console-empty">{j.noPlatforms}</p>;
  const c = j.columns;
  return (
    <table className="console-table" data-testid="jt809-platforms">
      <thead>
        <tr>
          <th>{c.code}</th>
          <th>{c.name}</th>
          <th>{c.unit}</th>
          <th>{c.mainLink}</th>
          <th>{c.subLink}</th>
          <th>{c.edition}</th>
          <th>{c.lastLogin}</th>
          <th>{c.grade}</th>
          <th>{c.interval}</th>
          <th>{c.nextInspection}</th>
          <th>{c.lastScheduled}</th>
        </tr>
      </thead>
      <tbody>
        {platforms.map((p) => (
          <tr
            key={p.access_code}
            className={p.access_code === selected ? 'row-selected' : ''}
            data-testid="jt809-platform"
            data-access-code={p.access_code}
            onClick={() => onSelect(p.access_code)}
          >
            <td>{p.access_code}</td>
            <td>{p.name}</td>
            <td>{ws.placeName(p.org_code)}</td>
            <td>
              <LinkState j={j} state={p.main_link} testId="jt809-main-link" />
            </td>
            <td>
              <LinkState j={j} state={p.sub_link} testId="jt809-sub-link" />
            </td>
            <td data-testid="jt809-edition">{p.edition ? `JT/T 809-${p.edition}` : '—'}</td>
            <td>{p.last_login_at === null ? '—' : chinaDateTime(ms(p.last_login_at))}</td>
            <ScheduleCells j={j} schedule={schedules.get(p.access_code)} loggedIn={p.main_link === 'logged_in'} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A platform's credit grade and its scheduled 查岗: how often, when next, and how the last one went. */
function ScheduleCells({
  j,
  schedule,
  loggedIn,
}: {
  j: Jt809Messages;
  schedule: PlatformInspectionSchedule | undefined;
  loggedIn: boolean;
}) {
  const now = useNow(30_000);
  if (schedule === undefined)
    return (
      <>
        <td>—</td>
        <td>—</td>
        <td>—</td>
        <td>—</td>
      </>
    );
  const dueNow = !schedule.sent_in_slot && ms(schedule.due_at) <= now;
  const last = schedule.last;
  return (
    <>
      <td data-testid="jt809-grade" data-grade={schedule.grade ?? ''}>
        {schedule.grade === null || schedule.score === null || schedule.day === null ? (
          <span className="jt809-ungraded">{j.ungraded}</span>
        ) : (
          <span
            className={`jt809-grade jt809-grade-${schedule.grade}`}
            title={j.gradeTitle(schedule.score, schedule.day)}
          >
            {schedule.grade} <span className="jt809-score">{schedule.score}</span>
          </span>
        )}
      </td>
      <td className="jt809-nowrap" data-testid="jt809-interval">
        {j.everyHours(schedule.interval_hours)}
      </td>
      <td className="jt809-nowrap" data-testid="jt809-next-inspection">
        {dueNow ? (
          <span className={loggedIn ? 'jt809-status-sent' : 'jt809-late'}>{loggedIn ? j.sendingNow : j.dueNow}</span>
        ) : (
          chinaDateTime(ms(schedule.sent_in_slot ? schedule.next_due_at : schedule.due_at))
        )}
      </td>
      <td className="jt809-nowrap" data-testid="jt809-last-scheduled">
        {last === null ? (
          '—'
        ) : (
          <>
            {chinaDateTime(ms(last.sent_at))}{' '}
            <span className={`jt809-status-${last.status}`}>
              {j.inspectionStatuses[last.status as 'sent' | 'answered' | 'unanswered'] ?? last.status}
            </span>
          </>
        )}
      </td>
    </>
  );
}

function InspectForm({ j, accessCode, step }: { j: Jt809Messages; accessCode: number; step: Step }) {
  const [question, setQuestion] = useState(j.defaultQuestion);
  const [minutes, setMinutes] = useState(INSPECTION_MINUTES_DEFAULT);
  return (
    <RequestForm
      testId="jt809-inspect-form"
      url={`/api/jt809/platforms/${accessCode}/inspections`}
      body={() => ({ question: question.trim(), deadline_minutes: minutes })}
      step={step}
      done={j.inspectedToast}
      sendLabel={j.sendInspection}
      sendTestId="jt809-inspect-send"
    >
      <label className="jt809-wide">
        {j.question}
        <input
          data-testid="jt809-question"
          value={question}
          maxLength={500}
          onChange={(e) => setQuestion(e.target.value)}
        />
      </label>
      <MinutesField
        label={j.deadlineMinutes}
        max={1440}
        testId="jt809-inspect-minutes"
        value={minutes}
        onChange={setMinutes}
      />
    </RequestForm>
  );
}

function InspectionTable({ j, items }: { j: Jt809Messages; items: Jt809InspectionView[] | null }) {
  const c = j.inspectionColumns;
  const columns: RequestColumn<Jt809InspectionView>[] = [
    sentColumn(c.sent, (i) => j.sentBy(i.sent_by)),
    { header: c.question, className: 'jt809-text', cell: (i) => i.question },
    deadlineColumn(j, c.deadline),
    statusColumn(c.status, j.inspectionStatuses, 'jt809-inspection-status'),
    {
      header: c.answer,
      className: 'jt809-text',
      testId: 'jt809-answer',
      cell: (i) => (
        <>
          {i.answer ?? '—'}
          {i.answer !== null && i.status === 'unanswered' ? j.answeredLate : ''}
          {i.answered_at !== null ? (
            <div className="console-dim">
              {i.answered_by !== null ? `${j.by(i.answered_by)} · ` : ''}
              <span data-testid="jt809-answered-at">{chinaDateTime(ms(i.answered_at))}</span>
            </div>
          ) : null}
        </>
      ),
    },
  ];
  return (
    <RequestTable
      items={items}
      empty={j.noInspections}
      testId="jt809-inspections"
      rowTestId="jt809-inspection"
      idAttribute="data-info-id"
      requestId={(i) => i.info_id}
      columns={columns}
    />
  );
}

function SuperviseForm({
  j,
  accessCode,
  step,
  refreshNo,
}: {
  j: Jt809Messages;
  accessCode: number;
  step: Step;
  refreshNo: number;
}) {
  const ws = useWorkspace();
  const [source, setSource] = useState<'alarm' | 'plate'>('alarm');
  const [alarms, setAlarms] = useState<AlarmQueueRow[] | null>(null);
  const [alarmId, setAlarmId] = useState('');
  const [plate, setPlate] = useState('');
  const [plateColor, setPlateColor] = useState(2);
  /** For an alarm: empty takes the colour from the registry; chosen when the vehicle is not in it. */
  const [alarmPlateColor, setAlarmPlateColor] = useState('');
  const [warnType, setWarnType] = useState('');
  const [minutes, setMinutes] = useState(SUPERVISION_MINUTES_DEFAULT);
  const [level, setLevel] = useState<'ordinary' | 'urgent'>('ordinary');
  const [supervisor, setSupervisor] = useState('');
  const [tel, setTel] = useState('');
  const [email, setEmail] = useState('');

  useEffect(() => {
    const params = new URLSearchParams({
      sort: 'urgency',
      state: 'new,acknowledged,dispatched',
      limit: String(OPEN_ALARMS_SHOWN),
    });
    ws.api
      .get<AlarmListAnswer>(`/api/alarms?${params}`)
      .then((answer) => setAlarms(answer.alarms.filter((a) => a.plate !== '')))
      .catch(() => setAlarms([]));
  }, [ws.api, refreshNo]);

  const chosen = alarmId !== '' ? alarmId : (alarms?.[0]?.alarm_id ?? '');
  return (
    <RequestForm
      testId="jt809-supervise-form"
      url={`/api/jt809/platforms/${accessCode}/supervisions`}
      body={() => {
        const target =
          source === 'alarm'
            ? {
                alarm_id: chosen,
                ...(warnType === '' ? {} : { warn_type: Number(warnType) }),
                ...(alarmPlateColor === '' ? {} : { plate_color: Number(alarmPlateColor) }),
              }
            : {
                plate: plate.trim(),
                plate_color: plateColor,
                warn_type: warnType === '' ? undefined : Number(warnType),
              };
        return {
          ...target,
          deadline_minutes: minutes,
          level,
          ...(supervisor.trim() === '' ? {} : { supervisor: supervisor.trim() }),
          ...(tel.trim() === '' ? {} : { supervisor_tel: tel.trim() }),
          ...(email.trim() === '' ? {} : { supervisor_email: email.trim() }),
        };
      }}
      step={step}
      done={j.supervisedToast}
      sendLabel={j.sendSupervision}
      sendTestId="jt809-supervise-send"
    >
      <fieldset className="jt809-source">
        <legend>{j.source}</legend>
        {SOURCES.map((option) => (
          <label key={option} className="duty-pick">
            <input
              type="radio"
              name="jt809-source"
              data-testid={`jt809-source-${option}`}
              checked={source === option}
              onChange={() => setSource(option)}
            />
            {option === 'alarm' ? j.fromQueue : j.byPlate}
          </label>
        ))}
      </fieldset>
      {source === 'alarm' ? (
        <>
          <label className="jt809-full">
            {j.alarm}
            {alarms !== null && alarms.length === 0 ? (
              <span className="console-dim">{j.noOpenAlarms}</span>
            ) : (
              <select data-testid="jt809-alarm" value={chosen} onChange={(e) => setAlarmId(e.target.value)}>
                {(alarms ?? []).map((a) => (
                  <option key={a.alarm_id} value={a.alarm_id}>
                    {a.plate} · {ruleName(a.rule, ws.lang)} · {chinaDateTime(a.started_at)}
                  </option>
                ))}
              </select>
            )}
          </label>
          <label>
            {j.plateColor}
            <select
              data-testid="jt809-alarm-plate-color"
              value={alarmPlateColor}
              onChange={(e) => setAlarmPlateColor(e.target.value)}
            >
              <option value="">{j.plateColorByRegistry}</option>
              <PlateColorOptions j={j} />
            </select>
          </label>
        </>
      ) : (
        <>
          <label>
            {j.plate}
            <input
              className="jt809-plate"
              data-testid="jt809-plate"
              value={plate}
              maxLength={12}
              onChange={(e) => setPlate(e.target.value)}
            />
          </label>
          <label>
            {j.plateColor}
            <select
              data-testid="jt809-plate-color"
              value={plateColor}
              onChange={(e) => setPlateColor(Number(e.target.value))}
            >
              <PlateColorOptions j={j} />
            </select>
          </label>
        </>
      )}
      <label>
        {j.warnType}
        <select data-testid="jt809-warn-type" value={warnType} onChange={(e) => setWarnType(e.target.value)}>
          <option value="">{source === 'alarm' ? j.warnTypeByRule : '—'}</option>
          {WARN_TYPE_CODES.map((code) => (
            <option key={code} value={code}>
              {j.warnTypes[code]}
            </option>
          ))}
        </select>
      </label>
      <MinutesField
        label={j.superviseMinutes}
        max={10_080}
        testId="jt809-supervise-minutes"
        value={minutes}
        onChange={setMinutes}
      />
      <label>
        {j.level}
        <select
          data-testid="jt809-level"
          value={level}
          onChange={(e) => setLevel(e.target.value as 'ordinary' | 'urgent')}
        >
          <option value="ordinary">{j.levels.ordinary}</option>
          <option value="urgent">{j.levels.urgent}</option>
        </select>
      </label>
      <SupervisorField
        label={j.supervisor}
        testId="jt809-supervisor"
        placeholder={ws.session.user.display_name || ws.session.user.username}
        value={supervisor}
        maxLength={8}
        onChange={setSupervisor}
      />
      <SupervisorField label={j.tel} testId="jt809-tel" value={tel} maxLength={20} onChange={setTel} />
      <SupervisorField label={j.email} testId="jt809-email" value={email} maxLength={32} onChange={setEmail} />
    </RequestForm>
  );
}

/** One of the supervisor's particulars sent with a 督办 (name, telephone, e-mail), as long as its field on the wire. */
function SupervisorField({
  label,
  testId,
  placeholder,
  value,
  maxLength,
  onChange,
}: {
  label: string;
  testId: string;
  placeholder?: string;
  value: string;
  maxLength: number;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}
      <input
        className="jt809-short"
        data-testid={testId}
        placeholder={placeholder}
        value={value}
        maxLength={maxLength}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

function PlateColorOptions({ j }: { j: Jt809Messages }) {
  return (
    <>
      {PLATE_COLOR_CODES.map((code) => (
        <option key={code} value={code}>
          {j.plateColors[code]}
        </option>
      ))}
    </>
  );
}

function SupervisionTable({ j, items }: { j: Jt809Messages; items: Jt809SupervisionView[] | null }) {
  const c = j.supervisionColumns;
  const columns: RequestColumn<Jt809SupervisionView>[] = [
    sentColumn(c.sent, (s) => j.supervisedBy(s.supervisor)),
    {
      header: c.vehicle,
      className: 'jt809-nowrap',
      cell: (s) => (
        <>
          {s.plate}
          <div className="console-dim">{j.plateColors[s.plate_color] ?? s.plate_color}</div>
        </>
      ),
    },
    {
      header: c.warnType,
      cell: (s) => (
        <>
          {j.warnTypes[s.warn_type] ?? `0x${s.warn_type.toString(16).padStart(4, '0')}`}
          <div className={s.level === 'urgent' ? 'jt809-urgent' : 'console-dim'}>{j.levels[s.level]}</div>
        </>
      ),
    },
    deadlineColumn(j, c.deadline),
    statusColumn(c.status, j.supervisionStatuses, 'jt809-supervision-status'),
    {
      header: c.result,
      className: 'jt809-nowrap',
      cell: (s) => (
        <>
          <span data-testid="jt809-result">{s.result === null ? '—' : (j.results[s.result] ?? String(s.result))}</span>
          {s.answered_at !== null ? <div className="console-dim">{chinaDateTime(ms(s.answered_at))}</div> : null}
        </>
      ),
    },
  ];
  return (
    <RequestTable
      items={items}
      empty={j.noSupervisions}
      testId="jt809-supervisions"
      rowTestId="jt809-supervision"
      idAttribute="data-supervision-id"
      requestId={(s) => s.supervision_id}
      columns={columns}
    />
  );
}
