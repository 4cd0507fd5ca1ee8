import { describe, expect, it } from 'vitest';
import { ApiError } from './console-api.js';
import { CONSOLE_MESSAGES } from './console-messages.js';
import {
  chinaDateTime,
  chinaDayStart,
  chinaInputValue,
  coarseDurationText,
  durationText,
  parseChinaInput,
} from './console-time.js';
import { errorSentence } from './error-text.js';
import { DEFAULT_FILTERS, queueParams } from './queue-query.js';

const ZH = CONSOLE_MESSAGES.zh;

describe('console times', () => {
  it('shows China time whatever the workstation zone, with the year only when it differs', () => {
    const at = Date.UTC(2026, 11, 5, 7, 9, 2);
    expect(chinaDateTime(at, at)).toBe('12-05 15:09:02');
    expect(chinaDateTime(at, Date.UTC(2027, 0, 2))).toBe('2026-12-05 15:09:02');
    expect(chinaDayStart(at)).toBe(Date.UTC(2026, 11, 4, 16, 0, 0));
  });

  it('reads and writes date-time inputs as China time', () => {
    const at = Date.UTC(2026, 11, 5, 16, 30);
    expect(chinaInputValue(at)).toBe('2026-12-06T00:30');
    expect(parseChinaInput('2026-12-06T00:30')).toBe(at);
    expect(parseChinaInput('yesterday')).toBeNull();
  });

  it('says durations in their two largest units', () => {
    expect(durationText(9_000, 'zh')).toBe('9秒');
    expect(durationText(4 * 60_000 + 12_000, 'zh')).toBe('4分12秒');
    expect(durationText(2 * 3_600_000 + 5 * 60_000 + 7_000, 'zh')).toBe('2小时5分');
    expect(durationText(3 * 86_400_000 + 2 * 3_600_000, 'en')).toBe('3 d 2 h');
    expect(coarseDurationText(3_600_000 + 59_000, 'zh')).toBe('1小时');
  });
});

describe('refusals as sentences', () => {
  it('names the holder and the time in China time, not a code with a UTC timestamp', () => {
    const held = new ApiError(409, 'held_by_other', 'alarm x was acknowledged by li at 2026-12-05T07:09:02.831Z', {
      held_by: 'li.wei',
      held_since: Date.UTC(2026, 11, 5, 7, 9, 2, 831),
    });
    const sentence = errorSentence(held, ZH);
    expect(sentence).toContain('li.wei');
    expect(sentence).toContain('15:09:02');
    expect(sentence).not.toMatch(/held_by_other|Z$|T07/);
    expect(errorSentence(new ApiError(409, 'bad_state', '', { state: 'dispatched' }), ZH)).toContain('已派单');
    expect(errorSentence(new ApiError(0, 'network', 'Failed to fetch'), ZH)).toBe(ZH.errors.network);
    expect(errorSentence(new ApiError(502, 'http_502', ''), ZH)).toContain('502');
    expect(errorSentence(new ApiError(400, 'something_new', ''), ZH)).toContain('something_new');
  });
});

describe('queue query', () => {
  it('asks for the open queue by urgency, and for exactly the filters set', () => {
    const now = Date.UTC(2026, 11, 5, 7, 0, 0);
    expect(queueParams(DEFAULT_FILTERS, now).toString()).toBe('sort=urgency&state=new%2Cacknowledged');
    const params = queueParams(
      {
        ...DEFAULT_FILTERS,
        view: 'escalated',
        severity: 'critical',
        org_code: '410105',
        window: 'today',
        plate: ' A123 ',
      },
      now,
    );
    expect(Object.fromEntries(params)).toEqual({
      sort: 'urgency',
      state: 'new',
      escalated: 'true',
      severity: 'critical',
      org_code: '410105',
      plate: 'A123',
      from: String(Date.UTC(2026, 11, 4, 16, 0, 0)),
    });
    expect(queueParams({ ...DEFAULT_FILTERS, view: 'all' }, now).has('state')).toBe(false);
  });
});
