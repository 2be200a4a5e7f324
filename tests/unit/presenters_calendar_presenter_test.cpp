// Calendar and booking presenters over a real SQLite clinic: navigation, actions, drag, booking.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "vertebra/db/database.hpp"
#include "vertebra/demo/demo_seed.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/ui/booking_presenter.hpp"
#include "vertebra/ui/calendar_presenter.hpp"
#include "vertebra/ui/day_sheet.hpp"
#include "vertebra/ui/desktop_session.hpp"

using namespace vertebra;
using namespace vertebra::core;
using namespace vertebra::ui;

namespace {

namespace fs = std::filesystem;

LocalDate day(int y, unsigned m, unsigned d) { return LocalDate{date::year{y} / m / d}; }
LocalTime at(LocalDate d, int h, int m = 0) {
    return LocalTime{d} + std::chrono::hours{h} + std::chrono::minutes{m};
}

fs::path temp_db_path() {
    std::random_device rd;
    return fs::temp_directory_path() /
           ("vertebra-presenter-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".db");
}

/// A tiny clinic in a real SQLite file: two practitioners, one room, three patients.
class PresenterTest : public ::testing::Test {
protected:
    fs::path path = temp_db_path();
    std::unique_ptr<db::Database> db;
    std::unique_ptr<Scheduler> sched;
    Id ada = 0, ben = 0, room = 0, tom = 0, una = 0, vic = 0, adjust = 0;
    // Wednesday, far enough ahead that nothing is "in the past" for late-cancel rules.
    LocalDate wed = day(2031, 11, 5);

    void SetUp() override {
        db = db::Database::open("sqlite:" + path.string());
        db->migrate();
        auto& repo = db->scheduling();
        Clinic c;
        c.name = "Presenter clinic";
        c.timezone = "America/New_York";
        c.opening_hours = parse_weekly_hours("Mon-Fri 08:00-18:00");
        repo.save_clinic(c);
        Practitioner a;
        a.name = "Ada Park";
        a.disciplines = {"chiropractic"};
        a.hours = parse_weekly_hours("Mon-Fri 08:00-16:00");
        ada = repo.add_practitioner(a);
        Practitioner b;
        b.name = "Ben Ross";
        b.disciplines = {"physical_therapy"};
        b.hours = parse_weekly_hours("Mon-Fri 10:00-18:00");
        ben = repo.add_practitioner(b);
        room = repo.add_room(Room{0, "Treatment 1", {"treatment_table"}});
        tom = repo.add_patient(Patient{0, "Tom Reed", {}, "", ""});
        una = repo.add_patient(Patient{0, "Una Lee", {}, "", ""});
        vic = repo.add_patient(Patient{0, "Victor Hugo", {}, "", ""});
        adjust = repo.add_service(Service{0, "Adjustment", 30, "chiropractic", {}, "chiropractic"});
        sched = std::make_unique<Scheduler>(repo);
    }
    void TearDown() override {
        sched.reset();
        db.reset();
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            fs::remove(path.string() + suffix, ec);
    }
    Id book(Id practitioner, Id patient, LocalTime start, int minutes = 30) {
        BookingRequest r;
        r.practitioner_id = practitioner;
        r.patient_id = patient;
        r.room_id = room;
        r.start = start;
        r.minutes = minutes;
        return sched->book(r).at(0);
    }
};

TEST_F(PresenterTest, RefreshLaysOutTheVisibleWeekWithPatientNames) {
    book(ada, tom, at(wed, 9));
    book(ben, una, at(wed + date::days{1}, 11));
    book(ada, vic, at(wed + date::days{7}, 9));  // next week: not visible
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    const auto& l = p.layout();
    EXPECT_EQ(l.first_day, day(2031, 11, 3));
    ASSERT_EQ(l.blocks.size(), 2u);
    EXPECT_EQ(l.blocks[0].patient, "Tom Reed");
    EXPECT_EQ(l.blocks[0].column, 2);
    EXPECT_EQ(l.blocks[0].top_minute, 9 * 60);
    p.go_next();
    ASSERT_EQ(p.layout().blocks.size(), 1u);
    EXPECT_EQ(p.layout().blocks[0].patient, "Victor Hugo");
    p.go_today();
    EXPECT_EQ(p.anchor(), wed);
    p.set_mode(CalendarMode::Day);
    ASSERT_EQ(p.layout().columns.size(), 2u);
    ASSERT_EQ(p.layout().blocks.size(), 1u);
    p.go_previous();
    EXPECT_EQ(p.anchor(), wed - date::days{1});
    EXPECT_TRUE(p.layout().blocks.empty());
}

TEST_F(PresenterTest, StatusActionsFollowTheStatusTable) {
    const Id id = book(ada, tom, at(wed, 9));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    auto actions = p.actions_for(id);
    EXPECT_NE(std::find(actions.begin(), actions.end(), AppointmentAction::Arrive), actions.end());
    EXPECT_EQ(std::find(actions.begin(), actions.end(), AppointmentAction::Complete), actions.end());

    ASSERT_TRUE(p.apply(id, AppointmentAction::Arrive).ok);
    EXPECT_EQ(p.appointment(id)->status, AppointmentStatus::Arrived);
    actions = p.actions_for(id);
    EXPECT_EQ(std::find(actions.begin(), actions.end(), AppointmentAction::NoShow), actions.end());
    ASSERT_TRUE(p.apply(id, AppointmentAction::Start).ok);
    ASSERT_TRUE(p.apply(id, AppointmentAction::Complete).ok);
    EXPECT_EQ(p.layout().visible_count(AppointmentStatus::Completed), 1);

    // A refused action comes back as the scheduler's sentence, and nothing changes.
    const auto r = p.apply(id, AppointmentAction::NoShow);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("completed"), std::string::npos) << r.message;
    EXPECT_EQ(p.appointment(id)->status, AppointmentStatus::Completed);
}

TEST_F(PresenterTest, CancelKeepsTheReasonAndTheBlock) {
    const Id id = book(ada, tom, at(wed, 9));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    ASSERT_TRUE(p.apply(id, AppointmentAction::Cancel, "Patient ill").ok);
    ASSERT_NE(p.appointment(id), nullptr);
    EXPECT_EQ(p.appointment(id)->status, AppointmentStatus::Cancelled);
    EXPECT_EQ(p.appointment(id)->cancel_reason, "Patient ill");
    EXPECT_EQ(p.layout().visible_count(AppointmentStatus::Cancelled), 1);
    p.set_show_cancelled(false);
    EXPECT_TRUE(p.layout().blocks.empty());
}

TEST_F(PresenterTest, DragPreviewNamesTheConflictBeforeTheDatabaseIsAsked) {
    const Id moving = book(ada, tom, at(wed, 9));
    book(ada, una, at(wed, 11));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    // Onto Una's appointment with the same practitioner (column 2 = Wednesday).
    auto pv = p.preview_move(moving, 2, 11 * 60 + 12);
    EXPECT_TRUE(pv.conflict);
    EXPECT_EQ(pv.new_start, at(wed, 11, 10));  // snapped to 5 minutes
    EXPECT_NE(pv.reason.find("Una Lee"), std::string::npos) << pv.reason;
    EXPECT_NE(pv.reason.find("Ada Park"), std::string::npos) << pv.reason;
    // Back-to-back after it is fine.
    pv = p.preview_move(moving, 2, 11 * 60 + 30);
    EXPECT_FALSE(pv.conflict) << pv.reason;
    // Outside Ada's hours.
    pv = p.preview_move(moving, 2, 16 * 60);
    EXPECT_TRUE(pv.conflict);
    EXPECT_NE(pv.reason.find("does not work"), std::string::npos) << pv.reason;
    // A free time on Thursday: committed through the scheduler.
    pv = p.preview_move(moving, 3, 13 * 60);
    ASSERT_FALSE(pv.conflict) << pv.reason;
    ASSERT_TRUE(p.commit_move(pv).ok);
    const auto* a = p.appointment(moving);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(sched->zone().to_local(a->start), at(wed + date::days{1}, 13));
}

TEST_F(PresenterTest, ResizingByTheBottomEdgeChangesTheLength) {
    const Id id = book(ada, tom, at(wed, 9));
    book(ada, una, at(wed, 11));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    auto pv = p.preview_resize(id, 11 * 60 + 12);
    EXPECT_TRUE(pv.conflict);
    EXPECT_NE(pv.reason.find("Una Lee"), std::string::npos) << pv.reason;
    pv = p.preview_resize(id, 10 * 60 + 1);
    ASSERT_FALSE(pv.conflict) << pv.reason;
    EXPECT_TRUE(pv.resized);
    EXPECT_EQ(pv.minutes, 60);
    EXPECT_EQ(pv.new_start, at(wed, 9));
    ASSERT_TRUE(p.commit_move(pv).ok);
    const auto* a = p.appointment(id);
    EXPECT_EQ(a->end - a->start, std::chrono::minutes{60});
}

TEST_F(PresenterTest, DayViewDragToAnotherPractitionerReassigns) {
    const Id moving = book(ada, tom, at(wed, 11));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.set_mode(CalendarMode::Day);
    const auto pv = p.preview_move(moving, 1, 11 * 60);  // Ben's column
    ASSERT_FALSE(pv.conflict) << pv.reason;
    EXPECT_EQ(pv.practitioner_id, ben);
    ASSERT_TRUE(p.commit_move(pv).ok);
    EXPECT_EQ(p.appointment(moving)->practitioner_id, ben);
}

TEST_F(PresenterTest, DayViewByRoomDragMovesToAnotherRoom) {
    const Id gym = db->scheduling().add_room(Room{0, "Gym", {}});
    const Id moving = book(ada, tom, at(wed, 9));
    book(ben, una, at(wed, 11));  // Treatment 1 at 11:00
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.set_mode(CalendarMode::Day);
    p.set_by_room(true);
    ASSERT_EQ(p.layout().columns.size(), 2u);
    int gym_column = p.layout().columns[0].room_id == gym ? 0 : 1;
    // Same room at 11:00: taken by Una's appointment with Ben.
    auto pv = p.preview_move(moving, 1 - gym_column, 11 * 60);
    EXPECT_TRUE(pv.conflict);
    EXPECT_NE(pv.reason.find("Treatment 1"), std::string::npos) << pv.reason;
    pv = p.preview_move(moving, gym_column, 11 * 60);
    ASSERT_FALSE(pv.conflict) << pv.reason;
    EXPECT_EQ(pv.room_id, std::optional<Id>(gym));
    ASSERT_TRUE(p.commit_move(pv).ok);
    EXPECT_EQ(p.appointment(moving)->room_id, std::optional<Id>(gym));
    EXPECT_EQ(p.appointment(moving)->practitioner_id, ada);
}

TEST_F(PresenterTest, CommitMoveReportsAConflictTheViewDidNotSee) {
    const Id moving = book(ada, tom, at(wed, 9));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    const auto pv = p.preview_move(moving, 2, 13 * 60);
    ASSERT_FALSE(pv.conflict);
    // Another workstation books Ada at 13:00 after our view loaded.
    book(ada, una, at(wed, 13));
    const auto r = p.commit_move(pv);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.message.find("Una Lee"), std::string::npos) << r.message;
    EXPECT_EQ(sched->zone().to_local(p.appointment(moving)->start), at(wed, 9));
}

TEST_F(PresenterTest, PollPicksUpAnotherConnectionsBooking) {
    book(ada, tom, at(wed, 9));
    CalendarPresenter p(*sched, db->scheduling(), wed);
    p.refresh();
    EXPECT_FALSE(p.poll());
    // Another workstation: its own connection and scheduler on the same file.
    auto other_db = db::Database::open("sqlite:" + path.string());
    Scheduler other(other_db->scheduling());
    BookingRequest r;
    r.practitioner_id = ben;
    r.patient_id = una;
    r.start = at(wed + date::days{1}, 12);
    r.minutes = 30;
    other.book(r);
    EXPECT_TRUE(p.poll());
    ASSERT_EQ(p.layout().blocks.size(), 2u);
    EXPECT_FALSE(p.poll());
}

TEST(WeeklyRruleTest, BuildsRulesFromTheForm) {
    BookingForm f;
    EXPECT_EQ(weekly_rrule(f), "");
    f.weekly = true;
    f.start = at(day(2031, 11, 5), 9);  // Wednesday
    f.count = 4;
    EXPECT_EQ(weekly_rrule(f), "FREQ=WEEKLY;BYDAY=WE;COUNT=4");
    f.weekdays[0] = f.weekdays[3] = true;
    EXPECT_EQ(weekly_rrule(f), "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4");
    f.until = day(2031, 12, 1);
    EXPECT_EQ(weekly_rrule(f), "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20311201T235959");
    f.until = day(2031, 11, 1);
    EXPECT_THROW(weekly_rrule(f), Error);
    f.until.reset();
    f.count = 0;
    try {
        weekly_rrule(f);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "count");
    }
}

TEST_F(PresenterTest, BookingPresenterSearchesSuggestsAndBooksASeries) {
    BookingPresenter b(*sched, db->scheduling());
    auto found = b.search_patients("re");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].name, "Tom Reed");

    BookingForm f;
    f.patient_id = found[0].id;
    f.service_id = adjust;
    EXPECT_EQ(b.practitioners_for(adjust).size(), 1u);
    const auto slots = b.suggest_slots(f, wed, 3);
    ASSERT_EQ(slots.size(), 3u);
    EXPECT_EQ(slots[0].practitioner_id, ada);
    b.take_slot(f, slots[0]);
    EXPECT_EQ(f.start, at(wed, 8));
    EXPECT_NE(b.describe_slot(slots[0]).find("Ada Park"), std::string::npos);
    f.weekly = true;
    f.count = 3;
    EXPECT_EQ(b.check(f), "");
    const auto ids = b.book(f);
    EXPECT_EQ(ids.size(), 3u);
    const auto week3 = sched->appointments_between(wed + date::days{14}, 1);
    ASSERT_EQ(week3.size(), 1u);
    EXPECT_TRUE(week3[0].series_id.has_value());
}

TEST_F(PresenterTest, BookingCheckExplainsTheConflictAndMissingFields) {
    book(ada, una, at(wed, 9));
    BookingPresenter b(*sched, db->scheduling());
    BookingForm f;
    EXPECT_NE(b.check(f).find("patient"), std::string::npos);
    f.patient_id = tom;
    f.practitioner_id = ada;
    f.service_id = adjust;
    f.start = at(wed, 9, 15);
    const std::string why = b.check(f);
    EXPECT_NE(why.find("Una Lee"), std::string::npos) << why;
    EXPECT_THROW(b.book(f), Error);
    EXPECT_THROW(b.create_patient("   "), Error);
    const auto p = b.create_patient("  Wanda Moss ");
    EXPECT_EQ(p.name, "Wanda Moss");
    EXPECT_EQ(b.search_patients("moss").size(), 1u);
}

TEST_F(PresenterTest, DaySheetListsEachPractitionersDay) {
    book(ada, tom, at(wed, 9));
    const Id c = book(ada, una, at(wed, 10));
    book(ben, vic, at(wed, 11), 45);
    sched->cancel(c, "Patient request");
    auto pages = build_day_sheet(*sched, db->scheduling(), wed);
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[0].practitioner, "Ada Park");
    ASSERT_EQ(pages[0].rows.size(), 2u);
    EXPECT_EQ(pages[0].rows[0].time, "09:00\u201309:30");
    EXPECT_EQ(pages[0].rows[1].notes, "Patient request");
    EXPECT_EQ(pages[0].booked_minutes, 30);
    EXPECT_EQ(pages[1].booked_minutes, 45);
    pages = build_day_sheet(*sched, db->scheduling(), wed + date::days{1}, ben);
    ASSERT_EQ(pages.size(), 1u);
    EXPECT_TRUE(pages[0].rows.empty());
}

TEST(DesktopOptionsTest, ParsesTheCommandLine) {
    auto o = parse_desktop_options({"--db", "sqlite:/tmp/x.db", "--demo", "--screenshot=/tmp/s.png",
                                    "--test-mode", "--today", "2026-11-02", "--view", "day"});
    EXPECT_EQ(o.db_url, "sqlite:/tmp/x.db");
    EXPECT_TRUE(o.demo);
    EXPECT_TRUE(o.test_mode);
    EXPECT_EQ(o.screenshot, "/tmp/s.png");
    EXPECT_EQ(o.today, day(2026, 11, 2));
    EXPECT_EQ(o.view, CalendarMode::Day);
    EXPECT_EQ(resolved_db_url(o), "sqlite:/tmp/x.db");
    try {
        parse_desktop_options({"--view", "month"});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "--view");
    }
    EXPECT_THROW(parse_desktop_options({"--db"}), Error);
    EXPECT_THROW(parse_desktop_options({"--colour"}), Error);
}

TEST(DesktopOptionsTest, DemoWithoutDbUsesTheXdgSqliteFile) {
    DesktopOptions o;
    o.demo = true;
    EXPECT_EQ(resolved_db_url(o), "sqlite:" + db::default_sqlite_path());
}

TEST(DesktopSessionTest, DemoSessionSeedsOnceAndReopens) {
    const fs::path path = temp_db_path();
    DesktopOptions o;
    o.demo = true;
    o.db_url = "sqlite:" + path.string();
    const LocalDate today = day(2026, 11, 4);
    {
        std::vector<std::pair<double, std::string>> heard;
        auto s = open_clinic_session(o, today, [&](double f, const std::string& what) {
            heard.emplace_back(f, what);
        });
        EXPECT_TRUE(s.seeded_now);
        // A new file is created, not "updated"; seeding says how far it is, up to the end.
        ASSERT_FALSE(heard.empty());
        for (const auto& [f, what] : heard) EXPECT_EQ(what, "Creating the demo clinic...");
        EXPECT_DOUBLE_EQ(heard.back().first, 1.0);
        EXPECT_GT(s.seed.appointments, 50);
        CalendarPresenter p(*s.scheduler, s.repo(), today);
        p.refresh();
        // Every appointment of the week is a block (the demo books no Sunday).
        const auto week = s.scheduler->appointments_between(week_start(today), 7);
        EXPECT_EQ(p.layout().blocks.size(), week.size());
        EXPECT_GT(p.layout().blocks.size(), 30u);
    }
    {
        int heard = 0;
        auto s = open_clinic_session(o, today, [&](double, const std::string&) { ++heard; });
        EXPECT_FALSE(s.seeded_now);
        EXPECT_EQ(heard, 0);  // nothing long to do
    }
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path.string() + suffix, ec);
}

TEST(ErrorSentenceTest, MakesPlainSentences) {
    EXPECT_EQ(error_sentence(std::make_exception_ptr(invalid("start", "is not a time"))),
              "Start: is not a time.");
    EXPECT_EQ(error_sentence(std::make_exception_ptr(std::runtime_error("disk full"))),
              "Something went wrong: disk full.");
    EXPECT_EQ(error_sentence(std::make_exception_ptr(42)),
              "Something went wrong that Vertebra did not expect.");
}

}  // namespace
