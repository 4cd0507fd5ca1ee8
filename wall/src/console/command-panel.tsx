/**
 * The vehicle page's command panel (下发指令): the JT/T 808 commands the caller's role may send to a vehicle in its
 * scope (the server's `terminal_commands` ability decides, the panel only offers): a text message, a location
 * query, temporary tracking, the terminal's parameters and its driver's identity read back into a table, circular
 * areas and the search and upload of stored media (terminal-settings.tsx), and — for admins and leaders — setting
 * parameters, terminal control (reset, factory reset, another server, upgrade), door lock/unlock and a call back,
 * each behind a confirmation naming the plate because it acts on a vehicle on the road. The terminal's answer is shown in words; every command is audited on the server.
 */
import { useState } from 'react';
import { COMMAND_MESSAGES, type CommandMessages } from './command-messages.js';
import { errorSentence } from './error-text.js';
import { Modal } from './modal.js';
import { parameterValue } from './parameter-value.js';
import { MediaTable, TerminalSettings, type MediaItem } from './terminal-settings.js';
import { useWorkspace } from './workspace-context.js';

interface CommandAnswer {
  result_name?: string;
  location?: { lat: number; lon: number };
  parameters?: { id: number; hex: string; dword?: number }[];
  driver?: {
    card: string | number;
    name: string | null;
    certificate: string | null;
    authority: string | null;
    expiry: string | null;
  } | null;
  media?: MediaItem[];
}

/** What a confirmation dialog is about to send. */
interface Pending {
  body: Record<string, unknown>;
  text: string;
}

const TRACKING_INTERVAL_S = { default: 10, min: 1, max: 3_600 };
const TRACKING_MINUTES = { default: 10, min: 1, max: 24 * 60 };
/** As the API checks it (terminal-command-set.ts): the number the terminal dials. */
const CALLBACK_PHONE = /^\d{3,20}$/;

function clamp(value: number, bounds: { default: number; min: number; max: number }): number {
  return Number.isFinite(value) ? Math.min(bounds.max, Math.max(bounds.min, Math.round(value))) : bounds.default;
}

export function CommandPanel({ terminalId, plate }: { terminalId: string; plate: string }) {
  const ws = useWorkspace();
  const { api, m } = ws;
  const c = COMMAND_MESSAGES[ws.lang];
  const [text, setText] = useState('');
  const [intervalS, setIntervalS] = useState(TRACKING_INTERVAL_S.default);
  const [minutes, setMinutes] = useState(TRACKING_MINUTES.default);
  const [phone, setPhone] = useState('');
  const [monitor, setMonitor] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [answer, setAnswer] = useState<CommandAnswer | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const allowed = ws.abilities?.terminal_commands ?? [];
  if (ws.session.user.role === 'enterprise') return null;
  if (allowed.length === 0) return <p className="console-dim">{m.vehicle.commandsNotAllowed}</p>;
  const may = (type: string): boolean => allowed.includes(type);

  const send = async (body: Record<string, unknown>, after?: (a: CommandAnswer) => string) => {
    setOutcome(null);
    setAnswer(null);
    setBusy(true);
    try {
      const a = await api.post<CommandAnswer>(`/api/terminals/${encodeURIComponent(terminalId)}/commands`, body);
      const result = c.results[a.result_name ?? 'unknown'] ?? a.result_name ?? c.results.unknown;
      const where = a.location ? ` (${a.location.lat.toFixed(5)}, ${a.location.lon.toFixed(5)})` : '';
      setOutcome(`${c.answered(`${result}${where}`)}${a.result_name === 'ok' && after ? ` · ${after(a)}` : ''}`);
      setAnswer(a);
    } catch (failure) {
      setOutcome(errorSentence(failure, m));
    } finally {
      setBusy(false);
    }
  };
  const label = plate || terminalId;

  return (
    <>
      <h3>{m.vehicle.commands}</h3>
      {may('text') ? (
        <>
          <textarea
            data-testid="text-message"
            value={text}
            maxLength={500}
            placeholder={m.vehicle.textPlaceholder}
            onChange={(e) => setText(e.target.value)}
          />
          <div className="console-row">
            <button
              type="button"
              disabled={busy || text.trim() === ''}
              onClick={() => void send({ type: 'text', text: text.trim() })}
            >
              {m.vehicle.sendText}
            </button>
          </div>
        </>
      ) : null}
      <div className="console-row console-command-row">
        {may('location_query') ? (
          <button
            type="button"
            data-testid="location-query"
            disabled={busy}
            onClick={() => void send({ type: 'location_query' })}
          >
            {m.vehicle.locationQuery}
          </button>
        ) : null}
        {may('parameters_query') ? (
          <button
            type="button"
            data-testid="parameters-query"
            disabled={busy}
            onClick={() => void send({ type: 'parameters_query' })}
          >
            {c.parametersQuery}
          </button>
        ) : null}
        {may('driver_info') ? (
          <button
            type="button"
            data-testid="driver-info"
            disabled={busy}
            onClick={() => void send({ type: 'driver_info' })}
          >
            {c.driverInfo}
          </button>
        ) : null}
      </div>
      {may('temporary_tracking') ? (
        <div className="console-row console-command-row" data-testid="tracking">
          <span className="console-command-label">{c.tracking}</span>
          <label>
            {c.trackingInterval}
            <input
              type="number"
              data-testid="tracking-interval"
              min={TRACKING_INTERVAL_S.min}
              max={TRACKING_INTERVAL_S.max}
              value={intervalS}
              onChange={(e) => setIntervalS(clamp(e.target.valueAsNumber, TRACKING_INTERVAL_S))}
            />
          </label>
          <label>
            {c.trackingValidity}
            <input
              type="number"
              data-testid="tracking-minutes"
              min={TRACKING_MINUTES.min}
              max={TRACKING_MINUTES.max}
              value={minutes}
              onChange={(e) => setMinutes(clamp(e.target.valueAsNumber, TRACKING_MINUTES))}
            />
          </label>
          <button
            type="button"
            data-testid="tracking-send"
            disabled={busy}
            onClick={() =>
              void send({ type: 'temporary_tracking', interval_s: intervalS, validity_s: minutes * 60 }, () =>
                c.trackingSent(intervalS, minutes),
              )
            }
          >
            {m.vehicle.send}
          </button>
        </div>
      ) : null}
      {may('vehicle_control') || may('callback') ? (
        <div className="console-sensitive" data-testid="sensitive-commands">
          <span className="console-dim">{c.sensitive}</span>
          {may('vehicle_control') ? (
            <div className="console-row console-command-row">
              {(['lock', 'unlock'] as const).map((doors) => (
                <button
                  key={doors}
                  type="button"
                  data-testid={`doors-${doors}`}
                  disabled={busy}
                  onClick={() =>
                    setPending({
                      body: { type: 'vehicle_control', doors },
                      text: c.doorsConfirm(label, doors === 'lock'),
                    })
                  }
                >
                  {doors === 'lock' ? c.doorsLock : c.doorsUnlock}
                </button>
              ))}
            </div>
          ) : null}
          {may('callback') ? (
            <div className="console-row console-command-row">
              <label>
                {c.callbackPhone}
                <input
                  data-testid="callback-phone"
                  inputMode="numeric"
                  maxLength={20}
                  value={phone}
                  onChange={(e) => setPhone(e.target.value.trim())}
                />
              </label>
              <label>
                <input type="checkbox" checked={monitor} onChange={(e) => setMonitor(e.target.checked)} />
                {c.callbackMonitor}
              </label>
              <button
                type="button"
                data-testid="callback"
                disabled={busy}
                onClick={() =>
                  CALLBACK_PHONE.test(phone)
                    ? setPending({
                        body: { type: 'callback', phone, monitor },
                        text: c.callbackConfirm(phone, monitor),
                      })
                    : setOutcome(c.badPhone)
                }
              >
                {c.callback}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      <TerminalSettings
        may={may}
        busy={busy}
        label={label}
        c={c}
        send={(body) => void send(body)}
        confirm={(body, text) => setPending({ body, text })}
        refuse={(text) => {
          setAnswer(null);
          setOutcome(text);
        }}
      />
      {outcome !== null ? <p data-testid="command-outcome">{outcome}</p> : null}
      {answer?.media ? <MediaTable media={answer.media} /> : null}
      {answer?.parameters ? <ParametersTable c={c} parameters={answer.parameters} /> : null}
      {answer && 'driver' in answer ? <DriverCard c={c} driver={answer.driver ?? null} /> : null}
      {pending ? (
        <Modal
          title={m.vehicle.commands}
          onClose={() => setPending(null)}
          closeLabel={m.close}
          testId="command-confirm"
        >
          <p className="console-confirm-text" data-testid="command-confirm-text">
            {pending.text}
          </p>
          <div className="console-row">
            <button
              type="button"
              className="primary"
              data-testid="command-confirm-send"
              onClick={() => {
                const body = pending.body;
                setPending(null);
                void send(body);
              }}
            >
              {c.confirm}
            </button>
            <button type="button" onClick={() => setPending(null)}>
              {c.cancel}
            </button>
          </div>
        </Modal>
      ) : null}
    </>
  );
}

function ParametersTable({
  c,
  parameters,
}: {
  c: CommandMessages;
  parameters: NonNullable<CommandAnswer['parameters']>;
}) {
  if (parameters.length === 0) return <p className="console-dim">{c.noParameters}</p>;
  return (
    <table className="console-table" data-testid="parameters-table">
      <caption>{c.parametersTitle}</caption>
      <thead>
        <tr>
          <th>{c.parameterId}</th>
          <th>{c.parameterValue}</th>
        </tr>
      </thead>
      <tbody>
        {parameters.map((p) => (
          <tr key={p.id} data-parameter-id={p.id}>
            <td>{c.parameterNames[p.id] ?? `0x${p.id.toString(16).padStart(4, '0')}`}</td>
            <td>{parameterValue(p)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DriverCard({ c, driver }: { c: CommandMessages; driver: NonNullable<CommandAnswer['driver']> | null }) {
  if (driver === null || (driver.name === null && driver.certificate === null))
    return <p className="console-dim">{c.noDriver}</p>;
  const f = c.driverFields;
  const rows: [string, string | null][] = [
    [f.name, driver.name],
    [f.certificate, driver.certificate],
    [f.authority, driver.authority],
    [f.expiry, driver.expiry],
    [f.card, typeof driver.card === 'string' ? (c.cardStates[driver.card] ?? driver.card) : String(driver.card)],
  ];
  return (
    <table className="console-table" data-testid="driver-table">
      <caption>{c.driverTitle}</caption>
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th>{name}</th>
            <td>{value ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
