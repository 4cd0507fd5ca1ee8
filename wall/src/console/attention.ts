/**
 * What draws a duty officer's attention to a new critical alarm when their eyes are elsewhere: a distinct sound
 * (generated with Web Audio, no audio file), the tab's title and icon counting unacknowledged critical alarms,
 * and optional desktop notifications. Sound is on by default and muted per workstation (remembered in
 * localStorage); browsers let a page sound only after a user gesture, so until one happened the console says so
 * and offers a button. Every cue is recorded on `window.__vigilConsole` for the browser tests.
 */

const SOUND_KEY = 'vigil.console.sound';
const NOTIFICATIONS_KEY = 'vigil.console.notifications';
/** The cue: three rising two-tone pairs, square wave, about 1.3 s; unlike any operating-system sound. */
const CUE_TONES_HZ = [660, 990] as const;
const CUE_PAIRS = 3;
const CUE_TONE_S = 0.18;
const CUE_GAP_S = 0.04;
const CUE_GAIN = 0.25;
/** Cues kept for the tests' window at most. */
const CUE_LOG_MAX = 50;

export interface CueRecord {
  at: number;
  /** AudioContext state when the tones were scheduled: 'running' means they play. */
  contextState: string;
  oscillators: number;
}

export interface ConsoleTestHooks {
  cues: CueRecord[];
  /** Unacknowledged critical alarms the title and icon count. */
  criticalCount: number;
  notifications: number;
}

declare global {
  interface Window {
    __vigilConsole?: ConsoleTestHooks;
    webkitAudioContext?: typeof AudioContext;
  }
}

export function testHooks(): ConsoleTestHooks {
  window.__vigilConsole ??= { cues: [], criticalCount: 0, notifications: 0 };
  return window.__vigilConsole;
}

function readFlag(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeFlag(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Without storage the choice lasts as long as the page.
  }
}

export type SoundState = 'ready' | 'needs_gesture' | 'muted' | 'unsupported';

export class AlarmSound {
  private context: AudioContext | null = null;
  private mutedFlag = readFlag(SOUND_KEY) === 'off';
  private listeners = new Set<() => void>();

  get muted(): boolean {
    return this.mutedFlag;
  }

  setMuted(muted: boolean): void {
    this.mutedFlag = muted;
    writeFlag(SOUND_KEY, muted ? 'off' : 'on');
    if (!muted) this.unlock();
    this.changed();
  }

  state(): SoundState {
    if (this.mutedFlag) return 'muted';
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (Context === undefined) return 'unsupported';
    return this.context?.state === 'running' ? 'ready' : 'needs_gesture';
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Creates or resumes the audio context. Called on every user gesture: only then may a page start audio, and a
   * context created earlier stays suspended until resumed from one.
   */
  unlock(): void {
    const Context = window.AudioContext ?? window.webkitAudioContext;
    if (Context === undefined || this.mutedFlag) return;
    this.context ??= new Context();
    this.context.onstatechange = () => this.changed();
    if (this.context.state !== 'running')
      void this.context.resume().then(
        () => this.changed(),
        () => undefined,
      );
    this.changed();
  }

  /** Plays the critical-alarm cue; returns false when muted or not yet allowed to sound. */
  play(): boolean {
    if (this.mutedFlag) return false;
    this.unlock();
    const context = this.context;
    if (context === null) return false;
    const start = context.currentTime + 0.02;
    let oscillators = 0;
    for (let pair = 0; pair < CUE_PAIRS; pair++) {
      for (const [i, hz] of CUE_TONES_HZ.entries()) {
        const at = start + (pair * CUE_TONES_HZ.length + i) * (CUE_TONE_S + CUE_GAP_S);
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.type = 'square';
        oscillator.frequency.value = hz + pair * 40;
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(CUE_GAIN, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + CUE_TONE_S);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(at);
        oscillator.stop(at + CUE_TONE_S + 0.01);
        oscillators++;
      }
    }
    const hooks = testHooks();
    hooks.cues.push({ at: Date.now(), contextState: context.state, oscillators });
    if (hooks.cues.length > CUE_LOG_MAX) hooks.cues.shift();
    return context.state === 'running';
  }

  close(): void {
    void this.context?.close().catch(() => undefined);
    this.context = null;
    this.listeners.clear();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

export type NotificationState = 'off' | 'on' | 'denied' | 'unsupported';

export function notificationState(): NotificationState {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return Notification.permission === 'granted' && readFlag(NOTIFICATIONS_KEY) === 'on' ? 'on' : 'off';
}

/** Asks for permission (only from a click: browsers ignore it otherwise) and remembers the choice. */
export async function toggleNotifications(): Promise<NotificationState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (notificationState() === 'on') {
    writeFlag(NOTIFICATIONS_KEY, 'off');
    return 'off';
  }
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  writeFlag(NOTIFICATIONS_KEY, 'on');
  return 'on';
}

export function notify(title: string, body: string, tag: string): void {
  if (notificationState() !== 'on') return;
  try {
    new Notification(title, { body, tag, requireInteraction: true });
    testHooks().notifications++;
  } catch {
    // Some browsers allow notifications only from a service worker; the sound and the title still work.
  }
}

const ICON_PX = 64;

/** The tab icon: Vigil's blue dot, or a red disc with the count of unacknowledged critical alarms. */
export function drawFavicon(count: number): void {
  const canvas = document.createElement('canvas');
  canvas.width = ICON_PX;
  canvas.height = ICON_PX;
  const g = canvas.getContext('2d');
  if (g === null) return;
  g.beginPath();
  g.arc(ICON_PX / 2, ICON_PX / 2, ICON_PX / 2 - 2, 0, Math.PI * 2);
  g.fillStyle = count > 0 ? '#e02424' : '#1d6fd6';
  g.fill();
  g.fillStyle = '#ffffff';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.font = `bold ${count > 99 ? 26 : 38}px sans-serif`;
  g.fillText(count > 0 ? (count > 99 ? '99+' : String(count)) : 'V', ICON_PX / 2, ICON_PX / 2 + 2);
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (link === null) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.appendChild(link);
  }
  link.href = canvas.toDataURL('image/png');
  link.dataset.count = String(count);
}
