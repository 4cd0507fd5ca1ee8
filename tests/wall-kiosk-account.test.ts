/**
 * The wall's kiosk account: made at the first start with no password at all (it logs in by token only), so no
 * password opens it, a login naming it fails as an unknown user's does, and its token works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HENAN_PROVINCE_CODE } from '../schema/index.js';
import { startCenterHarness, type CenterHarness } from './support/center-harness.js';
import { harnessStore } from './support/test-postgres.js';

let h: CenterHarness;

beforeAll(async () => {
  h = await startCenterHarness(await harnessStore());
});

afterAll(async () => {
  await h?.close();
});

describe("the wall's kiosk account", () => {
  it('has no password: none opens it, a login naming it fails like an unknown name, and its token works', async () => {
    const token = await h.accounts.provisionWallToken(HENAN_PROVINCE_CODE, 'test');
    const username = `wall-${HENAN_PROVINCE_CODE}`;
    const [stored] = await h.sql.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE username = $1',
      [username],
    );
    expect(stored.password_hash).not.toMatch(/^scrypt\$/);
    for (const password of ['', stored.password_hash, 'correct horse battery staple']) {
      await expect(h.accounts.login(username, password, 'test')).rejects.toMatchObject({
        status: 401,
        reason: 'invalid_credentials',
      });
    }
    await expect(h.accounts.login('nobody-here', 'correct horse battery staple', 'test')).rejects.toMatchObject({
      status: 401,
      reason: 'invalid_credentials',
    });
    expect(await h.accounts.authenticate(token)).toMatchObject({ username, role: 'wall' });
    // A second start finds the account and issues another token for it.
    const again = await h.accounts.provisionWallToken(HENAN_PROVINCE_CODE, 'test');
    expect(again).not.toBe(token);
    expect(await h.accounts.authenticate(again)).toMatchObject({ username, role: 'wall' });
  });
});
