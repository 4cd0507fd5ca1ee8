/**
 * The JT/T 808 terminal directory in PostgreSQL. Auth codes are stored, so a restart of Vigil does not force
 * every terminal of the province to register again; a terminal that registers again keeps its code.
 */
import { randomBytes } from 'node:crypto';
import type { Sql } from '../../store/index.js';
import { REGISTER_RESULT, type TerminalDirectory, type TerminalRegistration } from '../../ingest/index.js';

export class TerminalStore implements TerminalDirectory {
  /** phone → plate of authenticated terminals, to spare PostgreSQL a query per reconnect storm. */
  private readonly authCache = new Map<string, { code: string; plate: string }>();

  constructor(private readonly sql: Sql) {}

  async register(r: TerminalRegistration): Promise<{ result: number; authCode?: string }> {
    // A plate held by another registered terminal is refused, as the standard's result 1 says.
    const holder = await this.sql.query<{ phone: string }>(
      'SELECT phone FROM terminals WHERE plate = $1 AND plate <> $2 AND phone <> $3 AND unregistered_at IS NULL LIMIT 1',
      [r.plate, '', r.phone],
    );
    if (holder.length > 0) return { result: REGISTER_RESULT.vehicleTaken };
    const code = randomBytes(8).toString('hex');
    const rows = await this.sql.query<{ auth_code: string }>(
      `INSERT INTO terminals (phone, auth_code, plate, plate_color, maker, model, device_id, protocol_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (phone) DO UPDATE SET plate = EXCLUDED.plate, plate_color = EXCLUDED.plate_color, maker = EXCLUDED.maker,
         model = EXCLUDED.model, device_id = EXCLUDED.device_id, protocol_version = EXCLUDED.protocol_version,
         unregistered_at = NULL
       RETURNING auth_code`,
      [r.phone, code, r.plate, r.plateColor, r.maker, r.model, r.deviceId, r.version],
    );
    this.authCache.delete(r.phone);
    return { result: REGISTER_RESULT.ok, authCode: rows[0].auth_code };
  }

  async authenticate(phone: string, authCode: string): Promise<{ plate: string } | null> {
    const cached = this.authCache.get(phone);
    if (cached) return cached.code === authCode ? { plate: cached.plate } : null;
    const rows = await this.sql.query<{ auth_code: string; plate: string }>(
      'SELECT auth_code, plate FROM terminals WHERE phone = $1 AND unregistered_at IS NULL',
      [phone],
    );
    const row = rows[0];
    if (!row) return null;
    this.authCache.set(phone, { code: row.auth_code, plate: row.plate });
    return row.auth_code === authCode ? { plate: row.plate } : null;
  }

  async unregister(phone: string): Promise<void> {
    this.authCache.delete(phone);
    await this.sql.query('UPDATE terminals SET unregistered_at = now() WHERE phone = $1', [phone]);
  }

  /** Terminal phone numbers of a plate, for downlink commands addressed by plate. */
  async phonesOfPlate(plate: string): Promise<string[]> {
    return (
      await this.sql.query<{ phone: string }>(
        'SELECT phone FROM terminals WHERE plate = $1 AND unregistered_at IS NULL',
        [plate],
      )
    ).map((r) => r.phone);
  }
}
