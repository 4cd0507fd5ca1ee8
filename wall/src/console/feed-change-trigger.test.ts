import { describe, expect, it } from 'vitest';
import { feedChangeTrigger } from './feed-change-trigger.js';

describe('feedChangeTrigger', () => {
  it('reloads on alarm, desk and work-order messages, never on positions or the summary', () => {
    const changed = feedChangeTrigger();
    expect(['alarm', 'alarm_state', 'work_order'].map(changed)).toEqual([true, true, true]);
    expect(['positions', 'summary', 'hello'].map(changed)).toEqual([false, false, false]);
  });

  it('skips the first snapshot (the lists were just loaded) and reloads on every reconnection after it', () => {
    const changed = feedChangeTrigger();
    expect(changed('snapshot')).toBe(false);
    expect(changed('snapshot')).toBe(true);
    expect(changed('snapshot')).toBe(true);
    // Each console's feed has its own count.
    expect(feedChangeTrigger()('snapshot')).toBe(false);
  });
});
