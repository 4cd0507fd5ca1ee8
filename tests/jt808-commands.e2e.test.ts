/**
 * Downlink commands through the API of a real `vigil start` to terminals connected over real TCP:
 * `POST /api/terminals/:id/commands` by terminal number or plate, answered with the terminal's own answer (a
 * photo taken on command arrives as an upload and is served by the vehicle's media routes);
 * offline and silent terminals, roles, and the audit trail of every attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { openOperational } from '../store/index.js';
import { eventually, startVigil, until, type VigilProcess } from './support/vigil-process.js';
import { TestTerminal, type Received } from './support/jt808-test-terminal.js';
import type { Jt808Message } from '../ingest/index.js';
import { nodeOperationalTarget } from './support/test-postgres.js';

const DOWNLINK_TIMEOUT_MS = 600;
let vigil: VigilProcess;
let token: string;

beforeAll(async () => {
  vigil = await startVigil({ args: ['--jt808-downlink-timeout-ms', String(DOWNLINK_TIMEOUT_MS)] });
  token = await vigil.login();
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
});

async function command(
  id: string,
  body: unknown,
  bearer = token,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${vigil.baseUrl}/api/terminals/${encodeURIComponent(id)}/commands`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Answers every platform command the way a terminal does: 0x0201 to 0x8201, 0x0001 result 0 to the rest. */
function answerCommands(terminal: TestTerminal, position: ReturnType<typeof locationBody>): () => void {
  const answered = new Set<Received>();
  const timer = setInterval(() => {
    for (const r of terminal.received) {
      if (answered.has(r) || r.msgId === 0x8001 || r.msgId === 0x8100) continue;
      answered.add(r);
      if (r.msgId === 0x8201) terminal.send({ msgId: 0x0201, body: { replySerial: r.serial, location: position } });
      else terminal.send({ msgId: 0x0001, body: { replySerial: r.serial, replyMsgId: r.msgId, result: 0 } });
    }
  }, 20);
  return () => clearInterval(timer);
}

describe('downlink commands API', () => {
  it('sends text, location query, temporary tracking and alarm confirmation and returns the terminal answers', async () => {
    for (const version of [2013, 2019] as const) {
      const phone = version === 2019 ? '00000000013700002019' : '013700002013';
      const plate = version === 2019 ? '豫A83000' : '豫C83001';
      const terminal = await TestTerminal.connect(vigil.jt808Port, phone, version);
      expect(await terminal.authenticate(await terminal.register(plate))).toBe(0);
      const position = locationBody(
        { lat: 34.76, lon: 113.65, speedKmh: 62, directionDeg: 270, time: Date.UTC(2026, 10, 28, 1, 0, 0) },
        version,
      );
      const stop = answerCommands(terminal, position);
      try {
        const text = await command(plate, { type: 'text', text: '请注意休息，连续驾驶已超过4小时' });
        expect(text).toMatchObject({
          status: 200,
          body: { terminal_id: phone, plate, type: 'text', msg_id: '0x8300', result: 0, result_name: 'ok' },
        });
        const sent = terminal.received.find((r) => r.msgId === 0x8300);
        expect(sent?.message.body).toMatchObject({ text: '请注意休息，连续驾驶已超过4小时', flags: 0x0c });

        // By terminal number, with or without the BCD's leading zeros.
        const query = await command(phone.replace(/^0+/, ''), { type: 'location_query' });
        expect(query.status).toBe(200);
        expect(query.body).toMatchObject({
          msg_id: '0x8201',
          result: 0,
          location: { lat: 34.76, lon: 113.65, ts: '2026-11-28T01:00:00.000Z' },
        });
        const stored = await vigil.sql<[number]>(`SELECT speed_kmh FROM telemetry WHERE terminal_id = '${phone}'`);
        expect(stored.rows).toHaveLength(1);

        const tracking = await command(phone, { type: 'temporary_tracking', interval_s: 10, validity_s: 600 });
        expect(tracking.body).toMatchObject({ msg_id: '0x8202', result: 0 });
        expect(terminal.received.find((r) => r.msgId === 0x8202)?.message.body).toEqual({
          intervalS: 10,
          validityS: 600,
        });

        const confirm = await command(phone, { type: 'alarm_confirm', serial: 0, alarm_type: 1 });
        expect(confirm.body).toMatchObject({ msg_id: '0x8203', result: 0 });
        expect(terminal.received.find((r) => r.msgId === 0x8203)?.message.body).toEqual({
          alarmSerial: 0,
          alarmTypeBits: 1,
        });
      } finally {
        stop();
        terminal.close();
      }
    }
  });

  it('takes a photo now (0x8801): the terminal answers 0x0805 with the media id, uploads it, and the vehicle page serves it', async () => {
    const phone = '013700008801';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    expect(await terminal.authenticate(await terminal.register('豫A88010'))).toBe(0);
    const at = Date.now() - 1_000;
    const photo = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(300, 0x42),
      Buffer.from([0xff, 0xd9]),
    ]);
    const shooting = command('豫A88010', { type: 'photo', channel: 2 });
    const shoot = await terminal.waitFor((r) => r.msgId === 0x8801, 10_000, '0x8801');
    expect(shoot.message.body).toMatchObject({ channel: 2, command: 1, save: 0 });
    terminal.send({ msgId: 0x0805, body: { replySerial: shoot.serial, result: 0, mediaIds: [4242] } });
    expect(await shooting).toMatchObject({
      status: 200,
      body: { msg_id: '0x8801', result: 0, result_name: 'ok', media_ids: [4242] },
    });
    terminal.send({
      msgId: 0x0801,
      body: {
        mediaId: 4242,
        mediaType: 0,
        mediaFormat: 0,
        eventCode: 0,
        channelId: 2,
        location: locationBody({ lat: 34.76, lon: 113.65, speedKmh: 0, directionDeg: 0, time: at }, 2013),
        data: photo,
      },
    });
    // A whole upload is answered 0x8800 with nothing to resend once it is on disk.
    const stored = await terminal.waitFor(
      (r) => r.msgId === 0x8800 && (r.message.body as { mediaId: number }).mediaId === 4242,
      10_000,
      '0x8800',
    );
    expect((stored.message.body as { packetIds: number[] }).packetIds).toEqual([]);
    const media = await eventually(
      async () => {
        const res = await fetch(`${vigil.baseUrl}/api/vehicles/${phone}/media?from=${at - 60_000}&to=${Date.now()}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await res.json()) as { media: { media_id: number; stored: boolean; channel: number }[] };
        return body.media.find((m) => m.media_id === 4242 && m.stored);
      },
      15_000,
      'the photo in the media list',
    );
    expect(media.channel).toBe(2);
    const file = await fetch(`${vigil.baseUrl}/api/vehicles/${phone}/media/4242`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    // Another id, or another terminal's, is not there.
    const missing = await fetch(`${vigil.baseUrl}/api/vehicles/${phone}/media/4243`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    terminal.close();
  });

  it('answers 404 terminal_offline without a session and 504 terminal_timeout when the terminal stays silent', async () => {
    const phone = '013700000404';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2013);
    expect(await terminal.authenticate(await terminal.register('豫D40400'))).toBe(0);
    const silent = await command('豫D40400', { type: 'text', text: 'hello' });
    expect(silent.status).toBe(504);
    expect(silent.body.error).toBe('terminal_timeout');
    // The gateway notices the closed socket on its own schedule; until then a command would wait for an answer.
    const sessionsBefore = await authenticatedSessions();
    terminal.close();
    await terminal.closed;
    await until(async () => (await authenticatedSessions()) < sessionsBefore, 15_000, 'the closed session to be gone');
    const offline = await command('豫D40400', { type: 'text', text: 'hello' });
    expect(offline).toMatchObject({ status: 404, body: { error: 'terminal_offline' } });
    expect((await command('013799999999', { type: 'location_query' })).body.error).toBe('terminal_offline');
    expect((await command('豫Z99999', { type: 'location_query' })).body.error).toBe('terminal_not_found');
  });

  it('refuses bad commands, roles without the right and missing tokens', async () => {
    expect(await command('013700002013', { type: 'reboot' })).toMatchObject({
      status: 400,
      body: { error: 'bad_command' },
    });
    expect(
      await command('013700002013', { type: 'temporary_tracking', interval_s: 70_000, validity_s: 1 }),
    ).toMatchObject({ status: 400, body: { error: 'bad_command' } });
    expect(await command('013700002013', { type: 'text', text: 'x'.repeat(501) })).toMatchObject({
      status: 400,
      body: { error: 'bad_command' },
    });
    expect(await command('013700002013', { type: 'location_query' }, vigil.wallToken)).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    expect((await command('013700002013', { type: 'location_query' }, 'not-a-token')).status).toBe(401);
  });

  it('the command set: parameters, control, callback, vehicle control, areas, stored media and the driver, each with its answer', async () => {
    const phone = '013700001900';
    const plate = '豫A19000';
    const terminal = await TestTerminal.connect(vigil.jt808Port, phone, 2019);
    expect(await terminal.authenticate(await terminal.register(plate))).toBe(0);
    const at = Date.UTC(2026, 10, 28, 1, 0, 0);
    const position = locationBody({ lat: 34.76, lon: 113.65, speedKmh: 0, directionDeg: 90, time: at }, 2019);
    /** Sends the command, answers the way a terminal does, and returns the API's response. */
    const exchange = async (
      body: unknown,
      msgId: number,
      answer: (serial: number) => Jt808Message,
      bearer = token,
    ): Promise<{ status: number; body: Record<string, unknown>; sent: unknown }> => {
      const pending = command(plate, body, bearer);
      const sent = await terminal.waitFor((r) => r.msgId === msgId && !seen.has(r), 10_000, `0x${msgId.toString(16)}`);
      seen.add(sent);
      terminal.send(answer(sent.serial));
      return { ...(await pending), sent: sent.message.body };
    };
    const seen = new Set<Received>();
    const ok = (msgId: number) => (serial: number) =>
      ({ msgId: 0x0001, body: { replySerial: serial, replyMsgId: msgId, result: 0 } }) as Jt808Message;
    try {
      const some = await exchange({ type: 'parameters_query', ids: [0x0001, 0x0013] }, 0x8106, (serial) => ({
        msgId: 0x0104,
        body: {
          replySerial: serial,
          params: [
            { id: 0x0001, value: Buffer.from([0, 0, 0, 30]) },
            { id: 0x0013, value: Buffer.from('vigil.example') },
          ],
        },
      }));
      expect(some.sent).toEqual({ ids: [1, 0x13] });
      expect(some.body).toMatchObject({
        msg_id: '0x8106',
        result: 0,
        parameters: [
          { id: 1, hex: '0000001e', dword: 30 },
          { id: 0x13, hex: Buffer.from('vigil.example').toString('hex') },
        ],
      });
      const all = await exchange({ type: 'parameters_query' }, 0x8104, (serial) => ({
        msgId: 0x0104,
        body: { replySerial: serial, params: [] },
      }));
      expect(all.body).toMatchObject({ msg_id: '0x8104', parameters: [] });

      const set = await exchange(
        {
          type: 'parameters_set',
          parameters: [
            { id: 0x0001, kind: 'dword', value: 60 },
            { id: 0x0083, kind: 'string', value: '豫A19000' },
          ],
        },
        0x8103,
        ok(0x8103),
      );
      expect(set.body).toMatchObject({ msg_id: '0x8103', result: 0 });
      expect(set.sent).toEqual({
        params: [
          { id: 1, value: Buffer.from([0, 0, 0, 60]) },
          { id: 0x83, value: Buffer.from('d4a54131393030 30'.replace(/ /g, ''), 'hex') },
        ],
      });

      const reset = await exchange({ type: 'terminal_control', command: 4 }, 0x8105, ok(0x8105));
      expect(reset.sent).toEqual({ command: 4, params: '' });
      const call = await exchange({ type: 'callback', phone: '13800000000', monitor: true }, 0x8400, ok(0x8400));
      expect(call.sent).toEqual({ flag: 1, phone: '13800000000' });

      // 2019: the control list; the answer is a position, stored like any other.
      const lock = await exchange({ type: 'vehicle_control', doors: 'lock' }, 0x8500, (serial) => ({
        msgId: 0x0500,
        body: { replySerial: serial, location: position },
      }));
      expect(lock.sent).toEqual({ controls: [{ typeId: 1, value: 1 }] });
      expect(lock.body).toMatchObject({ msg_id: '0x8500', result: 0, location: { lat: 34.76, lon: 113.65 } });

      const area = await exchange(
        {
          type: 'area_circle_set',
          areas: [
            { id: 7, lat: 34.7572, lon: 113.6652, radius_m: 500, speed_max_kmh: 60, overspeed_s: 10, name: '郑州' },
          ],
        },
        0x8600,
        ok(0x8600),
      );
      expect(area.sent).toEqual({
        setting: 1,
        areas: [
          {
            id: 7,
            attributes: 2,
            latRaw: 34_757_200,
            lonRaw: 113_665_200,
            radiusM: 500,
            speedMaxKmh: 60,
            overspeedS: 10,
            nightSpeedMaxKmh: 60,
            name: '郑州',
          },
        ],
      });
      const removed = await exchange({ type: 'areas_delete', kind: 'route', ids: [3] }, 0x8607, ok(0x8607));
      expect(removed.sent).toEqual({ ids: [3] });

      const search = await exchange(
        { type: 'media_search', media_type: 'image', channel: 1, from: at - 3_600_000, to: at },
        0x8802,
        (serial) => ({
          msgId: 0x0802,
          body: {
            replySerial: serial,
            items: [{ mediaId: 42, mediaType: 0, channel: 1, eventCode: 0, location: position }],
          },
        }),
      );
      expect(search.sent).toEqual({ mediaType: 0, channel: 1, eventCode: 0, start: at - 3_600_000, end: at });
      expect(search.body).toMatchObject({
        msg_id: '0x8802',
        media: [{ media_id: 42, media_type: 'image', channel: 1, ts: new Date(at).toISOString() }],
      });
      const upload = await exchange(
        { type: 'media_upload', media_type: 'image', channel: 1, from: at - 3_600_000, to: at },
        0x8803,
        ok(0x8803),
      );
      expect(upload.sent).toMatchObject({ deleteAfter: 0 });

      // 0x0702 names no flow number: it answers the pending 0x8702.
      const driver = await exchange({ type: 'driver_info' }, 0x8702, () => ({
        msgId: 0x0702,
        body: {
          status: 1,
          time: at,
          readResult: 0,
          name: '张三',
          certificate: '4101002026000001',
          authority: '郑州市交通运输局',
          expiry: '2030-12-31',
          idCard: '410100199001010011',
        },
      }));
      expect(driver.body).toMatchObject({
        msg_id: '0x8702',
        driver: { card: 'inserted', name: '张三', authority: '郑州市交通运输局', expiry: '2030-12-31' },
      });

      // Dispatchers send the everyday commands, not those acting on the vehicle or listening in the cab.
      const created = await fetch(`${vigil.baseUrl}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({
          username: 'dispatcher1900',
          password: 'lantern orchard quartz river',
          role: 'dispatcher',
          org_code: '410000',
        }),
      });
      expect(created.status).toBe(201);
      const dispatcher = await vigil.login('dispatcher1900', 'lantern orchard quartz river');
      for (const sensitive of [
        { type: 'vehicle_control', doors: 'unlock' },
        { type: 'callback', phone: '13800000000', monitor: true },
        { type: 'terminal_control', command: 5 },
        { type: 'parameters_set', parameters: [{ id: 1, kind: 'dword', value: 1 }] },
      ])
        expect(await command(plate, sensitive, dispatcher)).toMatchObject({
          status: 403,
          body: { error: 'forbidden' },
        });
      const allowed = await exchange(
        { type: 'driver_info' },
        0x8702,
        () => ({ msgId: 0x0702, body: { status: 2, time: at } }),
        dispatcher,
      );
      expect(allowed).toMatchObject({ status: 200, body: { driver: { card: 'removed' } } });
    } finally {
      terminal.close();
    }
    // Bad values are named, and nothing is sent.
    for (const [body, detail] of [
      [{ type: 'terminal_control', command: 8 }, 'command value 8 is outside 1..7'],
      [{ type: 'terminal_control', command: 4, params: 'x' }, 'params are for commands 1 and 2 only, not 4'],
      [{ type: 'callback', phone: '138-0000' }, 'phone must be 3 to 20 digits'],
      [{ type: 'vehicle_control', doors: 'open' }, 'doors must be "lock" or "unlock"'],
      [
        { type: 'parameters_set', parameters: [{ id: 1, kind: 'word', value: 70_000 }] },
        'parameters[0].value value 70000 is outside 0..65535',
      ],
      [{ type: 'areas_delete', kind: 'square', ids: [] }, 'kind must be one of circle, rectangle, polygon, route'],
      [
        { type: 'area_circle_set', areas: [{ id: 1, lat: 95, lon: 113, radius_m: 10 }] },
        'areas[0].lat value 95 is outside 0..90',
      ],
      [{ type: 'media_search', from: 2, to: 1 }, 'from value 2 is outside'],
    ] as const)
      expect(await command(plate, body)).toMatchObject({
        status: 400,
        body: { error: 'bad_command', detail: expect.stringContaining(detail) },
      });
  });

  it('audits every attempt with its outcome', async () => {
    await vigil.stop();
    const sql = await openOperational(await nodeOperationalTarget(vigil.dataDir));
    try {
      const rows = await sql.query<{
        actor: string;
        target: string;
        detail: { command: { type: string }; result?: number; error?: string };
      }>("SELECT actor, target, detail FROM audit_log WHERE action = 'terminal.command' ORDER BY id");
      const outcomes = rows.map((r) => [r.target, r.detail.command.type, r.detail.result ?? r.detail.error]);
      expect(outcomes).toEqual([
        ['013700002013', 'text', 0],
        ['013700002013', 'location_query', 0],
        ['013700002013', 'temporary_tracking', 0],
        ['013700002013', 'alarm_confirm', 0],
        ['00000000013700002019', 'text', 0],
        ['00000000013700002019', 'location_query', 0],
        ['00000000013700002019', 'temporary_tracking', 0],
        ['00000000013700002019', 'alarm_confirm', 0],
        ['013700008801', 'photo', 0],
        ['013700000404', 'text', 'terminal_timeout'],
        ['豫D40400', 'text', 'terminal_offline'],
        ['013799999999', 'location_query', 'terminal_offline'],
        ...[
          'parameters_query',
          'parameters_query',
          'parameters_set',
          'terminal_control',
          'callback',
          'vehicle_control',
          'area_circle_set',
          'areas_delete',
          'media_search',
          'media_upload',
          'driver_info',
          'driver_info',
        ].map((type) => ['00000000013700001900', type, 0]),
      ]);
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['admin', 'dispatcher1900']));
    } finally {
      await sql.close();
    }
  });
});

/** Authenticated JT/T 808 sessions, as the node exports them. */
async function authenticatedSessions(): Promise<number> {
  const text = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
  const value = /^vigil_jt808_sessions (\d+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error('vigil_jt808_sessions is not on /metrics');
  return Number(value);
}
