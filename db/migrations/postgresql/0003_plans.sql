-- Treatment plans: assessments, plans (JSON + indexed columns), append-only versions, outcome
-- observations as timed rows, and the appointments booked for plan components.
-- Instants are timestamptz; dates are date; JSON is jsonb.
CREATE TABLE assessments (
    id          bigserial PRIMARY KEY,
    patient_id  bigint NOT NULL REFERENCES patients(id),
    assessed_on date NOT NULL,
    body        jsonb NOT NULL
);
CREATE INDEX assessments_by_patient ON assessments (patient_id, assessed_on);

CREATE TABLE treatment_plans (
    id            bigserial PRIMARY KEY,
    patient_id    bigint NOT NULL REFERENCES patients(id),
    assessment_id bigint REFERENCES assessments(id),
    template_id   text NOT NULL DEFAULT '',
    status        text NOT NULL
                  CHECK (status IN ('draft', 'active', 'completed', 'stopped')),
    version       integer NOT NULL CHECK (version >= 1),
    start_date    date NOT NULL,
    body          jsonb NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX treatment_plans_by_patient ON treatment_plans (patient_id, id);

-- Every change to a plan: who, when, what. Rows are never changed or removed.
CREATE TABLE plan_versions (
    plan_id    bigint NOT NULL REFERENCES treatment_plans(id),
    number     integer NOT NULL CHECK (number >= 1),
    author     text NOT NULL,
    changed_at timestamptz NOT NULL,
    summary    text NOT NULL,
    changes    jsonb NOT NULL,
    PRIMARY KEY (plan_id, number)
);
CREATE FUNCTION plan_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'plan versions are append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER plan_versions_no_change BEFORE UPDATE OR DELETE ON plan_versions
    FOR EACH ROW EXECUTE FUNCTION plan_versions_append_only();

CREATE TABLE outcome_observations (
    id          bigserial PRIMARY KEY,
    patient_id  bigint NOT NULL REFERENCES patients(id),
    plan_id     bigint REFERENCES treatment_plans(id),
    measure     text NOT NULL CHECK (measure IN ('odi', 'nrs', 'rmdq')),
    value       double precision NOT NULL CHECK (value >= 0 AND value <= 100),
    taken_at    timestamptz NOT NULL,
    odi_answers text NOT NULL DEFAULT '',
    recorded_by text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX outcome_observations_by_patient ON outcome_observations (patient_id, measure, taken_at);
CREATE INDEX outcome_observations_by_plan ON outcome_observations (plan_id, taken_at);

-- An appointment booked for a plan component (completed ones count toward the component).
CREATE TABLE plan_appointments (
    appointment_id bigint PRIMARY KEY REFERENCES appointments(id),
    plan_id        bigint NOT NULL REFERENCES treatment_plans(id),
    component_id   bigint NOT NULL,
    session_number integer NOT NULL CHECK (session_number >= 1)
);
CREATE INDEX plan_appointments_by_plan ON plan_appointments (plan_id, component_id, session_number);
