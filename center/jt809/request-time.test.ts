import { describe, expect, it } from 'vitest';
import type { HttpError } from '../http/router.js';
import { requestTimeMs } from './request-time.js';

describe('times named in a JT/T 809 request', () => {
  it('reads a time without an offset as China time, whatever zone the server runs in', () => {
    const chinaNine = Date.UTC(2026, 10, 28, 1, 0, 0);
    expect(requestTimeMs('2026-11-28T09:00:00', 'warn_time', 'bad_warn_time')).toBe(chinaNine);
    expect(requestTimeMs('2026-11-28 09:00:00', 'warn_time', 'bad_warn_time')).toBe(chinaNine);
    expect(requestTimeMs('2026-11-28T09:00:00+08:00', 'warn_time', 'bad_warn_time')).toBe(chinaNine);
    expect(requestTimeMs('2026-11-28T01:00:00Z', 'deadline', 'bad_deadline')).toBe(chinaNine);
    expect(requestTimeMs(chinaNine, 'deadline', 'bad_deadline')).toBe(chinaNine);
  });

  it('refuses text that is no time with the request error, naming the field', () => {
    for (const bad of ['tomorrow', '2026-02-30T09:00:00', 'Sat 28 Nov 09:00'])
      expect(() => requestTimeMs(bad, 'deadline', 'bad_deadline')).toThrow(
        expect.objectContaining({ status: 400, reason: 'bad_deadline' }) as HttpError,
      );
  });
});
