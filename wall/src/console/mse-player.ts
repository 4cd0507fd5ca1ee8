/**
 * Media Source Extensions for a live stream, picture or sound: the segments the server sends are appended to one
 * SourceBuffer as it becomes free, and the element keeps to the live edge: when more than LIVE_LAG_S_MAX is
 * buffered ahead of what plays it jumps forward, and it drops what lies more than BUFFER_KEPT_S behind, so a long
 * watch holds a bounded buffer.
 */

/** Seconds buffered ahead of the playing position before the player jumps to the live edge. */
const LIVE_LAG_S_MAX = 1.5;
/** Where it jumps to: this far behind the newest frame, so that the next frame is not waited for at once. */
const LIVE_EDGE_S = 0.2;
/** Seconds of played media kept in the buffer. */
const BUFFER_KEPT_S = 20;
/** Segments waiting to be appended at most; beyond, the browser cannot keep up and the stream is stopped. */
const APPEND_QUEUE_MAX = 300;

/** The MediaSource side: one SourceBuffer, appends queued while it is busy, the live edge kept. */
export class MsePlayer {
  private readonly source = new MediaSource();
  private buffer: SourceBuffer | null = null;
  private mime = '';
  private readonly queue: ArrayBuffer[] = [];
  private readonly url: string;
  private done = false;

  /**
   * `mode` 'segments' for fMP4, whose segments carry their times; 'sequence' for a byte stream without them (ADTS),
   * each append placed after the last.
   */
  constructor(
    private readonly element: HTMLMediaElement,
    private readonly failed: (reason: string) => void,
    private readonly mode: AppendMode = 'segments',
  ) {
    this.url = URL.createObjectURL(this.source);
    element.src = this.url;
  }

  /** The codec of what follows: a SourceBuffer for it, or a type change when it differs from the last one. */
  codec(mime: string): void {
    if (!MediaSource.isTypeSupported(mime)) {
      this.failed(`${mime} is not supported by this browser`);
      return;
    }
    const ready = () => {
      if (this.buffer === null) {
        this.buffer = this.source.addSourceBuffer(mime);
        this.buffer.mode = this.mode;
        this.buffer.addEventListener('updateend', () => this.pump());
        this.buffer.addEventListener('error', () => this.failed('the browser refused a segment'));
      } else if (mime !== this.mime) this.buffer.changeType(mime);
      this.mime = mime;
      this.pump();
    };
    if (this.source.readyState === 'open') ready();
    else this.source.addEventListener('sourceopen', ready, { once: true });
  }

  append(segment: ArrayBuffer): void {
    if (this.done) return;
    if (this.queue.length >= APPEND_QUEUE_MAX) {
      this.failed(`more than ${APPEND_QUEUE_MAX} segments waiting`);
      this.stop();
      return;
    }
    this.queue.push(segment);
    this.pump();
  }

  stop(): void {
    this.done = true;
    this.queue.length = 0;
    this.element.removeAttribute('src');
    this.element.load();
    URL.revokeObjectURL(this.url);
  }

  private pump(): void {
    const buffer = this.buffer;
    if (this.done || buffer === null || buffer.updating) return;
    // Trimming the buffer is itself an update: the next append waits for its updateend.
    if (this.keepLiveEdge(buffer)) return;
    const next = this.queue.shift();
    if (next === undefined) return;
    try {
      buffer.appendBuffer(next);
    } catch (error) {
      this.failed(String(error));
    }
  }

  /** Jumps to the live edge when behind; returns true when it started trimming played video from the buffer. */
  private keepLiveEdge(buffer: SourceBuffer): boolean {
    const ranges = buffer.buffered;
    if (ranges.length === 0) return false;
    const end = ranges.end(ranges.length - 1);
    const media = this.element;
    if (media.currentTime < ranges.start(0) || end - media.currentTime > LIVE_LAG_S_MAX)
      media.currentTime = Math.max(ranges.start(ranges.length - 1), end - LIVE_EDGE_S);
    if (media.paused) void media.play().catch(() => undefined);
    const start = ranges.start(0);
    if (media.currentTime - start <= BUFFER_KEPT_S * 2) return false;
    buffer.remove(start, media.currentTime - BUFFER_KEPT_S);
    return true;
  }
}
