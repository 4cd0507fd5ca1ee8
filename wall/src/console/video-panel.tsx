/**
 * A vehicle's cameras in the console: live video of any channel (several at once), the recordings the terminal
 * holds in the window on screen (0x9205) and their playback. Shown to the roles the server says may watch
 * (`abilities.video`); which vehicles they may watch is decided by the server on every request.
 */
import { useRef, useState } from 'react';
import { chinaDateTime } from './console-time.js';
import { errorSentence } from './error-text.js';
import { VideoPlayer, type OpenedStream } from './video-player.js';
import { useWorkspace } from './workspace-context.js';

/** Channels offered in the picker: terminals in the field have up to 8 cameras (JT/T 1078 allows 1-37). */
const CHANNELS = [1, 2, 3, 4, 5, 6, 7, 8] as const;
/** Players open at once on one page: each holds a stream on the server and a decoder in the browser. */
const PLAYERS_MAX = 4;
/** The server's bound on one recording query or playback window (PLAYBACK_WINDOW_MS_MAX). */
const RECORDING_WINDOW_MS_MAX = 24 * 3_600_000;

interface Recording {
  channel: number;
  start: number | null;
  end: number | null;
  bytes: number;
}

interface Player {
  key: string;
  label: string;
  open: () => Promise<OpenedStream>;
}

export function VideoPanel({ terminalId, from, to }: { terminalId: string; from: number; to: number }) {
  const ws = useWorkspace();
  const { api, m } = ws;
  const [channel, setChannel] = useState<number>(1);
  const [players, setPlayers] = useState<Player[]>([]);
  const [recordings, setRecordings] = useState<Recording[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const serial = useRef(0);
  if (ws.abilities?.video !== true) return null;
  const base = `/api/vehicles/${encodeURIComponent(terminalId)}/video`;

  const add = (label: string, open: () => Promise<OpenedStream>) => {
    serial.current += 1;
    const key = `${serial.current}`;
    setPlayers((list) => [...list.slice(-(PLAYERS_MAX - 1)), { key, label, open }]);
  };
  const live = (ch: number) => add(m.video.liveOf(ch), () => api.post<OpenedStream>(`${base}/live`, { channel: ch }));
  const windowTo = Math.min(to, Date.now());
  const windowFrom = Math.max(from, windowTo - RECORDING_WINDOW_MS_MAX);
  const findRecordings = async () => {
    setError(null);
    try {
      const answer = await api.get<{ resources: Recording[] }>(
        `${base}/resources?channel=${channel}&from=${windowFrom}&to=${windowTo}`,
      );
      setRecordings(answer.resources);
    } catch (failure) {
      setError(errorSentence(failure, m));
    }
  };
  const playBack = (r: Recording) => {
    if (r.start === null || r.end === null) return;
    const [start, end] = [r.start, Math.min(r.end, r.start + RECORDING_WINDOW_MS_MAX)];
    add(m.video.playbackOf(r.channel, chinaDateTime(start)), () =>
      api.post<OpenedStream>(`${base}/playback`, { channel: r.channel, from: start, to: end }),
    );
  };

  return (
    <section className="video-panel" data-testid="video-panel" data-terminal={terminalId}>
      <h3>{m.video.title}</h3>
      <div className="console-row">
        <label>
          {m.video.channel}{' '}
          <select data-testid="video-channel" value={channel} onChange={(e) => setChannel(Number(e.target.value))}>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" data-testid="video-live" onClick={() => live(channel)}>
          {m.video.live}
        </button>
        <button type="button" data-testid="video-find-recordings" onClick={() => void findRecordings()}>
          {m.video.findRecordings}
        </button>
      </div>
      {error !== null ? <p className="console-error">{error}</p> : null}
      {recordings !== null ? (
        <ul className="console-list" data-testid="video-recordings">
          {recordings.length === 0 ? <li className="console-dim">{m.video.noRecordings}</li> : null}
          {recordings.map((r, i) => (
            <li key={`${r.channel}-${r.start}-${i}`}>
              <button type="button" className="console-link" onClick={() => playBack(r)}>
                {m.video.play}
              </button>{' '}
              CH{r.channel} · {r.start === null ? '?' : chinaDateTime(r.start)} –{' '}
              {r.end === null ? '?' : chinaDateTime(r.end)} · {(r.bytes / 1_048_576).toFixed(1)} MB
            </li>
          ))}
        </ul>
      ) : null}
      <div className="video-grid">
        {players.map((p) => (
          <VideoPlayer
            key={p.key}
            label={p.label}
            open={p.open}
            onClose={() => setPlayers((list) => list.filter((x) => x.key !== p.key))}
          />
        ))}
      </div>
    </section>
  );
}
