// Assessments, outcome scores and treatment plans on real storage: one suite, SQLite and PostgreSQL.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "test_databases.hpp"
#include "vertebra/plans/repository.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::testing {
namespace {

using core::Id;
namespace plans = core::plans;
namespace outcomes = core::outcomes;

Instant utc(const char* s) { return outcomes::parse_utc(s, "taken_at"); }

class PlansRepositoryTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        db_ = tdb_->open();
        auto& repo = db_->scheduling();
        core::Practitioner p;
        p.name = "Sam Okafor, PT";
        p.disciplines = {"physical_therapy"};
        p.hours = core::parse_weekly_hours("Mon-Fri 08:00-18:00");
        sam_ = repo.add_practitioner(p);
        tom_ = repo.add_patient(core::Patient{0, "Tom O'Reed", {}, "", ""});
        ann_ = repo.add_patient(core::Patient{0, "Ann Lee", {}, "", ""});
        assessments_ = db_->assessments();
        outcomes_ = db_->outcomes();
        plans_ = db_->plans();
    }

    plans::Assessment assessment(Id patient, const char* on) {
        plans::Assessment a;
        a.patient_id = patient;
        a.assessed_on = parse_local_date(on);
        a.assessed_by = "Dr \"Quote\" O'Brien";
        a.presenting_complaint = "Low back pain'); DROP TABLE assessments; --";
        a.duration_weeks = 14;
        a.pain_pattern = plans::PainPattern::Radicular;
        a.causes = {"herniated_disc"};
        a.diagnoses = {{"M51.26", "Other intervertebral disc displacement, lumbar region", true}};
        a.red_flags = {{"saddle_anaesthesia", false}, {"fever", false}};
        a.medications = {{"naproxen", "nsaid"}};
        a.egfr = 52.5;
        outcomes::Observation o;
        o.patient_id = patient;
        o.measure = outcomes::Measure::Odi;
        o.value = 46;
        o.taken_at = utc("2026-03-02T09:00:00Z");
        a.baseline = {o};
        return a;
    }

    plans::TreatmentPlan plan(Id patient) {
        plans::Author who{"Dr Chen", utc("2026-03-02T10:00:00Z")};
        auto p = plans::new_plan(patient, parse_local_date("2026-03-02"), "Disc plan \xC3\xBC", who);
        p.template_id = "herniated_disc";
        p.care_team.push_back({sam_, "physical_therapist", true});
        plans::PlanComponent c;
        c.kind = plans::ComponentKind::PhysicalTherapy;
        c.title = "McKenzie";
        c.practitioner_id = sam_;
        c.per_week = 2;
        c.duration_weeks = 3;
        c.session_minutes = 45;
        plans::add_component(p, c, plans::ComponentCheckContext{}, who);
        return p;
    }

    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<plans::AssessmentRepository> assessments_;
    std::unique_ptr<plans::OutcomeRepository> outcomes_;
    std::unique_ptr<plans::PlanRepository> plans_;
    Id sam_ = 0, tom_ = 0, ann_ = 0;
};

TEST_P(PlansRepositoryTest, AssessmentRoundTripsExactlyAndListsNewestFirst) {
    auto a1 = assessment(tom_, "2026-01-05");
    auto a2 = assessment(tom_, "2026-03-02");
    a2.notes = "second";
    Id id1 = assessments_->add_assessment(a1);
    Id id2 = assessments_->add_assessment(a2);
    assessments_->add_assessment(assessment(ann_, "2026-04-01"));
    a1.id = id1;
    a2.id = id2;
    auto back = assessments_->assessment(id1);
    ASSERT_TRUE(back);
    EXPECT_EQ(nlohmann::json(*back), nlohmann::json(a1));
    auto list = assessments_->assessments_for_patient(tom_);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, id2);
    EXPECT_EQ(list[0].notes, "second");
    EXPECT_EQ(list[1].id, id1);
    EXPECT_FALSE(assessments_->assessment(id2 + 100));
}

TEST_P(PlansRepositoryTest, UpdateAssessmentChangesItAndUnknownIdIsNotFound) {
    auto a = assessment(tom_, "2026-01-05");
    a.id = assessments_->add_assessment(a);
    a.duration_weeks = 20;
    a.assessed_on = parse_local_date("2026-01-06");
    assessments_->update_assessment(a);
    EXPECT_EQ(assessments_->assessment(a.id)->duration_weeks, 20);
    EXPECT_EQ(assessments_->assessment(a.id)->assessed_on, parse_local_date("2026-01-06"));
    a.id += 50;
    try {
        assessments_->update_assessment(a);
        FAIL() << "unknown id must be NotFound";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

TEST_P(PlansRepositoryTest, AssessmentOfUnknownPatientIsRefusedByTheDatabase) {
    EXPECT_THROW(assessments_->add_assessment(assessment(tom_ + ann_ + 100, "2026-01-05")), Error);
}

TEST_P(PlansRepositoryTest, ObservationsAreTimedRowsInTimeOrderFilteredByMeasureAndPlan) {
    Id plan_id = plans_->add_plan(plan(tom_));
    auto obs = [&](outcomes::Measure m, double v, const char* at, std::optional<Id> pl) {
        outcomes::Observation o;
        o.patient_id = tom_;
        o.measure = m;
        o.value = v;
        o.taken_at = utc(at);
        o.plan_id = pl;
        o.recorded_by = "nurse 'Kim'";
        return outcomes_->add_observation(o);
    };
    obs(outcomes::Measure::Nrs, 7, "2026-03-16T09:00:00Z", plan_id);
    obs(outcomes::Measure::Nrs, 8, "2026-03-02T09:00:00Z", std::nullopt);
    outcomes::Observation odi;
    odi.patient_id = tom_;
    odi.plan_id = plan_id;
    odi.measure = outcomes::Measure::Odi;
    odi.odi_answers = {3, 2, std::nullopt, 1, 4, 2, 3, 2, 1, 2};
    odi.value = outcomes::score_odi(odi.odi_answers).percent;
    odi.taken_at = utc("2026-03-09T09:30:00Z");
    odi.note = "ODI week 1";
    Id odi_id = outcomes_->add_observation(odi);

    auto all = outcomes_->observations(tom_);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].value, 8);
    EXPECT_FALSE(all[0].plan_id);
    EXPECT_EQ(all[1].id, odi_id);
    EXPECT_EQ(all[1].odi_answers, odi.odi_answers);
    EXPECT_DOUBLE_EQ(all[1].value, odi.value);
    EXPECT_EQ(all[1].taken_at, odi.taken_at);
    EXPECT_EQ(all[1].note, "ODI week 1");
    EXPECT_EQ(all[2].recorded_by, "nurse 'Kim'");

    auto nrs = outcomes_->observations(tom_, outcomes::Measure::Nrs);
    ASSERT_EQ(nrs.size(), 2u);
    EXPECT_EQ(nrs[0].value, 8);
    EXPECT_EQ(nrs[1].value, 7);
    auto of_plan = outcomes_->observations(tom_, std::nullopt, plan_id);
    ASSERT_EQ(of_plan.size(), 2u);
    EXPECT_EQ(of_plan[0].id, odi_id);
    EXPECT_EQ(outcomes_->observations(tom_, outcomes::Measure::Nrs, plan_id).size(), 1u);
    EXPECT_TRUE(outcomes_->observations(ann_).empty());
}

TEST_P(PlansRepositoryTest, PlanRoundTripsWithItsVersions) {
    auto p = plan(tom_);
    Id id = plans_->add_plan(p);
    p.id = id;
    auto back = plans_->plan(id);
    ASSERT_TRUE(back);
    EXPECT_EQ(nlohmann::json(*back), nlohmann::json(p));
    ASSERT_EQ(back->versions.size(), 2u);
    EXPECT_EQ(back->version(), 2);
    EXPECT_EQ(back->versions[1].summary, "component added");
    EXPECT_FALSE(back->versions[1].changes.empty());
    EXPECT_EQ(plans_->plans_for_patient(tom_).size(), 1u);
    EXPECT_TRUE(plans_->plans_for_patient(ann_).empty());
    EXPECT_FALSE(plans_->plan(id + 1));
}

TEST_P(PlansRepositoryTest, SaveAppendsNewVersionsAndRefusesAStaleVersion) {
    Id id = plans_->add_plan(plan(tom_));
    auto mine = *plans_->plan(id);
    auto theirs = *plans_->plan(id);
    plans::Author who{"Dr Chen", utc("2026-03-03T10:00:00Z")};
    plans::set_review_dates(mine, {parse_local_date("2026-04-01")}, who);
    plans::add_goal(mine, plans::Goal{0, std::nullopt, std::nullopt, std::nullopt,
                                      "Walk 30 minutes", parse_local_date("2026-05-01"), false},
                    who);
    plans_->save_plan(mine, 2);
    auto back = *plans_->plan(id);
    EXPECT_EQ(back.version(), 4);
    EXPECT_EQ(back.goals.size(), mine.goals.size());
    EXPECT_EQ(nlohmann::json(back), nlohmann::json(mine));

    // A colleague who loaded version 2 cannot overwrite version 4.
    plans::set_review_dates(theirs, {parse_local_date("2026-05-01")}, {"Sam", who.at});
    try {
        plans_->save_plan(theirs, 2);
        FAIL() << "stale save must conflict";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        EXPECT_NE(std::string(e.what()).find("version 4"), std::string::npos) << e.what();
    }
    EXPECT_EQ(plans_->plan(id)->review_dates, mine.review_dates);
    EXPECT_EQ(plans_->plan(id)->versions.size(), 4u);

    // Nothing new to save, and unknown plans.
    EXPECT_THROW(plans_->save_plan(back, 4), Error);
    plans::set_review_dates(back, {}, who);
    back.id = id + 7;
    try {
        plans_->save_plan(back, 4);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

TEST_P(PlansRepositoryTest, ConcurrentEditorsOnTwoConnectionsOneWinsOneConflicts) {
    Id id = plans_->add_plan(plan(tom_));
    auto other_db = tdb_->open();
    auto other = other_db->plans();
    auto a = *plans_->plan(id);
    auto b = *other->plan(id);
    plans::Author who{"A", utc("2026-03-03T10:00:00Z")};
    plans::set_review_dates(a, {parse_local_date("2026-04-01")}, who);
    plans::set_review_dates(b, {parse_local_date("2026-04-02")}, {"B", who.at});
    plans_->save_plan(a, 2);
    EXPECT_THROW(other->save_plan(b, 2), Error);
    auto stored = *other->plan(id);
    EXPECT_EQ(stored.versions.back().author, "A");
}

TEST_P(PlansRepositoryTest, PlanVersionsAreAppendOnlyInTheDatabaseItself) {
    Id id = plans_->add_plan(plan(tom_));
    auto url = db::DatabaseUrl::parse(tdb_->url());
    soci::session s;
    if (GetParam() == Kind::SQLite)
        s.open(*soci::factory_sqlite3(), url.sqlite_path);
    else
        s.open(*soci::factory_postgresql(), url.conninfo);
    long long pid = id;
    auto update = [&] {
        s << "UPDATE plan_versions SET author = 'mallory' WHERE plan_id = :p", soci::use(pid);
    };
    auto remove = [&] { s << "DELETE FROM plan_versions WHERE plan_id = :p", soci::use(pid); };
    EXPECT_THROW(update(), soci::soci_error);
    EXPECT_THROW(remove(), soci::soci_error);
    EXPECT_EQ(plans_->plan(id)->versions.front().author, "Dr Chen");
}

TEST_P(PlansRepositoryTest, CompletedLinkedAppointmentsCountTowardTheirComponent) {
    Id id = plans_->add_plan(plan(tom_));
    core::Scheduler sched(db_->scheduling(), [] { return utc("2026-03-01T00:00:00Z"); });
    std::vector<Id> appts;
    for (const char* t : {"2026-03-02T09:00", "2026-03-04T09:00", "2026-03-06T09:00"}) {
        core::BookingRequest r;
        r.patient_id = tom_;
        r.practitioner_id = sam_;
        r.start = parse_local_datetime(t);
        r.minutes = 45;
        appts.push_back(sched.book(r).front());
    }
    plans_->link_appointments({{id, 1, appts[0], 1}, {id, 1, appts[1], 2}, {id, 1, appts[2], 3}});
    EXPECT_EQ(plans_->plan(id)->components[0].sessions_completed, 0);
    sched.set_status(appts[0], core::AppointmentStatus::Arrived);
    sched.set_status(appts[0], core::AppointmentStatus::Completed);
    sched.set_status(appts[1], core::AppointmentStatus::InSession);
    sched.set_status(appts[1], core::AppointmentStatus::Completed);
    sched.cancel(appts[2], "patient ill");
    auto p = *plans_->plan(id);
    EXPECT_EQ(p.components[0].sessions_completed, 2);
    EXPECT_EQ(p.components[0].remaining_sessions(), 4);

    auto links = plans_->plan_appointments(id);
    ASSERT_EQ(links.size(), 3u);
    EXPECT_EQ(links[2].appointment_id, appts[2]);
    EXPECT_EQ(links[2].session_number, 3);
    // An appointment belongs to one plan; unknown appointments and plans are refused.
    Id other = plans_->add_plan(plan(tom_));
    EXPECT_THROW(plans_->link_appointments({{other, 1, appts[0], 1}}), Error);
    try {
        plans_->link_appointments({{other, 1, appts[2] + 99, 1}});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
    EXPECT_TRUE(plans_->plan_appointments(other).empty());  // nothing half-written
}

INSTANTIATE_TEST_SUITE_P(Backends, PlansRepositoryTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
