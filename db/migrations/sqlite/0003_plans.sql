-- Treatment plans: assessments, plans (JSON + indexed columns), append-only versions, outcome
-- observations as timed rows, and the appointments booked for plan components.
-- Instants are INTEGER seconds since the epoch (UTC); dates are TEXT YYYY-MM-DD; JSON is TEXT.
CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    assessed_on TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX assessments_by_patient ON assessments (patient_id, assessed_on);

CREATE TABLE treatment_plans (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients(id),
    assessment_id INTEGER REFERENCES assessments(id),
    template_id   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL
                  CHECK (status IN ('draft', 'active', 'completed', 'stopped')),
    version       INTEGER NOT NULL CHECK (version >= 1),
    start_date    TEXT NOT NULL,
    body          TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX treatment_plans_by_patient ON treatment_plans (patient_id, id);

-- Every change to a plan: who, when, what. Rows are never changed or removed.
CREATE TABLE plan_versions (
    plan_id    INTEGER NOT NULL REFERENCES treatment_plans(id),
    number     INTEGER NOT NULL CHECK (number >= 1),
    author     TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    summary    TEXT NOT NULL,
    changes    TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN
    SELECT RAISE(ABORT, 'plan versions are append-only');
END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN
    SELECT RAISE(ABORT, 'plan versions are append-only');
END;

CREATE TABLE outcome_observations (
    id          INTEGER PRIMARY KEY,
    patient_id  INTEGER NOT NULL REFERENCES patients(id),
    plan_id     INTEGER REFERENCES treatment_plans(id),
    measure     TEXT NOT NULL CHECK (measure IN ('odi', 'nrs', 'rmdq')),
    value       REAL NOT NULL CHECK (value >= 0 AND value <= 100),
    taken_at    INTEGER NOT NULL,
    odi_answers TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outcome_observations_by_patient ON outcome_observations (patient_id, measure, taken_at);
CREATE INDEX outcome_observations_by_plan ON outcome_observations (plan_id, taken_at);

-- An appointment booked for a plan component (completed ones count toward the component).
CREATE TABLE plan_appointments (
    appointment_id INTEGER PRIMARY KEY REFERENCES appointments(id),
    plan_id        INTEGER NOT NULL REFERENCES treatment_plans(id),
    component_id   INTEGER NOT NULL,
    session_number INTEGER NOT NULL CHECK (session_number >= 1)
);
CREATE INDEX plan_appointments_by_plan ON plan_appointments (plan_id, component_id, session_number);
