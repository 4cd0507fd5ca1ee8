/** Small helpers for the ingestion tests: issue a source key as admin, post records with it. */
export interface IssuedKey {
  id: number;
  key: string;
}

export async function issueKey(
  baseUrl: string,
  adminToken: string,
  kind: string,
  orgCode = '410000',
  name = `test ${kind}`,
): Promise<IssuedKey> {
  const res = await fetch(`${baseUrl}/api/sources/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind, org_code: orgCode, name }),
  });
  if (res.status !== 201) throw new Error(`issuing a ${kind} key failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as IssuedKey;
}

export interface PostResult {
  status: number;
  body: {
    accepted?: number;
    duplicates?: number;
    rejected?: { index: number; reason: string; detail: string }[];
    error?: string;
    detail?: string;
  };
  headers: Headers;
}

export async function postRecords(
  baseUrl: string,
  kind: string,
  key: string | undefined,
  records: unknown[] | string,
  ndjson = false,
): Promise<PostResult> {
  const body =
    typeof records === 'string'
      ? records
      : ndjson
        ? records.map((r) => JSON.stringify(r)).join('\n')
        : JSON.stringify(records);
  const headers: Record<string, string> = { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' };
  if (key !== undefined) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${baseUrl}/api/ingest/${kind}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as PostResult['body'], headers: res.headers };
}
