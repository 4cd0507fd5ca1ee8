/**
 * Wire faults at the JT/T 808 gateway, over real TCP into the real sinks (chDB) and terminal directory (PGlite):
 * a truncated frame must not cost the next valid frame of the connection; a position older than the telemetry
 * retention is refused into `ingest_rejects` (not acknowledged as stored and then deleted by the TTL); a plate
 * with control characters is refused at registration, and one stored before plates were checked is refused at
 * authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { TELEMETRY } from '../schema/index.js';
import { startGatewayNode, type GatewayNode } from './support/jt808-gateway-node.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { eventually } from './support/vigil-process.js';

const DAY_MS = 86_400_000;
/** The frame of issue #12: a 0x0100 header cut short, without its end flag. */
const TRUNCATED = Buffer.from([0x7e, 0x01, 0x00, 0x40, 0x53, 0x01, 0x00]);
let node: GatewayNode;
let phones = 0;

beforeAll(async () => {
  node = await startGatewayNode();
});

afterAll(async () => {
  await node?.close();
});

async function connect(): Promise<TestTerminal> {
  phones++;
  return TestTerminal.connect(node.port, `0139100${String(phones).padStart(5, '0')}`, 2013);
}

async function loggedIn(): Promise<TestTerminal> {
  const terminal = await connect();
  expect(await terminal.authenticate(await terminal.register(`豫W${String(phones).padStart(5, '0')}`))).toBe(0);
  return terminal;
}

function fixAt(time: number) {
  return locationBody({ lat: 34.75, lon: 113.62, speedKmh: 40, directionDeg: 90, time }, 2013);
}

async function rows(sql: string): Promise<unknown[][]> {
  return node.query(sql);
}

/** The rows of `sql` once there are at least `count` of them. */
function eventuallyRows(sql: string, count: number, timeoutMs = 10_000): Promise<unknown[][]> {
  return eventually(
    async () => {
      const found = await rows(sql);
      return found.length >= count ? found : undefined;
    },
    timeoutMs,
    `${count} rows of ${sql}`,
    100,
  );
}

describe('JT/T 808 wire faults (in-process gateway, real TCP)', () => {
  it('answers the valid frame that follows a truncated one on the same connection', async () => {
    const terminal = await loggedIn();
    const serial = terminal.nextSerial();
    const valid = terminal.frame({ msgId: 0x0200, body: fixAt(Date.now() - 10_000) }, serial);
    // The truncated frame of issue #12 (a header cut short, no end flag), then the valid frame, in one write.
    terminal.write(Buffer.concat([TRUNCATED, valid]));
    expect(await terminal.replyTo(serial)).toMatchObject({ result: 0 });
    expect(await rows(`SELECT count() FROM telemetry WHERE terminal_id = '${terminal.phone}'`)).toEqual([[1]]);
    expect(await eventuallyRows(`SELECT reason, raw FROM ingest_rejects WHERE raw = '7e0100405301007e'`, 1)).toEqual([
      ['header_truncated', '7e0100405301007e'],
    ]);
    terminal.close();
  });

  it('refuses a position older than the telemetry retention, and a back-fill item as old, into ingest_rejects', async () => {
    const terminal = await loggedIn();
    const days = TELEMETRY.retention!.days;
    const tooOld = Date.now() - (days + 1) * DAY_MS;
    // Answered like every refused fix (result 2), so that the terminal does not resend it forever.
    expect(await terminal.request({ msgId: 0x0200, body: fixAt(tooOld) })).toMatchObject({ result: 2 });
    const recent = Date.now() - 60_000;
    const batch = { type: 1, count: 2, items: [fixAt(tooOld - 5_000), fixAt(recent)], errors: [] };
    // The batch is acknowledged as a whole once its good item is durable, as for any bad item.
    expect(await terminal.request({ msgId: 0x0704, body: batch })).toMatchObject({ result: 0 });
    expect(
      await rows(`SELECT toUnixTimestamp64Milli(ts) FROM telemetry WHERE terminal_id = '${terminal.phone}'`),
    ).toEqual([[Math.floor(recent / 1000) * 1000]]);
    const rejects = await rows(
      `SELECT reason, detail FROM ingest_rejects WHERE terminal_id = '${terminal.phone}' ORDER BY received_at`,
    );
    expect(rejects.map((r) => r[0])).toEqual(['too_old_for_retention', 'too_old_for_retention']);
    expect(String(rejects[0][1])).toContain(`older than the ${days}-day retention of telemetry`);
    expect(node.metrics.render()).toMatch(
      /vigil_ingest_rejects_total\{source="jt808",reason="too_old_for_retention"\} 2/,
    );
    terminal.close();
  });

  it('refuses a registration whose plate holds a control character, with result 2 and bad_plate', async () => {
    const terminal = await connect();
    const reply = await terminal.request({
      msgId: 0x0100,
      body: {
        provinceId: 41,
        cityId: 100,
        maker: 'VIGIL',
        model: 'T-1',
        terminalId: '1234567',
        plateColor: 2,
        // ESC starts a terminal escape sequence in whatever later prints the plate.
        plate: '豫W\u001b[31m1',
        layout: 2013,
      },
    });
    expect(reply).toMatchObject({ result: 2 });
    expect(reply.authCode).toBeUndefined();
    expect(await node.sql.query('SELECT phone FROM terminals WHERE phone = $1', [terminal.phone])).toEqual([]);
    expect(await rows(`SELECT reason, detail FROM ingest_rejects WHERE terminal_id = '${terminal.phone}'`)).toEqual([
      ['bad_plate', '0x0100: plate holds the invisible, control or undecodable character U+001B at position 3'],
    ]);
    // The same terminal registers with its real plate and goes on.
    expect(await terminal.authenticate(await terminal.register('豫W90001'))).toBe(0);
    terminal.close();
  });

  it('refuses to authenticate a terminal whose stored plate holds a control character, so that it registers again', async () => {
    const terminal = await connect();
    await node.sql.query(
      `INSERT INTO terminals (phone, auth_code, plate, plate_color, maker, model, device_id, protocol_version)
       VALUES ($1, 'c0de', $2, 2, 'VIGIL', 'T-1', '1234567', 2013)`,
      [terminal.phone, '豫W\u000790002'],
    );
    expect(await terminal.authenticate('c0de')).toBe(1);
    expect(await rows(`SELECT reason FROM ingest_rejects WHERE terminal_id = '${terminal.phone}'`)).toEqual([
      ['bad_plate'],
    ]);
    expect(await terminal.authenticate(await terminal.register('豫W90002'))).toBe(0);
    expect(await terminal.request({ msgId: 0x0200, body: fixAt(Date.now() - 1_000) })).toMatchObject({ result: 0 });
    terminal.close();
  });
});
