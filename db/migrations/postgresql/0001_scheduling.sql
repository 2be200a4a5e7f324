-- Scheduling kernel: clinic, practitioners, rooms, patients, services, series, appointments.
-- Instants are timestamptz; exclusion constraints forbid double bookings in the database itself.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE clinic (
    id            integer PRIMARY KEY CHECK (id = 1),
    name          text NOT NULL,
    timezone      text NOT NULL,
    opening_hours text NOT NULL DEFAULT ''
);
INSERT INTO clinic (id, name, timezone) VALUES (1, 'Vertebra clinic', 'UTC');

CREATE TABLE practitioners (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL,
    disciplines text NOT NULL DEFAULT '',
    hours       text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true
);

CREATE TABLE time_off (
    id              bigserial PRIMARY KEY,
    practitioner_id bigint NOT NULL REFERENCES practitioners(id),
    start_at        timestamptz NOT NULL,
    end_at          timestamptz NOT NULL,
    reason          text NOT NULL DEFAULT '',
    CHECK (end_at > start_at)
);
CREATE INDEX time_off_by_practitioner ON time_off (practitioner_id, start_at);

CREATE TABLE rooms (
    id        bigserial PRIMARY KEY,
    name      text NOT NULL,
    equipment text NOT NULL DEFAULT ''
);

CREATE TABLE patients (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    birth_date date,
    phone      text NOT NULL DEFAULT '',
    email      text NOT NULL DEFAULT ''
);
CREATE INDEX patients_by_name ON patients (lower(name));

CREATE TABLE services (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL,
    minutes    integer NOT NULL CHECK (minutes > 0),
    discipline text NOT NULL DEFAULT '',
    equipment  text NOT NULL DEFAULT '',
    module_id  text NOT NULL DEFAULT ''
);

CREATE TABLE series (
    id          bigserial PRIMARY KEY,
    rrule       text NOT NULL,
    local_start text NOT NULL,
    minutes     integer NOT NULL
);

CREATE TABLE appointments (
    id              bigserial PRIMARY KEY,
    patient_id      bigint NOT NULL REFERENCES patients(id),
    practitioner_id bigint NOT NULL REFERENCES practitioners(id),
    room_id         bigint REFERENCES rooms(id),
    service_id      bigint REFERENCES services(id),
    series_id       bigint REFERENCES series(id),
    start_at        timestamptz NOT NULL,
    end_at          timestamptz NOT NULL,
    status          text NOT NULL DEFAULT 'booked'
                    CHECK (status IN ('booked','confirmed','arrived','in_session','completed',
                                      'cancelled','no_show')),
    cancel_reason   text NOT NULL DEFAULT '',
    late_cancel     boolean NOT NULL DEFAULT false,
    notes           text NOT NULL DEFAULT '',
    CHECK (end_at > start_at),
    CONSTRAINT appointments_practitioner_no_overlap EXCLUDE USING gist
        (practitioner_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
        WHERE (status <> 'cancelled'),
    CONSTRAINT appointments_room_no_overlap EXCLUDE USING gist
        (room_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
        WHERE (status <> 'cancelled' AND room_id IS NOT NULL),
    CONSTRAINT appointments_patient_no_overlap EXCLUDE USING gist
        (patient_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
        WHERE (status <> 'cancelled')
);
CREATE INDEX appointments_by_start ON appointments (start_at);
CREATE INDEX appointments_by_series ON appointments (series_id);
