/**
 * Issue #12 item 8: fixes acknowledged before a `kill -9` reach the rules exactly once. A real `vigil start` (rules
 * snapshot interval one hour, so no snapshot after its start-up one can cover them) is killed with SIGKILL; restarted
 * on the same data dir, it re-reads from ClickHouse the fixes the snapshot does not cover.
 *
 * - Vehicle A's overspeed alarm is on the feed (so stored) before the crash: the rules' state of it (an open
 *   episode) is lost with the process, and only the replay brings it back. After the restart A keeps speeding, then
 *   slows down: the same alarm closes as version 2. Without the replay the engine would not know the episode and
 *   would open a second alarm for the same violation, and the first would stay open for ever.
 * - Vehicle B's violating fix is the last thing acknowledged before the kill: whether its alarm was stored before the
 *   kill is a race the test does not control, and either way it must be raised exactly once.
 *
 * Each alarm has one id and one row per version, a feed client sees each version once, and a second kill and
 * restart (which replays A's fixes after the restart again) raises nothing new.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeedServerMessage } from '../schema/index.js';
import { crashAndRestart, loggedInTerminal, overspeedRows, reportFixes } from './support/crash-restart.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PHONE_A = '013977700001';
const PHONE_B = '013977700002';
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

/** How a terminal's alarm reached a client: the versions of its `alarm` messages, and the snapshots it was in. */
function sightings(messages: FeedServerMessage[], phone: string): { messages: number[]; inSnapshots: number } {
  const versions: number[] = [];
  let inSnapshots = 0;
  for (const m of messages) {
    if (m.type === 'alarm' && m.alarm.terminal_id === phone) versions.push(m.alarm.version);
    if (m.type === 'snapshot') inSnapshots += m.alarms.filter((a) => a.terminal_id === phone).length;
  }
  return { messages: versions, inSnapshots };
}

describe('rules across kill -9', () => {
  it('raise the alarm of acknowledged fixes exactly once, continue it after the crash, and nothing new after a second one', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    vigil = await startVigil({ dataDir, args: ARGS });
    const before = await feedClient(vigil);
    const a = await loggedInTerminal(vigil, PHONE_A, '豫A7K001');
    await reportFixes(a, [
      { speedKmh: 60, time: now - 20_000 },
      { speedKmh: 130, time: now - 19_000 },
      { speedKmh: 130, time: now - 18_000 },
    ]);
    // A's alarm is stored (the feed shows only stored alarms); the only snapshot predates all of this.
    await eventually(
      async () => (sightings(before.messages, PHONE_A).messages.length > 0 ? true : undefined),
      15_000,
      "A's alarm on the feed",
    );
    const b = await loggedInTerminal(vigil, PHONE_B, '豫A7K002');
    await reportFixes(b, [
      { speedKmh: 60, time: now - 20_000 },
      { speedKmh: 130, time: now - 19_000 },
    ]);
    const first = await crashAndRestart(vigil, { args: ARGS });
    vigil = first.node;
    a.close();
    b.close();
    before.close();
    // Start-up re-read the acknowledged fixes from ClickHouse: the rules evaluated them in this process.
    expect(first.replayed).toBeGreaterThanOrEqual(5);
    // What the replay raised was stored before the node said it was ready.
    expect(await overspeedRows(vigil, PHONE_B)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    expect(await overspeedRows(vigil, PHONE_A)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    const after = await feedClient(vigil);

    // A goes on speeding, then slows down: the episode the replay restored closes, under the same id.
    const a2 = await loggedInTerminal(vigil, PHONE_A, '豫A7K001');
    await reportFixes(a2, [
      { speedKmh: 130, time: now - 10_000 },
      { speedKmh: 60, time: now - 9_000 },
    ]);
    a2.close();
    const storedA = await eventually(
      async () => {
        const s = await overspeedRows(vigil!, PHONE_A);
        return s.closed ? s : undefined;
      },
      15_000,
      "A's alarm closed",
    );
    expect(storedA).toEqual({ alarmIds: 1, version: 2, closed: true, duplicates: 0 });
    const { rows: current } = await vigil.sql<[string, number, number, string | null]>(
      `SELECT terminal_id, version, late, toString(ended_at) FROM alarms_current WHERE terminal_id IN ('${PHONE_A}', '${PHONE_B}') ORDER BY terminal_id`,
    );
    expect(current.map((r) => r.slice(0, 3))).toEqual([
      [PHONE_A, 2, 0],
      [PHONE_B, 1, 0],
    ]);
    expect(current[0][3]).not.toBeNull();
    expect(current[1][3]).toBeNull();

    await eventually(
      async () => (sightings(after.messages, PHONE_A).messages.includes(2) ? true : undefined),
      15_000,
      "A's closing version on the feed",
    );
    // A: version 1 shown once before the crash; after it only in the snapshot (open), then version 2 once.
    expect(sightings(before.messages, PHONE_A).messages).toEqual([1]);
    expect(sightings(after.messages, PHONE_A)).toEqual({ messages: [2], inSnapshots: 1 });
    // B: shown as a message before the crash if it was stored by then, else once after the restart; a client
    // connected after the restart has it in its snapshot or as that one message.
    const seenB = [sightings(before.messages, PHONE_B), sightings(after.messages, PHONE_B)];
    expect(seenB[0].messages.length + seenB[1].messages.length).toBeLessThanOrEqual(1);
    expect(seenB[1].messages.length + seenB[1].inSnapshots).toBe(1);
    after.close();

    const second = await crashAndRestart(vigil, { args: ARGS });
    vigil = second.node;
    const again = await feedClient(vigil);
    // This replay covers A's fixes after the first restart (the snapshot taken at that start-up predates them): the
    // close comes back with the same id and version, already stored.
    expect(second.replayed).toBeGreaterThanOrEqual(2);
    expect(await overspeedRows(vigil, PHONE_A)).toEqual(storedA);
    expect(await overspeedRows(vigil, PHONE_B)).toEqual({ alarmIds: 1, version: 1, closed: false, duplicates: 0 });
    // The first heartbeat states how many alarm versions the hub has taken since it started: none.
    const heartbeat = await eventually(
      async () => again.messages.find((m) => m.type === 'heartbeat'),
      15_000,
      'a heartbeat',
    );
    expect(heartbeat).toMatchObject({ alarm_seq: 0 });
    expect(sightings(again.messages, PHONE_A)).toEqual({ messages: [], inSnapshots: 1 });
    expect(sightings(again.messages, PHONE_B)).toEqual({ messages: [], inSnapshots: 1 });
    again.close();
  }, 240_000);
});
