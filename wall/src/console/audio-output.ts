/**
 * The sound of a camera stream through the Web Audio API. G.711 and G.726 packets from the video socket are
 * decoded to PCM (g711.ts, g726.ts) and scheduled as AudioBufferSourceNodes on the context's clock, placed by the terminal's timestamps
 * behind a small jitter buffer. Packets that arrive late or far ahead (the terminal's clock drifting from the
 * sound card's, a stall) re-anchor the schedule: a click, never a growing delay. An AnalyserNode measures what
 * plays, for the player's level meter (and its data attributes, which the browser test reads).
 *
 * AAC comes in ADTS frames, which the browser decodes itself: they are appended to Media Source Extensions
 * (`audio/aac`, in sequence, mse-player.ts) on an audio element of their own, whose output goes through the same
 * analyser; the terminal's timestamps are not used for it (the element keeps to its live edge instead). WebCodecs'
 * AudioDecoder would take the timestamps, but it exists only in a secure context, and a console on a LAN is served
 * over plain HTTP.
 *
 * Created on the officer's click (browsers start sound only after a user gesture); closed when muted.
 */
import { decodeG711 } from './g711.js';
import { G726Stream } from './g726-stream.js';
import { MsePlayer } from './mse-player.js';

/** JT/T 1078 table 12: AAC. */
const AAC_PAYLOAD_TYPE = 19;

/** Seconds of sound held ahead of the clock: absorbs network jitter; the sound trails the terminal by this. */
const JITTER_S = 0.15;
/** A packet scheduled more than this ahead of the clock re-anchors the schedule (the sound fell behind). */
const AHEAD_S_MAX = 1;
/** G.711 is 8 kHz. */
const SAMPLE_RATE = 8_000;
/** Analyser window: 2048 samples, 3.9 Hz per bin at 8 kHz. */
const FFT_SIZE = 2048;

export interface SoundLevel {
  /** RMS of the last window, dB below full scale (−Infinity when silent). */
  rmsDbfs: number;
  /** The loudest frequency, Hz. */
  peakHz: number;
}

export class AudioOutput {
  private readonly context: AudioContext;
  private readonly analyser: AnalyserNode;
  /** Terminal timestamp (ms) and context time (s) the schedule is anchored at. */
  private anchor: { timestampMs: number; at: number } | undefined;
  private readonly time = new Float32Array(FFT_SIZE);
  private readonly spectrum: Float32Array<ArrayBuffer>;
  /** G.726 keeps a decoder's state from packet to packet; made on the stream's first G.726 packet. */
  private g726: G726Stream | undefined;
  /** AAC's element and its MediaSource; made on the stream's first AAC packet. */
  private aac: { element: HTMLAudioElement; player: MsePlayer } | undefined;

  /** `failed` hears why the browser refused the sound (AAC it cannot decode). */
  constructor(private readonly failed: (reason: string) => void = () => undefined) {
    // An 8 kHz context plays G.711 as it is; a browser that refuses the rate resamples the 8 kHz buffers itself.
    let context: AudioContext;
    try {
      context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
    } catch {
      context = new AudioContext({ latencyHint: 'interactive' });
    }
    this.context = context;
    this.analyser = context.createAnalyser();
    this.analyser.fftSize = FFT_SIZE;
    this.analyser.connect(context.destination);
    this.spectrum = new Float32Array(this.analyser.frequencyBinCount);
    void context.resume();
  }

  /** One packet: payload type (6, 7 or 8), the terminal's timestamp in ms, the coded bytes. */
  play(payloadType: number, timestampMs: number, bytes: Uint8Array): void {
    if (payloadType === AAC_PAYLOAD_TYPE) {
      this.aacPlayer().append(bytes.slice().buffer);
      return;
    }
    if (payloadType === G726Stream.PAYLOAD_TYPE) {
      this.g726 ??= new G726Stream();
      for (const decoded of this.g726.push(timestampMs, bytes)) this.schedule(decoded.timestampMs, decoded.samples);
      return;
    }
    const samples = decodeG711(payloadType, bytes);
    if (samples !== undefined) this.schedule(timestampMs, samples);
  }

  /** 8 kHz samples that begin at the terminal's `timestampMs`, placed on the context's clock. */
  private schedule(timestampMs: number, samples: Float32Array<ArrayBuffer>): void {
    if (samples.length === 0) return;
    const now = this.context.currentTime;
    let at = this.anchor === undefined ? -1 : this.anchor.at + (timestampMs - this.anchor.timestampMs) / 1000;
    if (at < now || at > now + AHEAD_S_MAX) {
      this.anchor = { timestampMs, at: now + JITTER_S };
      at = this.anchor.at;
    }
    const buffer = this.context.createBuffer(1, samples.length, SAMPLE_RATE);
    buffer.copyToChannel(samples, 0);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.analyser);
    source.start(at);
  }

  private aacPlayer(): MsePlayer {
    if (this.aac === undefined) {
      const element = new Audio();
      const player = new MsePlayer(element, this.failed, 'sequence');
      player.codec('audio/aac');
      this.context.createMediaElementSource(element).connect(this.analyser);
      this.aac = { element, player };
    }
    return this.aac.player;
  }

  level(): SoundLevel {
    this.analyser.getFloatTimeDomainData(this.time);
    let sum = 0;
    for (const x of this.time) sum += x * x;
    this.analyser.getFloatFrequencyData(this.spectrum);
    let peak = 1;
    for (let i = 2; i < this.spectrum.length; i++) if (this.spectrum[i] > this.spectrum[peak]) peak = i;
    return {
      rmsDbfs: 10 * Math.log10(sum / this.time.length),
      peakHz: (peak * this.context.sampleRate) / FFT_SIZE,
    };
  }

  close(): void {
    this.aac?.player.stop();
    this.aac = undefined;
    void this.context.close();
  }
}
