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

/** A bearer token of the node's province admin. */
export async function adminToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A source key of `kind` bound to `orgCode`, issued by the admin whose token this is. */
export async function issueSourceKey(baseUrl: string, token: string, kind: string, orgCode: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/sources/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind, org_code: orgCode, name: `bench ${kind}` }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`key not issued: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}
