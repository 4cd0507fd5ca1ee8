/**
 * One vehicle: found by plate or terminal number (an enterprise picks from its own vehicles), its track over any
 * window of up to 31 days — reduced on the server, with mileage, stops, trips and the alarms on it — drawn over
 * the division boundaries and replayed at a chosen speed; the photos its terminal sent, a photo taken on command
 * (0x8801), live video and recordings of its cameras (JT/T 1078, video-panel.tsx), and the other commands the
 * caller's role may send.
 */
import { geoMercator, geoPath } from 'd3';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TrackAnswer, VehicleMedia, VehicleSearchRow } from '../../../schema/handling.js';
import type { ProvinceGeo } from '../feed/http-api.js';
import { ruleName } from '../i18n/rule-names.js';
import { CommandPanel } from './command-panel.js';
import { named } from './console-messages.js';
import {
  chinaDateTime,
  chinaDayStart,
  chinaHourMinute,
  chinaInputValue,
  durationText,
  parseChinaInput,
} from './console-time.js';
import { errorSentence } from './error-text.js';
import { examplePlate } from './example-plate.js';
import { VideoPanel } from './video-panel.js';
import { useWorkspace } from './workspace-context.js';

const MAP_WIDTH = 1000;
const MAP_HEIGHT = 640;
const MAP_PADDING = 40;
/** The marker moves this often during a replay; each step advances the replay clock by step × speed. */
const REPLAY_STEP_MS = 100;
const REPLAY_SPEEDS = [60, 300, 1200, 3600] as const;
/** The server's bound on one window (TRACK_WINDOW_MS_MAX). */
const WINDOW_DAYS_MAX = 31;
const HOUR_MS = 3_600_000;
const MEDIA_REFRESH_MS = 5_000;

type Preset = '2h' | 'today' | '24h' | 'yesterday' | '7d';
const PRESETS: readonly Preset[] = ['2h', 'today', '24h', 'yesterday', '7d'];

export function presetWindow(preset: Preset, now: number): { from: number; to: number } {
  switch (preset) {
    case '2h':
      return { from: now - 2 * HOUR_MS, to: now };
    case 'today':
      return { from: chinaDayStart(now), to: now };
    case '24h':
      return { from: now - 24 * HOUR_MS, to: now };
    case 'yesterday':
      return { from: chinaDayStart(now) - 24 * HOUR_MS, to: chinaDayStart(now) - 1 };
    case '7d':
      return { from: now - 7 * 24 * HOUR_MS, to: now };
  }
}

/** The position at replay time `t`, between the two points around it. */
function positionAt(
  points: TrackAnswer['points'],
  t: number,
): { lon: number; lat: number; speed: number; index: number } {
  let lo = 0;
  let hi = points.length - 1;
  if (t <= points[0][0]) return { lon: points[0][1], lat: points[0][2], speed: points[0][3], index: 0 };
  if (t >= points[hi][0]) return { lon: points[hi][1], lat: points[hi][2], speed: points[hi][3], index: hi };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= t) lo = mid;
    else hi = mid;
  }
  const [a, b] = [points[lo], points[hi]];
  const f = (t - a[0]) / Math.max(1, b[0] - a[0]);
  return { lon: a[1] + (b[1] - a[1]) * f, lat: a[2] + (b[2] - a[2]) * f, speed: a[3], index: lo };
}

export interface VehiclePageProps {
  geo: ProvinceGeo | null;
  /** A terminal number or a plate to open (from an alarm); '' for none. */
  vehicleId: string;
  onVehicleId: (id: string) => void;
}

export function VehiclePage({ geo, vehicleId, onVehicleId }: VehiclePageProps) {
  const ws = useWorkspace();
  const { api, m } = ws;
  const placeholder = m.vehicle.searchPlaceholder(examplePlate(geo, ws.session.user.org_code));
  const enterprise = ws.session.user.role === 'enterprise';
  const [query, setQuery] = useState(vehicleId);
  const [matches, setMatches] = useState<VehicleSearchRow[] | null>(null);
  const [mine, setMine] = useState<VehicleSearchRow[]>([]);
  const [terminalId, setTerminalId] = useState('');
  const [span, setSpan] = useState(() => presetWindow('2h', Date.now()));
  const [fromInput, setFromInput] = useState(chinaInputValue(span.from));
  const [toInput, setToInput] = useState(chinaInputValue(span.to));
  const [track, setTrack] = useState<TrackAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const search = useCallback(
    async (text: string) => {
      const q = text.trim();
      setError(null);
      if (/^\d{1,20}$/.test(q) && q.length >= 6) {
        setMatches(null);
        setTerminalId(q);
        return;
      }
      try {
        const answer = await api.get<{ vehicles: VehicleSearchRow[] }>(`/api/vehicles?q=${encodeURIComponent(q)}`);
        setMatches(answer.vehicles);
        const withTerminal = answer.vehicles.filter((v) => v.terminal_id !== '');
        if (withTerminal.length === 1 || (withTerminal.length > 0 && withTerminal[0].plate === q))
          setTerminalId(withTerminal[0].terminal_id);
        if (answer.vehicles.length === 0) setError(m.vehicle.noMatch);
      } catch (failure) {
        setError(errorSentence(failure, m));
      }
    },
    [api, m],
  );

  useEffect(() => {
    if (vehicleId === '') return;
    setQuery(vehicleId);
    void search(vehicleId);
  }, [vehicleId, search]);

  useEffect(() => {
    if (!enterprise) return;
    api
      .get<{ vehicles: VehicleSearchRow[] }>('/api/vehicles?q=')
      .then((answer) => setMine(answer.vehicles))
      .catch(() => setMine([]));
  }, [api, enterprise]);

  useEffect(() => {
    if (terminalId === '') return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    api
      .get<TrackAnswer>(`/api/vehicles/${encodeURIComponent(terminalId)}/track?from=${span.from}&to=${span.to}`)
      .then((answer) => !cancelled && setTrack(answer))
      .catch((failure: unknown) => {
        if (cancelled) return;
        setTrack(null);
        setError(errorSentence(failure, m));
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [api, terminalId, span, m]);

  const choose = (preset: Preset) => {
    const next = presetWindow(preset, Date.now());
    setFromInput(chinaInputValue(next.from));
    setToInput(chinaInputValue(next.to));
    setSpan(next);
  };
  const applyInputs = () => {
    const from = parseChinaInput(fromInput);
    const to = parseChinaInput(toInput);
    if (from === null || to === null || from >= to) return;
    if (to - from > WINDOW_DAYS_MAX * 24 * HOUR_MS) {
      setError(m.vehicle.windowTooLong(WINDOW_DAYS_MAX));
      return;
    }
    setSpan({ from, to });
  };

  return (
    <div className="vehicle-page" data-testid="vehicle-page">
      <div className="vehicle-controls">
        <form
          className="console-row"
          onSubmit={(e) => {
            e.preventDefault();
            onVehicleId(query.trim());
            void search(query);
          }}
        >
          <input
            data-testid="vehicle-search"
            value={query}
            maxLength={20}
            placeholder={placeholder}
            onChange={(e) => setQuery(e.target.value)}
          />
          <button type="submit">{m.vehicle.search}</button>
          {enterprise && mine.length > 0 ? (
            <select
              data-testid="my-vehicles"
              value={terminalId}
              onChange={(e) => setTerminalId(e.target.value)}
              aria-label={m.vehicle.myVehicles}
            >
              <option value="">{m.vehicle.myVehicles}</option>
              {mine
                .filter((v) => v.terminal_id !== '')
                .map((v) => (
                  <option key={v.terminal_id} value={v.terminal_id}>
                    {v.plate}
                  </option>
                ))}
            </select>
          ) : null}
          {matches !== null && matches.length > 1 ? (
            <span className="console-chips" data-testid="vehicle-matches">
              {matches.slice(0, 8).map((v) => (
                <button
                  key={`${v.plate}-${v.terminal_id}`}
                  type="button"
                  className={`console-chip${v.terminal_id === terminalId ? ' segment-active' : ''}`}
                  disabled={v.terminal_id === ''}
                  onClick={() => setTerminalId(v.terminal_id)}
                >
                  {v.plate || v.terminal_id}
                </button>
              ))}
            </span>
          ) : null}
        </form>
        <div className="console-row">
          {PRESETS.map((p) => (
            <button key={p} type="button" data-testid={`window-${p}`} onClick={() => choose(p)}>
              {m.vehicle.presets[p]}
            </button>
          ))}
          <label>
            {m.vehicle.from}{' '}
            <input
              type="datetime-local"
              data-testid="window-from"
              value={fromInput}
              onChange={(e) => setFromInput(e.target.value)}
            />
          </label>
          <label>
            {m.vehicle.to}{' '}
            <input
              type="datetime-local"
              data-testid="window-to"
              value={toInput}
              onChange={(e) => setToInput(e.target.value)}
            />
          </label>
          <button type="button" className="primary" data-testid="window-apply" onClick={applyInputs}>
            {m.vehicle.show}
          </button>
          {loading ? <span className="console-dim">{m.loading}</span> : null}
        </div>
      </div>
      {error !== null ? (
        <p className="console-error" role="alert" data-testid="vehicle-error">
          {error}
        </p>
      ) : null}
      {track !== null && terminalId !== '' ? (
        <TrackView key={`${track.terminal_id}-${track.from}-${track.to}`} track={track} geo={geo} />
      ) : null}
      {track === null && terminalId === '' && !enterprise ? <p className="console-dim">{placeholder}</p> : null}
    </div>
  );
}

function TrackView({ track, geo }: { track: TrackAnswer; geo: ProvinceGeo | null }) {
  const ws = useWorkspace();
  const { m, lang } = ws;
  const points = track.points;
  const [t, setT] = useState(points.length > 0 ? points[0][0] : track.from);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(REPLAY_SPEEDS[2]);
  const end = points.length > 0 ? points[points.length - 1][0] : track.to;

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setT((current) => {
        const next = current + REPLAY_STEP_MS * speed;
        if (next >= end) {
          setPlaying(false);
          return end;
        }
        return next;
      });
    }, REPLAY_STEP_MS);
    return () => clearInterval(timer);
  }, [playing, speed, end]);

  const drawing = useMemo(() => {
    if (points.length === 0) return null;
    const line = { type: 'LineString' as const, coordinates: points.map((p) => [p[1], p[2]]) };
    const projection = geoMercator().fitExtent(
      [
        [MAP_PADDING, MAP_PADDING],
        [MAP_WIDTH - MAP_PADDING, MAP_HEIGHT - MAP_PADDING],
      ],
      points.length > 1 ? line : { type: 'Point' as const, coordinates: [points[0][1], points[0][2]] },
    );
    if (points.length === 1) projection.scale(200_000);
    const path = geoPath(projection);
    const boundaries = (geo?.features ?? [])
      .filter((f) => f.properties.level !== 'province')
      .map((f) => ({ code: f.properties.code, d: path(f) ?? '' }));
    return { projection, trackPath: path(line) ?? '', boundaries };
  }, [points, geo]);

  const here = points.length > 0 ? positionAt(points, t) : null;
  const marker = here && drawing ? drawing.projection([here.lon, here.lat]) : null;
  const jump = (at: number) => {
    setPlaying(false);
    setT(Math.min(end, Math.max(points[0]?.[0] ?? at, at)));
  };
  return (
    <div className="vehicle-body" data-testid="track-view" data-terminal={track.terminal_id}>
      <div className="vehicle-map">
        <h3 data-testid="track-summary">
          {track.plate || track.terminal_id} · {m.vehicle.mileage(track.mileage_km.toFixed(1))} ·{' '}
          {m.vehicle.points(points.length, track.raw_points)} · {chinaDateTime(track.from)} – {chinaDateTime(track.to)}
        </h3>
        {track.driver ? (
          <p className="vehicle-driver" data-testid="track-driver">
            {m.vehicle.driver(track.driver.name, track.driver.certificate, chinaDateTime(track.driver.since))}
          </p>
        ) : null}
        {drawing === null ? (
          <p className="console-empty" data-testid="track-empty">
            {m.vehicle.trackEmpty}
          </p>
        ) : (
          <svg
            viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
            preserveAspectRatio="xMidYMid meet"
            className="track-svg"
            data-testid="track-svg"
            data-points={points.length}
          >
            {drawing.boundaries.map((b) => (
              <path key={b.code} d={b.d} className="track-boundary" />
            ))}
            <path d={drawing.trackPath} className="track-line" />
            {track.stops.map((s) => {
              const xy = drawing.projection([s.lon, s.lat]);
              return xy ? <circle key={s.from} cx={xy[0]} cy={xy[1]} r={6} className="track-stop" /> : null;
            })}
            {track.alarms
              .filter((a) => a.lat !== 0 || a.lon !== 0)
              .map((a) => {
                const xy = drawing.projection([a.lon, a.lat]);
                return xy ? <circle key={a.alarm_id} cx={xy[0]} cy={xy[1]} r={7} className="track-alarm" /> : null;
              })}
            {marker ? (
              <circle cx={marker[0]} cy={marker[1]} r={9} className="track-marker" data-testid="track-marker" />
            ) : null}
          </svg>
        )}
        {points.length > 1 ? (
          <div className="console-row replay-controls">
            <button
              type="button"
              className="primary"
              data-testid="replay"
              onClick={() => {
                if (t >= end) setT(points[0][0]);
                setPlaying(!playing);
              }}
            >
              {playing ? m.vehicle.pause : m.vehicle.play}
            </button>
            <select
              data-testid="replay-speed"
              value={speed}
              onChange={(e) => setSpeed(Number(e.target.value))}
              aria-label={m.vehicle.speed}
            >
              {REPLAY_SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
            <input
              type="range"
              className="replay-slider"
              data-testid="replay-slider"
              min={points[0][0]}
              max={end}
              step={1000}
              value={t}
              onChange={(e) => jump(Number(e.target.value))}
            />
            <span className="replay-clock" data-testid="replay-clock" data-t={Math.round(t)}>
              {chinaDateTime(t)} · {here ? Math.round(here.speed) : 0} {m.vehicle.kmh}
            </span>
          </div>
        ) : null}
      </div>
      <aside className="vehicle-side">
        <h3>{m.vehicle.alarmsOnTrack}</h3>
        <ul className="console-list" data-testid="track-alarms">
          {track.alarms.length === 0 ? <li className="console-dim">{m.vehicle.noAlarms}</li> : null}
          {track.alarms.map((a) => (
            <li key={a.alarm_id} className={`severity-${a.severity}`}>
              <button type="button" className="console-link" onClick={() => jump(a.started_at)}>
                {chinaDateTime(a.started_at)}
              </button>{' '}
              {named(m.severityNames, a.severity)} · {ruleName(a.rule, lang)}
            </li>
          ))}
        </ul>
        <h3>
          {m.vehicle.stops} {track.stops.length} · {m.vehicle.trips} {track.trips.length}
        </h3>
        <ul className="console-list" data-testid="track-stops">
          {track.stops.map((s) => (
            <li key={`s${s.from}`}>
              <button type="button" className="console-link" onClick={() => jump(s.from)}>
                {m.vehicle.stopLine(chinaDateTime(s.from), durationText(s.to - s.from, lang))}
              </button>
            </li>
          ))}
        </ul>
        <ul className="console-list" data-testid="track-trips">
          {track.trips.map((trip) => (
            <li key={`t${trip.from}`}>
              <button type="button" className="console-link" onClick={() => jump(trip.from)}>
                {m.vehicle.tripLine(
                  chinaHourMinute(trip.from),
                  chinaHourMinute(trip.to),
                  trip.km.toFixed(1),
                  Math.round(trip.max_speed_kmh),
                )}
              </button>
            </li>
          ))}
        </ul>
        <VideoPanel terminalId={track.terminal_id} from={track.from} to={track.to} />
        <MediaPanel terminalId={track.terminal_id} from={track.from} to={track.to} />
        <CommandPanel terminalId={track.terminal_id} plate={track.plate} />
      </aside>
    </div>
  );
}

function MediaPanel({ terminalId, from, to }: { terminalId: string; from: number; to: number }) {
  const ws = useWorkspace();
  const { api, m } = ws;
  const [media, setMedia] = useState<VehicleMedia[]>([]);
  const [requested, setRequested] = useState(false);
  const mayShoot = ws.abilities?.terminal_commands.includes('photo') ?? false;
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api
        .get<{ media: VehicleMedia[] }>(
          `/api/vehicles/${encodeURIComponent(terminalId)}/media?from=${from}&to=${Math.max(to, Date.now())}`,
        )
        .then((answer) => !cancelled && setMedia(answer.media))
        .catch(() => undefined);
    void load();
    const timer = setInterval(() => void load(), MEDIA_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, terminalId, from, to]);
  const shoot = async () => {
    try {
      await api.post(`/api/terminals/${encodeURIComponent(terminalId)}/commands`, { type: 'photo', channel: 1 });
      setRequested(true);
      ws.toast(m.vehicle.photoRequested);
    } catch (failure) {
      ws.toast(errorSentence(failure, m), 'error');
    }
  };
  const photos = media.filter((x) => x.stored && x.media_type === 0);
  return (
    <>
      <h3>
        {m.vehicle.photos} {photos.length}
        {mayShoot ? (
          <button type="button" className="console-take-photo" data-testid="take-photo" onClick={() => void shoot()}>
            {m.vehicle.takePhoto}
          </button>
        ) : null}
      </h3>
      {requested ? <p className="console-dim">{m.vehicle.photoRequested}</p> : null}
      {photos.length === 0 ? <p className="console-dim">{m.vehicle.noPhotos}</p> : null}
      <div className="media-grid" data-testid="media-grid">
        {photos.map((p) => (
          <Photo key={p.media_id} terminalId={terminalId} media={p} />
        ))}
      </div>
    </>
  );
}

function Photo({ terminalId, media }: { terminalId: string; media: VehicleMedia }) {
  const { api } = useWorkspace();
  const [url, setUrl] = useState<string | null>(null);
  const urlRef = useRef<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api
      .blob(`/api/vehicles/${encodeURIComponent(terminalId)}/media/${media.media_id}`)
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
  }, [api, terminalId, media.media_id]);
  return (
    <figure data-testid="media-photo" data-media-id={media.media_id}>
      {url !== null ? (
        <a href={url} target="_blank" rel="noreferrer">
          <img src={url} alt={`${media.media_id}`} />
        </a>
      ) : (
        <div className="media-placeholder" />
      )}
      <figcaption>
        {chinaDateTime(media.ts)} · CH{media.channel}
      </figcaption>
    </figure>
  );
}
