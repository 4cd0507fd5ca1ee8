/**
 * A node taking AIS the way receiving stations send it (`--ais-tcp-port`, `--ais-udp-port`, bound to an `ais`
 * source key): NMEA lines over TCP written in small pieces, and UDP datagrams of one or more sentences, with a
 * type 5 message split over two lines (and over two datagrams) and a sentence with a bad checksum between its
 * fragments. Every sentence is made by Vigil's own encoder. The good messages land in `vessel_positions` and
 * `vessel_voyages` under the key's unit; the bad one is dead-lettered by name in `ingest_rejects`, and the
 * connection carries on. A configuration without a key, or with a key the node does not know, stops start-up
 * naming the flag.
 */
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePosition, encodeVoyage, toSentences } from '../ingest/index.js';
import { issueKeyInDataDir } from './support/data-dir-keys.js';
import { refusedStart } from './support/start-refusal.js';
import { eventually, startVigil, type VigilProcess, vigilMainArgs } from './support/vigil-process.js';

let vigil: VigilProcess | undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-ais-feed-'));

afterAll(async () => {
  await vigil?.stop({ removeData: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** A cargo ship on the Shaying river east of Zhoukou, `mmsi` at longitude `lon`. */
function position(mmsi: number, lon: number): string {
  return toSentences(
    encodePosition({
      type: 1,
      mmsi,
      navStatus: 0,
      speedKnots: 6,
      lon,
      lat: 33.62,
      courseDeg: 90,
      headingDeg: 90,
      utcSecond: 5,
    }),
  )[0];
}

function voyage(mmsi: number, name: string, sequenceId: number): string[] {
  return toSentences(
    encodeVoyage({
      type: 5,
      mmsi,
      imo: 0,
      callSign: 'BZK9',
      name,
      shipType: 70,
      lengthM: 62,
      beamM: 11,
      draughtM: 3.2,
      destination: 'FUYANG',
      eta: { month: 0, day: 0, hour: 24, minute: 60 },
    }),
    sequenceId,
  );
}

/** The sentence with its first payload character changed and its checksum kept: a corrupted copy. */
function corrupted(sentence: string): string {
  return sentence.replace(/,,A,(.)/, (_m, c: string) => `,,A,${c === '1' ? '2' : '1'}`);
}

async function writeSlowly(socket: net.Socket, text: string, piece: number): Promise<void> {
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += piece) {
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes.subarray(i, i + piece), (e) => (e ? reject(e) : resolve())),
    );
  }
}

describe('the AIS listeners', () => {
  it('ingests NMEA over TCP and UDP under the key’s unit, refusing a bad sentence by name', async () => {
    // The key is issued into the data dir first: the node checks at start-up that it knows the key it listens with.
    const { key } = await issueKeyInDataDir(dataDir, 'ais', '411600', '周口航道 AIS 基站');
    vigil = await startVigil({ dataDir, args: ['--ais-tcp-port', '0', '--ais-udp-port', '0', '--ais-key', key] });
    const node = vigil;
    expect(node.aisTcpPort).toBeGreaterThan(0);
    expect(node.aisUdpPort).toBeGreaterThan(0);

    // TCP: a position, a type 5 in two lines with a corrupted position between them, a line far too long.
    const socket = net.connect(node.aisTcpPort ?? 0, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const [voyage1, voyage2] = voyage(413_990_101, 'YU ZHOU HUO 901', 4);
    const bad = corrupted(position(413_990_102, 114.7));
    expect(bad).not.toBe(position(413_990_102, 114.7));
    await writeSlowly(
      socket,
      `${position(413_990_101, 114.6)}\r\n${voyage1}\r\n${bad}\r\n${voyage2}\r\n${'!AIVDM'.repeat(200)}\r\n`,
      9,
    );
    const positionsOf = async (mmsis: number[]) =>
      eventually(
        async () => {
          const { rows } = await node.sql<[number, string, string]>(
            `SELECT mmsi, org_code, station_id FROM vessel_positions FINAL WHERE mmsi IN (${mmsis.join(',')}) ORDER BY mmsi`,
          );
          return rows.length === mmsis.length ? rows : undefined;
        },
        30_000,
        `positions of ${mmsis.join(', ')}`,
      );
    const [tcpRow] = await positionsOf([413_990_101]);
    expect(Number(tcpRow[0])).toBe(413_990_101);
    expect(tcpRow[1].startsWith('4116')).toBe(true);
    expect(tcpRow[2]).toBe('tcp:127.0.0.1');
    // The connection survived the bad sentence and the long line: the next position on it lands too.
    await writeSlowly(socket, `${position(413_990_103, 114.8)}\n`, 5);
    await positionsOf([413_990_101, 413_990_103]);
    expect(socket.destroyed).toBe(false);

    // UDP: a position and a type 5's first fragment in one datagram, its second in the next with a corrupted line.
    const [udpVoyage1, udpVoyage2] = voyage(413_990_201, 'WAN FU YANG 7', 7);
    const udp = dgram.createSocket('udp4');
    const sendUdp = (text: string) =>
      new Promise<void>((resolve, reject) =>
        udp.send(Buffer.from(text, 'latin1'), node.aisUdpPort ?? 0, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );
    await sendUdp(`${position(413_990_201, 114.65)}\r\n${udpVoyage1}`);
    await sendUdp(`${udpVoyage2}\r\n${corrupted(position(413_990_202, 114.75))}\r\n`);
    udp.close();
    await positionsOf([413_990_101, 413_990_103, 413_990_201]);

    const names = await eventually(
      async () => {
        const { rows } = await node.sql<[number, string, string]>(
          'SELECT mmsi, trim(name), org_code FROM vessel_voyages FINAL WHERE mmsi IN (413990101, 413990201) ORDER BY mmsi',
        );
        return rows.length === 2 ? rows : undefined;
      },
      30_000,
      'both voyages',
    );
    expect(names.map((r) => [Number(r[0]), r[1], r[2]])).toEqual([
      [413_990_101, 'YU ZHOU HUO 901', '411600'],
      [413_990_201, 'WAN FU YANG 7', '411600'],
    ]);
    const rejects = await eventually(
      async () => {
        const { rows } = await node.sql<[string, string]>(
          "SELECT reason, raw FROM ingest_rejects WHERE source = 'http:ais' ORDER BY raw",
        );
        return rows.length >= 2 ? rows : undefined;
      },
      30_000,
      'two rejects',
    );
    expect(rejects.map((r) => r[0])).toEqual(['nmea_checksum_mismatch', 'nmea_checksum_mismatch']);
    expect(rejects.some((r) => r[1].includes(bad))).toBe(true);
    // Neither bad vessel was stored.
    const { rows: badRows } = await node.sql(
      'SELECT count() FROM vessel_positions WHERE mmsi IN (413990102, 413990202)',
    );
    expect(badRows).toEqual([[0]]);
    const metrics = await (await fetch(`${node.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vigil_ais_feed_refused_total\{transport="tcp",reason="line_too_long"\} 1/);
    socket.destroy();
  }, 240_000);

  it('refuses a listener without a key, or with a key the node does not know, at start-up', () => {
    const cli = (extra: string[]): { status: number | null; stderr: string } => {
      const run = spawnSync(
        process.execPath,
        [...vigilMainArgs(), 'start', '--data-dir', path.join(dataDir, 'refused'), '--http-port', '0', ...extra],
        { encoding: 'utf8', timeout: 90_000 },
      );
      return { status: run.status, stderr: run.stderr };
    };
    const refused = (extra: string[]) => refusedStart(path.join(dataDir, 'refused'), extra);
    const noKey = refused(['--ais-tcp-port', '10110']);
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('--ais-tcp-port (VIGIL_AIS_TCP_PORT) value 10110 needs --ais-key');
    const badPort = refused(['--ais-udp-port', '70000', '--ais-key', 'k']);
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain(
      '--ais-udp-port (VIGIL_AIS_UDP_PORT) value 70000 is greater than max allowed 65535',
    );
    const unknownKey = cli([
      '--jt808-port',
      '0',
      '--jt809-port',
      '0',
      '--jt1078-live-port',
      '0',
      '--jt1078-playback-port',
      '0',
      '--attachment-port',
      '0',
      '--ais-tcp-port',
      '0',
      '--ais-key',
      'vsk_not-a-key',
    ]);
    expect(unknownKey.status).not.toBe(0);
    expect(unknownKey.stderr).toContain('--ais-key');
    expect(unknownKey.stderr).toContain('bad_key');
  });
});
