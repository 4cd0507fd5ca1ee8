/**
 * Issue #12 item 8: fixes acknowledged before a `kill -9` reach the rules exactly once. A real `vigil start` (rules
 * snapshot interval one hour, so no snapshot after its start-up one can cover them) acknowledges fixes that make
 * an overspeed alarm and is killed with SIGKILL right after the last acknowledgement; restarted on the same data
 * dir, it re-reads them from ClickHouse: one alarm id, one row per version, a feed client sees the alarm once; a
 * second kill and restart raises nothing new.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedServerMessage } from '../schema/index.js';
import { SimulatedTerminal } from '../cli/demo/simulated-terminal.js';
import { locationBody } from '../cli/demo/location.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PHONE = '013977700001';
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-rules-crash-'));
const ARGS = ['--rules-snapshot-interval-s', '3600', '--log-level', 'warn'];
let vigil: VigilProcess | undefined;

afterAll(async () => {
  await vigil?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A `/ws?positions=none` client: every message it got, in order. */
async function feedClient(node: VigilProcess): Promise<{ messages: FeedServerMessage[]; close: () => void }> {
  const token = await node.login();
  const socket = new WebSocket(`ws://127.0.0.1:${node.httpPort}/ws?token=${token}&positions=none`);
  const messages: FeedServerMessage[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as FeedServerMessage));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  await eventually(async () => (messages.some((m) => m.type === 'snapshot') ? true : undefined), 10_000, 'snapshot');
  return { messages, close: () => socket.close() };
}

/** How the alarm reached a client: as `alarm` messages (versions) and in snapshots. */
function sightings(messages: FeedServerMessage[]): { messages: number[]; inSnapshots: number } {
  const versions: number[] = [];
  let inSnapshots = 0;
  for (const m of messages) {
    if (m.type === 'alarm' && m.alarm.terminal_id === PHONE) versions.push(m.alarm.version);
    if (m.type === 'snapshot') inSnapshots += m.alarms.filter((a) => a.terminal_id === PHONE).length;
  }
  return { messages: versions, inSnapshots };
}

async function storedVersions(node: VigilProcess): Promise<{ alarmIds: number; rows: number; versions: number }> {
  const { rows } = await node.sql<[string, string, string]>(
    `SELECT uniqExact(alarm_id), count(), uniqExact(alarm_id, version) FROM alarms WHERE terminal_id = '${PHONE}' AND rule = 'overspeed'`,
  );
  return { alarmIds: Number(rows[0][0]), rows: Number(rows[0][1]), versions: Number(rows[0][2]) };
}

async function metric(node: VigilProcess, name: string): Promise<number> {
  const text = await (await fetch(`${node.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('rules across kill -9', () => {
  it('raise the alarm of acknowledged fixes exactly once, and nothing new after a second crash', async () => {
    vigil = await startVigil({ dataDir, args: ARGS });
    const before = await feedClient(vigil);
    const terminal = new SimulatedTerminal({ phone: PHONE, plate: '豫A7K001', plateColor: 2, version: 2013 });
    await terminal.connect('127.0.0.1', vigil.jt808Port);
    await terminal.logIn();
    const now = Math.floor(Date.now() / 1000) * 1000;
    const fixes = [60, 130, 130, 130, 130, 130].map((speedKmh, i) => ({ speedKmh, time: now - (6 - i) * 1_000 }));
    for (const [i, { speedKmh, time }] of fixes.entries()) {
      const reply = await terminal.request({
        msgId: 0x0200,
        body: locationBody({ lat: 34.75, lon: 113.62 + i * 0.0005, speedKmh, directionDeg: 90, time }, 2013),
      });
      expect(reply.body).toMatchObject({ result: 0 });
    }
    // Acknowledged, so in ClickHouse; the only snapshot is the one taken at start-up, before these fixes.
    await vigil.crash();
    terminal.close();
    before.close();

    vigil = await startVigil({ dataDir, args: ARGS });
    // Start-up re-read the acknowledged fixes from ClickHouse: the rules evaluated them in this process.
    expect(await metric(vigil, 'vigil_rules_replayed_total')).toBeGreaterThanOrEqual(fixes.length);
    const stored = await eventually(
      async () => {
        const s = await storedVersions(vigil!);
        return s.alarmIds > 0 ? s : undefined;
      },
      15_000,
      'the overspeed alarm stored',
    );
    expect(stored).toEqual({ alarmIds: 1, rows: 1, versions: 1 });
    const { rows: current } = await vigil.sql<[string, number, number]>(
      `SELECT alarm_id, version, late FROM alarms_current WHERE terminal_id = '${PHONE}'`,
    );
    expect(current).toHaveLength(1);
    expect(current[0].slice(1)).toEqual([1, 0]);
    const after = await feedClient(vigil);
    // The alarm reached a feed client once in all: as a message before the crash if it was stored by then, else
    // as a message after the restart; a client connected now has it in its snapshot or as that one message.
    await eventually(async () => {
      const s = sightings(after.messages);
      return s.messages.length + s.inSnapshots > 0 ? true : undefined;
    });
    const seenBefore = sightings(before.messages);
    const seenAfter = sightings(after.messages);
    expect(seenBefore.messages.length + seenAfter.messages.length).toBeLessThanOrEqual(1);
    expect(seenAfter.messages.length + seenAfter.inSnapshots).toBe(1);
    after.close();

    await vigil.crash();
    vigil = await startVigil({ dataDir, args: ARGS });
    const again = await feedClient(vigil);
    // Whatever the replay raised was stored before the node said it was ready: nothing new is.
    expect(await storedVersions(vigil)).toEqual(stored);
    // The first heartbeat states how many alarm versions the hub has taken since it started: none.
    const heartbeat = await eventually(
      async () => again.messages.find((m) => m.type === 'heartbeat'),
      15_000,
      'a heartbeat',
    );
    expect(heartbeat).toMatchObject({ alarm_seq: 0 });
    expect(sightings(again.messages)).toEqual({ messages: [], inSnapshots: 1 });
    again.close();
  }, 240_000);
});
