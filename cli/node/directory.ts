/**
 * The node's directory step: the org units seeded from the province's divisions, the org tree every scope check
 * reads, the accounts (with the province admin) and the vehicle registry. Nothing here holds a handle of its own:
 * all of it lives in the operational store, which its own step closes.
 */
import type { Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import {
  Accounts,
  ACCOUNTS_DEFAULTS,
  OrgDirectory,
  RegistryStore,
  seedOrgUnits,
  type ProvinceSetting,
} from '../../center/index.js';
import type { NodeConfig } from './node-config.js';
import type { Started } from './node-parts.js';

export interface Directory {
  org: OrgDirectory;
  /** Whether a caller scoped to `scope` may see what is stamped `code` (the 省直管县 policy included). */
  sees: (scope: string, code: string) => boolean;
  accounts: Accounts;
  registry: RegistryStore;
  /** The admin password made up on the first start (shown once), null when configured or already set. */
  generatedAdminPassword: string | null;
}

export async function startDirectory(
  config: NodeConfig,
  province: ProvinceSetting,
  sql: Sql,
  logger: Logger,
): Promise<Started<Directory>> {
  const seeded = await seedOrgUnits(sql);
  if (seeded > 0) logger.info('org units seeded', { count: seeded });
  // One org tree for the feed, the vehicle routes and the centres: who sees what follows the 省直管县 policy.
  const org = await OrgDirectory.load(sql);
  const accounts = new Accounts(sql, {
    ...ACCOUNTS_DEFAULTS,
    passwords: config.passwords ?? ACCOUNTS_DEFAULTS.passwords,
    throttle: config.loginThrottle ?? ACCOUNTS_DEFAULTS.throttle,
  });
  const generatedAdminPassword = await accounts.ensureAdmin(province.code, config.adminPassword);
  const registry = await RegistryStore.open(sql);
  return {
    value: {
      org,
      sees: (scope, code) => org.sees(scope, code),
      accounts,
      registry,
      generatedAdminPassword,
    },
  };
}
