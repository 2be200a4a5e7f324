// PostgreSQL row-level security on the plan side of the record (migration 0010): raw SQL as a
// therapist's own login role, bypassing the app, reaches assessments, plans, their versions,
// outcome scores, plan appointment links and tasks only for patients of the care team or under a
// running break-glass grant for that patient (or all) — what PlanService and
// CollaborationService allow in the app.
#include "record_fixture.hpp"

namespace vertebra::testing {
namespace {

class PlanRlsTest : public RecordFixture {
protected:
    void SetUp() override {
        RecordFixture::SetUp();
        // Pat's record, written by the administrator (the table owner, not narrowed by RLS).
        auto admin = raw_admin();
        long long pat = pat_, bea = bea_, appt = appt_;
        *admin << "INSERT INTO assessments (patient_id, assessed_on, body) "
                  "VALUES (:p, '2027-01-10', '{\"complaint\": \"low back pain\"}') RETURNING id",
            soci::use(pat), soci::into(assessment_);
        long long a = assessment_;
        *admin << "INSERT INTO treatment_plans (patient_id, assessment_id, status, version, "
                  "start_date, body, updated_at) VALUES (:p, :a, 'active', 1, '2027-01-11', "
                  "'{}', now()) RETURNING id",
            soci::use(pat), soci::use(a), soci::into(plan_);
        long long plan = plan_;
        *admin << "INSERT INTO plan_versions (plan_id, number, author, changed_at, summary, "
                  "changes) VALUES (:pl, 1, 'tom', now(), 'created', '[]')",
            soci::use(plan);
        *admin << "INSERT INTO outcome_observations (patient_id, plan_id, measure, value, "
                  "taken_at) VALUES (:p, :pl, 'nrs', 6, now()) RETURNING id",
            soci::use(pat), soci::use(plan), soci::into(score_);
        *admin << "INSERT INTO plan_appointments (appointment_id, plan_id, component_id, "
                  "session_number) VALUES (:a, :pl, 1, 1)",
            soci::use(appt), soci::use(plan);
        *admin << "INSERT INTO plan_tasks (plan_id, patient_id, title, created_by, created_at) "
                  "VALUES (:pl, :p, 'Call the GP', 'tom', now()) RETURNING id",
            soci::use(plan), soci::use(pat), soci::into(task_);
        // Bea (Una's patient) has an assessment and a plan of her own.
        *admin << "INSERT INTO assessments (patient_id, assessed_on, body) "
                  "VALUES (:p, '2027-01-12', '{}') RETURNING id",
            soci::use(bea), soci::into(bea_assessment_);
        *admin << "INSERT INTO treatment_plans (patient_id, status, version, start_date, body, "
                  "updated_at) VALUES (:p, 'draft', 1, '2027-01-12', '{}', now()) RETURNING id",
            soci::use(bea), soci::into(bea_plan_);
    }

    /// Rows of Pat's record in each table, as `base` sees them.
    std::map<std::string, int> visible(soci::session& s) {
        long long pat = pat_, plan = plan_;
        std::map<std::string, int> out;
        int n = 0;
        s << "SELECT count(*) FROM assessments WHERE patient_id = :p", soci::use(pat), soci::into(n);
        out["assessments"] = n;
        s << "SELECT count(*) FROM treatment_plans WHERE patient_id = :p", soci::use(pat),
            soci::into(n);
        out["treatment_plans"] = n;
        s << "SELECT count(*) FROM plan_versions WHERE plan_id = :pl", soci::use(plan),
            soci::into(n);
        out["plan_versions"] = n;
        s << "SELECT count(*) FROM outcome_observations WHERE patient_id = :p", soci::use(pat),
            soci::into(n);
        out["outcome_observations"] = n;
        s << "SELECT count(*) FROM plan_appointments WHERE plan_id = :pl", soci::use(plan),
            soci::into(n);
        out["plan_appointments"] = n;
        s << "SELECT count(*) FROM plan_tasks WHERE patient_id = :p", soci::use(pat), soci::into(n);
        out["plan_tasks"] = n;
        return out;
    }
    static std::map<std::string, int> all(int n) {
        return {{"assessments", n},          {"treatment_plans", n},   {"plan_versions", n},
                {"outcome_observations", n}, {"plan_appointments", n}, {"plan_tasks", n}};
    }

    /// Runs a statement with one bound id; returns the rows it changed.
    static long long change(soci::session& s, const std::string& sql, long long id) {
        soci::statement st = (s.prepare << sql, soci::use(id));
        st.execute(true);
        return st.get_affected_rows();
    }
    /// Expects the statement refused with SQLSTATE 42501 (an RLS WITH CHECK or a missing grant).
    static void refused(soci::session& s, const std::string& sql, long long id,
                        const std::string& what) {
        try {
            change(s, sql, id);
            ADD_FAILURE() << what << ": was not refused";
        } catch (const soci::postgresql_soci_error& e) {
            EXPECT_EQ(e.sqlstate(), "42501") << what << ": " << e.what();
        }
    }

    /// Pat's writes of every kind, each expected refused for `s`.
    void writes_refused(soci::session& s, const std::string& who) {
        SCOPED_TRACE(who);
        const long long pat = pat_, plan = plan_;
        refused(s, "INSERT INTO assessments (patient_id, assessed_on, body) "
                   "VALUES (:p, '2027-02-01', '{}')", pat, "assessment insert");
        refused(s, "INSERT INTO treatment_plans (patient_id, status, version, start_date, body, "
                   "updated_at) VALUES (:p, 'draft', 1, '2027-02-01', '{}', now())", pat,
                "plan insert");
        refused(s, "INSERT INTO plan_versions (plan_id, number, author, changed_at, summary, "
                   "changes) VALUES (:pl, 2, current_user, now(), 'forged', '[]')", plan,
                "plan version insert");
        refused(s, "INSERT INTO outcome_observations (patient_id, measure, value, taken_at) "
                   "VALUES (:p, 'nrs', 9, now())", pat, "score insert");
        refused(s, "INSERT INTO plan_tasks (plan_id, patient_id, title, created_by, created_at) "
                   "VALUES (:pl, " + std::to_string(pat_) + ", 'forged', current_user, now())",
                plan, "task insert");
        // Updates of Pat's rows find nothing to change (the rows are invisible).
        EXPECT_EQ(change(s, "UPDATE assessments SET body = '{\"x\": 1}' WHERE patient_id = :p", pat),
                  0);
        EXPECT_EQ(change(s, "UPDATE treatment_plans SET status = 'stopped' WHERE id = :pl", plan),
                  0);
        EXPECT_EQ(change(s, "UPDATE outcome_observations SET value = 0 WHERE patient_id = :p", pat),
                  0);
        EXPECT_EQ(change(s, "UPDATE plan_tasks SET done = true WHERE patient_id = :p", pat), 0);
    }

    long long assessment_ = 0, plan_ = 0, score_ = 0, task_ = 0;
    long long bea_assessment_ = 0, bea_plan_ = 0;
};

TEST_P(PlanRlsTest, TherapistOutsideTheCareTeamSeesNoRowOfThePatient) {
    auto una = raw_as("una");  // treats Bea, not Pat
    EXPECT_EQ(visible(*una), all(0));
    // Nor by guessing ids, nor in any row of the whole table.
    long long a = assessment_, plan = plan_;
    int n = -1;
    *una << "SELECT count(*) FROM assessments WHERE id = :a", soci::use(a), soci::into(n);
    EXPECT_EQ(n, 0);
    *una << "SELECT count(*) FROM plan_versions v JOIN treatment_plans p ON p.id = v.plan_id "
            "WHERE p.id = :pl", soci::use(plan), soci::into(n);
    EXPECT_EQ(n, 0);
    // Not vacuous: Una reads her own patient's rows, and Tom (Pat's care team) reads Pat's.
    long long bea = bea_;
    *una << "SELECT count(*) FROM assessments WHERE patient_id = :p", soci::use(bea), soci::into(n);
    EXPECT_EQ(n, 1);
    auto tom = raw_as("tom");
    EXPECT_EQ(visible(*tom), all(1));
}

TEST_P(PlanRlsTest, TherapistOutsideTheCareTeamCannotWriteThePatientsRecord) {
    auto una = raw_as("una");
    writes_refused(*una, "una");
    // Own patient's rows cannot be moved to Pat, nor tied to Pat's plan.
    refused(*una, "UPDATE assessments SET patient_id = " + std::to_string(pat_) + " WHERE id = :a",
            bea_assessment_, "assessment moved to Pat");
    refused(*una, "INSERT INTO outcome_observations (patient_id, plan_id, measure, value, "
                  "taken_at) VALUES (" + std::to_string(bea_) + ", :pl, 'nrs', 3, now())",
            plan_, "Bea's score on Pat's plan");
    refused(*una, "INSERT INTO plan_appointments (appointment_id, plan_id, component_id, "
                  "session_number) VALUES (" + std::to_string(bea_appt_) + ", :pl, 1, 2)",
            plan_, "appointment linked to Pat's plan");
    // Her own patient she writes (not vacuous), as herself only.
    long long bea = bea_;
    *una << "INSERT INTO outcome_observations (patient_id, measure, value, taken_at) "
            "VALUES (:p, 'nrs', 3, now())", soci::use(bea);
    EXPECT_EQ(change(*una, "UPDATE assessments SET body = '{\"x\": 1}' WHERE id = :a",
                     bea_assessment_), 1);
    refused(*una, "INSERT INTO plan_tasks (plan_id, patient_id, title, created_by, created_at) "
                  "VALUES (:pl, " + std::to_string(bea_) + ", 'x', 'tom" + suffix_ + "', now())",
            bea_plan_, "task in another's name");
    // Nothing of Pat's changed.
    auto admin = raw_admin();
    long long pat = pat_;
    int n = 0;
    *admin << "SELECT count(*) FROM outcome_observations WHERE patient_id = :p", soci::use(pat),
        soci::into(n);
    EXPECT_EQ(n, 1);
    std::string status;
    long long plan = plan_;
    *admin << "SELECT status FROM treatment_plans WHERE id = :pl", soci::use(plan),
        soci::into(status);
    EXPECT_EQ(status, "active");
}

TEST_P(PlanRlsTest, TheCareTeamReadsAndWrites) {
    auto tom = raw_as("tom");
    long long pat = pat_, plan = plan_;
    *tom << "INSERT INTO outcome_observations (patient_id, plan_id, measure, value, taken_at) "
            "VALUES (:p, :pl, 'nrs', 4, now())", soci::use(pat), soci::use(plan);
    EXPECT_EQ(change(*tom, "UPDATE treatment_plans SET status = 'completed' WHERE id = :pl", plan),
              1);
    *tom << "INSERT INTO plan_versions (plan_id, number, author, changed_at, summary, changes) "
            "VALUES (:pl, 2, current_user, now(), 'completed', '[]')", soci::use(plan);
    long long t = task_;
    EXPECT_EQ(change(*tom, "UPDATE plan_tasks SET done = true, done_by = current_user, "
                           "done_at = now() WHERE id = :t", t), 1);
    int n = 0;
    *tom << "SELECT count(*) FROM outcome_observations WHERE patient_id = :p", soci::use(pat),
        soci::into(n);
    EXPECT_EQ(n, 2);
    // ... but ticks a task off only in his own name.
    refused(*tom, "UPDATE plan_tasks SET done_by = 'una" + suffix_ + "' WHERE id = :t", t,
            "task done in another's name");
}

TEST_P(PlanRlsTest, BreakGlassOpensOnlyThePatientItNames) {
    auto eve = raw_as("eve");  // on no care team, may use break-glass
    EXPECT_EQ(visible(*eve), all(0));
    // A grant for Bea does not open Pat.
    long long bea = bea_, pat = pat_, id = 0;
    *eve << "SELECT vertebra_break_glass('covering for Una', :p, 'test-host')", soci::use(bea),
        soci::into(id);
    EXPECT_EQ(visible(*eve), all(0));
    writes_refused(*eve, "eve with a grant for Bea");
    int n = 0;
    *eve << "SELECT count(*) FROM assessments WHERE patient_id = :p", soci::use(bea), soci::into(n);
    EXPECT_EQ(n, 1);
    // A grant for Pat does: reads and writes, as in the app.
    *eve << "SELECT vertebra_break_glass('acute flare, Tom away', :p, 'test-host')",
        soci::use(pat), soci::into(id);
    EXPECT_EQ(visible(*eve), all(1));
    *eve << "INSERT INTO outcome_observations (patient_id, measure, value, taken_at) "
            "VALUES (:p, 'nrs', 7, now())", soci::use(pat);
    // The grant expired: closed again.
    auto admin = raw_admin();
    const std::string eve_name = name("eve");
    *admin << "UPDATE break_glass SET expires_at = now() - interval '1 second' WHERE user_name = :u",
        soci::use(eve_name);
    EXPECT_EQ(visible(*eve), all(0));
}

TEST_P(PlanRlsTest, AnAssigneeOutsideTheTeamSeesOnlyItsOpenTaskAndCannotTickItOff) {
    // As core's worklist (`collab task mine`): open tasks assigned to me, whoever the patient.
    auto admin = raw_admin();
    const std::string una_name = name("una");
    long long t = task_;
    *admin << "UPDATE plan_tasks SET assignee = :u WHERE id = :t", soci::use(una_name), soci::use(t);
    auto una = raw_as("una");
    int n = 0;
    *una << "SELECT count(*) FROM plan_tasks WHERE assignee = current_user AND NOT done",
        soci::into(n);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(change(*una, "UPDATE plan_tasks SET done = true, done_by = current_user, "
                           "done_at = now() WHERE id = :t", t), 0);
    *admin << "UPDATE plan_tasks SET done = true WHERE id = :t", soci::use(t);
    *una << "SELECT count(*) FROM plan_tasks WHERE id = :t", soci::use(t), soci::into(n);
    EXPECT_EQ(n, 0);
}

TEST_P(PlanRlsTest, FrontDeskAndOwnerKeepTheirGrants) {
    // Front desk and owner: no clinical table; the plan appointment links the book shows.
    for (const std::string base : {"fay", "olga"}) {
        SCOPED_TRACE(base);
        auto s = raw_as(base);
        for (const std::string t : {"assessments", "treatment_plans", "plan_versions",
                                    "outcome_observations", "plan_tasks"}) {
            int n = 0;
            try {
                *s << "SELECT count(*) FROM " + t, soci::into(n);
                ADD_FAILURE() << t << " readable";
            } catch (const soci::postgresql_soci_error& e) {
                EXPECT_EQ(e.sqlstate(), "42501") << t << ": " << e.what();
            }
        }
        long long plan = plan_;
        int n = 0;
        *s << "SELECT count(*) FROM plan_appointments WHERE plan_id = :pl", soci::use(plan),
            soci::into(n);
        EXPECT_EQ(n, 1);
        refused(*s, "INSERT INTO plan_appointments (appointment_id, plan_id, component_id, "
                    "session_number) VALUES (" + std::to_string(bea_appt_) + ", :pl, 1, 2)",
                plan_, "link insert");
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanRlsTest, ::testing::Values(Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
