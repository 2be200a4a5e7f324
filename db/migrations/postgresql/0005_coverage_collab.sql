-- 0005: what booking-time coverage checks need (the module service a bookable service stands
-- for, the patient's payer) and care-team collaboration (tasks on a plan).
ALTER TABLE services ADD COLUMN offer text NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN payer text NOT NULL DEFAULT 'commercial';

-- Care-team tasks on a plan: assignee, due date, done. Done tasks are kept (who, when).
CREATE TABLE plan_tasks (
    id         bigserial PRIMARY KEY,
    plan_id    bigint NOT NULL REFERENCES treatment_plans(id),
    patient_id bigint NOT NULL REFERENCES patients(id),
    title      text NOT NULL CHECK (length(title) > 0),
    assignee   text NOT NULL DEFAULT '',
    due_date   date,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    done       boolean NOT NULL DEFAULT false,
    done_by    text NOT NULL DEFAULT '',
    done_at    timestamptz
);
CREATE INDEX plan_tasks_by_plan ON plan_tasks (plan_id, id);
CREATE INDEX plan_tasks_open_by_assignee ON plan_tasks (assignee, done, due_date);

-- Tasks are clinical coordination: therapists (the care team) only, like plans.
REVOKE ALL ON plan_tasks FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON plan_tasks TO vertebra_therapist;
GRANT USAGE, SELECT ON SEQUENCE plan_tasks_id_seq TO vertebra_therapist;
