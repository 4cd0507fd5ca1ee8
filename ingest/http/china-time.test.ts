import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTime, RecordProblem } from './fields.js';

const NOW = Date.UTC(2026, 11, 7, 4, 0, 0);
/** 2026-11-28 09:30:05 in China (UTC+8). */
const CHINA = Date.UTC(2026, 10, 28, 1, 30, 5);

function reasonOf(build: () => unknown): string | undefined {
  try {
    build();
    return undefined;
  } catch (error) {
    return error instanceof RecordProblem ? error.reason : String(error);
  }
}

const read = (text: string) => parseTime(text, 'time', NOW, 0);

// Node re-reads the zone when process.env.TZ is assigned, so one process can be each of the servers in turn.
describe.each(['UTC', 'America/New_York', 'Asia/Shanghai'])('time text on a server in %s', (zone) => {
  let before: string | undefined;
  beforeEach(() => {
    before = process.env.TZ;
    process.env.TZ = zone;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });

  it('runs in that zone (the engine would read a zone-less ISO time there)', () => {
    const expectedOffset = { UTC: 0, 'America/New_York': 300, 'Asia/Shanghai': -480 }[zone];
    expect(new Date(CHINA).getTimezoneOffset()).toBe(expectedOffset);
    // What the parser must not do: Date.parse reads a zone-less date-time in the server's zone.
    expect(Date.parse('2026-11-28T09:30:05') - CHINA).toBe((expectedOffset as number) * 60_000 + 8 * 3_600_000);
  });

  it('reads ISO times without an offset as China time', () => {
    expect(read('2026-11-28 09:30:05')).toBe(CHINA);
    expect(read('2026-11-28T09:30:05')).toBe(CHINA);
    expect(read('2026-11-28T09:30:05.250')).toBe(CHINA + 250);
    expect(read('2026-11-28T09:30:05.250999')).toBe(CHINA + 251);
    expect(read('2026-11-28T09:30')).toBe(CHINA - 5_000);
    expect(read('2026/11/28 09:30:05')).toBe(CHINA);
    expect(read('2026-11-28')).toBe(Date.UTC(2026, 10, 27, 16, 0, 0));
  });

  it('keeps explicit offsets and Z as given', () => {
    expect(read('2026-11-28T01:30:05Z')).toBe(CHINA);
    expect(read('2026-11-28T01:30:05.000z')).toBe(CHINA);
    expect(read('2026-11-28T09:30:05+08:00')).toBe(CHINA);
    expect(read('2026-11-28T09:30:05+0800')).toBe(CHINA);
    expect(read('2026-11-27T20:30:05-05:00')).toBe(CHINA);
    expect(read('2026-11-28T01:30:05+00')).toBe(CHINA);
    expect(read('Sat, 28 Nov 2026 01:30:05 GMT')).toBe(CHINA);
    expect(read('2026-11-28T09:30:05+08:00')).toBe(CHINA);
  });

  it('refuses what is no time, and text that would be read in the server zone', () => {
    expect(reasonOf(() => read('2026-02-30 08:00:00'))).toBe('bad_time');
    expect(reasonOf(() => read('2026-11-28 24:00:00'))).toBe('bad_time');
    expect(reasonOf(() => read('2026-11-28T09:60'))).toBe('bad_time');
    expect(reasonOf(() => read('2026-11-28T09:30:05+15:00'))).toBe('bad_time');
    expect(reasonOf(() => read('next tuesday'))).toBe('bad_time');
    expect(reasonOf(() => read('Sat Nov 28 2026 09:30:05'))).toBe('bad_time');
  });
});
