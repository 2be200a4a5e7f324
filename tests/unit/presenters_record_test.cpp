// Chart, note editor, sign-in and users presenters over a real SQLite demo clinic with the real
// therapy-module plugins (the clinical record as the desktop app shows it).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

#include "vertebra/ui/booking_presenter.hpp"
#include "vertebra/ui/chart_presenter.hpp"
#include "vertebra/ui/desktop_session.hpp"
#include "vertebra/ui/login_presenter.hpp"
#include "vertebra/ui/note_editor_presenter.hpp"

using namespace vertebra;
using namespace vertebra::core;
using namespace vertebra::ui;

namespace {

namespace fs = std::filesystem;
namespace outcomes = vertebra::core::outcomes;

LocalDate today() { return LocalDate{date::year{2026} / 11 / 25}; }

Instant wall_clock() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

class RecordPresenterTest : public ::testing::Test {
protected:
    fs::path dir;
    ClinicSession s;
    std::optional<Principal> demo;

    void SetUp() override {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("vertebra-record-" + std::to_string(rd()));
        fs::create_directories(dir);
        DesktopOptions o;
        o.demo = true;
        o.db_url = "sqlite:" + (dir / "clinic.db").string();
        o.plugin_dirs = {VERTEBRA_UNIT_PLUGIN_DIR};
        s = open_clinic_session(o, today());
        ASSERT_TRUE(s.seeded_now);
        ASSERT_EQ(s.modules->status("chiropractic").state, ModuleState::Running)
            << s.modules->status("chiropractic").error;
        auto r = sign_in_demo(*s.record, "test");
        ASSERT_TRUE(r.who) << r.message;
        demo = r.who;
    }
    void TearDown() override {
        s = ClinicSession{};
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    /// A patient of the demo record with a plan.
    Id patient_with_plan() {
        for (const auto& p : s.repo().find_patients("", 100))
            if (!s.record->plans->plans_for_patient(p.id).empty()) return p.id;
        return 0;
    }
    /// The chiropractor's first appointment on or after today that has no note.
    Appointment open_chiropractic_visit() {
        const auto zone = s.scheduler->zone();
        Id chiro = 0;
        for (const auto& p : s.repo().practitioners())
            if (p.has_discipline("chiropractic") && !chiro) chiro = p.id;
        AppointmentQuery q{zone.start_of_day(today()), zone.start_of_day(today() + date::days{14}),
                           {chiro}, {}, {}, false};
        for (const auto& a : s.repo().appointments(q))
            if (!s.record->notes->status_for_appointment(a.id)) return a;
        ADD_FAILURE() << "no open chiropractic visit";
        return {};
    }
};

TEST(ChartTrendTest, BaselineMcidLineAndMetPoints) {
    ClinicZone zone("America/New_York");
    std::vector<outcomes::Observation> obs;
    const double values[] = {8, 7, 6, 5};
    for (int i = 0; i < 4; ++i) {
        outcomes::Observation o;
        o.patient_id = 1;
        o.measure = outcomes::Measure::Nrs;
        o.value = values[i];
        o.taken_at = from_epoch(1772442000 + i * 7 * 86400);
        obs.push_back(o);
    }
    outcomes::Observation odi;
    odi.measure = outcomes::Measure::Odi;
    odi.value = 40;
    odi.taken_at = from_epoch(1772442000);
    obs.push_back(odi);
    const auto t = make_trend(outcomes::Measure::Nrs, obs, zone, 4.0);
    ASSERT_EQ(t.points.size(), 4u);
    EXPECT_EQ(*t.baseline, 8);
    // NRS MCID: 2 points or 30 %: from 8 the 2-point drop (6) comes before 30 % (5.6).
    EXPECT_DOUBLE_EQ(*t.mcid_line, 6.0);
    EXPECT_FALSE(t.points[0].mcid_met);
    EXPECT_FALSE(t.points[1].mcid_met);
    EXPECT_TRUE(t.points[2].mcid_met);
    EXPECT_TRUE(t.points[3].mcid_met);
    EXPECT_EQ(*t.target, 4.0);
    EXPECT_EQ(t.summary, "8 → 5 (−3, MCID met)");
    const auto o = make_trend(outcomes::Measure::Odi, obs, zone);
    ASSERT_EQ(o.points.size(), 1u);
    // ODI 40: 10 points (30) vs 30 % (28): the line is at 30.
    EXPECT_DOUBLE_EQ(*o.mcid_line, 30.0);
    EXPECT_EQ(o.summary, "baseline 40");
    EXPECT_EQ(make_trend(outcomes::Measure::Rmdq, obs, zone).summary, "no scores yet");
}

TEST(IdleClockTest, ExpiresOnlyAfterTheTimeoutWithoutInput) {
    using namespace std::chrono;
    IdleClock c(milliseconds{500});
    const auto t0 = steady_clock::now();
    c.activity(t0);
    EXPECT_FALSE(c.expired(t0 + milliseconds{499}));
    EXPECT_TRUE(c.expired(t0 + milliseconds{500}));
    c.activity(t0 + milliseconds{400});
    EXPECT_FALSE(c.expired(t0 + milliseconds{800}));
    c.set_timeout(milliseconds{0});  // 0 = never
    EXPECT_FALSE(c.expired(t0 + hours{5}));
}

TEST_F(RecordPresenterTest, DemoChartShowsPlanTimelineAndTrendsFromCore) {
    EXPECT_GE(s.record_seed.plans, 1);
    const Id pid = patient_with_plan();
    ASSERT_NE(pid, 0);
    const auto c = load_chart(*s.record, *demo, pid, today());
    EXPECT_TRUE(c.has_plan);
    EXPECT_EQ(c.plan_status, "active");
    EXPECT_FALSE(c.components.empty());
    EXPECT_FALSE(c.care_team.empty());
    EXPECT_FALSE(c.goals.empty());
    ASSERT_TRUE(c.next_review.has_value());
    EXPECT_GE(*c.next_review, today());
    EXPECT_NE(c.header.find("years"), std::string::npos) << c.header;
    // The trend is exactly the stored NRS scores, oldest first.
    const auto nrs = s.record->outcomes->observations(pid, outcomes::Measure::Nrs);
    ASSERT_EQ(c.nrs.points.size(), nrs.size());
    ASSERT_GE(nrs.size(), 3u);
    for (std::size_t i = 0; i < nrs.size(); ++i) EXPECT_EQ(c.nrs.points[i].value, nrs[i].value);
    EXPECT_EQ(*c.nrs.baseline, nrs.front().value);
    EXPECT_DOUBLE_EQ(*c.nrs.mcid_line, std::max(nrs.front().value - 2, nrs.front().value * 0.7));
    EXPECT_FALSE(c.odi.points.empty());
    // Chiropractic sessions done are the completed linked visits.
    bool chiro_component = false;
    for (const auto& row : c.components)
        if (row.kind == "Chiropractic") {
            chiro_component = true;
            EXPECT_EQ(row.left, std::max(0, row.planned - row.done));
        }
    EXPECT_TRUE(chiro_component);
    // Timeline: newest first, with appointments, scores, signed notes and the plan.
    std::set<std::string> kinds;
    for (std::size_t i = 0; i < c.timeline.size(); ++i) {
        kinds.insert(c.timeline[i].kind);
        if (i) EXPECT_GE(c.timeline[i - 1].at, c.timeline[i].at);
    }
    for (const char* k : {"appointment", "score", "note", "plan", "task"}) EXPECT_TRUE(kinds.count(k)) << k;
    // Tasks: the plan's care-team tasks from core (one done, one overdue), then reminders.
    int real = 0, done = 0, overdue = 0;
    for (const auto& t : c.tasks) {
        real += t.id != 0;
        done += t.done;
        overdue += t.overdue;
    }
    EXPECT_EQ(real, 3);
    EXPECT_EQ(done, 1);
    EXPECT_GE(overdue, 1);
    EXPECT_NE(add_task(*s.record, *demo, c.plan_id, "", "", "").find("needs a title"),
              std::string::npos);
    EXPECT_NE(add_task(*s.record, *demo, c.plan_id, "Call", "", "2026-13-01"), "");
    EXPECT_EQ(add_task(*s.record, *demo, c.plan_id, "Call the GP", "", "2026-12-01"), "");
    EXPECT_EQ(load_chart(*s.record, *demo, pid, today()).tasks.size(), c.tasks.size() + 1);
    // A task for one member: the demo user works as the plan's chiropractor.
    ASSERT_FALSE(c.assignees.empty());
    EXPECT_EQ(c.assignees.front().user, "demo");
    EXPECT_NE(c.assignees.front().label.find("Chiropractor"), std::string::npos)
        << c.assignees.front().label;
    EXPECT_NE(add_task(*s.record, *demo, c.plan_id, "Call", "nobody", "").find("no active clinic user"),
              std::string::npos);
    EXPECT_EQ(add_task(*s.record, *demo, c.plan_id, "Send the MRI report", "demo", ""), "");
    bool given = false;
    for (const auto& t : load_chart(*s.record, *demo, pid, today()).tasks)
        given = given || (t.text == "Send the MRI report" && t.who == "demo");
    EXPECT_TRUE(given);

    // A case note for the care team: stored, signed, on the timeline; an empty one is refused.
    EXPECT_NE(add_case_note(*s.record, *demo, c.plan_id, "  \n ", wall_clock()).find("needs some text"),
              std::string::npos);
    EXPECT_EQ(add_case_note(*s.record, *demo, c.plan_id, "GP agrees to taper the NSAID.",
                            wall_clock()), "");
    bool on_timeline = false;
    for (const auto& e : load_chart(*s.record, *demo, pid, today()).timeline)
        on_timeline = on_timeline || (e.kind == "note" && e.text.find("Case note by demo") == 0 &&
                                      e.text.find("signed") != std::string::npos);
    EXPECT_TRUE(on_timeline);
    EXPECT_THROW(load_chart(*s.record, *demo, 999999, today()), Error);
}

TEST(ScorePreviewTest, ScoresEachMeasureWithCoreAndNamesTheProblem) {
    ScoreEntry nrs;
    nrs.value = "7";
    auto p = preview_score(nrs);
    ASSERT_TRUE(p.observation) << p.text;
    EXPECT_EQ(p.observation->value, 7);
    EXPECT_EQ(p.text.rfind("NRS 7 (", 0), 0u) << p.text;
    for (const auto& [typed, problem] :
         std::vector<std::pair<std::string, std::string>>{
             {"11", "NRS: pain rating 11 is outside 0-10."},
             {"-1", "NRS: pain rating -1 is outside 0-10."},
             {"", "NRS: type the score."},
             {"seven", "NRS: \"seven\" is not a whole number."},
             {"7.5", "NRS: \"7.5\" is not a whole number."}}) {
        nrs.value = typed;
        p = preview_score(nrs);
        EXPECT_FALSE(p.observation) << typed;
        EXPECT_EQ(p.text, problem) << typed;
    }
    ScoreEntry rmdq;
    rmdq.measure = outcomes::Measure::Rmdq;
    rmdq.value = "25";
    EXPECT_FALSE(preview_score(rmdq).observation);
    rmdq.value = "12";
    ASSERT_TRUE(preview_score(rmdq).observation);
    EXPECT_EQ(preview_score(rmdq).observation->value, 12);

    // ODI: percent of the answered sections (RULES.md §7), answers kept with the score.
    ScoreEntry odi;
    odi.measure = outcomes::Measure::Odi;
    odi.odi_answers = {"2", "2", "2", "2", "2", "2", "2", "2", "2", "2"};
    p = preview_score(odi);
    ASSERT_TRUE(p.observation) << p.text;
    EXPECT_DOUBLE_EQ(p.observation->value, 40.0);
    EXPECT_EQ(p.observation->odi_answers[3], 2);
    EXPECT_NE(p.text.find("10 of 10 sections answered"), std::string::npos) << p.text;
    odi.odi_answers[7] = "";  // sex life, often left out: 18 of 45 is still 40 %
    p = preview_score(odi);
    ASSERT_TRUE(p.observation) << p.text;
    EXPECT_DOUBLE_EQ(p.observation->value, 40.0);
    EXPECT_FALSE(p.observation->odi_answers[7]);
    odi.odi_answers[0] = odi.odi_answers[1] = odi.odi_answers[2] = "-";
    p = preview_score(odi);
    EXPECT_FALSE(p.observation);
    EXPECT_NE(p.text.find("unanswered"), std::string::npos) << p.text;
    EXPECT_EQ(p.text.rfind("ODI: ", 0), 0u) << p.text;
}

TEST_F(RecordPresenterTest, RecordingAScoreStoresItOnThePlanAuditedAndTheChartPlotsIt) {
    const Id pid = patient_with_plan();
    ASSERT_NE(pid, 0);
    const auto before = load_chart(*s.record, *demo, pid, today());
    ASSERT_TRUE(before.has_plan);
    const auto stored_before = s.record->outcomes->observations(pid).size();
    const Instant now = s.scheduler->zone().start_of_day(today()) + std::chrono::hours{15};

    ScoreEntry nrs;
    nrs.value = "2";
    nrs.note = "after the sixth session";
    EXPECT_EQ(record_score(*s.record, *demo, pid, nrs, now), "");
    const auto after = load_chart(*s.record, *demo, pid, today());
    ASSERT_EQ(after.nrs.points.size(), before.nrs.points.size() + 1);
    EXPECT_EQ(after.nrs.points.back().value, 2);
    const auto stored = s.record->outcomes->observations(pid, outcomes::Measure::Nrs);
    ASSERT_FALSE(stored.empty());
    EXPECT_EQ(stored.back().taken_at, now);
    EXPECT_EQ(stored.back().plan_id, std::optional<Id>(before.plan_id));
    EXPECT_EQ(stored.back().recorded_by, "demo");
    EXPECT_EQ(stored.back().note, "after the sixth session");
    bool audited = false;
    for (const auto& e : s.record->audit->all())
        audited = audited || (e.action == "outcome.create" && e.patient_id == pid && e.user == "demo");
    EXPECT_TRUE(audited);

    ScoreEntry odi;
    odi.measure = outcomes::Measure::Odi;
    odi.odi_answers = {"1", "1", "1", "1", "1", "1", "1", "", "1", "1"};
    EXPECT_EQ(record_score(*s.record, *demo, pid, odi, now + std::chrono::minutes{1}), "");
    const auto odis = s.record->outcomes->observations(pid, outcomes::Measure::Odi);
    ASSERT_FALSE(odis.empty());
    EXPECT_DOUBLE_EQ(odis.back().value, 20.0);
    EXPECT_FALSE(odis.back().odi_answers[7]);
    EXPECT_EQ(odis.back().odi_answers[0], 1);

    // Refused: an impossible score, and a user without clinical rights. Nothing is stored.
    nrs.value = "12";
    EXPECT_EQ(record_score(*s.record, *demo, pid, nrs, now), "NRS: pain rating 12 is outside 0-10.");
    Principal desk;
    desk.name = "frank";
    desk.roles = {Role::FrontDesk};
    desk.workstation = "test";
    nrs.value = "3";
    const auto refused = record_score(*s.record, desk, pid, nrs, now);
    EXPECT_NE(refused.find("assessment.write"), std::string::npos) << refused;
    EXPECT_EQ(s.record->outcomes->observations(pid).size(), stored_before + 2);
}

TEST_F(RecordPresenterTest, ChartReadsPlansAndScoresAsTheUserAuditedAndFrontDeskSeesNone) {
    const Id pid = patient_with_plan();
    ASSERT_NE(pid, 0);
    // The signed-in user acts on the plan service until the main window clears it.
    set_session_user(s, &*demo);
    EXPECT_EQ(s.record->plan_service->actor().who, &*demo);
    const auto before = s.record->audit->all().size();
    const auto c = load_chart(*s.record, *demo, pid, today());
    EXPECT_TRUE(c.has_plan);
    std::set<std::string> actions;
    for (const auto& e : s.record->audit->all())
        if (e.seq > static_cast<std::int64_t>(before) && e.patient_id == pid) actions.insert(e.action);
    for (const char* a : {"plan.read", "outcome.read", "plan.review", "timeline.read"})
        EXPECT_TRUE(actions.count(a)) << a;

    // Front desk: demographics and the book, no plan, no scores, and the chart says why.
    Principal desk;
    desk.name = "frank";
    desk.roles = {Role::FrontDesk};
    desk.workstation = "test";
    const auto f = load_chart(*s.record, desk, pid, today());
    EXPECT_FALSE(f.has_plan);
    EXPECT_TRUE(f.nrs.points.empty());
    EXPECT_TRUE(f.odi.points.empty());
    EXPECT_TRUE(f.goals.empty());
    bool why = false;
    for (const auto& flag : f.flags) why = why || flag.find("lacks assessment.read") != std::string::npos;
    EXPECT_TRUE(why);
    for (const auto& t : f.timeline) EXPECT_NE(t.kind, "score");
    // The chart acted as frank only while it loaded.
    EXPECT_EQ(s.record->plan_service->actor().who, &*demo);
    set_session_user(s, nullptr);
    EXPECT_EQ(s.record->plan_service->actor().who, nullptr);
}

TEST_F(RecordPresenterTest, NoteEditorValidatesInlineSignsAndPreviewsBilling) {
    const Appointment a = open_chiropractic_visit();
    NoteEditorPresenter ed(*s.record, *demo, a.id, [] { return from_epoch(1795000000); });
    ASSERT_TRUE(ed.schema());
    EXPECT_EQ(ed.schema()->id, "session_note");
    EXPECT_NE(ed.title().find("Chiropractic session note"), std::string::npos);
    EXPECT_FALSE(ed.note_id());

    ed.set_field_text("pain_before", "seven");
    auto problems = ed.validate();
    ASSERT_TRUE(problems.count("pain_before"));
    EXPECT_NE(problems["pain_before"].find("Pain before"), std::string::npos);
    EXPECT_TRUE(problems.count("care"));      // required, not chosen yet
    EXPECT_TRUE(problems.count("symptoms"));  // required
    ed.set_field_text("pain_before", "12");
    problems = ed.validate();
    ASSERT_TRUE(problems.count("pain_before"));
    EXPECT_NE(problems["pain_before"].find("10"), std::string::npos) << problems["pain_before"];

    // Signing an incomplete form changes nothing.
    EXPECT_FALSE(ed.sign().empty());
    EXPECT_FALSE(ed.is_signed());
    EXPECT_FALSE(s.record->notes->status_for_appointment(a.id));

    ed.set_field("care", "active");
    ed.set_field("spinal_regions", nlohmann::json::array({"cervical", "lumbar", "pelvic"}));
    ed.set_field("part_lumbar", nlohmann::json::array({"P", "T"}));
    ed.set_field_text("symptoms", "Low back pain after lifting");
    ed.set_field_text("pain_before", "7");
    ed.set_field_text("pain_after", "4");
    ed.set_section("subjective", "Pain 7/10 since Monday.");
    EXPECT_TRUE(ed.validate().empty());
    ed.autosave();
    ASSERT_TRUE(ed.note_id());
    const auto draft = s.record->notes->status(*ed.note_id());
    ASSERT_TRUE(draft);
    EXPECT_EQ(draft->status, NoteStatus::Draft);
    EXPECT_EQ(ed.billing_preview().problem, "Sign the note to see the claim lines.");

    EXPECT_TRUE(ed.sign().empty());
    EXPECT_TRUE(ed.is_signed());
    EXPECT_EQ(s.record->notes->status(*ed.note_id())->status, NoteStatus::Signed);
    EXPECT_FALSE(ed.signature_lines().empty());
    // Three spinal regions: CMT 3-4 regions (98941), from the module's own rules.
    const auto bill = ed.billing_preview("commercial");
    EXPECT_EQ(bill.problem, "");
    ASSERT_FALSE(bill.lines.empty());
    EXPECT_EQ(bill.lines.front().code, "98941");
    EXPECT_GT(bill.total_cents, 0);

    EXPECT_THROW(ed.addend("", "typo"), Error);
    ed.addend("Pain after was 3, not 4", "Pain after: 3/10.");
    EXPECT_EQ(ed.signature_lines().size(), 2u);
    // A signed note reopens signed.
    NoteEditorPresenter again(*s.record, *demo, a.id);
    EXPECT_TRUE(again.is_signed());
    EXPECT_EQ(again.field("care"), "active");
}

TEST_F(RecordPresenterTest, SignInWrongAndRightPasswordsAndLockout) {
    EXPECT_EQ(sign_in_kind(*s.record, true), SignIn::Automatic);
    EXPECT_EQ(sign_in_kind(*s.record, false), SignIn::Password);
    UsersPresenter users(*s.record, *demo);
    EXPECT_EQ(users.add("frank", "front_desk", "desk-pass-1", "desk-pass-2"),
              "The two passwords differ.");
    EXPECT_EQ(users.add("frank", "front_desk", "desk-pass-1", "desk-pass-1"), "");
    EXPECT_NE(users.add("frank", "front_desk", "x", "x"), "");  // taken
    auto wrong = sign_in(*s.record, "frank", "nope", "test");
    EXPECT_FALSE(wrong.who);
    EXPECT_EQ(wrong.message, "Wrong user name or password.");
    auto right = sign_in(*s.record, "frank", "desk-pass-1", "test");
    ASSERT_TRUE(right.who) << right.message;
    EXPECT_TRUE(right.who->has(Permission::ScheduleWrite));
    EXPECT_FALSE(right.who->has(Permission::NoteRead));
    // Front desk may not manage users.
    UsersPresenter as_desk(*s.record, *right.who);
    EXPECT_NE(as_desk.add("gina", "therapist", "p-123456", "p-123456"), "");
    // Lockout at the threshold, then the owner unlocks.
    const int threshold = s.record->auth->settings().lockout_threshold;
    for (int i = 0; i < threshold; ++i) sign_in(*s.record, "frank", "bad", "test");
    auto locked = sign_in(*s.record, "frank", "desk-pass-1", "test");
    EXPECT_FALSE(locked.who);
    EXPECT_NE(locked.message.find("locked"), std::string::npos) << locked.message;
    bool shown_locked = false;
    for (const auto& row : users.rows())
        if (row.name == "frank") shown_locked = row.locked;
    EXPECT_TRUE(shown_locked);
    EXPECT_EQ(users.unlock("frank"), "");
    EXPECT_TRUE(sign_in(*s.record, "frank", "desk-pass-1", "test").who);
    // Unlocking a locked-off session needs the same user's password.
    const auto wrong_unlock = unlock_session(*s.record, *demo, "desk-pass-1", "test");
    EXPECT_FALSE(wrong_unlock.who);
    EXPECT_EQ(wrong_unlock.message, "Wrong password.");
    EXPECT_TRUE(unlock_session(*s.record, *demo, kDemoPassword, "test").who);
    EXPECT_EQ(idle_timeout(*s.record),
              std::chrono::minutes{s.record->auth->settings().idle_logoff_minutes});
}

}  // namespace

TEST_F(RecordPresenterTest, BookingDialogShowsTheModulesFindingsAndBooksOnlyWithAReason) {
    // A Medicare patient with nothing recorded: NCD 30.3.3 cannot be met for acupuncture.
    Patient p;
    p.name = "Nora Newcomer";
    p.payer = "medicare";
    const Id nora = s.repo().add_patient(p);
    std::optional<Id> acu_service, acu_prac;
    for (const auto& sv : s.repo().services())
        if (sv.module_id == "acupuncture") acu_service = sv.id;
    for (const auto& pr : s.repo().practitioners())
        if (pr.has_discipline("acupuncture")) acu_prac = pr.id;
    ASSERT_TRUE(acu_service && acu_prac);

    BookingPresenter b(*s.scheduler, s.repo());
    BookingForm f;
    f.patient_id = nora;
    f.service_id = acu_service;
    f.practitioner_id = acu_prac;
    const auto slots = b.suggest_slots(f, today() + date::days{7}, 1);
    ASSERT_FALSE(slots.empty());
    b.take_slot(f, slots.front());

    const auto blocks = b.blocking_findings(f);
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_NE(blocks.front().find("NCD 30.3.3"), std::string::npos) << blocks.front();
    EXPECT_NE(b.check(f).find("an override needs a documented reason"), std::string::npos);
    EXPECT_THROW(b.book(f), Error);

    f.override_reason = "Referred by Dr Chen for a trial, patient informed (ABN signed)";
    const auto ids = b.book(f);
    ASSERT_EQ(ids.size(), 1u);
    ASSERT_FALSE(b.last_findings().empty());
    EXPECT_TRUE(b.last_findings().front().blocking);
    const auto booked = s.repo().appointment(ids.front());
    ASSERT_TRUE(booked);
    EXPECT_NE(booked->notes.find("ABN signed"), std::string::npos) << booked->notes;
}


TEST_F(RecordPresenterTest, NoteTheRecordRefusesIsKeptOnThisComputerAndComesBack) {
    const Appointment a = open_chiropractic_visit();
    const fs::path keep = dir / "unsaved-notes";
    {
        NoteEditorPresenter ed(*s.record, *demo, a.id);
        ed.set_recovery_dir(keep.string());
        ed.set_section("subjective", "Pain 7/10 since Monday, worse sitting.");
        ed.set_field("care", "active");
        ed.set_field_text("pain_before", "seven");  // not a number yet
        // Core keeps only drafts whose form passes the module's checks: the save is refused...
        ASSERT_FALSE(ed.validate().empty());
        EXPECT_THROW(ed.autosave(), Error);
        EXPECT_FALSE(s.record->notes->status_for_appointment(a.id));
        // ...and what was typed goes to a file only this user can read.
        std::string why;
        ASSERT_TRUE(ed.keep_unsaved(&why)) << why;
        ASSERT_TRUE(fs::exists(ed.recovery_file()));
        EXPECT_EQ(fs::status(ed.recovery_file()).permissions() & fs::perms::all,
                  fs::perms::owner_read | fs::perms::owner_write);
    }
    // Opened again: everything typed is back, the unparsed number text too, unsaved.
    NoteEditorPresenter again(*s.record, *demo, a.id);
    again.set_recovery_dir(keep.string());
    ASSERT_TRUE(again.restore_unsaved());
    EXPECT_EQ(again.content().subjective, "Pain 7/10 since Monday, worse sitting.");
    EXPECT_EQ(again.field("care"), "active");
    EXPECT_EQ(again.unparsed_text("pain_before"), "seven");
    EXPECT_TRUE(again.dirty());
    // Another user does not get it.
    Principal other = *demo;
    other.name = "someone-else";
    NoteEditorPresenter theirs(*s.record, other, a.id);
    theirs.set_recovery_dir(keep.string());
    EXPECT_FALSE(theirs.restore_unsaved());
    // Once the record takes the draft, the file is gone.
    again.set_field("spinal_regions", nlohmann::json::array({"lumbar"}));
    again.set_field_text("symptoms", "Low back pain");
    again.set_field_text("pain_before", "7");
    again.set_field_text("pain_after", "4");
    ASSERT_TRUE(again.validate().empty()) << again.validate().begin()->second;
    again.autosave();
    EXPECT_TRUE(s.record->notes->status_for_appointment(a.id));
    EXPECT_FALSE(fs::exists(again.recovery_file()));
}
