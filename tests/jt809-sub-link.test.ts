/**
 * Vigil's JT/T 809 sub link client against a lower platform's down-link server over real TCP: it logs in with
 * the verify code, keeps alive, carries requests, reconnects with backoff after the platform drops it or misses
 * keep-alive answers, keeps retrying while its login is refused, and logs out on stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Jt809SubLink, type SubLinkOptions } from '../ingest/jt809/sub-link.js';
import { Metrics, silentLogger } from '../schema/index.js';
import { Jt809DownLink } from './support/jt809-down-link.js';
import { eventually } from './support/vigil-process.js';

const ACCESS_CODE = 41_000_003;
const VERIFY_CODE = 0x5b5d5a5e;
const FAST: SubLinkOptions = { loginTimeoutMs: 5_000, keepAliveIntervalMs: 400, backoffMinMs: 20, backoffMaxMs: 200 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(options: SubLinkOptions = FAST) {
  const downLink = new Jt809DownLink(ACCESS_CODE);
  downLink.expectedVerifyCode = VERIFY_CODE;
  const port = await downLink.listen();
  cleanups.push(() => downLink.close());
  const metrics = new Metrics();
  const link = new Jt809SubLink(ACCESS_CODE, '127.0.0.1', port, VERIFY_CODE, options, {
    logger: silentLogger,
    metrics,
    crc: 'ccitt-false',
    keys: null,
    frameBytesMax: 64 * 1024,
  });
  cleanups.push(() => link.stop());
  return { downLink, link, metrics };
}

const when = <T>(probe: () => T | undefined, what: string) => eventually(async () => probe(), 20_000, what);

describe('JT/T 809 sub link', () => {
  it('logs in with the verify code, keeps alive and carries requests', async () => {
    const { downLink, link } = await setUp();
    link.start();
    await when(() => (link.state === 'logged_in' ? true : undefined), 'the sub link to log in');
    expect(downLink.of(0x9001)[0].body.readUInt32BE(0)).toBe(VERIFY_CODE);
    await when(() => (downLink.of(0x9005).length >= 3 ? true : undefined), 'three keep-alives');
    expect(link.state).toBe('logged_in');
    expect(link.send(0x9300, Buffer.from([0x93, 0x01, 0x5b]))).toBeGreaterThan(0);
    const request = await when(() => downLink.of(0x9300)[0], 'the request on the sub link');
    expect([...request.body]).toEqual([0x93, 0x01, 0x5b]);
  });

  it('reconnects after the platform drops it, and after keep-alives go unanswered', async () => {
    const { downLink, link } = await setUp();
    link.start();
    await when(() => (link.state === 'logged_in' ? true : undefined), 'the first login');
    downLink.drop();
    await when(
      () => (downLink.of(0x9001).length >= 2 && link.state === 'logged_in' ? true : undefined),
      'a second login after the drop',
    );
    expect(downLink.connections).toBeGreaterThanOrEqual(2);

    downLink.answerKeepAlives = false;
    await when(() => (downLink.connections >= 3 ? true : undefined), 'a new connection after silent keep-alives');
    downLink.answerKeepAlives = true;
    await when(() => (link.state === 'logged_in' && downLink.open === 1 ? true : undefined), 'logged in again');
  });

  it('keeps retrying with backoff while its login is refused, sends nothing meanwhile, and logs out on stop', async () => {
    const { downLink, link, metrics } = await setUp();
    downLink.expectedVerifyCode = VERIFY_CODE + 1;
    link.start();
    await when(() => (downLink.of(0x9001).length >= 3 ? true : undefined), 'three refused logins');
    expect(link.state).not.toBe('logged_in');
    expect(link.lastLoginResult).toBe(1);
    expect(link.send(0x9300, Buffer.alloc(1))).toBeUndefined();
    expect(metrics.render()).toMatch(/vigil_jt809_sub_link_failures_total \d+/);

    downLink.expectedVerifyCode = VERIFY_CODE;
    await when(() => (link.state === 'logged_in' ? true : undefined), 'the login accepted at last');
    link.stop();
    await when(() => downLink.of(0x9003)[0], 'the 0x9003 logout');
    const connections = downLink.connections;
    await when(() => (downLink.open === 0 ? true : undefined), 'the link closed');
    expect(link.state).toBe('stopped');
    expect(downLink.connections).toBe(connections);
  });

  it('speaks the 2019 edition of the platform it serves: header with UTC time, login, keep-alives, requests', async () => {
    const downLink = new Jt809DownLink(ACCESS_CODE, 2019);
    downLink.expectedVerifyCode = VERIFY_CODE;
    const port = await downLink.listen();
    cleanups.push(() => downLink.close());
    const link = new Jt809SubLink(ACCESS_CODE, '127.0.0.1', port, VERIFY_CODE, FAST, {
      logger: silentLogger,
      metrics: new Metrics(),
      crc: 'ccitt-false',
      keys: null,
      frameBytesMax: 64 * 1024,
      edition: 2019,
      version: [1, 2, 15],
    });
    cleanups.push(() => link.stop());
    link.start();
    await when(() => (link.state === 'logged_in' ? true : undefined), 'the 2019 login');
    // Read at the 2019 offsets, the body is the verify code: the header had its eight bytes of time.
    expect(downLink.of(0x9001)[0].body.readUInt32BE(0)).toBe(VERIFY_CODE);
    await when(() => (downLink.of(0x9005).length >= 2 ? true : undefined), 'keep-alives answered in 2019');
    expect(link.state).toBe('logged_in');
    expect(link.send(0x9300, Buffer.from([1, 2, 3]))).toBeGreaterThan(0);
    expect([...(await when(() => downLink.of(0x9300)[0], 'the request')).body]).toEqual([1, 2, 3]);
  });

  it('refuses options that cannot work, naming the option', () => {
    expect(
      () =>
        new Jt809SubLink(
          1,
          '127.0.0.1',
          1,
          1,
          { ...FAST, backoffMaxMs: 5 },
          { logger: silentLogger, metrics: new Metrics(), crc: 'ccitt-false', keys: null, frameBytesMax: 1024 },
        ),
    ).toThrow(/backoffMaxMs value 5/);
  });
});
