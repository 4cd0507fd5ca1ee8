/**
 * The command panel's terminal settings: parameters to set (0x8103), terminal control (0x8105: upgrade, connect
 * to another server, power off, reset, factory reset, close links), circular areas kept on the terminal
 * (0x8600/0x8601), and the search and upload of media it stores (0x8802/0x8803). Each part shows only when the
 * server lists its command among the caller's, folded until opened so the panel stays short; those that change how the terminal works go through the panel's
 * confirmation, which names the plate. Values are sent exactly as typed, after the checks the API makes.
 */
import { useState } from 'react';
import { chinaDateTime, parseChinaInput } from './console-time.js';
import {
  SETTABLE_PARAMETERS,
  TERMINAL_SETTINGS_MESSAGES,
  type TerminalSettingsMessages,
} from './terminal-settings-messages.js';
import type { CommandMessages } from './command-messages.js';
import { useWorkspace } from './workspace-context.js';

export interface MediaItem {
  media_id: number;
  media_type: string | number;
  channel: number;
  event: number;
  ts: string;
  lat: number;
  lon: number;
}

type Body = Record<string, unknown>;

export interface SettingsProps {
  may: (type: string) => boolean;
  busy: boolean;
  /** The plate (or terminal number) confirmations name. */
  label: string;
  c: CommandMessages;
  send: (body: Body) => void;
  confirm: (body: Body, text: string) => void;
  /** A problem found before anything is sent, shown where the answers show. */
  refuse: (text: string) => void;
}

const DWORD_MAX = 0xffffffff;
const TEXT_CHARS_MAX = 100;
const CONTROL_PARAMS_CHARS_MAX = 200;

interface ParameterRow {
  id: number;
  value: string;
}

function parameterValue(kind: 'dword' | 'byte' | 'string', text: string): number | string | null {
  if (kind === 'string') return text.length > 0 && text.length <= TEXT_CHARS_MAX ? text : null;
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value <= (kind === 'byte' ? 0xff : DWORD_MAX) ? value : null;
}

export function TerminalSettings(props: SettingsProps) {
  const ws = useWorkspace();
  const t = TERMINAL_SETTINGS_MESSAGES[ws.lang];
  return (
    <>
      {props.may('parameters_set') || props.may('terminal_control') ? (
        <div className="console-sensitive terminal-settings" data-testid="terminal-settings">
          {props.may('parameters_set') ? <ParametersSet t={t} {...props} /> : null}
          {props.may('terminal_control') ? <TerminalControl t={t} {...props} /> : null}
        </div>
      ) : null}
      {props.may('area_circle_set') || props.may('media_search') ? (
        <div className="terminal-settings">
          {props.may('area_circle_set') ? <CircleAreas t={t} {...props} /> : null}
          {props.may('media_search') ? <MediaSearch t={t} {...props} /> : null}
        </div>
      ) : null}
    </>
  );
}

function ParametersSet({ t, c, busy, label, confirm, refuse }: SettingsProps & { t: TerminalSettingsMessages }) {
  const [rows, setRows] = useState<ParameterRow[]>([{ id: SETTABLE_PARAMETERS[0].id, value: '' }]);
  const name = (id: number) => c.parameterNames[id] ?? `0x${id.toString(16).padStart(4, '0')}`;
  const submit = () => {
    const parameters = [];
    for (const row of rows) {
      const kind = SETTABLE_PARAMETERS.find((p) => p.id === row.id)?.kind ?? 'dword';
      const value = parameterValue(kind, row.value);
      if (value === null) return refuse(t.badParameter(name(row.id)));
      parameters.push({ id: row.id, kind, value });
    }
    confirm(
      { type: 'parameters_set', parameters },
      t.parametersConfirm(
        label,
        parameters.map((p) => `${name(p.id)}：${p.value}`),
      ),
    );
  };
  const used = new Set(rows.map((r) => r.id));
  return (
    <details className="terminal-settings-part" data-testid="parameters-set">
      <summary>{t.parametersSet}</summary>
      {rows.map((row, i) => (
        <div className="console-row console-command-row" key={i}>
          <select
            data-testid="parameter-id"
            value={row.id}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, id: Number(e.target.value) } : r)))}
          >
            {SETTABLE_PARAMETERS.filter((p) => p.id === row.id || !used.has(p.id)).map((p) => (
              <option key={p.id} value={p.id}>
                {name(p.id)}
              </option>
            ))}
          </select>
          <input
            data-testid="parameter-value"
            aria-label={t.value}
            value={row.value}
            maxLength={TEXT_CHARS_MAX}
            onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))}
          />
          {rows.length > 1 ? (
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              {t.removeParameter}
            </button>
          ) : null}
        </div>
      ))}
      <div className="console-row console-command-row">
        <button
          type="button"
          data-testid="parameter-add"
          disabled={used.size >= SETTABLE_PARAMETERS.length}
          onClick={() => {
            const next = SETTABLE_PARAMETERS.find((p) => !used.has(p.id));
            if (next) setRows([...rows, { id: next.id, value: '' }]);
          }}
        >
          {t.addParameter}
        </button>
        <button type="button" data-testid="parameters-set-send" disabled={busy} onClick={submit}>
          {t.setParameters}
        </button>
      </div>
    </details>
  );
}

function TerminalControl({ t, busy, label, confirm }: SettingsProps & { t: TerminalSettingsMessages }) {
  const [command, setCommand] = useState(4);
  const [params, setParams] = useState('');
  const takesParams = command === 1 || command === 2;
  return (
    <details className="terminal-settings-part" data-testid="terminal-control">
      <summary>{t.control}</summary>
      <div className="console-row console-command-row">
        <select data-testid="control-command" value={command} onChange={(e) => setCommand(Number(e.target.value))}>
          {Object.entries(t.controlCommands).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
        {takesParams ? (
          <input
            data-testid="control-params"
            aria-label={t.controlParams}
            placeholder={t.controlParamsHint[command]}
            maxLength={CONTROL_PARAMS_CHARS_MAX}
            value={params}
            onChange={(e) => setParams(e.target.value)}
          />
        ) : null}
        <button
          type="button"
          data-testid="control-send"
          disabled={busy}
          onClick={() =>
            confirm(
              { type: 'terminal_control', command, ...(takesParams && params !== '' ? { params } : {}) },
              t.controlConfirm(label, t.controlCommands[command]),
            )
          }
        >
          {t.controlSend}
        </button>
      </div>
    </details>
  );
}

function CircleAreas({ t, busy, label, send, confirm, refuse, may }: SettingsProps & { t: TerminalSettingsMessages }) {
  const [area, setArea] = useState({ id: '1', lat: '', lon: '', radius: '500', speed: '', name: '' });
  const [ids, setIds] = useState('');
  const field = (key: keyof typeof area, text: string, testId: string) => (
    <label>
      {text}
      <input
        data-testid={testId}
        value={area[key]}
        onChange={(e) => setArea({ ...area, [key]: e.target.value })}
        className="console-short-input"
      />
    </label>
  );
  const submit = () => {
    const [id, lat, lon, radius] = [area.id, area.lat, area.lon, area.radius].map(Number);
    const speed = area.speed.trim() === '' ? undefined : Number(area.speed);
    if (
      !Number.isInteger(id) ||
      id < 0 ||
      !(lat > 0 && lat <= 90) ||
      !(lon > 0 && lon <= 180) ||
      !Number.isInteger(radius) ||
      radius < 1 ||
      (speed !== undefined && !(Number.isInteger(speed) && speed >= 0 && speed <= 0xffff))
    )
      return refuse(t.badArea);
    const one: Body = { id, lat, lon, radius_m: radius };
    if (speed !== undefined) one.speed_max_kmh = speed;
    if (area.name.trim() !== '') one.name = area.name.trim();
    send({ type: 'area_circle_set', setting: 'append', areas: [one] });
  };
  const remove = () => {
    const list = ids
      .split(/[,，\s]+/)
      .filter((s) => s !== '')
      .map(Number);
    if (list.some((n) => !Number.isInteger(n) || n < 0)) return refuse(t.badArea);
    confirm({ type: 'areas_delete', kind: 'circle', ids: list }, t.areaDeleteConfirm(label, ids.trim() || '*'));
  };
  return (
    <details className="terminal-settings-part" data-testid="circle-areas">
      <summary>{t.areas}</summary>
      <div className="console-row console-command-row">
        {field('id', t.areaId, 'area-id')}
        {field('lat', t.lat, 'area-lat')}
        {field('lon', t.lon, 'area-lon')}
        {field('radius', t.radius, 'area-radius')}
        {field('speed', t.areaSpeed, 'area-speed')}
        {field('name', t.areaName, 'area-name')}
        <button type="button" data-testid="area-set" disabled={busy} onClick={submit}>
          {t.areaSet}
        </button>
      </div>
      {may('areas_delete') ? (
        <div className="console-row console-command-row">
          <label>
            {t.areaDeleteIds}
            <input data-testid="area-delete-ids" value={ids} onChange={(e) => setIds(e.target.value)} />
          </label>
          <button type="button" data-testid="area-delete" disabled={busy} onClick={remove}>
            {t.areaDelete}
          </button>
        </div>
      ) : null}
    </details>
  );
}

function MediaSearch({ t, busy, label, send, confirm, may }: SettingsProps & { t: TerminalSettingsMessages }) {
  const [mediaType, setMediaType] = useState<'image' | 'audio' | 'video'>('image');
  const [channel, setChannel] = useState(0);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filter = (): Body => {
    const body: Body = { media_type: mediaType, channel };
    const fromMs = from === '' ? null : parseChinaInput(from);
    const toMs = to === '' ? null : parseChinaInput(to);
    if (fromMs !== null) body.from = fromMs;
    if (toMs !== null) body.to = toMs;
    return body;
  };
  return (
    <details className="terminal-settings-part" data-testid="media-search">
      <summary>{t.media}</summary>
      <div className="console-row console-command-row">
        <select
          data-testid="media-type"
          value={mediaType}
          onChange={(e) => setMediaType(e.target.value as typeof mediaType)}
        >
          {(['image', 'audio', 'video'] as const).map((type) => (
            <option key={type} value={type}>
              {t.mediaTypes[type]}
            </option>
          ))}
        </select>
        <label title={t.channelAll}>
          {t.channel}
          <input
            type="number"
            data-testid="media-channel"
            className="console-short-input"
            min={0}
            max={255}
            value={channel}
            onChange={(e) => setChannel(Math.min(255, Math.max(0, Math.round(e.target.valueAsNumber) || 0)))}
          />
        </label>
        <label>
          {t.from}
          <input
            type="datetime-local"
            data-testid="media-from"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label>
          {t.to}
          <input type="datetime-local" data-testid="media-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button
          type="button"
          data-testid="media-search-send"
          disabled={busy}
          onClick={() => send({ type: 'media_search', ...filter() })}
        >
          {t.search}
        </button>
        {may('media_upload') ? (
          <button
            type="button"
            data-testid="media-upload"
            disabled={busy}
            onClick={() => confirm({ type: 'media_upload', ...filter(), delete_after: false }, t.uploadConfirm(label))}
          >
            {t.upload}
          </button>
        ) : null}
      </div>
    </details>
  );
}

export function MediaTable({ media }: { media: readonly MediaItem[] }) {
  const ws = useWorkspace();
  const t = TERMINAL_SETTINGS_MESSAGES[ws.lang];
  if (media.length === 0) return <p className="console-dim">{t.noMedia}</p>;
  const f = t.mediaFields;
  return (
    <table className="console-table terminal-media-table" data-testid="media-table">
      <caption>
        {t.mediaTitle} · {t.mediaFound(media.length)}
      </caption>
      <thead>
        <tr>
          <th>{f.id}</th>
          <th>{f.type}</th>
          <th>{f.channel}</th>
          <th>{f.event}</th>
          <th>{f.time}</th>
          <th>{f.place}</th>
        </tr>
      </thead>
      <tbody>
        {media.map((item) => (
          <tr key={item.media_id} data-media-id={item.media_id}>
            <td>{item.media_id}</td>
            <td>
              {typeof item.media_type === 'string'
                ? (t.mediaTypes[item.media_type as 'image'] ?? item.media_type)
                : item.media_type}
            </td>
            <td>{item.channel}</td>
            <td>{t.events[item.event] ?? item.event}</td>
            <td>{chinaDateTime(Date.parse(item.ts))}</td>
            <td>
              {item.lat.toFixed(5)}, {item.lon.toFixed(5)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
