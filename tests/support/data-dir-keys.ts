/**
 * A source key issued into a data directory before any node has started on it, for the tests of a node that is
 * configured with a key at start-up (`--gtfs-rt-key`, `--ais-key`): the node refuses a key it does not know, so the
 * key must be in its operational store first. Issuing it through a node of its own (start, log in, issue, stop)
 * cost a whole node start per file; here the operational store is opened and seeded as a first start does (the org
 * units, the province admin with the password the tests start nodes with) and the key is issued by the product's own
 * `SourceKeys.issue`, in the admin's name, audit entry included. The HTTP route that issues keys is tested by the
 * ingestion tests.
 */
import { Accounts, ACCOUNTS_DEFAULTS, SourceKeys, seedOrgUnits } from '../../center/index.js';
import { HENAN_PROVINCE_CODE, silentLogger } from '../../schema/index.js';
import { openOperational } from '../../store/index.js';
import type { IssuedKey } from './ingest-client.js';
import { ADMIN_PASSWORD } from './vigil-process.js';
import { nodeOperationalTarget } from './test-postgres.js';

export async function issueKeyInDataDir(
  dataDir: string,
  kind: string,
  orgCode: string,
  name: string,
): Promise<IssuedKey> {
  const sql = await openOperational(await nodeOperationalTarget(dataDir));
  try {
    await seedOrgUnits(sql);
    await new Accounts(sql, ACCOUNTS_DEFAULTS).ensureAdmin(HENAN_PROVINCE_CODE, ADMIN_PASSWORD);
    const [admin] = await sql.query<{ id: number }>("SELECT id FROM users WHERE username = 'admin'");
    const keys = new SourceKeys(sql, silentLogger);
    try {
      const issued = await keys.issue(
        {
          userId: Number(admin.id),
          username: 'admin',
          role: 'admin',
          orgCode: HENAN_PROVINCE_CODE,
          enterpriseId: null,
        },
        { kind, org_code: orgCode, name },
        'test set-up',
      );
      return { id: issued.id, key: issued.key };
    } finally {
      await keys.close();
    }
  } finally {
    await sql.close();
  }
}
