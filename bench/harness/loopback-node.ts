/**
 * The embedded node the HTTP-side benchmarks start in-process (bench/ingest-http.ts, upload-file.ts, ais-feed.ts):
 * every listener on loopback on a port the system picks, terminals authenticated, the province admin's password
 * fixed so the benchmark can log in.
 */
import type { NodeConfig } from '../../cli/node.js';

export const BENCH_ADMIN_PASSWORD = 'bench lantern river staple';

export function loopbackNodeConfig(dataDir: string, more: Partial<NodeConfig> = {}): NodeConfig {
  return {
    dataDir,
    httpHost: '127.0.0.1',
    httpPort: 0,
    jt808Host: '127.0.0.1',
    jt808Port: 0,
    jt809Host: '127.0.0.1',
    jt809Port: 0,
    jt1078Host: '127.0.0.1',
    jt1078LivePort: 0,
    jt1078PlaybackPort: 0,
    attachmentPort: 0,
    adminPassword: BENCH_ADMIN_PASSWORD,
    logPartitions: 8,
    requireTerminalAuth: true,
    ...more,
  };
}
