-- Scheduling kernel: clinic, practitioners, rooms, patients, services, series, appointments.
-- Instants are INTEGER seconds since the epoch (UTC).
CREATE TABLE clinic (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    opening_hours TEXT NOT NULL DEFAULT ''
);
INSERT INTO clinic (id, name, timezone) VALUES (1, 'Vertebra clinic', 'UTC');

CREATE TABLE practitioners (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    disciplines TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE time_off (
    id              INTEGER PRIMARY KEY,
    practitioner_id INTEGER NOT NULL REFERENCES practitioners(id),
    start_at        INTEGER NOT NULL,
    end_at          INTEGER NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    CHECK (end_at > start_at)
);
CREATE INDEX time_off_by_practitioner ON time_off (practitioner_id, start_at);

CREATE TABLE rooms (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    equipment TEXT NOT NULL DEFAULT ''
);

CREATE TABLE patients (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    birth_date TEXT,
    phone      TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patients_by_name ON patients (name COLLATE NOCASE);

CREATE TABLE services (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    minutes    INTEGER NOT NULL CHECK (minutes > 0),
    discipline TEXT NOT NULL DEFAULT '',
    equipment  TEXT NOT NULL DEFAULT '',
    module_id  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE series (
    id          INTEGER PRIMARY KEY,
    rrule       TEXT NOT NULL,
    local_start TEXT NOT NULL,
    minutes     INTEGER NOT NULL
);

CREATE TABLE appointments (
    id              INTEGER PRIMARY KEY,
    patient_id      INTEGER NOT NULL REFERENCES patients(id),
    practitioner_id INTEGER NOT NULL REFERENCES practitioners(id),
    room_id         INTEGER REFERENCES rooms(id),
    service_id      INTEGER REFERENCES services(id),
    series_id       INTEGER REFERENCES series(id),
    start_at        INTEGER NOT NULL,
    end_at          INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'booked'
                    CHECK (status IN ('booked','confirmed','arrived','in_session','completed',
                                      'cancelled','no_show')),
    cancel_reason   TEXT NOT NULL DEFAULT '',
    late_cancel     INTEGER NOT NULL DEFAULT 0,
    notes           TEXT NOT NULL DEFAULT '',
    CHECK (end_at > start_at)
);
CREATE INDEX appointments_by_start ON appointments (start_at);
CREATE INDEX appointments_by_practitioner ON appointments (practitioner_id, start_at);
CREATE INDEX appointments_by_patient ON appointments (patient_id, start_at);
CREATE INDEX appointments_by_room ON appointments (room_id, start_at);
CREATE INDEX appointments_by_series ON appointments (series_id);

-- The database itself refuses double bookings, even from a writer that skips the app's check.
-- (The app checks first, inside BEGIN IMMEDIATE, to name the conflicting appointment.)
CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'vertebra_conflict: overlapping appointment')
    WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.status <> 'cancelled' AND a.start_at < NEW.end_at AND a.end_at > NEW.start_at
          AND a.start_at > NEW.start_at - 43200
          AND (a.practitioner_id = NEW.practitioner_id OR a.patient_id = NEW.patient_id
               OR (NEW.room_id IS NOT NULL AND a.room_id = NEW.room_id)));
END;

CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE OF start_at, end_at, status,
    practitioner_id, patient_id, room_id ON appointments
WHEN NEW.status <> 'cancelled'
BEGIN
    SELECT RAISE(ABORT, 'vertebra_conflict: overlapping appointment')
    WHERE EXISTS (
        SELECT 1 FROM appointments a
        WHERE a.id <> NEW.id AND a.status <> 'cancelled'
          AND a.start_at < NEW.end_at AND a.end_at > NEW.start_at
          AND a.start_at > NEW.start_at - 43200
          AND (a.practitioner_id = NEW.practitioner_id OR a.patient_id = NEW.patient_id
               OR (NEW.room_id IS NOT NULL AND a.room_id = NEW.room_id)));
END;
