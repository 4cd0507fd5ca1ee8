/**
 * A node that pulls a bus operator's GTFS-Realtime feed itself (`--gtfs-rt-url`, `--gtfs-rt-key`): a local HTTP
 * server plays the operator, serving a FeedMessage encoded here with gtfs-realtime-bindings; the node fetches it
 * every `--gtfs-rt-interval-s` and its buses land in `bus_positions` under the key's unit, a refetch of the same
 * feed adding nothing and a newer one adding its positions. A bad poll configuration stops start-up naming the flag,
 * its value and the bound.
 */
import GtfsRealtimeBindings from 'gtfs-realtime-bindings';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKeyInDataDir } from './support/data-dir-keys.js';
import { refusedStart } from './support/start-refusal.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const rt = GtfsRealtimeBindings.transit_realtime;

let vigil: VigilProcess | undefined;
let operator: Server;
let operatorUrl = '';
/** What the operator serves now, and how often it was fetched. */
let served: Uint8Array = new Uint8Array();
let fetches = 0;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-gtfs-poll-'));

function feedAt(atS: number, lat: number): Uint8Array {
  return rt.FeedMessage.encode(
    rt.FeedMessage.create({
      header: { gtfsRealtimeVersion: '2.0', timestamp: atS },
      entity: [
        {
          id: 'vp-P1',
          vehicle: {
            vehicle: { id: 'P1', label: '6路-01' },
            trip: { tripId: 'T6-1', routeId: 'R6' },
            position: { latitude: lat, longitude: 113.665 },
            timestamp: atS,
          },
        },
      ],
    }),
  ).finish();
}

beforeAll(async () => {
  operator = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(Buffer.from(served));
  });
  await new Promise<void>((resolve) => operator.listen(0, '127.0.0.1', resolve));
  const address = operator.address();
  operatorUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/vehicle-positions.pb`;
});

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  await new Promise((resolve) => operator.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the GTFS-Realtime poller', () => {
  it('fetches the feed on its interval and stores its buses under the key’s unit', async () => {
    // The key is issued into the data dir first: the node checks at start-up that it knows the key it pulls with.
    const { key } = await issueKeyInDataDir(dataDir, 'gtfs_rt', '410100', '郑州公交实时');
    const now = Math.floor(Date.now() / 1000);
    served = feedAt(now - 30, 34.757);
    vigil = await startVigil({
      dataDir,
      args: ['--gtfs-rt-url', operatorUrl, '--gtfs-rt-key', key, '--gtfs-rt-interval-s', '5'],
    });
    const node = vigil;
    const positions = async (count: number) =>
      eventually(
        async () => {
          const { rows } = await node.sql<[string, string, number, string]>(
            "SELECT vehicle_id, route_id, lat, feed_org FROM bus_positions FINAL WHERE vehicle_id = 'P1' ORDER BY ts",
          );
          return rows.length >= count ? rows : undefined;
        },
        30_000,
        `${count} positions of P1`,
      );
    expect((await positions(1)).map((r) => [r[0], r[1], Number(r[2]), r[3]])).toEqual([['P1', 'R6', 34.757, '410100']]);
    // Fetched again unchanged: nothing new. Then the bus moves on.
    const fetchedBefore = fetches;
    await eventually(async () => (fetches > fetchedBefore ? true : undefined), 20_000, 'a second fetch');
    expect((await node.sql("SELECT count() FROM bus_positions WHERE vehicle_id = 'P1'")).rows).toEqual([[1]]);
    served = feedAt(now - 10, 34.76);
    expect((await positions(2)).map((r) => Number(r[2]))).toEqual([34.757, 34.76]);
  });

  it('refuses a bad poll configuration at start-up, naming the flag, its value and the bound', () => {
    const cli = (extra: string[]) => refusedStart(path.join(dataDir, 'refused'), extra);
    const noKey = cli(['--gtfs-rt-url', 'https://operator.example/gtfs-rt']);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain(
      '--gtfs-rt-url (VIGIL_GTFS_RT_URL) value "https://operator.example/gtfs-rt" needs --gtfs-rt-key',
    );
    const tooFast = cli([
      '--gtfs-rt-url',
      'https://operator.example/gtfs-rt',
      '--gtfs-rt-key',
      'k',
      '--gtfs-rt-interval-s',
      '1',
    ]);
    expect(tooFast.status).toBe(2);
    expect(tooFast.stderr).toContain(
      '--gtfs-rt-interval-s (VIGIL_GTFS_RT_INTERVAL_S) value 1 is less than min allowed 5',
    );
    const notHttp = cli(['--gtfs-rt-url', 'ftp://operator.example/feed', '--gtfs-rt-key', 'k']);
    expect(notHttp.status).toBe(2);
    expect(notHttp.stderr).toContain(
      '--gtfs-rt-url (VIGIL_GTFS_RT_URL) value "ftp://operator.example/feed" must be http:// or https://',
    );
  });
});
