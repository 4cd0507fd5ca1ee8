import { describe, expect, it } from 'vitest';
import { ApiError } from './console-api.js';
import { CONSOLE_MESSAGES } from './console-messages.js';
import { JT809_MESSAGES, jt809ErrorSentence } from './jt809-messages.js';

const ZH = JT809_MESSAGES.zh;
const EN = JT809_MESSAGES.en;

describe('JT/T 809 page words', () => {
  it('has the same entries in both languages', () => {
    for (const table of ['errors', 'linkStates', 'warnTypes', 'plateColors', 'results'] as const)
      expect(Object.keys(ZH[table]).sort()).toEqual(Object.keys(EN[table]).sort());
  });

  it('says a refusal as a sentence, naming the link state of a platform not logged in', () => {
    const offline = new ApiError(
      409,
      'platform_not_logged_in',
      'platform 41000002 is not logged in: its main link is disconnected',
      {
        main_link: 'disconnected',
      },
    );
    expect(jt809ErrorSentence(offline, ZH, CONSOLE_MESSAGES.zh)).toBe('该平台主链路未连接，无法发出；待其登录后再试');
    expect(jt809ErrorSentence(offline, EN, CONSOLE_MESSAGES.en)).toContain('disconnected');
    expect(jt809ErrorSentence(new ApiError(400, 'warn_type_required', ''), ZH, CONSOLE_MESSAGES.zh)).toBe(
      ZH.errors.warn_type_required,
    );
    const edition = new ApiError(409, 'platform_edition_unsupported', '', { edition: 2019 });
    expect(jt809ErrorSentence(edition, ZH, CONSOLE_MESSAGES.zh)).toBe(ZH.errors.platform_edition_unsupported);
    expect(jt809ErrorSentence(edition, EN, CONSOLE_MESSAGES.en)).toContain('JT/T 809-2019');
    // The console's own reasons still read as its sentences.
    expect(jt809ErrorSentence(new ApiError(403, 'forbidden', ''), ZH, CONSOLE_MESSAGES.zh)).toBe(
      CONSOLE_MESSAGES.zh.errors.forbidden,
    );
    expect(jt809ErrorSentence(new ApiError(400, 'something_new', ''), ZH, CONSOLE_MESSAGES.zh)).toContain(
      'something_new',
    );
  });
});
