-- 0010: row-level security on the plan side of the clinical record (assessments, plans, their
-- versions, outcome scores, plan appointment links, care-team tasks), so a therapist's own
-- psql session reaches what PlanService and CollaborationService let the app reach: patients of
-- the care team, or under a running break-glass grant (for that patient or all) — reads and
-- writes alike, as in core. Grants are unchanged (0004, 0005): front desk and owner have none on
-- these tables except reading plan_appointments, which stays whole for them (the book's view).
-- A table whose reads and writes follow one rule has one policy FOR ALL (USING for the rows
-- read and updated, WITH CHECK for the rows written); therapists hold no DELETE on any of them.
-- Not FORCEd: the table owner (the administrator who migrates, backs up and restores) and
-- superusers are not narrowed; the SECURITY DEFINER functions run as the owner.

-- ---- assessments ----------------------------------------------------------------------------
ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;
CREATE POLICY assessments_care_team ON assessments FOR ALL TO vertebra_therapist
    USING (vertebra_may_read_patient(patient_id));

-- ---- treatment_plans: the assessment it comes from is the same patient's (as core checks) ---
ALTER TABLE treatment_plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY plans_care_team ON treatment_plans FOR ALL TO vertebra_therapist
    USING (vertebra_may_read_patient(patient_id))
    WITH CHECK (vertebra_may_read_patient(patient_id)
                AND (assessment_id IS NULL
                     OR EXISTS (SELECT 1 FROM assessments a WHERE a.id = assessment_id
                                AND a.patient_id = treatment_plans.patient_id)));

-- ---- plan_versions (append-only by trigger): through the plan, which RLS above narrows ------
ALTER TABLE plan_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY plan_versions_read ON plan_versions FOR SELECT TO vertebra_therapist
    USING (EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id));
CREATE POLICY plan_versions_create ON plan_versions FOR INSERT TO vertebra_therapist
    WITH CHECK (EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id
                        AND vertebra_may_read_patient(p.patient_id)));

-- ---- outcome_observations: a score's plan is the same patient's (as core checks) ------------
ALTER TABLE outcome_observations ENABLE ROW LEVEL SECURITY;
CREATE POLICY outcomes_care_team ON outcome_observations FOR ALL TO vertebra_therapist
    USING (vertebra_may_read_patient(patient_id))
    WITH CHECK (vertebra_may_read_patient(patient_id)
                AND (plan_id IS NULL
                     OR EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id
                                AND p.patient_id = outcome_observations.patient_id)));

-- ---- plan_appointments: therapists through the plan; front desk and owner read all links ----
-- (what the book shows of a plan, as before this migration; they still cannot write them).
ALTER TABLE plan_appointments ENABLE ROW LEVEL SECURITY;
CREATE POLICY plan_appointments_book ON plan_appointments FOR SELECT
    TO vertebra_front_desk, vertebra_owner USING (true);
CREATE POLICY plan_appointments_read ON plan_appointments FOR SELECT TO vertebra_therapist
    USING (EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id));
CREATE POLICY plan_appointments_create ON plan_appointments FOR INSERT TO vertebra_therapist
    WITH CHECK (EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id
                        AND vertebra_may_read_patient(p.patient_id)));

-- ---- plan_tasks: the care team; the assignee also sees its own open tasks (core's worklist,
-- `collab tasks --mine`, lists them without a care-team check); written as oneself only. ------
ALTER TABLE plan_tasks ENABLE ROW LEVEL SECURITY;
CREATE POLICY plan_tasks_read ON plan_tasks FOR SELECT TO vertebra_therapist
    USING (vertebra_may_read_patient(patient_id) OR (assignee = session_user AND NOT done));
CREATE POLICY plan_tasks_create ON plan_tasks FOR INSERT TO vertebra_therapist
    WITH CHECK (vertebra_may_read_patient(patient_id) AND created_by = session_user
                AND EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id
                            AND p.patient_id = plan_tasks.patient_id));
CREATE POLICY plan_tasks_edit ON plan_tasks FOR UPDATE TO vertebra_therapist
    USING (vertebra_may_read_patient(patient_id))
    WITH CHECK (vertebra_may_read_patient(patient_id) AND done_by IN ('', session_user)
                AND EXISTS (SELECT 1 FROM treatment_plans p WHERE p.id = plan_id
                            AND p.patient_id = plan_tasks.patient_id));

-- ---- Whose is a plan or task RLS hides? ------------------------------------------------------
-- The app loads a plan (or task) before checking the care team of its patient; when RLS hides
-- the row, these say whose it is, so the refusal names the patient ("not on the care team of
-- patient #N", exit 6) instead of "not found". They reveal only the patient id, as that
-- message does; therapists only.
CREATE FUNCTION vertebra_plan_patient(p_plan bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT patient_id FROM treatment_plans WHERE id = p_plan
$$;
CREATE FUNCTION vertebra_task_patient(p_task bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT patient_id FROM plan_tasks WHERE id = p_task
$$;
REVOKE EXECUTE ON FUNCTION vertebra_plan_patient(bigint), vertebra_task_patient(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vertebra_plan_patient(bigint), vertebra_task_patient(bigint)
    TO vertebra_therapist;
