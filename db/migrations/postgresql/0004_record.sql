-- Clinical record and security on PostgreSQL: group roles, users, care teams, break-glass,
-- session notes with addenda (row-level security; signed notes locked by trigger), the
-- hash-chained insert-only audit log, and the grants of every table to the clinic's roles.
-- Run by the database administrator (superuser, or owner of the database with CREATEROLE):
-- the SECURITY DEFINER functions below run with that role's rights.

-- Group roles are cluster-wide: create them once, tolerate other databases having done so.
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['vertebra_front_desk', 'vertebra_therapist', 'vertebra_owner'] LOOP
        BEGIN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END;
$$;

CREATE TABLE users (
    name                text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
    roles               text NOT NULL,
    password_hash       text NOT NULL,
    practitioner_id     bigint REFERENCES practitioners(id),
    break_glass_allowed boolean NOT NULL DEFAULT false,
    failed_attempts     integer NOT NULL DEFAULT 0,
    locked              boolean NOT NULL DEFAULT false,
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE security_settings (
    id                  integer PRIMARY KEY CHECK (id = 1),
    lockout_threshold   integer NOT NULL DEFAULT 5,
    idle_logoff_minutes integer NOT NULL DEFAULT 15,
    break_glass_minutes integer NOT NULL DEFAULT 60
);
INSERT INTO security_settings (id) VALUES (1);

CREATE TABLE care_team (
    patient_id bigint NOT NULL REFERENCES patients(id),
    user_name  text NOT NULL REFERENCES users(name),
    PRIMARY KEY (patient_id, user_name)
);

CREATE TABLE break_glass (
    id         bigserial PRIMARY KEY,
    user_name  text NOT NULL REFERENCES users(name),
    reason     text NOT NULL CHECK (length(btrim(reason)) > 0),
    patient_id bigint REFERENCES patients(id),
    started_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE session_notes (
    id             bigserial PRIMARY KEY,
    appointment_id bigint UNIQUE REFERENCES appointments(id),
    patient_id     bigint NOT NULL REFERENCES patients(id),
    author         text NOT NULL,
    module_id      text NOT NULL DEFAULT '',
    form_id        text NOT NULL DEFAULT '',
    body_text      text NOT NULL DEFAULT '',
    subjective     text NOT NULL DEFAULT '',
    objective      text NOT NULL DEFAULT '',
    assessment     text NOT NULL DEFAULT '',
    plan           text NOT NULL DEFAULT '',
    fields         text NOT NULL DEFAULT '{}',
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    signed_by      text,
    signed_at      timestamptz,
    content_hash   text,
    CHECK (status = 'draft' OR (signed_by IS NOT NULL AND signed_at IS NOT NULL
                                AND content_hash IS NOT NULL))
);
CREATE INDEX session_notes_by_patient ON session_notes (patient_id);
CREATE INDEX session_notes_unsigned ON session_notes (status, author);

CREATE TABLE note_addenda (
    id         bigserial PRIMARY KEY,
    note_id    bigint NOT NULL REFERENCES session_notes(id),
    author     text NOT NULL,
    created_at timestamptz NOT NULL,
    reason     text NOT NULL CHECK (length(btrim(reason)) > 0),
    body_text  text NOT NULL
);
CREATE INDEX note_addenda_by_note ON note_addenda (note_id, id);

CREATE TABLE audit_log (
    seq         bigint PRIMARY KEY,
    at          timestamptz NOT NULL,
    user_name   text NOT NULL,
    patient_id  bigint,
    action      text NOT NULL,
    object      text NOT NULL DEFAULT '',
    workstation text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    prev_hash   text NOT NULL,
    hash        text NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);

-- A note's status without its text: what front desk and billing may see.
CREATE VIEW note_status AS
    SELECT id, appointment_id, patient_id, author, status, signed_by, signed_at, created_at
    FROM session_notes;

-- ---- Locks that hold whoever asks (superusers included, short of disabling triggers) --------

CREATE FUNCTION vertebra_signed_note_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'note is signed; add an addendum' USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER session_notes_signed_locked BEFORE UPDATE OR DELETE ON session_notes
    FOR EACH ROW EXECUTE FUNCTION vertebra_signed_note_locked();

CREATE FUNCTION vertebra_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% cannot be truncated', TG_TABLE_NAME USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER session_notes_no_truncate BEFORE TRUNCATE ON session_notes
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_no_truncate();

CREATE FUNCTION vertebra_addendum_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'an addendum cannot change; add another addendum' USING ERRCODE = '42501';
    END IF;
    IF (SELECT status FROM session_notes WHERE id = NEW.note_id) IS DISTINCT FROM 'signed' THEN
        RAISE EXCEPTION 'addenda are only for signed notes' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER note_addenda_rules BEFORE INSERT OR UPDATE OR DELETE ON note_addenda
    FOR EACH ROW EXECUTE FUNCTION vertebra_addendum_rules();
CREATE TRIGGER note_addenda_no_truncate BEFORE TRUNCATE ON note_addenda
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_no_truncate();

CREATE FUNCTION vertebra_audit_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is insert-only' USING ERRCODE = '42501';
END;
$$;
CREATE TRIGGER audit_log_insert_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vertebra_audit_insert_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION vertebra_no_truncate();

-- ---- Functions the clinic roles call (SECURITY DEFINER; the caller is session_user) ---------

CREATE FUNCTION vertebra_is_admin() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog AS $$
    SELECT rolsuper FROM pg_roles WHERE rolname = session_user
$$;

-- Appends one chained entry; the user is the login role, so nobody can write in another's name.
-- The hashed bytes match core::audit_canonical(): each field as <octets>:<text>; in order.
CREATE FUNCTION vertebra_audit_append(p_patient bigint, p_action text, p_object text,
                                      p_workstation text, p_detail text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_seq  bigint;
    v_prev text;
    v_at   timestamptz := date_trunc('second', now());
    v_user text := session_user;
    v_canon text := '';
    v_f    text;
BEGIN
    PERFORM pg_advisory_xact_lock(7240532);
    SELECT seq, hash INTO v_seq, v_prev FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND THEN
        v_seq := 0;
        v_prev := repeat('0', 64);
    END IF;
    v_seq := v_seq + 1;
    FOREACH v_f IN ARRAY ARRAY[v_seq::text, extract(epoch FROM v_at)::bigint::text, v_user,
                               coalesce(p_patient::text, ''), coalesce(p_action, ''),
                               coalesce(p_object, ''), coalesce(p_workstation, ''),
                               coalesce(p_detail, ''), v_prev] LOOP
        v_canon := v_canon || octet_length(v_f)::text || ':' || v_f || ';';
    END LOOP;
    INSERT INTO audit_log (seq, at, user_name, patient_id, action, object, workstation, detail,
                           prev_hash, hash)
    VALUES (v_seq, v_at, v_user, p_patient, p_action, coalesce(p_object, ''),
            coalesce(p_workstation, ''), coalesce(p_detail, ''), v_prev,
            encode(sha256(convert_to(v_canon, getdatabaseencoding())), 'hex'));
    RETURN v_seq;
END;
$$;

CREATE FUNCTION vertebra_on_care_team(p_user text, p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM care_team WHERE patient_id = p_patient AND user_name = p_user)
        OR EXISTS (SELECT 1 FROM users u JOIN appointments a
                     ON a.practitioner_id = u.practitioner_id
                   WHERE u.name = p_user AND a.patient_id = p_patient)
$$;

-- Care team of the login, or a running break-glass grant (for this patient or all).
CREATE FUNCTION vertebra_may_read_patient(p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT vertebra_on_care_team(session_user, p_patient)
        OR EXISTS (SELECT 1 FROM break_glass
                   WHERE user_name = session_user AND expires_at > now()
                     AND (patient_id IS NULL OR patient_id = p_patient))
$$;

CREATE FUNCTION vertebra_password_hash(p_name text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT password_hash FROM users
    WHERE name = p_name AND (p_name = session_user OR vertebra_is_admin())
$$;

CREATE FUNCTION vertebra_login_failed(p_name text, p_workstation text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_failed integer;
    v_limit  integer;
BEGIN
    IF p_name <> session_user AND NOT vertebra_is_admin() THEN
        RAISE EXCEPTION 'permission denied: only % may report its own failed login', p_name
            USING ERRCODE = '42501';
    END IF;
    SELECT lockout_threshold INTO v_limit FROM security_settings WHERE id = 1;
    UPDATE users SET failed_attempts = failed_attempts + 1 WHERE name = p_name
        RETURNING failed_attempts INTO v_failed;
    PERFORM vertebra_audit_append(NULL, 'login.failed', 'user:' || p_name, p_workstation,
                                  'wrong password');
    IF v_failed IS NOT NULL AND v_failed >= v_limit THEN
        UPDATE users SET locked = true WHERE name = p_name;
        -- The database refuses the login too, so psql with the same password gets nowhere.
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
        PERFORM vertebra_audit_append(NULL, 'lockout', 'user:' || p_name, p_workstation,
                                      v_failed || ' failed logins');
        RETURN true;
    END IF;
    RETURN false;
END;
$$;

CREATE FUNCTION vertebra_login_ok(p_name text, p_workstation text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_name <> session_user AND NOT vertebra_is_admin() THEN
        RAISE EXCEPTION 'permission denied: only % may sign in as itself', p_name
            USING ERRCODE = '42501';
    END IF;
    UPDATE users SET failed_attempts = 0 WHERE name = p_name;
    PERFORM vertebra_audit_append(NULL, 'login', 'user:' || p_name, p_workstation, '');
END;
$$;

CREATE FUNCTION vertebra_require_owner() RETURNS void LANGUAGE plpgsql STABLE
SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT vertebra_is_admin() AND NOT pg_has_role(session_user, 'vertebra_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'permission denied: % lacks user.manage', session_user
            USING ERRCODE = '42501';
    END IF;
END;
$$;

-- Creates the clinic user and its login role (password given as a SCRAM verifier computed by
-- the client, so the plain text never reaches the server or its logs) in its group roles.
CREATE FUNCTION vertebra_create_user(p_name text, p_roles text, p_hash text, p_verifier text,
                                     p_practitioner bigint, p_break_glass boolean,
                                     p_workstation text, p_detail text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r text;
BEGIN
    PERFORM vertebra_require_owner();
    IF p_name !~ '^[a-z][a-z0-9_]{0,62}$' OR p_name LIKE 'pg\_%' OR p_name LIKE 'vertebra\_%' THEN
        RAISE EXCEPTION 'name: % is not a valid user name', p_name USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION 'a database role named % already exists', p_name USING ERRCODE = '42710';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_name, p_verifier);
    FOREACH r IN ARRAY string_to_array(p_roles, ',') LOOP
        IF r NOT IN ('front_desk', 'therapist', 'owner') THEN
            RAISE EXCEPTION 'role: % is not a role', r USING ERRCODE = '22023';
        END IF;
        EXECUTE format('GRANT %I TO %I', 'vertebra_' || r, p_name);
    END LOOP;
    INSERT INTO users (name, roles, password_hash, practitioner_id, break_glass_allowed)
    VALUES (p_name, p_roles, p_hash, p_practitioner, p_break_glass);
    PERFORM vertebra_audit_append(NULL, 'user.add', 'user:' || p_name, p_workstation, p_detail);
END;
$$;

CREATE FUNCTION vertebra_unlock_user(p_name text, p_workstation text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM vertebra_require_owner();
    UPDATE users SET locked = false, failed_attempts = 0 WHERE name = p_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'user % not found', p_name USING ERRCODE = '02000';
    END IF;
    EXECUTE format('ALTER ROLE %I LOGIN', p_name);
    PERFORM vertebra_audit_append(NULL, 'user.unlock', 'user:' || p_name, p_workstation, '');
END;
$$;

-- Replaces a user's roles: grants the new group roles, revokes the others; audited.
CREATE FUNCTION vertebra_set_roles(p_name text, p_roles text, p_workstation text, p_detail text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r text;
    wanted text[] := string_to_array(p_roles, ',');
BEGIN
    PERFORM vertebra_require_owner();
    IF NOT EXISTS (SELECT 1 FROM users WHERE name = p_name) THEN
        RAISE EXCEPTION 'user % not found', p_name USING ERRCODE = '02000';
    END IF;
    FOREACH r IN ARRAY wanted LOOP
        IF r NOT IN ('front_desk', 'therapist', 'owner') THEN
            RAISE EXCEPTION 'role: % is not a role', r USING ERRCODE = '22023';
        END IF;
    END LOOP;
    FOREACH r IN ARRAY ARRAY['front_desk', 'therapist', 'owner'] LOOP
        IF r = ANY (wanted) THEN
            EXECUTE format('GRANT %I TO %I', 'vertebra_' || r, p_name);
        ELSE
            EXECUTE format('REVOKE %I FROM %I', 'vertebra_' || r, p_name);
        END IF;
    END LOOP;
    UPDATE users SET roles = p_roles WHERE name = p_name;
    PERFORM vertebra_audit_append(NULL, 'user.roles', 'user:' || p_name, p_workstation, p_detail);
END;
$$;

CREATE FUNCTION vertebra_break_glass(p_reason text, p_patient bigint, p_workstation text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_id bigint;
    v_minutes integer;
BEGIN
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION 'reason: break-glass access needs a reason' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM users WHERE name = session_user AND break_glass_allowed
                                          AND active AND NOT locked) THEN
        RAISE EXCEPTION 'permission denied: % lacks break_glass', session_user
            USING ERRCODE = '42501';
    END IF;
    SELECT break_glass_minutes INTO v_minutes FROM security_settings WHERE id = 1;
    INSERT INTO break_glass (user_name, reason, patient_id, started_at, expires_at)
    VALUES (session_user, p_reason, p_patient, now(), now() + make_interval(mins => v_minutes))
    RETURNING id INTO v_id;
    PERFORM vertebra_audit_append(p_patient, 'break_glass', 'user:' || session_user,
                                  p_workstation, p_reason);
    RETURN v_id;
END;
$$;

-- ---- Row-level security ----------------------------------------------------------------------

ALTER TABLE session_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON session_notes FOR SELECT TO vertebra_therapist
    USING (author = session_user OR vertebra_may_read_patient(patient_id));
CREATE POLICY notes_create ON session_notes FOR INSERT TO vertebra_therapist
    WITH CHECK (author = session_user AND status = 'draft'
                AND vertebra_on_care_team(session_user, patient_id));
CREATE POLICY notes_edit ON session_notes FOR UPDATE TO vertebra_therapist
    USING (author = session_user)
    WITH CHECK (author = session_user AND (signed_by IS NULL OR signed_by = session_user));
CREATE POLICY notes_delete ON session_notes FOR DELETE TO vertebra_therapist
    USING (author = session_user AND status = 'draft');

ALTER TABLE note_addenda ENABLE ROW LEVEL SECURITY;
CREATE POLICY addenda_read ON note_addenda FOR SELECT TO vertebra_therapist
    USING (EXISTS (SELECT 1 FROM session_notes n WHERE n.id = note_id));
CREATE POLICY addenda_create ON note_addenda FOR INSERT TO vertebra_therapist
    WITH CHECK (author = session_user AND vertebra_may_read_patient(
        (SELECT n.patient_id FROM session_notes n WHERE n.id = note_id)));

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_visible ON users FOR SELECT
    USING (name = session_user OR pg_has_role(session_user, 'vertebra_owner', 'MEMBER'));

ALTER TABLE break_glass ENABLE ROW LEVEL SECURITY;
CREATE POLICY break_glass_visible ON break_glass FOR SELECT
    USING (user_name = session_user OR pg_has_role(session_user, 'vertebra_owner', 'MEMBER'));

-- ---- Grants: nothing by default; each group gets what its matrix row needs -------------------

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vertebra_is_admin(), vertebra_audit_append(bigint, text, text, text, text),
    vertebra_on_care_team(text, bigint), vertebra_may_read_patient(bigint),
    vertebra_password_hash(text), vertebra_login_failed(text, text), vertebra_login_ok(text, text),
    vertebra_require_owner(),
    vertebra_create_user(text, text, text, text, bigint, boolean, text, text),
    vertebra_unlock_user(text, text), vertebra_set_roles(text, text, text, text),
    vertebra_break_glass(text, bigint, text) FROM PUBLIC;

DO $$
DECLARE
    g record;
BEGIN
    -- (table, privileges, groups); tables of migrations not present are skipped.
    FOR g IN SELECT * FROM (VALUES
        ('schema_version', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('clinic', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('clinic', 'UPDATE', 'vertebra_owner'),
        ('practitioners', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('practitioners', 'INSERT, UPDATE', 'vertebra_owner'),
        ('rooms', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('rooms', 'INSERT, UPDATE', 'vertebra_owner'),
        ('services', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('services', 'INSERT, UPDATE', 'vertebra_owner'),
        -- patient.write: front desk; schedule.write: front desk and therapists; owner reads.
        ('time_off', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('time_off', 'INSERT, UPDATE', 'vertebra_front_desk,vertebra_therapist'),
        ('patients', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('patients', 'INSERT, UPDATE', 'vertebra_front_desk'),
        ('series', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('series', 'INSERT, UPDATE', 'vertebra_front_desk,vertebra_therapist'),
        ('appointments', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('appointments', 'INSERT, UPDATE', 'vertebra_front_desk,vertebra_therapist'),
        ('modules', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('modules', 'INSERT, UPDATE', 'vertebra_owner'),
        ('module_audit', 'SELECT, INSERT', 'vertebra_owner'),
        ('assessments', 'SELECT, INSERT, UPDATE', 'vertebra_therapist'),
        ('treatment_plans', 'SELECT, INSERT, UPDATE', 'vertebra_therapist'),
        ('plan_versions', 'SELECT, INSERT', 'vertebra_therapist'),
        ('outcome_observations', 'SELECT, INSERT, UPDATE', 'vertebra_therapist'),
        ('plan_appointments', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('plan_appointments', 'INSERT', 'vertebra_therapist'),
        ('security_settings', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('security_settings', 'UPDATE', 'vertebra_owner'),
        ('care_team', 'SELECT', 'vertebra_therapist,vertebra_owner'),
        ('care_team', 'INSERT, DELETE', 'vertebra_owner'),
        ('break_glass', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('session_notes', 'SELECT, INSERT, UPDATE, DELETE', 'vertebra_therapist'),
        ('note_addenda', 'SELECT, INSERT', 'vertebra_therapist'),
        ('note_status', 'SELECT', 'vertebra_front_desk,vertebra_therapist,vertebra_owner'),
        ('audit_log', 'SELECT', 'vertebra_owner')
    ) AS t(tbl, privs, groups) LOOP
        IF to_regclass('public.' || g.tbl) IS NOT NULL THEN
            EXECUTE format('GRANT %s ON %I TO %s', g.privs, g.tbl, g.groups);
        END IF;
    END LOOP;
END;
$$;

-- users: everything but the password hash, and only the rows RLS shows.
GRANT SELECT (name, roles, practitioner_id, break_glass_allowed, failed_attempts, locked, active,
              created_at) ON users TO vertebra_front_desk, vertebra_therapist, vertebra_owner;

GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public
    TO vertebra_front_desk, vertebra_therapist, vertebra_owner;

GRANT EXECUTE ON FUNCTION vertebra_is_admin(), vertebra_audit_append(bigint, text, text, text, text),
    vertebra_on_care_team(text, bigint), vertebra_may_read_patient(bigint),
    vertebra_password_hash(text), vertebra_login_failed(text, text), vertebra_login_ok(text, text),
    vertebra_require_owner(),
    vertebra_create_user(text, text, text, text, bigint, boolean, text, text),
    vertebra_unlock_user(text, text), vertebra_set_roles(text, text, text, text),
    vertebra_break_glass(text, bigint, text)
    TO vertebra_front_desk, vertebra_therapist, vertebra_owner;
