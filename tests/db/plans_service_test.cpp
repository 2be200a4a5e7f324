// The plan service on real storage and the real scheduler (both backends): all-or-nothing
// booking, rebooking, practitioners by role, and scores attached to the current plan.
#include <gtest/gtest.h>

#include "test_databases.hpp"
#include "vertebra/plans/plan_service.hpp"
#include "vertebra/scheduling/hours_spec.hpp"

namespace vertebra::testing {
namespace {

using core::Id;
namespace plans = core::plans;
namespace outcomes = core::outcomes;

class PlanServiceTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        db_ = tdb_->open();
        auto& repo = db_->scheduling();
        core::Clinic c;
        c.timezone = "America/New_York";
        repo.save_clinic(c);
        core::Practitioner p;
        p.name = "Sam (PT)";
        p.disciplines = {"physical_therapy"};
        p.hours = core::parse_weekly_hours("Mon-Fri 08:00-12:00");
        sam_ = repo.add_practitioner(p);
        p.name = "Dr Becker (psychology)";
        p.disciplines = {"psychological_support"};
        p.hours = core::parse_weekly_hours("Tue 09:00-10:00");
        becker_ = repo.add_practitioner(p);
        tom_ = repo.add_patient(core::Patient{0, "Tom Reed", {}, "", ""});
        assessments_ = db_->assessments();
        outcomes_ = db_->outcomes();
        plans_ = db_->plans();
        sched_ = std::make_unique<core::Scheduler>(repo, [] { return from_epoch(1767225600); });
        plans::PlanServiceHooks hooks;
        hooks.now = [] { return from_epoch(1772442000); };  // 2026-03-02
        hooks.slot_horizon_days = 30;
        svc_ = std::make_unique<plans::PlanService>(*assessments_, *outcomes_, *plans_, repo,
                                                    *sched_, hooks);
    }

    Id plan_with_pt(int sessions) {
        plans::Author who{"Dr Chen", from_epoch(1772442000)};
        auto p = plans::new_plan(tom_, parse_local_date("2026-03-02"), "Back plan", who);
        p.care_team.push_back({sam_, "physical_therapist", true});
        p.care_team.push_back({becker_, "mental_health", false});
        plans::PlanComponent c;
        c.kind = plans::ComponentKind::PhysicalTherapy;
        c.practitioner_id = sam_;
        c.per_week = 2;
        c.session_count = sessions;
        c.session_minutes = 60;
        c.min_spacing_days = 2;
        plans::add_component(p, c, {}, who);
        return plans_->add_plan(p);
    }

    std::size_t booked() {
        return db_->scheduling()
            .appointments({from_epoch(0), from_epoch(4102444800), {}, tom_, {}, false})
            .size();
    }

    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<plans::AssessmentRepository> assessments_;
    std::unique_ptr<plans::OutcomeRepository> outcomes_;
    std::unique_ptr<plans::PlanRepository> plans_;
    std::unique_ptr<core::Scheduler> sched_;
    std::unique_ptr<plans::PlanService> svc_;
    Id sam_ = 0, becker_ = 0, tom_ = 0;
};

TEST_P(PlanServiceTest, BooksTheWholePlanOrNothing) {
    Id pid = plan_with_pt(4);
    // Psychology: weekly for 8 weeks, but Dr Becker works one hour a week and the horizon is
    // 30 days: some sessions cannot be placed.
    plans::PlanComponent psych;
    psych.kind = plans::ComponentKind::PsychologicalSupport;
    psych.practitioner_id = becker_;
    psych.per_week = 1;
    psych.session_count = 8;
    psych.session_minutes = 60;
    svc_->add_component(pid, psych, "Dr Chen");
    plans::ScheduleOptions opt{parse_local_date("2026-03-02")};

    auto preview = svc_->preview_schedule(pid, opt);
    EXPECT_TRUE(preview.dry_run);
    EXPECT_FALSE(preview.schedule.complete());
    EXPECT_EQ(booked(), 0u);

    auto r = svc_->book_schedule(pid, opt, "Dr Chen");
    EXPECT_FALSE(r.booked());
    ASSERT_FALSE(r.schedule.problems.empty());
    EXPECT_NE(r.schedule.problems[0].find("no free slot"), std::string::npos)
        << r.schedule.problems[0];
    EXPECT_EQ(booked(), 0u) << "nothing may be booked when one session cannot be placed";
    EXPECT_TRUE(plans_->plan_appointments(pid).empty());
}

TEST_P(PlanServiceTest, BookedSessionsAreLinkedVersionedAndNotProposedAgain) {
    Id pid = plan_with_pt(4);
    plans::ScheduleOptions opt{parse_local_date("2026-03-02")};
    const int v = svc_->plan(pid).version();
    auto r = svc_->book_schedule(pid, opt, "Dr Chen");
    ASSERT_TRUE(r.booked()) << (r.schedule.problems.empty() ? "" : r.schedule.problems[0]);
    ASSERT_EQ(r.appointment_ids.size(), 4u);
    EXPECT_EQ(booked(), 4u);
    auto links = plans_->plan_appointments(pid);
    ASSERT_EQ(links.size(), 4u);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(links[static_cast<std::size_t>(i)].session_number, i + 1);
    auto p = svc_->plan(pid);
    EXPECT_EQ(p.version(), v + 1);
    EXPECT_EQ(p.versions.back().author, "Dr Chen");
    auto first = db_->scheduling().appointment(r.appointment_ids[0]);
    ASSERT_TRUE(first);
    EXPECT_NE(first->notes.find("Plan #" + std::to_string(pid)), std::string::npos) << first->notes;
    EXPECT_NE(first->notes.find("session 1 of 4"), std::string::npos) << first->notes;

    // Nothing left to book; after a cancellation exactly one session is proposed again.
    EXPECT_TRUE(svc_->preview_schedule(pid, opt).schedule.bookings.empty());
    sched_->set_status(r.appointment_ids[0], core::AppointmentStatus::Arrived);
    sched_->set_status(r.appointment_ids[0], core::AppointmentStatus::Completed);
    sched_->cancel(r.appointment_ids[3], "holiday");
    auto again = svc_->preview_schedule(pid, opt);
    ASSERT_EQ(again.schedule.bookings.size(), 1u);
    EXPECT_EQ(again.schedule.bookings[0].session_number, 4);
    auto counts = svc_->session_counts(pid);
    EXPECT_EQ(counts[1].completed, 1);
    EXPECT_EQ(counts[1].upcoming, 2);
    EXPECT_EQ(svc_->plan(pid).components[0].sessions_completed, 1);
    // The new session avoids the patient's existing appointments.
    auto rebooked = svc_->book_schedule(pid, opt, "Dr Chen");
    ASSERT_EQ(rebooked.appointment_ids.size(), 1u);
    EXPECT_EQ(booked(), 4u);
}

TEST_P(PlanServiceTest, MovingASessionReflowsTheLaterOnesAllOrNothing) {
    Id pid = plan_with_pt(4);  // Mon 2, Thu 5, Mon 9, Thu 12 March at 08:00, 2 days apart
    plans::ScheduleOptions opt{parse_local_date("2026-03-02")};
    auto r = svc_->book_schedule(pid, opt, "Dr Chen");
    ASSERT_EQ(r.appointment_ids.size(), 4u);
    const int v = svc_->plan(pid).version();

    // Session 2 moves to Tue 10 March: session 3 (Mon 9) must follow at least 2 days later,
    // and session 4 (Thu 12) then too.
    auto preview = svc_->move_session(pid, r.appointment_ids[1], parse_local_datetime(
                                          "2026-03-10T10:00"), true, "Dr Chen");
    EXPECT_TRUE(preview.problems.empty()) << preview.problems.front();
    ASSERT_GE(preview.moves.size(), 2u);
    EXPECT_EQ(preview.moves[0].appointment_id, r.appointment_ids[1]);
    EXPECT_EQ(preview.moves[1].appointment_id, r.appointment_ids[2]);
    EXPECT_GE(preview.moves[1].to, parse_local_datetime("2026-03-12T00:00"));
    EXPECT_FALSE(preview.applied);
    EXPECT_EQ(db_->scheduling().appointment(r.appointment_ids[1])->start,
              sched_->zone().to_utc(parse_local_datetime("2026-03-05T08:00")));

    auto done = svc_->move_session(pid, r.appointment_ids[1],
                                   parse_local_datetime("2026-03-10T10:00"), false, "Dr Chen");
    ASSERT_TRUE(done.applied) << (done.problems.empty() ? "" : done.problems.front());
    EXPECT_EQ(done.moves.size(), preview.moves.size());
    for (const auto& m : done.moves)
        EXPECT_EQ(db_->scheduling().appointment(m.appointment_id)->start,
                  sched_->zone().to_utc(m.to));
    EXPECT_EQ(svc_->plan(pid).version(), v + 1);
    EXPECT_EQ(booked(), 4u);

    // Outside the practitioner's hours (08:00-12:00): refused, nothing moves.
    auto bad = svc_->move_session(pid, r.appointment_ids[0],
                                  parse_local_datetime("2026-03-03T15:00"), false, "Dr Chen");
    EXPECT_FALSE(bad.applied);
    EXPECT_FALSE(bad.problems.empty());
    EXPECT_EQ(db_->scheduling().appointment(r.appointment_ids[0])->start,
              sched_->zone().to_utc(parse_local_datetime("2026-03-02T08:00")));
    EXPECT_THROW(svc_->move_session(pid, r.appointment_ids[0] + 100,
                                    parse_local_datetime("2026-03-03T09:00"), true, "Dr Chen"),
                 Error);
}

TEST_P(PlanServiceTest, ScoresAttachToTheCurrentPlanAndAreValidated) {
    outcomes::Observation o;
    o.patient_id = tom_;
    o.measure = outcomes::Measure::Nrs;
    o.value = 6;
    o.taken_at = from_epoch(1772442000);
    Id before = svc_->record_outcome(o);  // no plan yet
    Id pid = plan_with_pt(4);
    Id after = svc_->record_outcome(o);
    auto all = outcomes_->observations(tom_);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, before);
    EXPECT_FALSE(all[0].plan_id);
    EXPECT_EQ(all[1].id, after);
    EXPECT_EQ(all[1].plan_id, pid);
    o.value = 11;
    EXPECT_THROW(svc_->record_outcome(o), Error);
    o.value = 3;
    o.patient_id = tom_ + 50;
    try {
        svc_->record_outcome(o);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
    EXPECT_EQ(outcomes_->observations(tom_).size(), 2u);
}

TEST_P(PlanServiceTest, PractitionersFillRolesByDiscipline) {
    auto staff = db_->scheduling().practitioners();
    EXPECT_EQ(plans::practitioner_for_role(staff, "physical_therapist"), sam_);
    EXPECT_EQ(plans::practitioner_for_role(staff, "mental_health"), becker_);
    EXPECT_FALSE(plans::practitioner_for_role(staff, "chiropractor"));
    staff[0].active = false;
    EXPECT_FALSE(plans::practitioner_for_role(staff, "physical_therapist"));
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanServiceTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
