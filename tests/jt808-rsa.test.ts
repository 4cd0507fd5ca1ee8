/**
 * Encrypted JT/T 808 bodies (encryption bit 10) through a gateway configured with an RSA private key: they are
 * decrypted and stored like any other; plain frames on the same connection still go through. (Without a key
 * they are rejected `encrypted_body`: tests/jt808-gateway.test.ts.)
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { startGatewayNode, type GatewayNode } from './support/jt808-gateway-node.js';
import { TestTerminal } from './support/jt808-test-terminal.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 1024 });
let node: GatewayNode;

beforeAll(async () => {
  node = await startGatewayNode({
    gateway: { rsaPrivateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  });
});

afterAll(async () => {
  await node?.close();
});

it('decrypts and stores an RSA-encrypted position when a key is configured', async () => {
  const terminal = await TestTerminal.connect(node.port, '013600000001', 2013);
  expect(await terminal.authenticate(await terminal.register('豫J00001'))).toBe(0);
  const secret = locationBody(
    { lat: 35.76, lon: 115.03, speedKmh: 48, directionDeg: 10, time: Date.UTC(2026, 10, 28, 0, 0, 0) },
    2013,
  );
  const encrypted = terminal.encryptedFrame({ msgId: 0x0200, body: secret }, keys.publicKey);
  terminal.write(encrypted.frame);
  expect(await terminal.replyTo(encrypted.serial)).toMatchObject({ result: 0, replyMsgId: 0x0200 });
  const plain = locationBody(
    { lat: 35.77, lon: 115.03, speedKmh: 50, directionDeg: 10, time: Date.UTC(2026, 10, 28, 0, 0, 30) },
    2013,
  );
  expect(await terminal.request({ msgId: 0x0200, body: plain })).toMatchObject({ result: 0 });
  const rows = await node.query(`SELECT lat FROM telemetry WHERE terminal_id = '013600000001' ORDER BY ts`);
  expect(rows.map((r) => Number(r[0]))).toEqual([35.76, 35.77]);
  terminal.close();
});

it('refuses a key that is not a private key at start-up, naming the option', async () => {
  const { Jt808Gateway, GATEWAY_DEFAULTS } = await import('../ingest/index.js');
  expect(
    () =>
      new Jt808Gateway(
        { ...GATEWAY_DEFAULTS, rsaPrivateKey: 'not a key' },
        {
          log: undefined as never,
          directory: undefined as never,
          logger: undefined as never,
          metrics: undefined as never,
        },
      ),
  ).toThrow(/rsaPrivateKey/);
});
