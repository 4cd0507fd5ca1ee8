/**
 * One vehicle: its track of the last two hours from ClickHouse (`/api/vehicles/:id/track`) drawn over the
 * division boundaries and replayed with a moving marker, its recent alarms, and the downlink commands an officer
 * may send (`/api/terminals/:id/commands`: a text message, a location query).
 */
import { geoMercator, geoPath } from 'd3';
import { useEffect, useMemo, useState } from 'react';
import type { HenanGeo } from '../feed/http-api.js';
import { ruleName } from '../i18n/rule-names.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';
import { errorSentence } from './error-text.js';
import { useWorkspace } from './workspace-context.js';

/** One replay step per tick; a two-hour track of 30 s fixes replays in about 12 s. */
const REPLAY_TICK_MS = 50;
const MAP_WIDTH = 900;
const MAP_HEIGHT = 560;

interface TrackAnswer {
  terminal_id: string;
  plate: string;
  truncated: boolean;
  points: [number, number, number, number][];
  alarms: { alarm_id: string; rule: string; severity: string; started_at: number; ended_at: number | null }[];
}

interface CommandAnswer {
  result_name?: string;
  location?: { lat: number; lon: number; speed_kmh?: number };
}

export interface VehiclePageProps {
  geo: HenanGeo | null;
  vehicleId: string;
  onVehicleId: (id: string) => void;
}

export function VehiclePage({ geo, vehicleId: terminalId, onVehicleId: onTerminalId }: VehiclePageProps) {
  const { api, m, lang } = useWorkspace();
  const messages = { ...m.vehicle, failed: (failure: unknown) => errorSentence(failure, m) };
  const [input, setInput] = useState(terminalId);
  const [track, setTrack] = useState<TrackAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [text, setText] = useState('');
  const [commandOutcome, setCommandOutcome] = useState<string | null>(null);

  useEffect(() => setInput(terminalId), [terminalId]);
  useEffect(() => {
    if (terminalId === '') return;
    let cancelled = false;
    setError(null);
    api
      .get<TrackAnswer>(`/api/vehicles/${encodeURIComponent(terminalId)}/track`)
      .then((answer) => {
        if (cancelled) return;
        setTrack(answer);
        setStep(Math.max(0, answer.points.length - 1));
      })
      .catch((failure: unknown) => !cancelled && setError(messages.failed(failure)));
    return () => {
      cancelled = true;
    };
  }, [api, terminalId, messages]);

  useEffect(() => {
    if (!playing || track === null) return;
    const timer = setInterval(() => {
      setStep((current) => {
        if (current + 1 >= track.points.length) {
          setPlaying(false);
          return current;
        }
        return current + 1;
      });
    }, REPLAY_TICK_MS);
    return () => clearInterval(timer);
  }, [playing, track]);

  const drawing = useMemo(() => {
    if (track === null || track.points.length === 0) return null;
    const line = { type: 'LineString' as const, coordinates: track.points.map((p) => [p[1], p[2]]) };
    const projection = geoMercator().fitExtent(
      [
        [40, 40],
        [MAP_WIDTH - 40, MAP_HEIGHT - 40],
      ],
      line,
    );
    const path = geoPath(projection);
    const boundaries = (geo?.features ?? [])
      .filter((f) => f.properties.level !== 'province')
      .map((f) => ({ code: f.properties.code, d: path(f) ?? '' }));
    return { projection, trackPath: path(line) ?? '', boundaries };
  }, [track, geo]);

  const send = async (body: unknown) => {
    setCommandOutcome(null);
    try {
      const answer = await api.post<CommandAnswer>(`/api/terminals/${encodeURIComponent(terminalId)}/commands`, body);
      const where = answer.location ? ` (${answer.location.lat.toFixed(5)}, ${answer.location.lon.toFixed(5)})` : '';
      setCommandOutcome(messages.commandResult(`${answer.result_name ?? '?'}${where}`));
    } catch (failure) {
      setCommandOutcome(messages.failed(failure));
    }
  };

  const current = track?.points[Math.min(step, (track?.points.length ?? 1) - 1)];
  const marker = current && drawing ? drawing.projection([current[1], current[2]]) : null;
  return (
    <div className="vehicle-page" data-testid="vehicle-page">
      <form
        className="console-row"
        onSubmit={(e) => {
          e.preventDefault();
          onTerminalId(input.trim());
        }}
      >
        <label>
          {messages.searchPlaceholder}{' '}
          <input
            data-testid="terminal-input"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            pattern="\d{1,20}"
          />
        </label>
        <button type="submit">{messages.show}</button>
      </form>
      {error !== null ? <p className="console-error">{error}</p> : null}
      {track !== null ? (
        <div className="vehicle-body">
          <div className="vehicle-map">
            <h3>
              {track.plate || track.terminal_id} · {track.points.length}
            </h3>
            {drawing === null ? (
              <p className="console-empty" data-testid="track-empty">
                {messages.trackEmpty}
              </p>
            ) : (
              <svg
                width={MAP_WIDTH}
                height={MAP_HEIGHT}
                className="track-svg"
                data-testid="track-svg"
                data-points={track.points.length}
              >
                {drawing.boundaries.map((b) => (
                  <path key={b.code} d={b.d} className="track-boundary" />
                ))}
                <path d={drawing.trackPath} className="track-line" />
                {marker ? <circle cx={marker[0]} cy={marker[1]} r={7} className="track-marker" /> : null}
              </svg>
            )}
            {track.points.length > 1 ? (
              <div className="console-row">
                <button
                  type="button"
                  data-testid="replay"
                  onClick={() => {
                    if (step + 1 >= track.points.length) setStep(0);
                    setPlaying(!playing);
                  }}
                >
                  {messages.play}
                </button>
                <input
                  type="range"
                  min={0}
                  max={track.points.length - 1}
                  value={step}
                  onChange={(e) => setStep(Number(e.target.value))}
                />
                <span>{current ? `${shanghaiClock(current[0])} · ${current[3]} km/h` : ''}</span>
              </div>
            ) : null}
          </div>
          <aside className="vehicle-side">
            <h3>{messages.alarmsOnTrack}</h3>
            <ul className="console-list">
              {track.alarms.map((a) => (
                <li key={a.alarm_id} className={`severity-${a.severity}`}>
                  {shanghaiClock(a.started_at)} {ruleName(a.rule, lang)}
                </li>
              ))}
            </ul>
            <h3>{messages.sendText}</h3>
            <textarea
              data-testid="text-message"
              value={text}
              maxLength={500}
              placeholder={messages.textPlaceholder}
              onChange={(e) => setText(e.target.value)}
            />
            <div className="console-row">
              <button
                type="button"
                disabled={text.trim() === ''}
                onClick={() => void send({ type: 'text', text: text.trim() })}
              >
                {messages.send}
              </button>
              <button type="button" data-testid="location-query" onClick={() => void send({ type: 'location_query' })}>
                {messages.locationQuery}
              </button>
            </div>
            {commandOutcome !== null ? <p data-testid="command-outcome">{commandOutcome}</p> : null}
          </aside>
        </div>
      ) : null}
    </div>
  );
}
