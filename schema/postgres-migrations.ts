/**
 * PostgreSQL migrations of the operational store (accounts, org units, audit, alarm handling). Applied in
 * order, each once, recorded in `schema_migrations`; a migration is never edited after it has shipped.
 */
export interface PostgresMigration {
  id: number;
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    id: 1,
    name: 'org units, users, sessions, audit',
    sql: `
      CREATE TABLE org_units (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
        name text NOT NULL,
        level text NOT NULL CHECK (level IN ('province', 'city', 'county')),
        parent_code text REFERENCES org_units(code),
        directly_administered boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE users (
        id bigserial PRIMARY KEY,
        username text NOT NULL UNIQUE,
        display_name text NOT NULL DEFAULT '',
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'leader', 'dispatcher', 'duty_officer', 'analyst', 'enterprise', 'wall')),
        org_code text NOT NULL REFERENCES org_units(code),
        enterprise_id text,
        disabled boolean NOT NULL DEFAULT false,
        created_by bigint REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        peer text NOT NULL DEFAULT ''
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_id bigint REFERENCES users(id),
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL DEFAULT '',
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        peer text NOT NULL DEFAULT ''
      );
      -- The audit log is append-only: the database itself refuses updates and deletes.
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    `,
  },
  {
    id: 2,
    name: 'JT/T 808 terminals',
    sql: `
      CREATE TABLE terminals (
        phone text PRIMARY KEY CHECK (phone ~ '^[0-9]{1,20}$'),
        auth_code text NOT NULL,
        plate text NOT NULL DEFAULT '',
        plate_color smallint NOT NULL DEFAULT 0,
        maker text NOT NULL DEFAULT '',
        model text NOT NULL DEFAULT '',
        device_id text NOT NULL DEFAULT '',
        protocol_version integer NOT NULL DEFAULT 2013,
        registered_at timestamptz NOT NULL DEFAULT now(),
        unregistered_at timestamptz
      );
      CREATE INDEX terminals_plate ON terminals(plate);
    `,
  },
];
