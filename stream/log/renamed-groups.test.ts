import { describe, expect, it } from 'vitest';
import { MemoryLog } from './memory-log.js';
import { RenamedGroupsLog } from './renamed-groups.js';

const TOPIC = 'vigil.alarms';

describe('RenamedGroupsLog', () => {
  it('gives each node every record of a group it reads under its own name, and splits none of a shared one', async () => {
    const log = new MemoryLog({
      partitions: 4,
      backlogPerPartitionMax: 100,
      durableGroups: { [TOPIC]: 'sink-alarms' },
    });
    const own = new Set(['feed-alarms']);
    const nodeLog = (node: string): RenamedGroupsLog =>
      new RenamedGroupsLog(log, (group) => (own.has(group) ? `${group}.${node}` : group));
    const [a, b] = [nodeLog('hall-a'), nodeLog('hall-b')];
    const feeds = [a.consumer<number>('feed-alarms', TOPIC), b.consumer<number>('feed-alarms', TOPIC)];
    const sinkA = a.consumer<number>('sink-alarms', TOPIC);
    const sent = a.producer().send(
      TOPIC,
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: i })),
    );
    const values = (records: { value: number }[]): number[] => records.map((r) => r.value).sort((x, y) => x - y);
    const all = Array.from({ length: 20 }, (_, i) => i);
    // The shared group is the wrapped log's own: node a's sink reads and commits everything, and node b's member of
    // the same group finds nothing left.
    const sinkRecords = await sinkA.poll(100, 50);
    expect(values(sinkRecords)).toEqual(all);
    sinkA.commit(sinkRecords);
    await sent;
    expect(await b.consumer<number>('sink-alarms', TOPIC).poll(100, 50)).toEqual([]);
    // Each node's feed reads every record under its own name.
    for (const feed of feeds) expect(values(await feed.poll(100, 50))).toEqual(all);
    expect(a.kind).toBe('memory');
    expect(a.epoch).toBe(log.epoch);
    await log.close();
  });
});
