/**
 * Watches the caller's unacknowledged critical alarms (and those escalated to their unit): counts them in the
 * tab's title and icon, and sounds and notifies once for each critical alarm that appears after the console
 * opened. Polls with the lists (every `pollMs`, list-refresh.ts), and at once when the feed says an alarm changed.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AlarmListAnswer } from '../../../schema/handling.js';
import { ruleName } from '../i18n/rule-names.js';
import {
  AlarmSound,
  drawFavicon,
  notificationState,
  notify,
  testHooks,
  toggleNotifications,
  type NotificationState,
} from './attention.js';
import { chinaDateTime } from './console-time.js';
import { useWorkspace } from './workspace-context.js';

/** Newest critical alarms looked at per poll: more arriving between two polls still sound once. */
const CRITICAL_ROWS_PER_POLL = 20;
/** Alarm ids remembered as already announced, at most. */
const ANNOUNCED_MAX = 2_000;

export interface Attention {
  criticalCount: number | null;
  escalatedCount: number | null;
  /** Every new (unacknowledged) alarm of the caller's scope. */
  newCount: number | null;
  sound: AlarmSound;
  soundState: ReturnType<AlarmSound['state']>;
  notifications: NotificationState;
  toggleNotifications(): void;
}

export function useAttention(refreshNo: number, pollMs: number, baseTitle: string): Attention {
  const ws = useWorkspace();
  const { api, m, lang } = ws;
  const sound = useMemo(() => new AlarmSound(), []);
  const soundState = useSyncExternalStore(
    (listener) => sound.subscribe(listener),
    () => sound.state(),
  );
  const [criticalCount, setCriticalCount] = useState<number | null>(null);
  const [escalatedCount, setEscalatedCount] = useState<number | null>(null);
  const [newCount, setNewCount] = useState<number | null>(null);
  const [notifications, setNotifications] = useState<NotificationState>(() => notificationState());
  const announced = useRef<Set<string> | null>(null);
  const placeName = useRef(ws.placeName);
  placeName.current = ws.placeName;

  useEffect(() => {
    // Any click or key press is the gesture a browser needs before it lets the page sound.
    const unlock = () => sound.unlock();
    window.addEventListener('pointerdown', unlock, true);
    window.addEventListener('keydown', unlock, true);
    sound.unlock();
    return () => {
      window.removeEventListener('pointerdown', unlock, true);
      window.removeEventListener('keydown', unlock, true);
      sound.close();
    };
  }, [sound]);

  useEffect(() => {
    let cancelled = false;
    const poll = async () => {
      try {
        const [critical, escalated, all] = await Promise.all([
          api.get<AlarmListAnswer>(
            `/api/alarms?state=new&severity=critical&sort=received&limit=${CRITICAL_ROWS_PER_POLL}`,
          ),
          api.get<AlarmListAnswer>('/api/alarms?state=new&escalated=true&limit=1'),
          api.get<AlarmListAnswer>('/api/alarms?state=new&limit=1'),
        ]);
        if (cancelled) return;
        setCriticalCount(critical.total);
        setEscalatedCount(escalated.total);
        setNewCount(all.total);
        testHooks().criticalCount = critical.total;
        if (announced.current === null) {
          // What was already there when the console opened is counted, not announced.
          announced.current = new Set(critical.alarms.map((a) => a.alarm_id));
          return;
        }
        const fresh = critical.alarms.filter((a) => !announced.current!.has(a.alarm_id));
        if (fresh.length === 0) return;
        for (const a of fresh) announced.current.add(a.alarm_id);
        if (announced.current.size > ANNOUNCED_MAX) announced.current = new Set(critical.alarms.map((a) => a.alarm_id));
        sound.play();
        for (const a of fresh.slice(0, 3))
          notify(
            m.attention.notificationTitle(ruleName(a.rule, lang)),
            m.attention.notificationBody(
              a.plate || a.terminal_id,
              placeName.current(a.org_code),
              chinaDateTime(a.started_at),
            ),
            a.alarm_id,
          );
      } catch {
        // The lists show the failure; the counts keep their last value.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), pollMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [api, refreshNo, pollMs, sound, m, lang]);

  useEffect(() => {
    const count = criticalCount ?? 0;
    document.title = count > 0 ? `${m.attention.criticalTitle(count)} · ${baseTitle}` : baseTitle;
    drawFavicon(count);
  }, [criticalCount, baseTitle, m]);

  useEffect(
    () => () => {
      drawFavicon(0);
    },
    [],
  );

  return {
    criticalCount,
    escalatedCount,
    newCount,
    sound,
    soundState,
    notifications,
    toggleNotifications: () => void toggleNotifications().then(setNotifications),
  };
}
