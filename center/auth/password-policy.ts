/**
 * The password policy of Vigil's accounts (OWASP ASVS 4.0 level 2, section 2.1): at least `lengthMin` characters
 * (12 by default), at most `lengthMax` (never below 64), any Unicode, no composition rules, and no password that a
 * guesser would try early: zxcvbn-ts with its common-password and diceware dictionaries estimates how many
 * guesses a password needs, and a password containing the account's own name is refused outright. Each refusal
 * is a named reason with a sentence in Chinese first and English second, as the console speaks.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { HttpError } from '../http/router.js';
import { countyAt, divisions, parentChain } from '../../schema/index.js';

export interface PasswordPolicyOptions {
  /** Characters (Unicode code points after NFC) at least. ASVS 2.1.1 asks for 12. */
  lengthMin: number;
  /** Characters at most; ASVS 2.1.2 asks that 64 at least be allowed. */
  lengthMax: number;
  /**
   * zxcvbn score at least (0-4). 3 means about 10^8 guesses or more: no dictionary word, common password,
   * keyboard walk or repetition with small changes gets there.
   */
  scoreMin: number;
}

export const PASSWORD_POLICY_DEFAULTS: PasswordPolicyOptions = { lengthMin: 12, lengthMax: 256, scoreMin: 3 };

/** Bounds an operator may set: below 12 is below ASVS level 2, below 64 refuses pass phrases ASVS wants allowed. */
export const PASSWORD_LENGTH_MIN_RANGE = { min: 12, max: 64 } as const;
export const PASSWORD_LENGTH_MAX_LEAST = 64;

export type PasswordProblemReason =
  'password_too_short' | 'password_too_long' | 'password_contains_username' | 'password_too_common';

export class PasswordPolicyError extends HttpError {
  constructor(
    readonly problem: PasswordProblemReason,
    readonly zh: string,
    readonly en: string,
  ) {
    super(400, problem, `${zh} ${en}`, { message_zh: zh, message_en: en });
  }
}

/**
 * Words every Vigil password is measured against besides the account's own: names a guesser would try first,
 * the supervised province's and its capital's among them (Henan: henan, zhengzhou).
 */
function siteWords(): string[] {
  const province = divisions()[0]!;
  const capital = parentChain(countyAt(...province.seatLonLatDeg)?.code ?? '').find((d) => d.level === 'city');
  const english = (name: string | undefined): string => (name ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return ['vigil', english(province.nameEn), 'jt808', 'jt809', 'admin', 'password', english(capital?.nameEn)].filter(
    (word) => word !== '',
  );
}

/**
 * One zxcvbn for the process, built at the first check: building it ranks every word of its dictionaries (about
 * 40 ms of CPU), and a node makes several policies (the start-up configuration's, the accounts') from the same
 * dictionaries. A check takes its user inputs as an argument, so sharing it shares nothing between checks.
 */
let sharedZxcvbn: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  return (sharedZxcvbn ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs }));
}

export class PasswordPolicy {
  constructor(readonly options: PasswordPolicyOptions = PASSWORD_POLICY_DEFAULTS) {
    checkPasswordPolicyOptions(options);
  }

  /** The first problem of a password for this account, or null when it may be used. */
  problem(password: string, username: string, otherInputs: readonly string[] = []): PasswordPolicyError | null {
    const normalized = password.normalize('NFC');
    const length = [...normalized].length;
    const { lengthMin, lengthMax } = this.options;
    if (length < lengthMin)
      return new PasswordPolicyError(
        'password_too_short',
        `密码太短：至少需要 ${lengthMin} 个字符（现在 ${length} 个）。`,
        `The password is too short: it needs at least ${lengthMin} characters (it has ${length}).`,
      );
    if (length > lengthMax)
      return new PasswordPolicyError(
        'password_too_long',
        `密码太长：最多 ${lengthMax} 个字符（现在 ${length} 个）。`,
        `The password is too long: at most ${lengthMax} characters (it has ${length}).`,
      );
    const name = username.normalize('NFC').toLowerCase();
    if (name.length >= 3 && normalized.toLowerCase().includes(name))
      return new PasswordPolicyError(
        'password_contains_username',
        '密码不能包含用户名。',
        'The password must not contain the user name.',
      );
    const result = zxcvbn().check(normalized, [name, ...otherInputs.filter((s) => s !== ''), ...siteWords()]);
    if (result.score < this.options.scoreMin)
      return new PasswordPolicyError(
        'password_too_common',
        '密码太容易被猜到（常见密码、字典词、键盘序列或重复字符）：请换一个更长、不常见的密码，例如几个不相关的词。',
        'The password is too easy to guess (a common password, a dictionary word, a keyboard pattern or repeated characters): choose a longer, uncommon one, such as a few unrelated words.',
      );
    return null;
  }

  /** zxcvbn's score (0-4) of a secret, for secrets with rules of their own (JT/T 809 platform passwords). */
  score(secret: string, otherInputs: readonly string[] = []): number {
    return zxcvbn().check(secret.normalize('NFC'), [...otherInputs.filter((s) => s !== ''), ...siteWords()]).score;
  }

  /** Throws the password's first problem as a 400 naming it. */
  check(password: string, username: string, otherInputs: readonly string[] = []): void {
    const problem = this.problem(password, username, otherInputs);
    if (problem) throw problem;
  }
}

export function checkPasswordPolicyOptions(options: PasswordPolicyOptions): void {
  const { lengthMin, lengthMax, scoreMin } = options;
  if (
    !Number.isInteger(lengthMin) ||
    lengthMin < PASSWORD_LENGTH_MIN_RANGE.min ||
    lengthMin > PASSWORD_LENGTH_MIN_RANGE.max
  )
    throw new Error(
      `password policy lengthMin value ${lengthMin} is outside [${PASSWORD_LENGTH_MIN_RANGE.min}, ${PASSWORD_LENGTH_MIN_RANGE.max}]`,
    );
  if (!Number.isInteger(lengthMax) || lengthMax < Math.max(PASSWORD_LENGTH_MAX_LEAST, lengthMin))
    throw new Error(
      `password policy lengthMax value ${lengthMax} is less than min allowed ${Math.max(PASSWORD_LENGTH_MAX_LEAST, lengthMin)}`,
    );
  if (!Number.isInteger(scoreMin) || scoreMin < 0 || scoreMin > 4)
    throw new Error(`password policy scoreMin value ${scoreMin} is outside [0, 4]`);
}
