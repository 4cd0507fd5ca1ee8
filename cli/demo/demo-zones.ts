/**
 * The sample's restricted zones (its manifest's `zones`: dangerous-goods no-go circles around six city
 * districts) loaded into the rules configuration as a new version, through `PUT /api/rules` in the name of
 * the province admin, as an operator would: the geofence rule then sees them, they are listed wherever the
 * configuration's zones are, and the change is audited. A configuration that already holds them (a demo
 * restarted on the same data dir) is left alone, and so are zones an operator added.
 */
import { Accounts } from '../../center/index.js';
import { provinceCode, type Logger } from '../../schema/index.js';
import type { Sql } from '../../store/index.js';
import { circleOutline } from '../../stream/index.js';
import type { GeneratedZone } from '../../fixtures/generator/index.js';

const PEER = 'vigil start --demo';
/** Vertices of each circle's outline: a 3 km circle drawn within ~20 m. */
const OUTLINE_POINTS = 48;

interface RulesAnswer {
  version: number;
  config: { zones: { id: string }[] } & Record<string, unknown>;
}

/** Adds the zones the configuration lacks (the sample's, then `extra` as given); returns the version. */
export async function loadDemoZones(
  zones: readonly GeneratedZone[],
  http: { url: string; sql: Sql },
  logger: Logger,
  extra: readonly { id: string }[] = [],
): Promise<number> {
  const accounts = new Accounts(http.sql);
  const province = provinceCode();
  const admins = await http.sql.query<{ id: number; username: string }>(
    "SELECT id, username FROM users WHERE role = 'admin' AND org_code = $1 AND NOT disabled ORDER BY id LIMIT 1",
    [province],
  );
  if (admins.length === 0) throw new Error(`no enabled province admin of ${province} to load the demo's zones`);
  const principal = {
    userId: Number(admins[0].id),
    username: admins[0].username,
    role: 'admin' as const,
    orgCode: province,
    enterpriseId: null,
  };
  const { token } = await accounts.issueToken(principal, PEER);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  try {
    const current = await call<RulesAnswer>(`${http.url}/api/rules`, { headers });
    const have = new Set(current.config.zones.map((z) => z.id));
    const missing = zones.filter((z) => !have.has(z.zone_id));
    const extraMissing = extra.filter((z) => !have.has(z.id));
    if (missing.length === 0 && extraMissing.length === 0) return current.version;
    const config = {
      engine: current.config.engine,
      rules: current.config.rules,
      cities: current.config.cities,
      zones: [
        ...current.config.zones,
        ...missing.map((z) => ({
          id: z.zone_id,
          name: z.name,
          kind: 'restricted',
          polygon: circleOutline(z.lon, z.lat, z.radius_m, OUTLINE_POINTS),
          classes: ['dangerous_goods'],
        })),
        ...extraMissing,
      ],
    };
    const saved = await call<{ version: number }>(`${http.url}/api/rules`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        config,
        comment: `演示：${missing.length} 个危险品禁行区 / demo: ${missing.length} dangerous-goods restricted zones`,
      }),
    });
    logger.info('demo zones loaded into the rules configuration', {
      version: saved.version,
      zones: [...missing.map((z) => z.zone_id), ...extraMissing.map((z) => z.id)],
    });
    return saved.version;
  } finally {
    await call(`${http.url}/api/auth/logout`, { method: 'POST', headers }).catch(() => undefined);
  }
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
