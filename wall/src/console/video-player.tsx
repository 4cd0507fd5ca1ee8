/**
 * One video stream of a vehicle's camera, played with Media Source Extensions: the server sends the codec as JSON,
 * then an fMP4 initialization segment and one media segment per frame over `/ws/video?ticket=…` (the ticket comes
 * from the authenticated request that opened the stream; see docs/video.md). The player keeps to the live edge
 * (mse-player.ts), so a long watch holds a bounded buffer.
 *
 * Sound: the socket asks for the stream's audio (`audio=1`); the server announces its coding (an `audio` text) and
 * sends G.711, G.726 or AAC packets as binary messages that begin with 0x01 (fMP4 begins with 0x00). The player is muted until
 * the officer presses 声音 (browsers play sound only after a click); then the packets are decoded and played
 * (audio-output.ts), and a meter shows the level. Sound and picture are each played at their own live edge, so
 * they agree only roughly (within the video's buffer).
 */
import { useEffect, useRef, useState } from 'react';
import { AudioOutput } from './audio-output.js';
import { MsePlayer } from './mse-player.js';
import type { ConsoleMessages } from './console-messages.js';
import { errorSentence } from './error-text.js';
import { useWorkspace } from './workspace-context.js';

/** First byte of an audio message and its header's length (ingest/jt1078/audio.ts). */
const AUDIO_MESSAGE_KIND = 0x01;
const AUDIO_MESSAGE_HEADER_BYTES = 10;
/** How often the level meter is read while the sound is on. */
const LEVEL_EVERY_MS = 250;

export type PlayerState = 'connecting' | 'waiting' | 'playing' | 'ended' | 'failed';

interface ServerText {
  type: 'waiting' | 'stream' | 'unsupported' | 'end' | 'error' | 'audio';
  payload_type?: number;
  playable?: boolean;
  mime?: string;
  codec?: string;
  width?: number;
  height?: number;
  reason?: string;
  detail?: string;
}

export interface OpenedStream {
  stream_id: string;
  ws_path: string;
}

export interface VideoPlayerProps {
  /** Opens (or joins) the stream; called once per mount. */
  open: () => Promise<OpenedStream>;
  label: string;
  onClose?: () => void;
}

export function VideoPlayer({ open, label, onClose }: VideoPlayerProps) {
  const { m } = useWorkspace();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PlayerState>('connecting');
  const [note, setNote] = useState<string>(m.video.connecting);
  const [size, setSize] = useState<string>('');
  const [streamId, setStreamId] = useState('');
  /** The stream's sound as the server announced it; null until its first audio packet. */
  const [sound, setSound] = useState<{ codec: string; playable: boolean } | null>(null);
  const [soundOn, setSoundOn] = useState(false);
  const output = useRef<AudioOutput | null>(null);
  const figure = useRef<HTMLElement>(null);
  const meter = useRef<HTMLMeterElement>(null);

  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    const element = video.current;
    if (element === null) return;
    const player = new MsePlayer(element, (reason) => fail(m.video.browserFailed(reason)));
    const fail = (sentence: string) => {
      if (stopped) return;
      setState('failed');
      setNote(sentence);
      socket?.close();
    };
    open()
      .then((opened) => {
        if (stopped) return;
        setStreamId(opened.stream_id);
        const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
        const separator = opened.ws_path.includes('?') ? '&' : '?';
        socket = new WebSocket(`${scheme}://${location.host}${opened.ws_path}${separator}audio=1`);
        socket.binaryType = 'arraybuffer';
        socket.onmessage = (event: MessageEvent<string | ArrayBuffer>) => {
          if (typeof event.data !== 'string') {
            const bytes = new Uint8Array(event.data);
            if (bytes[0] !== AUDIO_MESSAGE_KIND) player.append(event.data);
            else if (bytes.length > AUDIO_MESSAGE_HEADER_BYTES && output.current !== null) {
              const timestampMs = Number(new DataView(event.data).getBigUint64(2));
              output.current.play(bytes[1], timestampMs, bytes.subarray(AUDIO_MESSAGE_HEADER_BYTES));
            }
            return;
          }
          const text = JSON.parse(event.data) as ServerText;
          if (text.type === 'audio') {
            setSound({ codec: text.codec ?? '', playable: text.playable === true });
          } else if (text.type === 'waiting') {
            setState('waiting');
            setNote(m.video.waiting);
          } else if (text.type === 'stream' && text.mime !== undefined) {
            setState('playing');
            setNote('');
            setSize(`${text.width}×${text.height}`);
            player.codec(text.mime);
          } else {
            setState(text.type === 'end' ? 'ended' : 'failed');
            setNote(endSentence(text, m));
          }
        };
        socket.onclose = () => {
          if (!stopped) setState((s) => (s === 'failed' ? s : 'ended'));
        };
      })
      .catch((failure: unknown) => fail(errorSentence(failure, m)));
    return () => {
      stopped = true;
      socket?.close();
      player.stop();
      output.current?.close();
      output.current = null;
    };
    // The stream is opened once per mount: a new stream is a new player (keyed by the caller).
  }, []);

  // While the sound is on, the meter (and the figure's data-audio-* attributes) follow what plays.
  useEffect(() => {
    if (!soundOn) return;
    const timer = setInterval(() => {
      const level = output.current?.level();
      if (level === undefined) return;
      const db = Number.isFinite(level.rmsDbfs) ? Math.max(-100, Math.round(level.rmsDbfs)) : -100;
      figure.current?.setAttribute('data-audio-level', String(db));
      figure.current?.setAttribute('data-audio-peak-hz', String(Math.round(level.peakHz)));
      if (meter.current !== null) meter.current.value = Math.max(0, (db + 60) / 60);
    }, LEVEL_EVERY_MS);
    return () => clearInterval(timer);
  }, [soundOn]);

  // A stream that ended has no sound left to play.
  const live = state === 'playing' || state === 'waiting';
  useEffect(() => {
    if (live || output.current === null) return;
    output.current.close();
    output.current = null;
    setSoundOn(false);
  }, [live]);

  const toggleSound = () => {
    if (output.current === null) {
      // Made inside the click: the browser lets a context started by a user gesture play.
      output.current = new AudioOutput((reason) => setNote(m.video.browserFailed(reason)));
      setSoundOn(true);
    } else {
      output.current.close();
      output.current = null;
      setSoundOn(false);
      figure.current?.removeAttribute('data-audio-level');
      figure.current?.removeAttribute('data-audio-peak-hz');
    }
  };

  return (
    <figure
      ref={figure}
      className="video-player"
      data-testid="video-player"
      data-state={state}
      data-stream-id={streamId}
      data-sound={sound === null ? 'none' : !sound.playable ? 'unplayable' : soundOn ? 'on' : 'muted'}
    >
      <video ref={video} muted playsInline autoPlay data-testid="video-element" />
      <figcaption>
        <span>
          {label} {size}
        </span>
        {note !== '' ? (
          <span className="console-dim" data-testid="video-note">
            {note}
          </span>
        ) : null}
        {live && sound !== null && !sound.playable ? (
          <span className="console-dim" data-testid="video-sound-note">
            {m.video.soundUnplayable(sound.codec)}
          </span>
        ) : null}
        {live && sound !== null && sound.playable ? (
          <span className="video-sound">
            <button
              type="button"
              className={soundOn ? 'console-link video-sound-on' : 'console-link'}
              data-testid="video-sound"
              aria-pressed={soundOn}
              title={sound.codec}
              onClick={toggleSound}
            >
              {soundOn ? m.video.soundOff : m.video.soundOn}
            </button>
            {soundOn ? (
              <meter ref={meter} min={0} max={1} value={0} aria-label={m.video.soundLevel} data-testid="video-level" />
            ) : null}
          </span>
        ) : null}
        {onClose ? (
          <button type="button" className="console-link" data-testid="video-close" onClick={onClose}>
            {m.video.close}
          </button>
        ) : null}
      </figcaption>
    </figure>
  );
}

function endSentence(text: ServerText, m: ConsoleMessages): string {
  const reason = text.reason ?? '';
  const known = m.video.endReasons[reason];
  return known ?? m.video.ended(reason || text.type);
}
