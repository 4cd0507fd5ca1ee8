/**
 * One stream of one terminal channel (live or a playback) and the browsers watching it. Whole H.264 frames come
 * in; each leaves as one fMP4 media segment to every viewer. A viewer who joins gets the initialization segment
 * and the current group of pictures from its key frame, so the picture appears at once; a viewer whose queue
 * grows past its bound skips frames until the next key frame, so it falls back to the live edge instead of
 * making the server hold its backlog.
 */
import { DATA_TYPE, PAYLOAD_TYPE } from './rtp-packet.js';
import type { MediaFrame } from './frame-assembler.js';
import { initSegment, mediaSegment } from './fmp4.js';
import {
  adtsFrames,
  type AdtsFrames,
  audioCodecName,
  audioMessage,
  audioPlayable,
  stripHisiliconHeader,
} from './audio.js';
import {
  avcCodecString,
  avcDecoderConfiguration,
  lengthPrefixed,
  NAL_TYPE,
  nalType,
  parseSps,
  splitAnnexB,
} from './h264.js';

/** A browser connection watching a stream (implemented over a WebSocket by `center/`). */
export interface MediaViewer {
  /**
   * Whether it takes the stream's audio: audio messages (audio.ts) and `audio` texts. A viewer that did not ask
   * gets exactly what it got before audio was played: texts and fMP4.
   */
  audio?: boolean;
  /** A binary fMP4 segment or audio message, or a JSON text (VideoControlMessage). */
  send(data: Buffer | string): void;
  /** Bytes queued and not yet written to the network. */
  bufferedBytes(): number;
  close(code: number, reason: string): void;
}

/** The JSON texts a viewer receives between the binary segments. */
export type VideoControlMessage =
  | { type: 'waiting'; stream_id: string; detail: string }
  | { type: 'stream'; stream_id: string; mime: string; codec: string; width: number; height: number }
  | { type: 'unsupported'; stream_id: string; reason: 'codec_unsupported'; detail: string }
  | {
      type: 'audio';
      stream_id: string;
      /** JT/T 1078 table 12. */
      payload_type: number;
      codec: string;
      /** False for a coding the console cannot play (G.726, AAC, …): its packets are not sent. */
      playable: boolean;
      /** 8000 and 1 for G.711; null when not playable (not known without decoding). */
      sample_rate: number | null;
      channels: number | null;
    }
  | { type: 'end'; stream_id: string; reason: string; detail: string };

export type StreamKind = 'live' | 'playback';
export type StreamState = 'requested' | 'streaming' | 'closed';

/** Why frames were not shown, the `reason` label of `vigil_video_frames_dropped_total`. */
export type FrameDropReason =
  | 'waiting_for_key_frame'
  | 'codec_unsupported'
  | 'audio_not_played'
  | 'audio_not_adts'
  | 'audio_viewer_behind'
  | 'pass_through_not_shown'
  | 'no_parameter_sets'
  | 'viewer_behind';

export interface StreamObserver {
  dropped(reason: FrameDropReason, frames?: number): void;
  shown(frames: number): void;
  /** An audio packet the viewers who take audio were sent (once per packet, whatever the viewers). */
  audioSent(codec: string): void;
}

interface ViewerState {
  viewer: MediaViewer;
  /** The init segment this viewer has; a new one is sent when the picture size or profile changes. */
  init: Buffer | undefined;
  /** Skipping until a key frame (joined mid-group, or fell behind). */
  waitingKeyFrame: boolean;
  /** The audio coding this viewer was told of (an `audio` text), if any. */
  audioAnnounced: number | undefined;
}

/** Fallback frame duration when timestamps go backwards or jump (a terminal's clock reset): 25 frames/s. */
const FRAME_DURATION_MS_DEFAULT = 40;
/** A gap between two frames' timestamps beyond this is a jump, not a duration. */
const FRAME_DURATION_MS_MAX = 1_000;
/** G.711 is 8 kHz mono. */
const G711_SAMPLE_RATE = 8_000;
/** WebSocket close code for a normal end. */
const CLOSE_NORMAL = 1000;

export class VideoStream {
  state: StreamState = 'requested';
  readonly createdAtMs: number;
  lastDataMs: number;
  viewerlessSinceMs: number;
  bytesReceived = 0;
  framesShown = 0;
  /** The window the bandwidth bound is counted in: its start and the bytes received in it. */
  windowStartMs = 0;
  windowBytes = 0;
  private readonly viewers = new Set<ViewerState>();
  private sps: Buffer | undefined;
  private pps: Buffer | undefined;
  private init: Buffer | undefined;
  private description: Extract<VideoControlMessage, { type: 'stream' }> | undefined;
  /** Media segments since the last key frame, for viewers who join; dropped when over gopBytesMax. */
  private gop: Buffer[] = [];
  private gopBytes = 0;
  private pending: { units: Buffer[]; timestampMs: number; key: boolean } | undefined;
  private sequence = 0;
  private decodeTime = 0;
  private lastDurationMs = FRAME_DURATION_MS_DEFAULT;
  private unsupportedSaid = false;
  /** The last audio coding the terminal sent, announced to viewers who join. */
  private audioPayloadType: number | undefined;
  /** AAC's rate and channels, from the last packet's first ADTS header. */
  private audioFormat: AdtsFrames = { sampleRate: G711_SAMPLE_RATE, channels: 1 };

  constructor(
    readonly id: string,
    readonly kind: StreamKind,
    readonly phone: string,
    readonly channel: number,
    private readonly now: () => number,
    private readonly gopBytesMax: number,
    private readonly viewerBufferedBytesMax: number,
    private readonly observer: StreamObserver,
  ) {
    this.createdAtMs = now();
    this.lastDataMs = this.createdAtMs;
    this.viewerlessSinceMs = this.createdAtMs;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** The codec and size once the first key frame came; undefined before. */
  get codec(): VideoControlMessage | undefined {
    return this.description;
  }

  addViewer(viewer: MediaViewer): () => void {
    const state: ViewerState = { viewer, init: undefined, waitingKeyFrame: true, audioAnnounced: undefined };
    this.viewers.add(state);
    if (this.audioPayloadType !== undefined) this.announceAudio(state, this.audioPayloadType);
    if (this.description === undefined || this.init === undefined) {
      send(viewer, { type: 'waiting', stream_id: this.id, detail: 'waiting for the terminal to send a key frame' });
    } else {
      this.sendInit(state);
      // The current group of pictures, from its key frame: the picture shows without waiting for the next one.
      if (this.gop.length > 0) {
        for (const segment of this.gop) viewer.send(segment);
        state.waitingKeyFrame = false;
      }
    }
    return () => {
      this.viewers.delete(state);
      if (this.viewers.size === 0) this.viewerlessSinceMs = this.now();
    };
  }

  onFrame(frame: MediaFrame): void {
    if (frame.dataType === DATA_TYPE.audio) {
      this.onAudio(frame);
      return;
    }
    if (frame.dataType === DATA_TYPE.passThrough) {
      this.observer.dropped('pass_through_not_shown');
      return;
    }
    if (frame.payloadType !== PAYLOAD_TYPE.h264) {
      this.observer.dropped('codec_unsupported');
      if (!this.unsupportedSaid) {
        this.unsupportedSaid = true;
        const codec = frame.payloadType === PAYLOAD_TYPE.h265 ? 'H.265' : `payload type ${frame.payloadType}`;
        for (const v of this.viewers)
          send(v.viewer, {
            type: 'unsupported',
            stream_id: this.id,
            reason: 'codec_unsupported',
            detail: `the terminal sends ${codec}; the console plays H.264 only`,
          });
      }
      return;
    }
    const units: Buffer[] = [];
    let key = false;
    for (const nal of splitAnnexB(frame.data)) {
      const type = nalType(nal);
      if (type === NAL_TYPE.sps) this.setSps(nal);
      else if (type === NAL_TYPE.pps) this.setPps(nal);
      else if (type !== NAL_TYPE.aud) {
        if (type === NAL_TYPE.idr) key = true;
        units.push(nal);
      }
    }
    if (units.length === 0) return;
    if (this.init === undefined) {
      this.observer.dropped(key ? 'no_parameter_sets' : 'waiting_for_key_frame');
      return;
    }
    // A frame leaves once the next one arrives: its duration is the gap between their timestamps.
    if (this.pending) this.emit(this.pending, frame.timestampMs);
    this.pending = { units, timestampMs: frame.timestampMs, key };
  }

  /** Sends the frame still held (its duration guessed from the last one): the stream is ending. */
  flush(): void {
    if (this.pending) this.emit(this.pending, this.pending.timestampMs + this.lastDurationMs);
    this.pending = undefined;
  }

  end(reason: string, detail: string): void {
    if (this.state === 'closed') return;
    this.flush();
    this.state = 'closed';
    for (const v of this.viewers) {
      send(v.viewer, { type: 'end', stream_id: this.id, reason, detail });
      v.viewer.close(CLOSE_NORMAL, reason);
    }
    this.viewers.clear();
    this.gop = [];
    this.gopBytes = 0;
  }

  /**
   * G.711, G.726 and AAC go to the viewers who take audio, one message per packet, as it came (the browser decodes
   * it); other codings are counted and announced as not playable, and so is AAC that is not whole ADTS frames.
   * Audio needs no key frame: a viewer over its byte bound misses packets until its queue drains (a gap in the
   * sound), not a whole group.
   */
  private onAudio(frame: MediaFrame): void {
    const pt = frame.payloadType;
    const data = stripHisiliconHeader(frame.data);
    if (pt === PAYLOAD_TYPE.aac) {
      const adts = adtsFrames(data);
      if ('refused' in adts) {
        this.observer.dropped('audio_not_adts');
        return;
      }
      this.audioFormat = adts;
    }
    this.audioPayloadType = pt;
    const playable = audioPlayable(pt);
    let message: Buffer | undefined;
    for (const v of this.viewers) {
      if (v.viewer.audio !== true) continue;
      if (v.audioAnnounced !== pt) this.announceAudio(v, pt);
      if (!playable) continue;
      if (v.viewer.bufferedBytes() > this.viewerBufferedBytesMax) {
        this.observer.dropped('audio_viewer_behind');
        continue;
      }
      message ??= audioMessage(pt, frame.timestampMs, data);
      v.viewer.send(message);
    }
    if (!playable) this.observer.dropped('audio_not_played');
    else this.observer.audioSent(audioCodecName(pt));
  }

  private announceAudio(v: ViewerState, payloadType: number): void {
    if (v.viewer.audio !== true) return;
    v.audioAnnounced = payloadType;
    const playable = audioPlayable(payloadType);
    send(v.viewer, {
      type: 'audio',
      stream_id: this.id,
      payload_type: payloadType,
      codec: audioCodecName(payloadType),
      playable,
      sample_rate: !playable ? null : payloadType === PAYLOAD_TYPE.aac ? this.audioFormat.sampleRate : G711_SAMPLE_RATE,
      channels: !playable ? null : payloadType === PAYLOAD_TYPE.aac ? this.audioFormat.channels : 1,
    });
  }

  private setSps(nal: Buffer): void {
    if (this.sps?.equals(nal)) return;
    this.sps = Buffer.from(nal);
    this.rebuildInit();
  }

  private setPps(nal: Buffer): void {
    if (this.pps?.equals(nal)) return;
    this.pps = Buffer.from(nal);
    this.rebuildInit();
  }

  private rebuildInit(): void {
    if (!this.sps || !this.pps) return;
    const info = parseSps(this.sps);
    if (!info) return;
    this.init = initSegment({
      width: info.width,
      height: info.height,
      avcC: avcDecoderConfiguration(this.sps, this.pps),
    });
    const codec = avcCodecString(info);
    this.description = {
      type: 'stream',
      stream_id: this.id,
      mime: `video/mp4; codecs="${codec}"`,
      codec,
      width: info.width,
      height: info.height,
    };
  }

  private emit(frame: { units: Buffer[]; timestampMs: number; key: boolean }, nextTimestampMs: number): void {
    const gap = nextTimestampMs - frame.timestampMs;
    const duration = gap > 0 && gap <= FRAME_DURATION_MS_MAX ? gap : this.lastDurationMs;
    this.lastDurationMs = duration;
    this.sequence++;
    const segment = mediaSegment(this.sequence, {
      decodeTime: this.decodeTime,
      duration,
      key: frame.key,
      data: lengthPrefixed(frame.units),
    });
    this.decodeTime += duration;
    if (frame.key) {
      this.gop = [];
      this.gopBytes = 0;
    }
    // A group too long to keep is not kept at all: a joining viewer then waits for the next key frame.
    if (this.gopBytes + segment.length <= this.gopBytesMax && (frame.key || this.gop.length > 0)) {
      this.gop.push(segment);
      this.gopBytes += segment.length;
    } else {
      this.gop = [];
      this.gopBytes = this.gopBytesMax + 1;
    }
    this.framesShown++;
    this.observer.shown(1);
    for (const v of this.viewers) this.deliver(v, segment, frame.key);
  }

  private deliver(v: ViewerState, segment: Buffer, key: boolean): void {
    if (v.viewer.bufferedBytes() > this.viewerBufferedBytesMax) {
      v.waitingKeyFrame = true;
      this.observer.dropped('viewer_behind');
      return;
    }
    if (v.waitingKeyFrame) {
      if (!key) {
        this.observer.dropped('waiting_for_key_frame');
        return;
      }
      v.waitingKeyFrame = false;
    }
    if (v.init !== this.init) this.sendInit(v);
    v.viewer.send(segment);
  }

  private sendInit(v: ViewerState): void {
    if (!this.description || !this.init) return;
    send(v.viewer, this.description);
    v.viewer.send(this.init);
    v.init = this.init;
  }
}

function send(viewer: MediaViewer, message: VideoControlMessage): void {
  viewer.send(JSON.stringify(message));
}
