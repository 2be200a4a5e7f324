-- 0005: what booking-time coverage checks need (the module service a bookable service stands
-- for, the patient's payer) and care-team collaboration (tasks on a plan).
ALTER TABLE services ADD COLUMN offer TEXT NOT NULL DEFAULT '';
ALTER TABLE patients ADD COLUMN payer TEXT NOT NULL DEFAULT 'commercial';

-- Care-team tasks on a plan: assignee, due date, done. Done tasks are kept (who, when).
CREATE TABLE plan_tasks (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL REFERENCES treatment_plans(id),
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    title      TEXT NOT NULL CHECK (length(title) > 0),
    assignee   TEXT NOT NULL DEFAULT '',
    due_date   TEXT,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    done_by    TEXT NOT NULL DEFAULT '',
    done_at    INTEGER
);
CREATE INDEX plan_tasks_by_plan ON plan_tasks (plan_id, id);
CREATE INDEX plan_tasks_open_by_assignee ON plan_tasks (assignee, done, due_date);
