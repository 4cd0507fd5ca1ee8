/** Date, weekday and time in Asia/Shanghai, from the server-corrected clock. */
import type { Messages } from '../i18n/messages.js';
import { shanghaiClock, shanghaiDate, shanghaiWeekday } from '../i18n/shanghai-time.js';

export interface WallClockProps {
  now: number;
  messages: Messages;
}

export function WallClock({ now, messages }: WallClockProps) {
  return (
    <div className="clock" data-testid="clock">
      <span className="clock-date">
        {shanghaiDate(now)} {messages.weekdays[shanghaiWeekday(now)]}
      </span>
      <span className="clock-time">{shanghaiClock(now)}</span>
    </div>
  );
}
