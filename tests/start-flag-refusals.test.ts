/**
 * Flags that cannot work together are refused at start-up, before anything is opened, with exit status 2 and a
 * sentence naming the flag and the rule: `--clickhouse-cluster` without a ClickHouse server or with a name that
 * could not be quoted into DDL; `--jt809-upward` without its credentials, with a password its field cannot hold,
 * with keys that are not M1,IA1,IC1, or with an edition or version JT/T 809 does not have.
 * An id of `--node-id` out of its bounds is refused the same way, `--rules-spread partitions` on a process that is
 * not a stream worker, and a `--demo-start-s` beyond the sample the demo of
 * the data dir's province replays (Henan's generated sample; none for another province).
 *
 * `vigil start` reads its flags with `readStartConfig` (cli/start-config.ts) before it opens anything, and exits 2
 * printing `vigil: ` and the message of the ConfigError it threw. The first tests prove that wiring on real
 * `vigil start` processes (the exit status, the whole of stderr, no data directory made); the others check each
 * refusal against the same `readStartConfig` in this process, which is what a start would print, without paying
 * for a process per flag.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readStartConfig } from '../cli/start-config.js';
import { refusedStart } from './support/start-refusal.js';
import { vigilMainArgs } from './support/vigil-process.js';

const HAINAN = fileURLToPath(new URL('../fixtures/provinces/hainan-sample', import.meta.url));

const root = mkdtempSync(path.join(tmpdir(), 'vigil-flag-refusals-'));
/** Never made: a refused start creates nothing, not even its data directory. */
const dataDir = path.join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const startArgs = (extra: string[]): string[] => ['--data-dir', dataDir, '--http-port', '0', ...extra];

/** A real `vigil start` with these flags. */
function start(extra: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [...vigilMainArgs(), 'start', ...startArgs(extra)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stderr: run.stderr };
}

const refused = (extra: string[]) => refusedStart(dataDir, extra);

describe('vigil start, refusing its flags as a process', () => {
  it('exits 2 with the refusal alone on stderr, before making its data directory', () => {
    for (const extra of [
      ['--clickhouse-cluster', 'vigil'],
      [
        ...['--jt809-upward', '127.0.0.1:9', '--jt809-upward-access-code', '1', '--jt809-upward-user-id', '7'],
        ...['--jt809-upward-password', 'pw', '--jt809-upward-keys', '1,2'],
      ],
    ]) {
      const run = start(extra);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^vigil: --(clickhouse-cluster|jt809-upward-keys) /);
      expect(run).toEqual(refused(extra));
      expect(existsSync(dataDir)).toBe(false);
    }
  }, 250_000);
});

describe('vigil start --clickhouse-cluster', () => {
  it('needs a ClickHouse server', () => {
    const run = refused(['--clickhouse-cluster', 'vigil']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--clickhouse-cluster needs --clickhouse-url');
  });

  it('refuses a name that cannot be quoted into DDL, before connecting', () => {
    // Port 9 (discard) on loopback: the refusal must come before any connection is tried.
    const run = refused(['--clickhouse-url', 'http://127.0.0.1:9', '--clickhouse-cluster', "a'b"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--clickhouse-cluster (VIGIL_CLICKHOUSE_CLUSTER): cluster name "a\'b" must be');
  });
});

describe('vigil start --jt809-upward', () => {
  it('needs the access code, the user id and the password', () => {
    const run = refused(['--jt809-upward', '127.0.0.1:9', '--jt809-upward-access-code', '41000001']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--jt809-upward (VIGIL_JT809_UPWARD) needs --jt809-upward-access-code');
  });

  it('refuses its credentials without it, a password longer than 8 bytes and keys that are not three numbers', () => {
    expect(refused(['--jt809-upward-user-id', '7']).stderr).toContain('--jt809-upward-user-id needs --jt809-upward');
    const upward = ['--jt809-upward', '127.0.0.1:9', '--jt809-upward-access-code', '1', '--jt809-upward-user-id', '7'];
    const long = refused([...upward, '--jt809-upward-password', '省平台密码太长']);
    expect(long.status).toBe(2);
    expect(long.stderr).toContain('must be 1-8 bytes');
    const keys = refused([...upward, '--jt809-upward-password', 'pw', '--jt809-upward-keys', '1,2']);
    expect(keys.status).toBe(2);
    expect(keys.stderr).toContain('--jt809-upward-keys (VIGIL_JT809_UPWARD_KEYS) value "1,2": has 2 numbers');
  });

  it('refuses an edition other than 2011 and 2019, a version that is not three bytes, a platform id of other than 11 digits', () => {
    const upward = ['--jt809-upward', '127.0.0.1:9', '--jt809-upward-access-code', '1', '--jt809-upward-user-id', '7'];
    const edition = refused([...upward, '--jt809-upward-password', 'pw', '--jt809-upward-edition', '2013']);
    expect(edition.status).toBe(2);
    expect(edition.stderr).toMatch(/jt809-upward-edition.*2013/);
    const version = refused([...upward, '--jt809-upward-password', 'pw', '--jt809-upward-version', '1.2.256']);
    expect(version.status).toBe(2);
    expect(version.stderr).toContain(
      '--jt809-upward-version (VIGIL_JT809_UPWARD_VERSION) value "1.2.256" must be major.minor.patch, each 0-255',
    );
    expect(refused(['--jt809-upward-edition', '2019']).stderr).toContain('--jt809-upward-edition needs --jt809-upward');
    const platformId = refused([
      ...upward,
      '--jt809-upward-password',
      'pw',
      '--jt809-upward-platform-id',
      '4100000001',
    ]);
    expect(platformId.status).toBe(2);
    expect(platformId.stderr).toContain(
      '--jt809-upward-platform-id (VIGIL_JT809_UPWARD_PLATFORM_ID) value "4100000001" must be 11 digits',
    );
  });

  it('refuses a down-link port out of range, an address that is not IPv4, and an address without a port', () => {
    const upward = [
      ...['--jt809-upward', '127.0.0.1:9', '--jt809-upward-access-code', '1', '--jt809-upward-user-id', '7'],
      ...['--jt809-upward-password', 'pw'],
    ];
    const port = refused([...upward, '--jt809-upward-down-link-port', '70000']);
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(/jt809-upward-down-link-port.*70000/);
    const ip = refused([
      ...upward,
      '--jt809-upward-down-link-port',
      '6819',
      '--jt809-upward-down-link-ip',
      'gov.example',
    ]);
    expect(ip.status).toBe(2);
    expect(ip.stderr).toContain(
      '--jt809-upward-down-link-ip (VIGIL_JT809_UPWARD_DOWN_LINK_IP) value "gov.example" must be an IPv4 address',
    );
    const alone = refused([...upward, '--jt809-upward-down-link-ip', '10.1.2.3']);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--jt809-upward-down-link-ip needs --jt809-upward-down-link-port');
    expect(refused(['--jt809-upward-down-link-port', '6819']).stderr).toContain(
      '--jt809-upward-down-link-port needs --jt809-upward',
    );
  });
});

describe('vigil start --node-id', () => {
  it('refuses an id out of its bounds, naming the flag, the value and the bound, before anything starts', () => {
    const spaced = refused(['--node-id', 'Hall A']);
    expect(spaced.status).toBe(2);
    expect(spaced.stderr).toContain(
      '--node-id (VIGIL_NODE_ID) value "Hall A" is not lower-case letters, digits and "-" starting with a letter or digit',
    );
    const long = refused(['--node-id', 'h'.repeat(33)]);
    expect(long.status).toBe(2);
    expect(long.stderr).toContain(
      `--node-id (VIGIL_NODE_ID) value "${'h'.repeat(33)}" has 33 characters, allowed 1 to 32`,
    );
  });
});

describe('vigil start --rules-spread', () => {
  it('refuses partitions on any role but stream, and a value it does not know', () => {
    const whole = refused(['--rules-spread', 'partitions']);
    expect(whole.status).toBe(2);
    expect(whole.stderr).toContain(
      '--rules-spread (VIGIL_RULES_SPREAD) value partitions needs --role stream, not all: only stream workers of a cluster share the rules',
    );
    const unknown = refused(['--rules-spread', 'halves']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      '--rules-spread (VIGIL_RULES_SPREAD) value "halves" is not one of standby, partitions',
    );
  });
});

describe('vigil start --scheduled-documents', () => {
  it('refuses a document, a level or a delay it does not know, naming the flag, the value and what is allowed', () => {
    const document = start(['--scheduled-documents', 'circular-monthly,circular-daily']);
    expect(document.status).toBe(2);
    expect(document.stderr).toContain(
      '--scheduled-documents (VIGIL_SCHEDULED_DOCUMENTS) value "circular-daily" is not one of circular-monthly, circular-weekly, report-monthly, report-weekly (or none)',
    );
    const level = start(['--scheduled-circular-levels', 'city,province']);
    expect(level.status).toBe(2);
    expect(level.stderr).toContain(
      '--scheduled-circular-levels (VIGIL_SCHEDULED_CIRCULAR_LEVELS) value "province" is not one of city, county, enterprise, platform',
    );
    const delay = start(['--scheduled-documents-delay-minutes', '1441']);
    expect(delay.status).toBe(2);
    expect(delay.stderr).toMatch(
      /--scheduled-documents-delay-minutes \(VIGIL_SCHEDULED_DOCUMENTS_DELAY_MINUTES\).*1441/,
    );
  });
});

describe('vigil start --demo-start-s', () => {
  it("is checked against the sample the data dir's province's demo replays: Henan's, none for another", () => {
    expect(refused(['--demo-start-s', '60']).stderr).toContain('--demo-start-s (VIGIL_DEMO_START_S) needs --demo');
    const henan = refused(['--demo', '--demo-start-s', '86400']);
    expect(henan.status).toBe(2);
    expect(henan.stderr).toMatch(
      /^vigil: --demo-start-s \(VIGIL_DEMO_START_S\) value 86400 is greater than max allowed \d+: the demo for 410000 河南省 replays .*fixtures\/sample\/, which holds \d+ s\n$/,
    );
    const bound = Number(/max allowed (\d+)/.exec(henan.stderr)![1]);
    expect(bound).toBeGreaterThan(600);
    expect(readStartConfig(startArgs(['--demo', '--demo-start-s', String(bound)]), {}).demoStartMs).toBe(bound * 1000);
    expect(refused(['--demo', '--demo-start-s', String(bound + 1)]).stderr).toContain(`max allowed ${bound}:`);

    // The hand-made Hainan sample's reference: its demo runs speeding vehicles only, so nothing can be skipped.
    const hainanDir = mkdtempSync(path.join(root, 'hainan-'));
    for (const file of ['divisions.json', 'boundaries.json'])
      copyFileSync(path.join(HAINAN, file), path.join(hainanDir, file));
    writeFileSync(
      path.join(hainanDir, 'province.json'),
      JSON.stringify({ divisions: 'divisions.json', boundaries: 'boundaries.json' }),
    );
    const hainan = refusedStart(hainanDir, ['--demo', '--demo-start-s', '60']);
    expect(hainan.status).toBe(2);
    expect(hainan.stderr).toBe(
      `vigil: --demo-start-s (VIGIL_DEMO_START_S) value 60 is greater than max allowed 0: the demo for 460000 海南省 ` +
        `(--data-dir ${hainanDir}) replays no sample, the generated sample is Henan's\n`,
    );
    expect(readStartConfig(['--data-dir', hainanDir, '--demo'], {}).demoStartMs).toBe(0);
  });
});
