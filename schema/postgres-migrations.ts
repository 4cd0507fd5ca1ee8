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
  {
    id: 3,
    name: 'login throttling: failures per account and per address, addresses each account logged in from',
    sql: `
      -- One row per count: an account name (known or not), an address, or an account from one of its known
      -- addresses; realm separates the doors (user logins, JT/T 809 platforms). Kept here, not in memory, so a
      -- restart or a second node does not reset an attack's back-off.
      CREATE TABLE login_throttle (
        realm text NOT NULL,
        scope text NOT NULL CHECK (scope IN ('account', 'address', 'account_address')),
        account text NOT NULL,
        address text NOT NULL,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (realm, scope, account, address)
      );
      CREATE INDEX login_throttle_last_failure ON login_throttle(realm, last_failure_at);
      CREATE TABLE login_known_addresses (
        realm text NOT NULL,
        account text NOT NULL,
        address text NOT NULL,
        last_login_at timestamptz NOT NULL,
        PRIMARY KEY (realm, account, address)
      );
    `,
  },
  // Ids 10–19: the command centres (departments, enterprises, alarm handling, work orders).
  {
    id: 10,
    name: 'command centre: departments, enterprise vehicles, versioned configuration, session ids',
    sql: `
      ALTER TABLE sessions ADD COLUMN id bigserial UNIQUE;
      CREATE TABLE departments (
        org_code text NOT NULL REFERENCES org_units(code),
        code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_code, code)
      );
      -- Plates bound to an enterprise by the centres themselves (the registry's vehicles table is the other
      -- source); enterprises live in the registry's table (migration 21).
      CREATE TABLE enterprise_vehicles (
        plate text PRIMARY KEY,
        enterprise_id text NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now()
      );
      -- Configuration is data: every change is a new version, the highest version of a key is in force.
      CREATE TABLE center_config (
        key text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        value jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text NOT NULL,
        PRIMARY KEY (key, version)
      );
    `,
  },
  {
    id: 11,
    name: 'command centre: alarm handling and work orders',
    sql: `
      CREATE TABLE alarm_cases (
        alarm_id text PRIMARY KEY,
        rule text NOT NULL,
        severity text NOT NULL,
        version bigint NOT NULL,
        terminal_id text NOT NULL DEFAULT '',
        plate text NOT NULL DEFAULT '',
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        event_org_code text NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        late boolean NOT NULL DEFAULT false,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        org_code text NOT NULL REFERENCES org_units(code),
        department text NOT NULL,
        enterprise_id text,
        config_version integer NOT NULL DEFAULT 0,
        state text NOT NULL CHECK (state IN ('new', 'acknowledged', 'dispatched', 'dismissed', 'closed')),
        acknowledged_by bigint REFERENCES users(id),
        acknowledged_by_name text,
        acknowledged_at timestamptz,
        dismiss_reason text,
        work_order_id bigint,
        escalated_to text REFERENCES org_units(code),
        escalation_level integer NOT NULL DEFAULT 0,
        escalated_at timestamptz,
        received_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX alarm_cases_queue ON alarm_cases(org_code, state, received_at);
      CREATE INDEX alarm_cases_new ON alarm_cases(received_at) WHERE state = 'new';
      CREATE INDEX alarm_cases_enterprise ON alarm_cases(enterprise_id) WHERE enterprise_id IS NOT NULL;
      CREATE TABLE alarm_actions (
        id bigserial PRIMARY KEY,
        alarm_id text NOT NULL REFERENCES alarm_cases(alarm_id),
        action text NOT NULL,
        from_state text NOT NULL DEFAULT '',
        to_state text NOT NULL,
        actor_id bigint REFERENCES users(id),
        actor text NOT NULL,
        org_code text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        at timestamptz NOT NULL,
        peer text NOT NULL DEFAULT '',
        mirrored boolean NOT NULL DEFAULT false
      );
      CREATE INDEX alarm_actions_alarm ON alarm_actions(alarm_id, id);
      CREATE INDEX alarm_actions_unmirrored ON alarm_actions(id) WHERE NOT mirrored;
      CREATE TABLE work_orders (
        id bigserial PRIMARY KEY,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        source text NOT NULL CHECK (source IN ('alarm', 'top_down')),
        alarm_id text REFERENCES alarm_cases(alarm_id),
        category text NOT NULL,
        severity text NOT NULL,
        issuer_org text NOT NULL REFERENCES org_units(code),
        issued_by bigint REFERENCES users(id),
        org_code text NOT NULL REFERENCES org_units(code),
        department text NOT NULL,
        enterprise_id text,
        state text NOT NULL CHECK (state IN ('issued', 'signed', 'in_progress', 'feedback_submitted', 'accepted', 'returned')),
        signed_by bigint REFERENCES users(id),
        signed_at timestamptz,
        enterprise_claimed_at timestamptz,
        deadline_at timestamptz NOT NULL,
        overdue boolean NOT NULL DEFAULT false,
        escalated_to text REFERENCES org_units(code),
        escalated_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz
      );
      -- One order per alarm: an automatic order and an officer's cannot both be made from the same alarm.
      CREATE UNIQUE INDEX work_orders_one_per_alarm ON work_orders(alarm_id) WHERE alarm_id IS NOT NULL;
      CREATE INDEX work_orders_assignee ON work_orders(org_code, state);
      CREATE INDEX work_orders_open_deadline ON work_orders(deadline_at) WHERE state <> 'accepted' AND NOT overdue;
      CREATE INDEX work_orders_enterprise ON work_orders(enterprise_id) WHERE enterprise_id IS NOT NULL;
      CREATE TABLE work_order_attachments (
        id bigserial PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES work_orders(id),
        name text NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL,
        sha256 text NOT NULL,
        content bytea NOT NULL,
        uploaded_by bigint REFERENCES users(id),
        at timestamptz NOT NULL
      );
      CREATE INDEX work_order_attachments_order ON work_order_attachments(order_id);
      CREATE TABLE work_order_events (
        id bigserial PRIMARY KEY,
        order_id bigint NOT NULL REFERENCES work_orders(id),
        kind text NOT NULL,
        from_state text NOT NULL DEFAULT '',
        to_state text NOT NULL,
        actor_id bigint REFERENCES users(id),
        actor text NOT NULL,
        actor_org text NOT NULL,
        text text NOT NULL DEFAULT '',
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        at timestamptz NOT NULL,
        peer text NOT NULL DEFAULT '',
        mirrored boolean NOT NULL DEFAULT false
      );
      CREATE INDEX work_order_events_order ON work_order_events(order_id, id);
      CREATE INDEX work_order_events_unmirrored ON work_order_events(id) WHERE NOT mirrored;
    `,
  },
  {
    id: 12,
    name: 'command centre: indexes of the summary (alarms received today, open work orders)',
    sql: `
      -- Today's alarms of a subtree: one index range per unit, without reading earlier days.
      CREATE INDEX alarm_cases_org_received ON alarm_cases(org_code, received_at);
      CREATE INDEX alarm_cases_enterprise_received ON alarm_cases(enterprise_id, received_at) WHERE enterprise_id IS NOT NULL;
      -- Open orders only: accepted ones, the bulk of the history, stay out of the index.
      CREATE INDEX work_orders_open ON work_orders(org_code, deadline_at) WHERE state <> 'accepted';
    `,
  },
  {
    id: 20,
    name: 'source API keys',
    sql: `
      CREATE TABLE source_keys (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('anpr', 'wim', 'gantry', 'device_status', 'registry')),
        org_code text NOT NULL REFERENCES org_units(code),
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_by bigint REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        requests_count bigint NOT NULL DEFAULT 0,
        records_count bigint NOT NULL DEFAULT 0,
        last_seen_at timestamptz,
        last_peer text NOT NULL DEFAULT ''
      );
    `,
  },
  {
    id: 21,
    name: 'vehicle, enterprise and driver registry',
    sql: `
      CREATE TABLE enterprises (
        id text PRIMARY KEY,
        name text NOT NULL,
        org_code text NOT NULL,
        business_scope text NOT NULL DEFAULT '',
        licence_no text NOT NULL DEFAULT '',
        source text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE vehicles (
        plate text NOT NULL,
        plate_color smallint NOT NULL,
        vehicle_class text NOT NULL CHECK (vehicle_class IN ('coach', 'dangerous_goods', 'heavy_truck', 'tractor', 'bus', 'taxi', 'other')),
        axles smallint NOT NULL DEFAULT 0,
        enterprise_id text NOT NULL DEFAULT '',
        terminal_id text NOT NULL DEFAULT '',
        permit_valid_until timestamptz,
        route_length_km real NOT NULL DEFAULT 0,
        home_org_code text NOT NULL DEFAULT '',
        source text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (plate, plate_color)
      );
      CREATE INDEX vehicles_terminal ON vehicles(terminal_id) WHERE terminal_id <> '';
      CREATE INDEX vehicles_enterprise ON vehicles(enterprise_id);
      CREATE TABLE drivers (
        id text PRIMARY KEY,
        name text NOT NULL,
        enterprise_id text NOT NULL DEFAULT '',
        plate text NOT NULL DEFAULT '',
        qualification_valid_until timestamptz,
        source text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX drivers_enterprise ON drivers(enterprise_id);
    `,
  },
  {
    id: 22,
    name: 'JT/T 809 lower-platform accounts',
    sql: `
      CREATE TABLE jt809_platforms (
        access_code bigint PRIMARY KEY CHECK (access_code BETWEEN 0 AND 4294967295),
        user_id bigint NOT NULL CHECK (user_id BETWEEN 0 AND 4294967295),
        password_hash text NOT NULL,
        name text NOT NULL,
        org_code text NOT NULL REFERENCES org_units(code),
        m1 bigint NOT NULL DEFAULT 0,
        ia1 bigint NOT NULL DEFAULT 0,
        ic1 bigint NOT NULL DEFAULT 0,
        created_by bigint REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        last_login_at timestamptz,
        last_peer text NOT NULL DEFAULT ''
      );
    `,
  },
  {
    id: 23,
    name: 'JT/T 809 inspections and alarm supervisions sent to lower platforms',
    sql: `
      CREATE TABLE jt809_inspections (
        id bigserial PRIMARY KEY,
        access_code bigint NOT NULL REFERENCES jt809_platforms(access_code),
        info_id bigint NOT NULL CHECK (info_id BETWEEN 0 AND 4294967295),
        object_type smallint NOT NULL,
        object_id text NOT NULL DEFAULT '',
        question text NOT NULL,
        sent_by bigint REFERENCES users(id),
        sent_by_name text NOT NULL,
        sent_at timestamptz NOT NULL,
        sent_link text NOT NULL,
        deadline_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('sent', 'answered', 'unanswered')),
        answered_at timestamptz,
        answer text,
        answered_by text,
        UNIQUE (access_code, info_id)
      );
      CREATE INDEX jt809_inspections_open ON jt809_inspections(deadline_at) WHERE status = 'sent';
      CREATE TABLE jt809_supervisions (
        id bigserial PRIMARY KEY,
        access_code bigint NOT NULL REFERENCES jt809_platforms(access_code),
        supervision_id bigint NOT NULL CHECK (supervision_id BETWEEN 0 AND 4294967295),
        alarm_id text,
        plate text NOT NULL,
        plate_color smallint NOT NULL,
        warn_src smallint NOT NULL,
        warn_type integer NOT NULL,
        warn_time timestamptz NOT NULL,
        level smallint NOT NULL CHECK (level IN (0, 1)),
        supervisor text NOT NULL,
        supervisor_tel text NOT NULL DEFAULT '',
        supervisor_email text NOT NULL DEFAULT '',
        sent_by bigint REFERENCES users(id),
        sent_at timestamptz NOT NULL,
        sent_link text NOT NULL,
        deadline_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('sent', 'answered', 'overdue')),
        result smallint,
        answered_at timestamptz,
        UNIQUE (access_code, supervision_id)
      );
      CREATE INDEX jt809_supervisions_open ON jt809_supervisions(deadline_at) WHERE status = 'sent';
      CREATE INDEX jt809_supervisions_alarm ON jt809_supervisions(alarm_id) WHERE alarm_id IS NOT NULL;
    `,
  },
  {
    id: 24,
    name: 'command centre: 7×24 duty (shifts, sign-in, handovers, duty log, inspections of lower centres) and work orders per unit and day',
    sql: `
      CREATE INDEX work_orders_org_created ON work_orders(org_code, created_at);
      -- A shift of a centre's post ('' = the centre's own desk) or of one of its departments.
      CREATE TABLE duty_shifts (
        id bigserial PRIMARY KEY,
        org_code text NOT NULL REFERENCES org_units(code),
        department text NOT NULL DEFAULT '',
        name text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
        created_by bigint REFERENCES users(id),
        created_at timestamptz NOT NULL,
        UNIQUE (org_code, department, starts_at)
      );
      CREATE INDEX duty_shifts_unit_end ON duty_shifts(org_code, ends_at);
      CREATE TABLE duty_assignments (
        shift_id bigint NOT NULL REFERENCES duty_shifts(id),
        user_id bigint NOT NULL REFERENCES users(id),
        post text NOT NULL CHECK (post IN ('officer', 'leader')),
        signed_in_at timestamptz,
        PRIMARY KEY (shift_id, user_id)
      );
      CREATE TABLE duty_handovers (
        id bigserial PRIMARY KEY,
        org_code text NOT NULL REFERENCES org_units(code),
        department text NOT NULL DEFAULT '',
        from_shift_id bigint NOT NULL UNIQUE REFERENCES duty_shifts(id),
        to_shift_id bigint REFERENCES duty_shifts(id),
        handed_by bigint NOT NULL REFERENCES users(id),
        handed_by_name text NOT NULL,
        handed_at timestamptz NOT NULL,
        notes text NOT NULL DEFAULT '',
        open_alarms jsonb NOT NULL,
        open_orders jsonb NOT NULL,
        acknowledged_by bigint REFERENCES users(id),
        acknowledged_by_name text,
        acknowledged_at timestamptz,
        acknowledgement text NOT NULL DEFAULT ''
      );
      CREATE INDEX duty_handovers_unit ON duty_handovers(org_code, handed_at);
      -- What a centre's duty did, besides the alarm and order steps it took (those stay in their own tables).
      CREATE TABLE duty_log (
        id bigserial PRIMARY KEY,
        org_code text NOT NULL REFERENCES org_units(code),
        department text NOT NULL DEFAULT '',
        shift_id bigint REFERENCES duty_shifts(id),
        at timestamptz NOT NULL,
        actor_id bigint REFERENCES users(id),
        actor text NOT NULL,
        kind text NOT NULL,
        text text NOT NULL DEFAULT '',
        ref text NOT NULL DEFAULT ''
      );
      CREATE INDEX duty_log_unit_at ON duty_log(org_code, at);
      -- 查岗 inside the platform: a higher centre asks a lower centre's duty post to answer within a deadline.
      CREATE TABLE duty_inspections (
        id bigserial PRIMARY KEY,
        from_org text NOT NULL REFERENCES org_units(code),
        to_org text NOT NULL REFERENCES org_units(code),
        mode text NOT NULL CHECK (mode IN ('random', 'targeted')),
        question text NOT NULL,
        sent_by bigint REFERENCES users(id),
        sent_by_name text NOT NULL,
        sent_at timestamptz NOT NULL,
        deadline_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('sent', 'answered', 'missed')),
        answered_by bigint REFERENCES users(id),
        answered_by_name text,
        answered_at timestamptz,
        answer text
      );
      CREATE INDEX duty_inspections_to ON duty_inspections(to_org, sent_at);
      CREATE INDEX duty_inspections_from ON duty_inspections(from_org, sent_at);
      CREATE INDEX duty_inspections_open ON duty_inspections(deadline_at) WHERE status = 'sent';
    `,
  },
  {
    id: 25,
    name: "vehicles: driven axles, for GB 1589's 46 t limit of a six-axle combination whose tractor has one drive axle",
    sql: `
      ALTER TABLE vehicles ADD COLUMN drive_axles smallint NOT NULL DEFAULT 0 CHECK (drive_axles BETWEEN 0 AND 4);
    `,
  },
  {
    id: 26,
    name: "jt809_upper_requests: the upper platform's 查岗 and 督办 to Vigil, and the duty console's answers",
    sql: `
      CREATE TABLE jt809_upper_requests (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('inspection', 'supervision')),
        upper text NOT NULL,
        request_id bigint NOT NULL,
        received_at timestamptz NOT NULL,
        object_type smallint,
        object_id text,
        question text,
        plate text,
        plate_color smallint,
        warn_type integer,
        warn_time timestamptz,
        deadline_at timestamptz,
        level smallint,
        supervisor text,
        supervisor_tel text,
        supervisor_email text,
        answer text,
        result smallint,
        answered_by text,
        answered_at timestamptz,
        UNIQUE (kind, upper, request_id)
      );
      CREATE INDEX jt809_upper_requests_received ON jt809_upper_requests(received_at);
    `,
  },
  {
    id: 27,
    name: 'assessment circulars archive',
    sql: `
      -- Each generated 通报 with what it was made from (the ranking: period, scope, figures, scores, lists and the
      -- configuration versions) and its files byte for byte, so a download years later is the document signed.
      CREATE TABLE assessment_circulars (
        id bigserial PRIMARY KEY,
        org_code text NOT NULL REFERENCES org_units(code),
        title text NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL,
        level text NOT NULL,
        config_versions jsonb NOT NULL,
        inputs jsonb NOT NULL,
        files jsonb NOT NULL,
        pdf bytea NOT NULL,
        docx bytea NOT NULL,
        xlsx bytea NOT NULL,
        created_by bigint REFERENCES users(id),
        created_by_name text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX assessment_circulars_unit ON assessment_circulars(org_code, created_at);
    `,
  },
  {
    id: 28,
    name: 'credit: daily enterprise grades and driver points with history',
    sql: `
      -- One row per enterprise per Beijing day graded, with the facts it came from and the model version, so a
      -- grade's history can be read and any day redone by hand (docs/credit.md).
      CREATE TABLE credit_enterprise_days (
        day date NOT NULL,
        enterprise_id text NOT NULL,
        name text NOT NULL,
        org_code text NOT NULL,
        score double precision NOT NULL,
        grade text NOT NULL,
        facts jsonb NOT NULL,
        config_version integer NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (day, enterprise_id)
      );
      CREATE INDEX credit_enterprise_days_enterprise ON credit_enterprise_days(enterprise_id, day);
      -- Drivers with points in their cycle on that day (a driver without a row has 0).
      CREATE TABLE credit_driver_days (
        day date NOT NULL,
        certificate text NOT NULL,
        name text NOT NULL,
        enterprise_id text NOT NULL DEFAULT '',
        org_code text NOT NULL,
        cycle_start date NOT NULL,
        points double precision NOT NULL,
        violations jsonb NOT NULL,
        config_version integer NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (day, certificate)
      );
      CREATE INDEX credit_driver_days_driver ON credit_driver_days(certificate, day);
      -- Which days the daily run has finished: a day with no enterprise is still done.
      CREATE TABLE credit_runs (
        day date PRIMARY KEY,
        config_version integer NOT NULL,
        enterprises integer NOT NULL,
        drivers integer NOT NULL,
        warnings integer NOT NULL,
        computed_at timestamptz NOT NULL
      );
    `,
  },
  {
    id: 29,
    name: 'source keys for toll transactions, traffic counts, rail passenger flows and AIS',
    sql: `
      -- The kinds a key may be bound to grow with the sources Vigil takes (docs/sources/); the check is replaced
      -- whole, as PostgreSQL cannot widen a CHECK in place.
      ALTER TABLE source_keys DROP CONSTRAINT source_keys_kind_check;
      ALTER TABLE source_keys ADD CONSTRAINT source_keys_kind_check
        CHECK (kind IN ('anpr', 'wim', 'gantry', 'device_status', 'registry', 'toll', 'traffic_count', 'rail_flow', 'ais'));
    `,
  },
  {
    id: 30,
    name: 'uploads of source files by units',
    sql: `
      -- A CSV or XLSX file a unit's administrator or an enterprise uploaded from the console: what it held (by its
      -- SHA-256), what was accepted, and every refused row with its reason and original values (the downloadable
      -- error report). The same file of the same kind uploaded again by the same unit (enterprise) is answered from
      -- here and applies nothing a second time. A row stays 'applying' only while its records are being written.
      CREATE TABLE uploads (
        id bigserial PRIMARY KEY,
        org_code text NOT NULL REFERENCES org_units(code),
        enterprise_id text NOT NULL DEFAULT '',
        kind text NOT NULL,
        file_name text NOT NULL,
        sha256 text NOT NULL,
        bytes integer NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
        state text NOT NULL DEFAULT 'applying' CHECK (state IN ('applying', 'done')),
        records integer NOT NULL DEFAULT 0,
        accepted integer NOT NULL DEFAULT 0,
        duplicates integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        columns jsonb NOT NULL DEFAULT '[]',
        errors jsonb NOT NULL DEFAULT '[]',
        uploaded_by bigint REFERENCES users(id),
        uploaded_by_name text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (org_code, enterprise_id, kind, sha256)
      );
      CREATE INDEX uploads_unit ON uploads(org_code, uploaded_at);
    `,
  },
  {
    id: 31,
    name: 'rules snapshots shared by the stream workers of a cluster',
    sql: `
      -- On Kafka with separate stream workers, the rules' snapshot lives here rather than in one worker's data
      -- dir, so the worker that takes the rules over after a crash restores what the one that died last wrote.
      CREATE TABLE rules_snapshots (
        name text PRIMARY KEY,
        taken_at timestamptz NOT NULL,
        body text NOT NULL
      );
    `,
  },
  {
    id: 32,
    name: "jt809_upper_requests: the upper platform's alarm notices (0x9402 报警预警, 0x9403 实时交换报警信息)",
    sql: `
      -- A notice is kept beside the 查岗 and 督办 the upper platform sends, shown to the province's duty officers
      -- and marked read by one of them; JT/T 809 takes no answer to it. Its request_id is derived from its content
      -- (the message carries no id), so the same notice sent twice is kept once.
      ALTER TABLE jt809_upper_requests DROP CONSTRAINT jt809_upper_requests_kind_check;
      ALTER TABLE jt809_upper_requests
        ADD CONSTRAINT jt809_upper_requests_kind_check CHECK (kind IN ('inspection', 'supervision', 'warning'));
      ALTER TABLE jt809_upper_requests ADD COLUMN warn_src smallint;
      ALTER TABLE jt809_upper_requests ADD COLUMN notice_kind text;
    `,
  },
  {
    id: 33,
    name: 'source keys for GTFS-Realtime and GTFS static feeds of city buses',
    sql: `
      ALTER TABLE source_keys DROP CONSTRAINT source_keys_kind_check;
      ALTER TABLE source_keys ADD CONSTRAINT source_keys_kind_check
        CHECK (kind IN ('anpr', 'wim', 'gantry', 'device_status', 'registry', 'toll', 'traffic_count', 'rail_flow', 'ais',
                        'gtfs_rt', 'gtfs_static'));
    `,
  },
  {
    id: 34,
    name: 'credit grades of lower platforms and their scheduled 查岗 by grade',
    sql: `
      -- A JT/T 809 lower platform's grade per Beijing day, from its 考核 score over the credit model's
      -- platform_window_days (score and grade null when it had no figure in the window), with the figures and the
      -- versions it came from.
      CREATE TABLE credit_platform_days (
        day date NOT NULL,
        access_code bigint NOT NULL,
        name text NOT NULL,
        org_code text NOT NULL,
        score double precision,
        grade text,
        figures jsonb NOT NULL,
        config_version integer NOT NULL,
        scoring_version integer NOT NULL,
        computed_at timestamptz NOT NULL,
        PRIMARY KEY (day, access_code)
      );
      CREATE INDEX credit_platform_days_platform ON credit_platform_days(access_code, day);
      -- One row per scheduled 查岗 sent: the slot it was due in (its key, so a slot is never inspected twice, by a
      -- restarted node or a second one) and the grade and interval that set the slot.
      CREATE TABLE jt809_scheduled_inspections (
        access_code bigint NOT NULL REFERENCES jt809_platforms(access_code),
        slot_start timestamptz NOT NULL,
        interval_hours integer NOT NULL,
        grade text,
        due_at timestamptz NOT NULL,
        inspection_id bigint NOT NULL REFERENCES jt809_inspections(id),
        config_version integer NOT NULL,
        PRIMARY KEY (access_code, slot_start)
      );
    `,
  },
  {
    id: 35,
    name: 'taxi and ride-hailing permits, market-supervision registrations, and their source keys',
    sql: `
      ALTER TABLE source_keys DROP CONSTRAINT source_keys_kind_check;
      ALTER TABLE source_keys ADD CONSTRAINT source_keys_kind_check
        CHECK (kind IN ('anpr', 'wim', 'gantry', 'device_status', 'registry', 'toll', 'traffic_count', 'rail_flow', 'ais',
                        'gtfs_rt', 'gtfs_static', 'taxi_position', 'taxi_order', 'taxi_permit', 'market_registration'));
      -- Vehicle transport permits (车辆运输证, subject = plate) and driver permits (驾驶员证, subject = the driver's
      -- licence number) of taxis and ride-hailing: what the taxi_permit rule checks each order against. The unit of
      -- a permit is the division of the authority that issued it.
      CREATE TABLE taxi_permits (
        permit_type text NOT NULL CHECK (permit_type IN ('vehicle', 'driver')),
        subject text NOT NULL,
        service text NOT NULL CHECK (service IN ('taxi', 'ride_hailing')),
        permit_no text NOT NULL,
        company_id text NOT NULL DEFAULT '',
        name text NOT NULL DEFAULT '',
        valid_from timestamptz,
        valid_until timestamptz,
        status text NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
        org_code text NOT NULL,
        source text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (permit_type, subject)
      );
      -- Market supervision's register of enterprises (企业登记), by credit code. Kept beside enterprises rather than
      -- written into it: the transport department owns the enterprise's name, unit, scope and licence there, and a
      -- registration may arrive before (or without) the enterprise's transport record. Readers join on
      -- enterprises.id = credit_code.
      CREATE TABLE market_registrations (
        credit_code text PRIMARY KEY,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'revoked', 'cancelled', 'moved_out', 'other')),
        status_text text NOT NULL DEFAULT '',
        legal_representative text NOT NULL DEFAULT '',
        business_scope text NOT NULL DEFAULT '',
        licence_numbers jsonb NOT NULL DEFAULT '[]',
        established_on timestamptz,
        status_changed_on timestamptz,
        authority text NOT NULL DEFAULT '',
        org_code text NOT NULL,
        source text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: 36,
    name: 'scheduled weekly and monthly 通报 and statistics reports in the archive',
    sql: `
      -- The archive keeps statistics reports (an XLSX alone) beside the 通报, and marks what the node generated on its
      -- schedule with the schedule; a manual document has none.
      ALTER TABLE assessment_circulars ADD COLUMN kind text NOT NULL DEFAULT 'circular'
        CHECK (kind IN ('circular', 'report'));
      ALTER TABLE assessment_circulars ADD COLUMN schedule text CHECK (schedule IN ('weekly', 'monthly'));
      ALTER TABLE assessment_circulars ALTER COLUMN pdf DROP NOT NULL;
      ALTER TABLE assessment_circulars ALTER COLUMN docx DROP NOT NULL;
      -- The claim: one scheduled document per kind, schedule, unit, level and period in the cluster. The node that
      -- archives inserts under it; a second scheduler (a restart, another centre node) finds the period taken.
      CREATE UNIQUE INDEX assessment_circulars_scheduled
        ON assessment_circulars(kind, schedule, org_code, level, period_from) WHERE schedule IS NOT NULL;
      -- When each scheduled document was first switched on: periods that ended before it are never generated, so a
      -- node starting (or a schedule switched on) does not write the history it has no part in.
      CREATE TABLE document_schedules (
        document text PRIMARY KEY,
        since timestamptz NOT NULL
      );
    `,
  },
  {
    id: 37,
    name: 'rules_snapshot_parts: the rules snapshot in parts, the vehicles of each log partition in a row of their own',
    sql: `
      -- One text of all rule state ends near 925,000 vehicles (a JavaScript string's length): the snapshot is stored
      -- as its shared part ('engine') and one part per log partition ('vehicles/<p>'), replaced in one transaction.
      -- rules_snapshots is read once when no part exists yet (an upgrade), then emptied by the first write in parts.
      CREATE TABLE rules_snapshot_parts (
        name text NOT NULL,
        part text NOT NULL,
        taken_at timestamptz NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (name, part)
      );
    `,
  },
  {
    id: 38,
    name: 'the holder of each log partition whose rules the stream workers share',
    sql: `
      -- With the rules shared by partition, the worker that takes a partition writes its claim here before it
      -- restores the partition's snapshot, and a snapshot is written only by the claim's holder: a worker the group
      -- dropped while it was alive cannot replace the snapshot of the worker that took the partition over.
      CREATE TABLE rules_snapshot_holders (
        name text PRIMARY KEY,
        holder text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    id: 39,
    name: 'alarm_cases.acknowledged_by_display: the name the consoles show for whoever took the alarm',
    sql: `
      -- acknowledged_by_name keeps the username (the console compares it with its own user's to know "mine"); the
      -- display name is kept beside it as it was when the alarm was taken, so a queue row does not need a join.
      ALTER TABLE alarm_cases ADD COLUMN acknowledged_by_display text;
      UPDATE alarm_cases AS a SET acknowledged_by_display = COALESCE(NULLIF(u.display_name, ''), u.username)
        FROM users AS u WHERE u.id = a.acknowledged_by;
    `,
  },
];
