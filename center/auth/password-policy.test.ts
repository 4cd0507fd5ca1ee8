/**
 * The password policy (ASVS 2.1): length bounds counted in characters, any Unicode, common and guessable
 * passwords refused, the user name refused inside the password, every refusal named and said in Chinese and
 * English; generated passwords always pass.
 */
import { describe, expect, it } from 'vitest';
import { PasswordPolicy, PasswordPolicyError, PASSWORD_POLICY_DEFAULTS } from './password-policy.js';
import { generatePassword } from './passwords.js';

const policy = new PasswordPolicy();

describe('password policy', () => {
  it('refuses passwords shorter than 12 characters, counting characters rather than bytes', () => {
    expect(policy.problem('x7#Kq9!vB2m', 'someone')?.problem).toBe('password_too_short');
    // 12 Chinese characters are 36 UTF-8 bytes and 12 characters: long enough.
    expect(policy.problem('这是一个很长的中文密码啊', 'someone')).toBeNull();
    expect(policy.problem('这是一个很长的中文密码', 'someone')?.problem).toBe('password_too_short');
  });

  it('allows pass phrases of 64 characters and more, refusing only beyond the maximum', () => {
    const phrase = 'lantern river staple orchard tundra pebble violin quartz maple ok';
    expect([...phrase].length).toBeGreaterThanOrEqual(64);
    expect(policy.problem(phrase, 'someone')).toBeNull();
    expect(policy.problem('q'.repeat(PASSWORD_POLICY_DEFAULTS.lengthMax + 1), 'someone')?.problem).toBe(
      'password_too_long',
    );
  });

  it('refuses common, repeated and keyboard passwords that are long enough', () => {
    for (const weak of [
      'aaaaaaaaaaaa',
      'Password1234!',
      'qwertyuiop123',
      '123456789012',
      'iloveyou12345',
      'abcdefghijkl',
    ])
      expect(policy.problem(weak, 'someone')?.problem, weak).toBe('password_too_common');
  });

  it('refuses a password containing the user name, whatever the case', () => {
    expect(policy.problem('my Dispatcher.Zz lantern staple', 'dispatcher.zz')?.problem).toBe(
      'password_contains_username',
    );
  });

  it('says why in Chinese first and English second, with a named reason', () => {
    const problem = policy.problem('aaaaaaaaaaaa', 'someone');
    expect(problem).toBeInstanceOf(PasswordPolicyError);
    expect(problem?.status).toBe(400);
    expect(problem?.message).toMatch(/^[\u4e00-\u9fff]/);
    expect(problem?.message).toContain('too easy to guess');
    expect(problem?.extra).toMatchObject({ message_zh: expect.any(String), message_en: expect.any(String) });
  });

  it('accepts pass phrases and every generated password', () => {
    expect(policy.problem('correct horse battery staple', 'admin')).toBeNull();
    for (let i = 0; i < 200; i++) expect(policy.problem(generatePassword(), 'wall-410000')).toBeNull();
  });

  it('takes a longer minimum, and refuses bounds below ASVS level 2 naming the option', () => {
    const strict = new PasswordPolicy({ ...PASSWORD_POLICY_DEFAULTS, lengthMin: 16 });
    expect(strict.problem('correct horse bat', 'x')).toBeNull();
    expect(strict.problem('lantern stapl', 'x')?.problem).toBe('password_too_short');
    expect(() => new PasswordPolicy({ ...PASSWORD_POLICY_DEFAULTS, lengthMin: 8 })).toThrow(
      'password policy lengthMin value 8 is outside [12, 64]',
    );
    expect(() => new PasswordPolicy({ ...PASSWORD_POLICY_DEFAULTS, lengthMax: 32 })).toThrow(
      'password policy lengthMax value 32 is less than min allowed 64',
    );
  });
});
