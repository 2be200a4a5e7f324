-- Clinical record: users (argon2id hashes), security settings, care teams, break-glass grants,
-- session notes with addenda (signed notes locked by trigger), and the hash-chained audit log.
-- Instants are INTEGER seconds since the epoch (UTC). Roles are enforced by the app's services
-- on SQLite; the triggers below hold whoever writes to the file through SQLite.
CREATE TABLE users (
    name                TEXT PRIMARY KEY,
    roles               TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    practitioner_id     INTEGER REFERENCES practitioners(id),
    break_glass_allowed INTEGER NOT NULL DEFAULT 0 CHECK (break_glass_allowed IN (0, 1)),
    failed_attempts     INTEGER NOT NULL DEFAULT 0,
    locked              INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          INTEGER NOT NULL
);

CREATE TABLE security_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    lockout_threshold   INTEGER NOT NULL DEFAULT 5,
    idle_logoff_minutes INTEGER NOT NULL DEFAULT 15,
    break_glass_minutes INTEGER NOT NULL DEFAULT 60
);
INSERT INTO security_settings (id) VALUES (1);

CREATE TABLE care_team (
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    user_name  TEXT NOT NULL REFERENCES users(name),
    PRIMARY KEY (patient_id, user_name)
);

CREATE TABLE break_glass (
    id         INTEGER PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users(name),
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    patient_id INTEGER REFERENCES patients(id),
    started_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE session_notes (
    id             INTEGER PRIMARY KEY,
    appointment_id INTEGER UNIQUE REFERENCES appointments(id),
    patient_id     INTEGER NOT NULL REFERENCES patients(id),
    author         TEXT NOT NULL,
    module_id      TEXT NOT NULL DEFAULT '',
    form_id        TEXT NOT NULL DEFAULT '',
    body_text      TEXT NOT NULL DEFAULT '',
    subjective     TEXT NOT NULL DEFAULT '',
    objective      TEXT NOT NULL DEFAULT '',
    assessment     TEXT NOT NULL DEFAULT '',
    plan           TEXT NOT NULL DEFAULT '',
    fields         TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    signed_by      TEXT,
    signed_at      INTEGER,
    content_hash   TEXT,
    CHECK (status = 'draft' OR (signed_by IS NOT NULL AND signed_at IS NOT NULL
                                AND content_hash IS NOT NULL))
);
CREATE INDEX session_notes_by_patient ON session_notes (patient_id);
CREATE INDEX session_notes_unsigned ON session_notes (status, author);

-- A signed note is evidence: no UPDATE, no DELETE, whoever asks.
CREATE TRIGGER session_notes_signed_no_update BEFORE UPDATE ON session_notes
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'vertebra_signed: note is signed; add an addendum');
END;
CREATE TRIGGER session_notes_signed_no_delete BEFORE DELETE ON session_notes
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'vertebra_signed: note is signed; add an addendum');
END;

-- A note's status without its text (PostgreSQL grants this view to front desk).
CREATE VIEW note_status AS
    SELECT id, appointment_id, patient_id, author, status, signed_by, signed_at, created_at
    FROM session_notes;

CREATE TABLE note_addenda (
    id         INTEGER PRIMARY KEY,
    note_id    INTEGER NOT NULL REFERENCES session_notes(id),
    author     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    body_text  TEXT NOT NULL
);
CREATE INDEX note_addenda_by_note ON note_addenda (note_id, id);
CREATE TRIGGER note_addenda_only_signed BEFORE INSERT ON note_addenda
WHEN (SELECT status FROM session_notes WHERE id = NEW.note_id) IS NOT 'signed'
BEGIN
    SELECT RAISE(ABORT, 'vertebra_draft: addenda are only for signed notes');
END;
CREATE TRIGGER note_addenda_no_update BEFORE UPDATE ON note_addenda
BEGIN
    SELECT RAISE(ABORT, 'vertebra_signed: an addendum cannot change; add another addendum');
END;
CREATE TRIGGER note_addenda_no_delete BEFORE DELETE ON note_addenda
BEGIN
    SELECT RAISE(ABORT, 'vertebra_signed: an addendum cannot change; add another addendum');
END;

-- Insert-only, hash-chained (see core/include/vertebra/audit/audit.hpp for the hashed bytes).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    user_name   TEXT NOT NULL,
    patient_id  INTEGER,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL DEFAULT '',
    workstation TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'vertebra_audit: the audit log is insert-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'vertebra_audit: the audit log is insert-only');
END;
