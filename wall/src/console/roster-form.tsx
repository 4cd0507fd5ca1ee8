/**
 * The duty page's roster form (排班), for leaders and admins: a shift of the caller's unit or of a unit it commands,
 * at the centre's own post or a department's desk, with the people on duty and the leader on duty picked from those
 * who may stand duty there (`GET /api/duty/people`). The server checks scope, overlaps and who may be on a shift;
 * the form says its refusals in words.
 */
import { useEffect, useState } from 'react';
import { chinaInputValue, parseChinaInput } from './console-time.js';
import type { DutyMessages } from './duty-messages.js';
import { useWorkspace } from './workspace-context.js';

interface Person {
  user_id: number;
  username: string;
  /** The display name, else the username. */
  name: string;
  role: string;
}

const HOUR_MS = 3_600_000;
/** A new shift starts at the next full hour and lasts a day shift's twelve hours, until the leader changes it. */
const DEFAULT_SHIFT_HOURS = 12;

export function RosterForm({
  d,
  units,
  step,
}: {
  d: DutyMessages;
  /** The units the caller may roster: its own first, then those it commands directly. */
  units: { org_code: string; name: string }[];
  step: (run: () => Promise<unknown>, done: string | null) => Promise<void>;
}) {
  const ws = useWorkspace();
  const r = d.roster;
  const [unit, setUnit] = useState(units[0]?.org_code ?? ws.session.user.org_code);
  const [department, setDepartment] = useState('');
  const [departments, setDepartments] = useState<{ code: string; name: string }[]>([]);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [name, setName] = useState(r.defaultName);
  const nextHour = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
  const [from, setFrom] = useState(chinaInputValue(nextHour));
  const [to, setTo] = useState(chinaInputValue(nextHour + DEFAULT_SHIFT_HOURS * HOUR_MS));
  const [officers, setOfficers] = useState<number[]>([]);
  const [leaders, setLeaders] = useState<number[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setPeople(null);
    setOfficers([]);
    setLeaders([]);
    setDepartment('');
    void Promise.all([
      ws.api.get<{ people: Person[] }>(`/api/duty/people?org_code=${unit}`),
      ws.api.get<{ departments: { code: string; name: string }[] }>(`/api/org-units/${unit}/departments`),
    ]).then(
      ([p, deps]) => {
        if (!live) return;
        setPeople(p.people);
        setDepartments(deps.departments);
      },
      () => live && setPeople([]),
    );
    return () => {
      live = false;
    };
  }, [ws.api, unit]);

  const toggle = (list: number[], set: (next: number[]) => void, id: number) =>
    set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  return (
    <form
      className="duty-form duty-roster-form"
      data-testid="duty-roster-form"
      onSubmit={(e) => {
        e.preventDefault();
        const startsAt = parseChinaInput(from);
        const endsAt = parseChinaInput(to);
        if (startsAt === null || endsAt === null || endsAt <= startsAt) return setProblem(r.badTimes);
        if (officers.length === 0) return setProblem(r.pickOfficer);
        setProblem(null);
        void step(
          async () => {
            await ws.api.post('/api/duty/shifts', {
              org_code: unit,
              ...(department === '' ? {} : { department }),
              name: name.trim() || r.defaultName,
              starts_at: startsAt,
              ends_at: endsAt,
              officers,
              leaders,
            });
            setOfficers([]);
            setLeaders([]);
          },
          r.createdToast(name.trim() || r.defaultName),
        );
      }}
    >
      {units.length > 1 ? (
        <label>
          {r.unit}
          <select data-testid="roster-unit" value={unit} onChange={(e) => setUnit(e.target.value)}>
            {units.map((u) => (
              <option key={u.org_code} value={u.org_code}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <label>
        {r.department}
        <select data-testid="roster-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
          <option value="">{r.centrePost}</option>
          {departments.map((x) => (
            <option key={x.code} value={x.code}>
              {x.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {r.name}
        <input data-testid="roster-name" value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        {r.from}
        <input type="datetime-local" data-testid="roster-from" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {r.to}
        <input type="datetime-local" data-testid="roster-to" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      {people === null ? (
        <p className="console-dim">{ws.m.loading}</p>
      ) : people.length === 0 ? (
        <p className="console-empty">{r.noPeople}</p>
      ) : (
        <>
          <Picks
            testId="roster-officers"
            legend={r.officers}
            people={people}
            picked={officers}
            taken={leaders}
            onToggle={(id) => toggle(officers, setOfficers, id)}
          />
          {people.some((p) => p.role === 'leader') ? (
            <Picks
              testId="roster-leaders"
              legend={r.leaders}
              people={people.filter((p) => p.role === 'leader')}
              picked={leaders}
              taken={officers}
              onToggle={(id) => toggle(leaders, setLeaders, id)}
            />
          ) : null}
        </>
      )}
      {problem !== null ? (
        <p className="console-error" data-testid="roster-problem">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="primary" data-testid="roster-submit" disabled={!people?.length}>
        {r.submit}
      </button>
    </form>
  );
}

/** People to tick for one post of the shift; those ticked for the other post are greyed out (one post each). */
function Picks(props: {
  testId: string;
  legend: string;
  people: Person[];
  picked: number[];
  taken: number[];
  onToggle: (id: number) => void;
}) {
  return (
    <fieldset data-testid={props.testId}>
      <legend>{props.legend}</legend>
      {props.people.map((p) => (
        <label key={p.user_id} className="duty-pick" title={p.username}>
          <input
            type="checkbox"
            data-user-id={p.user_id}
            checked={props.picked.includes(p.user_id)}
            disabled={props.taken.includes(p.user_id)}
            onChange={() => props.onToggle(p.user_id)}
          />
          {p.name}
        </label>
      ))}
    </fieldset>
  );
}
