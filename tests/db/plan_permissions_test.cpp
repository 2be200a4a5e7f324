// The permission matrix of the clinical record's plan side on both backends: assessments,
// outcome scores and plans through PlanService (and tasks through CollaborationService) with an
// actor — front desk and owner refused naming the permission, a therapist only on the care team,
// break-glass allowed and marked, every access in the chained audit log; no actor: library use.
#include <gtest/gtest.h>

#include <set>

#include "record_fixture.hpp"
#include "vertebra/plans/plan_service.hpp"
#include "vertebra/scheduling/hours_spec.hpp"

namespace vertebra::testing {
namespace {

using core::Id;
namespace plans = core::plans;
namespace outcomes = core::outcomes;

/// One seat's plan service: its own connection, scheduler and audit log.
struct PlanSeat {
    std::unique_ptr<plans::AssessmentRepository> assessments;
    std::unique_ptr<plans::OutcomeRepository> outcomes;
    std::unique_ptr<plans::PlanRepository> plans;
    std::unique_ptr<core::Scheduler> scheduler;
    std::unique_ptr<plans::PlanService> service;
};

class PlanPermissionsTest : public RecordFixture {
  protected:
    /// The plan service on `base`'s connection, acting as `base` (or as nobody).
    plans::PlanService& svc(const std::string& base, bool acting = true) {
        auto& ps = plan_seats_[base + (acting ? "" : "/library")];
        if (!ps) {
            ps = std::make_unique<PlanSeat>();
            db::Database& d = base == "admin" ? *admin_ : *seat(base).db;
            ps->assessments = d.assessments();
            ps->outcomes = d.outcomes();
            ps->plans = d.plans();
            ps->scheduler = std::make_unique<core::Scheduler>(d.scheduling());
            ps->service = std::make_unique<plans::PlanService>(
                *ps->assessments, *ps->outcomes, *ps->plans, d.scheduling(), *ps->scheduler);
            if (acting) {
                auto& s = seat(base);
                ps->service->set_actor(&s.who, s.audit.get(), s.notes.get());
                ps->scheduler->set_actor(&s.who, s.audit.get());
            }
        }
        return *ps->service;
    }

    static plans::Assessment assessment(Id patient) {
        plans::Assessment a;
        a.patient_id = patient;
        a.assessed_on = parse_local_date("2027-01-10", "date");
        a.assessed_by = "test";
        a.presenting_complaint = "Low back pain";
        a.duration_weeks = 8;
        return a;
    }
    static outcomes::Observation nrs(Id patient, double value) {
        outcomes::Observation o;
        o.patient_id = patient;
        o.measure = outcomes::Measure::Nrs;
        o.value = value;
        o.taken_at = wall_now();
        o.recorded_by = "test";
        return o;
    }
    static const plans::PlanTemplate& strain() {
        static const auto all = plans::shipped_plan_templates();
        for (const auto& t : all)
            if (t.id == "muscle_ligament_strain") return t;
        throw std::runtime_error("template muscle_ligament_strain not shipped");
    }
    Id make_plan(const std::string& base, Id patient) {
        return svc(base).create_from_template(
            strain(), patient, parse_local_date("2027-01-11", "start"), std::nullopt, name(base));
    }

    /// "action user-base patient" of every entry of the actions in `prefixes`.
    std::multiset<std::string> audited(std::initializer_list<const char*> prefixes) {
        std::multiset<std::string> out;
        for (const auto& e : admin_->audit()->all()) {
            bool wanted = false;
            for (const char* p : prefixes) wanted = wanted || e.action.rfind(p, 0) == 0;
            if (!wanted) continue;
            const std::string user = e.user.substr(0, e.user.find(suffix_));
            out.insert(e.action + " " + user + " " +
                       (e.patient_id ? std::to_string(*e.patient_id) : "-"));
            EXPECT_EQ(e.workstation, "test-host") << e.action;
        }
        return out;
    }

    std::map<std::string, std::unique_ptr<PlanSeat>> plan_seats_;
};

TEST_P(PlanPermissionsTest, FrontDeskAndOwnerAreRefusedEveryClinicalReadAndWrite) {
    // Something to be refused: an assessment, a score and a plan, written by the care team.
    svc("tom").record_assessment(assessment(pat_));
    svc("tom").record_outcome(nrs(pat_, 6));
    const Id plan = make_plan("tom", pat_);
    for (const char* base : {"fay", "olga"}) {
        SCOPED_TRACE(base);
        auto& s = svc(base);
        const auto read = ErrorKind::PermissionDenied;
        expect_error([&] { s.record_assessment(assessment(pat_)); }, read,
                     "lacks assessment.write");
        expect_error([&] { s.latest_assessment(pat_); }, read, "lacks assessment.read");
        expect_error([&] { s.record_outcome(nrs(pat_, 5)); }, read, "lacks assessment.write");
        expect_error([&] { s.observations(pat_); }, read, "lacks assessment.read");
        expect_error([&] { s.plans_for_patient(pat_); }, read, "lacks assessment.read");
        expect_error([&] { make_plan(base, pat_); }, read, "lacks assessment.write");
        expect_error([&] { s.plan(plan); }, read, "lacks assessment.read");
        expect_error([&] { s.session_counts(plan); }, read, "lacks assessment.read");
        expect_error([&] { s.set_status(plan, plans::PlanStatus::Active, name(base)); }, read,
                     "lacks assessment.write");
        expect_error([&] { s.review(plan, parse_local_date("2027-02-01", "date")); }, read,
                     "lacks assessment.read");
        plans::ScheduleOptions opt;
        opt.from = parse_local_date("2027-01-18", "from");
        expect_error([&] { s.preview_schedule(plan, opt); }, read, "lacks assessment.read");
        expect_error([&] { s.book_schedule(plan, opt, name(base)); }, read,
                     "lacks assessment.write");
    }
    // Nothing of theirs reached the log or the record.
    const auto seen = audited({"assessment.", "outcome.", "plan."});
    for (const auto& e : seen)
        EXPECT_TRUE(e.find(" fay ") == std::string::npos && e.find(" olga ") == std::string::npos)
            << e;
    EXPECT_EQ(svc("admin", false).observations(pat_).size(), 1u);
}

TEST_P(PlanPermissionsTest, TherapistOnTheCareTeamReadsAndWritesAndEachAccessIsAudited) {
    auto& tom = svc("tom");  // on Pat's care team: his practitioner has her appointment
    const Id assessment_id = tom.record_assessment(assessment(pat_));
    ASSERT_TRUE(tom.latest_assessment(pat_));
    EXPECT_EQ(tom.latest_assessment(pat_)->id, assessment_id);
    tom.record_outcome(nrs(pat_, 6));
    const Id plan = make_plan("tom", pat_);
    EXPECT_EQ(tom.plan(plan).patient_id, pat_);
    EXPECT_EQ(tom.plans_for_patient(pat_).size(), 1u);
    EXPECT_EQ(tom.observations(pat_).size(), 1u);
    tom.set_status(plan, plans::PlanStatus::Active, name("tom"));
    tom.review(plan, parse_local_date("2027-02-01", "date"));
    tom.session_counts(plan);

    EXPECT_EQ(audited({"assessment.", "outcome.", "plan."}),
              (std::multiset<std::string>{
                  "assessment.create tom " + std::to_string(pat_),
                  "assessment.read tom " + std::to_string(pat_),
                  "assessment.read tom " + std::to_string(pat_),
                  "outcome.create tom " + std::to_string(pat_),
                  "plan.create tom " + std::to_string(pat_),
                  "plan.read tom " + std::to_string(pat_),
                  "plan.read tom " + std::to_string(pat_),
                  "outcome.read tom " + std::to_string(pat_),
                  "plan.change tom " + std::to_string(pat_),
                  "plan.review tom " + std::to_string(pat_),
                  "plan.read tom " + std::to_string(pat_),
              }));
    // The objects name what was touched.
    std::set<std::string> objects;
    for (const auto& e : admin_->audit()->all())
        if (e.action.rfind("plan.", 0) == 0 || e.action.rfind("assessment.", 0) == 0)
            objects.insert(e.object);
    EXPECT_TRUE(objects.count("plan:" + std::to_string(plan)));
    EXPECT_TRUE(objects.count("assessment:" + std::to_string(assessment_id)));
    EXPECT_TRUE(core::verify_audit_chain(admin_->audit()->all()).intact);
}

TEST_P(PlanPermissionsTest, TherapistOutsideTheCareTeamIsRefusedUntilBreakGlass) {
    svc("tom").record_outcome(nrs(pat_, 6));
    const Id plan = make_plan("tom", pat_);
    // Una treats Bea, not Pat.
    auto& una = svc("una");
    const auto denied = ErrorKind::PermissionDenied;
    expect_error([&] { una.plan(plan); }, denied, "is not on the care team of patient #");
    expect_error([&] { una.observations(pat_); }, denied, "not on the care team");
    expect_error([&] { una.record_outcome(nrs(pat_, 4)); }, denied, "not on the care team");
    expect_error([&] { una.record_assessment(assessment(pat_)); }, denied, "not on the care team");
    expect_error([&] { una.set_status(plan, plans::PlanStatus::Stopped, name("una")); }, denied,
                 "not on the care team");
    una.record_outcome(nrs(bea_, 3));  // her own patient
    EXPECT_EQ(una.observations(bea_).size(), 1u);

    // Eve works on no care team; with break-glass she reads (and records), marked in the log.
    auto& eve = svc("eve");
    expect_error([&] { eve.plan(plan); }, denied, "not on the care team");
    auto& eve_seat = seat("eve");
    eve_seat.auth->break_glass(eve_seat.who, "covering for Tom: acute flare", pat_, wall_now());
    EXPECT_EQ(eve.plan(plan).id, plan);
    EXPECT_EQ(eve.observations(pat_).size(), 1u);
    // The grant names Pat: Bea's record stays closed.
    expect_error([&] { eve.observations(bea_); }, denied, "not on the care team of patient #");
    eve.record_outcome(nrs(pat_, 7));
    int marked = 0;
    for (const auto& e : admin_->audit()->all()) {
        if (e.user.rfind("eve", 0) != 0 || e.action.find(".break_glass") == std::string::npos)
            continue;
        ++marked;
        EXPECT_EQ(e.patient_id, pat_);
        EXPECT_NE(e.detail.find("break-glass: covering for Tom"), std::string::npos) << e.detail;
    }
    EXPECT_EQ(marked, 3);
    const auto seen = audited({"plan.read.break_glass", "outcome."});
    EXPECT_EQ(seen.count("plan.read.break_glass eve " + std::to_string(pat_)), 1u);
    EXPECT_EQ(seen.count("outcome.read.break_glass eve " + std::to_string(pat_)), 1u);
    EXPECT_EQ(seen.count("outcome.create.break_glass eve " + std::to_string(pat_)), 1u);
    EXPECT_EQ(seen.count("outcome.create una " + std::to_string(bea_)), 1u);
    EXPECT_TRUE(core::verify_audit_chain(admin_->audit()->all()).intact);
}

TEST_P(PlanPermissionsTest, WithoutAnActorThePlanServiceIsALibraryAndLogsNothing) {
    const auto before = admin_->audit()->all().size();
    auto& lib = svc("admin", false);
    lib.record_assessment(assessment(pat_));
    lib.record_outcome(nrs(pat_, 5));
    const Id plan = lib.create_from_template(
        strain(), pat_, parse_local_date("2027-01-11", "start"), std::nullopt, "seed");
    EXPECT_EQ(lib.plan(plan).patient_id, pat_);
    EXPECT_EQ(admin_->audit()->all().size(), before);
}

TEST_P(PlanPermissionsTest, TasksFollowTheCareTeamAndTheirReadsAreAudited) {
    const Id plan = make_plan("tom", pat_);
    auto& tom = seat("tom");
    auto tasks = tom.db->tasks();
    auto plans_repo = tom.db->plans();
    auto assessments = tom.db->assessments();
    auto outcome_repo = tom.db->outcomes();
    plans::CollaborationService collab({*tasks, *plans_repo, *assessments, *outcome_repo,
                                        *tom.notes, tom.db->scheduling(), *tom.audit,
                                        tom.users.get()});
    collab.add_task(tom.who, plan, "Call the GP", "", std::nullopt, wall_now());
    EXPECT_EQ(collab.tasks(tom.who, plan, wall_now()).size(), 1u);
    expect_error([&] { collab.tasks(seat("una").who, plan, wall_now()); },
                 ErrorKind::PermissionDenied, "not on the care team");
    expect_error([&] { collab.tasks(seat("fay").who, plan, wall_now()); },
                 ErrorKind::PermissionDenied, "lacks assessment.read");
    const auto seen = audited({"task.", "plan.read"});
    EXPECT_EQ(seen.count("task.create tom " + std::to_string(pat_)), 1u);
    EXPECT_EQ(seen.count("plan.read tom " + std::to_string(pat_)), 1u);
}

TEST_P(PlanPermissionsTest, AClinicalChangeWhoseAuditEntryCannotBeWrittenIsNotStored) {
    // The entry and the change are one transaction: with the log refusing inserts (in the
    // database, as a full disk would), nothing of the record changes.
    // So that the plan can be booked: working hours, and someone for its massage sessions.
    const auto hours = core::parse_weekly_hours("Mon-Fri 08:00-18:00");
    for (auto pr : admin_->scheduling().practitioners())
        if (pr.id == tom_prac_) {
            pr.hours = hours;
            admin_->scheduling().update_practitioner(pr);
        }
    core::Practitioner masseur;
    masseur.name = "Max Roth";
    masseur.disciplines = {"massage"};
    masseur.hours = hours;
    admin_->scheduling().add_practitioner(masseur);
    auto& tom = svc("tom");
    const Id plan = make_plan("tom", pat_);
    auto& library = svc("admin", false);  // reads without an actor, so without audit
    const int version = library.plan(plan).version();
    break_audit_log();
    const std::string refused = "audit log refused (test)";
    expect_error_text([&] { tom.record_assessment(assessment(pat_)); }, refused);
    expect_error_text([&] { tom.record_outcome(nrs(pat_, 6)); }, refused);
    expect_error_text([&] { make_plan("tom", pat_); }, refused);
    expect_error_text([&] { tom.set_status(plan, plans::PlanStatus::Active, name("tom")); },
                      refused);
    plans::ScheduleOptions opt;
    opt.from = parse_local_date("2027-01-18", "from");
    expect_error_text([&] { tom.book_schedule(plan, opt, name("tom")); }, refused);

    EXPECT_FALSE(library.latest_assessment(pat_));
    EXPECT_TRUE(library.observations(pat_).empty());
    EXPECT_EQ(library.plans_for_patient(pat_).size(), 1u);
    EXPECT_EQ(library.plan(plan).version(), version);
    EXPECT_EQ(library.plan(plan).status, plans::PlanStatus::Draft);
    EXPECT_TRUE(admin_->plans()->plan_appointments(plan).empty());

    mend_audit_log();
    tom.set_status(plan, plans::PlanStatus::Active, name("tom"));
    EXPECT_EQ(library.plan(plan).status, plans::PlanStatus::Active);
    const auto booked = tom.book_schedule(plan, opt, name("tom"));
    ASSERT_TRUE(booked.booked()) << "the plan could not be booked at all, so the refusal above "
                                    "proved nothing: "
                                 << nlohmann::json(booked).dump();
    EXPECT_EQ(admin_->plans()->plan_appointments(plan).size(), booked.appointment_ids.size());
    EXPECT_EQ(audited({"plan.change", "plan.schedule"}),
              (std::multiset<std::string>{"plan.change tom " + std::to_string(pat_),
                                          "plan.schedule tom " + std::to_string(pat_)}));
    EXPECT_TRUE(core::verify_audit_chain(admin_->audit()->all()).intact);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanPermissionsTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
