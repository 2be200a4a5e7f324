// The scheduling kernel on real storage: one suite, run on a SQLite file and on PostgreSQL.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include "test_databases.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::testing {
namespace {

using core::Id;

LocalTime lt(const char* s) { return parse_local_datetime(s); }

class SchedulingTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        db_ = tdb_->open();
        auto& repo = db_->scheduling();
        core::Clinic c;
        c.name = "Test clinic";
        c.timezone = "America/New_York";
        repo.save_clinic(c);
        core::Practitioner p;
        p.name = "Ada Park";
        p.disciplines = {"physical_therapy"};
        p.hours = core::parse_weekly_hours("Mon-Fri 08:00-18:00");
        ada_ = repo.add_practitioner(p);
        p.name = "Ben Cole";
        p.disciplines = {"chiropractic", "physical_therapy"};
        p.hours = core::parse_weekly_hours("Mon-Thu 09:00-17:00");
        ben_ = repo.add_practitioner(p);
        gym_ = repo.add_room(core::Room{0, "Gym", {"exercise_equipment"}});
        table_ = repo.add_room(core::Room{0, "Table room", {"adjusting_table"}});
        tom_ = repo.add_patient(core::Patient{0, "Tom Reed", {}, "", ""});
        ann_ = repo.add_patient(core::Patient{0, "Ann Lee", {}, "", ""});
        pt_ = repo.add_service(core::Service{0, "PT session", 45, "physical_therapy",
                                             {"exercise_equipment"}, ""});
        adj_ = repo.add_service(core::Service{0, "Adjustment", 30, "chiropractic",
                                              {"adjusting_table"}, "chiropractic"});
        sched_ = std::make_unique<core::Scheduler>(repo, [this] { return now_; });
    }

    core::BookingRequest req(Id patient, Id prac, const char* start, int minutes = 30) {
        core::BookingRequest r;
        r.patient_id = patient;
        r.practitioner_id = prac;
        r.start = lt(start);
        r.minutes = minutes;
        return r;
    }

    Id book1(core::BookingRequest r) {
        auto ids = sched_->book(r);
        EXPECT_EQ(ids.size(), 1u);
        return ids.front();
    }

    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<core::Scheduler> sched_;
    Instant now_ = from_epoch(1790000000);  // 2026-09-21
    Id ada_ = 0, ben_ = 0, gym_ = 0, table_ = 0, tom_ = 0, ann_ = 0, pt_ = 0, adj_ = 0;
};

TEST_P(SchedulingTest, MigrateIsIdempotentAndVersioned) {
    EXPECT_EQ(db_->schema_version(), db::Database::binary_schema_version(db_->backend()));
    EXPECT_EQ(db_->migrate(), 0);
    EXPECT_NO_THROW(db_->require_current_schema());
}

TEST_P(SchedulingTest, ConnectionSettingsWithSpacesReachPostgreSQLIntact) {
    // A password such as "my secret pw" travels like this application_name: libpq-quoted, through
    // SOCI 4.0's own parsing of the connect string (which cut such values up before).
    if (GetParam() == Kind::SQLite) GTEST_SKIP() << "no connection settings on SQLite";
    const std::string name = "Front desk " + std::to_string(getpid());
    const std::string with = tdb_->url() + (tdb_->url().find('?') == std::string::npos ? "?" : "&");
    auto d = db::Database::open(with + "application_name=Front%20desk%20" + std::to_string(getpid()));
    EXPECT_EQ(count_sql(tdb_->url(), "SELECT count(*) FROM pg_stat_activity WHERE "
                                     "application_name = '" + name + "'"),
              1);
    // Whitespace and a double quote together cannot pass SOCI 4.0: refused by name.
    try {
        db::Database::open(with + "application_name=a%20%22b%22");
        ADD_FAILURE() << "expected a refusal";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid) << e.what();
        EXPECT_NE(std::string(e.what()).find("'application_name'"), std::string::npos) << e.what();
    }
}

TEST_P(SchedulingTest, RefusesDatabaseNewerThanBinary) {
    {
        auto url = db::DatabaseUrl::parse(tdb_->url());
        soci::session s;
        if (GetParam() == Kind::SQLite)
            s.open(*soci::factory_sqlite3(), url.sqlite_path);
        else
            s.open(*soci::factory_postgresql(), url.conninfo);
        s << "INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'future', 'x')";
    }
    try {
        db_->migrate();
        FAIL() << "a newer schema must be refused";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_NE(std::string(e.what()).find("newer than this Vertebra"), std::string::npos) << e.what();
    }
    EXPECT_THROW(db_->require_current_schema(), Error);
}

TEST_P(SchedulingTest, BackToBackIsFine) {
    book1(req(tom_, ada_, "2026-11-02T09:00"));
    EXPECT_NO_THROW(book1(req(ann_, ada_, "2026-11-02T09:30")));
    EXPECT_NO_THROW(book1(req(ann_, ada_, "2026-11-02T08:30")));
}

TEST_P(SchedulingTest, RejectsOverlappingBookingForSamePractitionerNamingTheOther) {
    Id first = book1(req(tom_, ada_, "2026-11-02T09:00"));
    try {
        sched_->book(req(ann_, ada_, "2026-11-02T09:15"));
        FAIL() << "overlap must be refused";
    } catch (const core::BookingConflict& e) {
        EXPECT_EQ(e.conflicting_id(), first);
        EXPECT_EQ(e.resource(), "practitioner");
        std::string m = e.what();
        EXPECT_NE(m.find("#" + std::to_string(first)), std::string::npos) << m;
        EXPECT_NE(m.find("09:00-09:30"), std::string::npos) << m;
        EXPECT_NE(m.find("Ada Park"), std::string::npos) << m;
        EXPECT_NE(m.find("Tom Reed"), std::string::npos) << m;
    }
}

TEST_P(SchedulingTest, RejectsOverlappingBookingForSameRoom) {
    auto r1 = req(tom_, ada_, "2026-11-02T10:00");
    r1.room_id = gym_;
    Id first = book1(r1);
    auto r2 = req(ann_, ben_, "2026-11-02T10:15");
    r2.room_id = gym_;
    try {
        sched_->book(r2);
        FAIL();
    } catch (const core::BookingConflict& e) {
        EXPECT_EQ(e.conflicting_id(), first);
        EXPECT_EQ(e.resource(), "room");
        EXPECT_NE(std::string(e.what()).find("room"), std::string::npos);
    }
    r2.room_id = table_;
    EXPECT_NO_THROW(sched_->book(r2));
}

TEST_P(SchedulingTest, RejectsOverlappingBookingForSamePatient) {
    Id first = book1(req(tom_, ada_, "2026-11-02T10:00"));
    try {
        sched_->book(req(tom_, ben_, "2026-11-02T10:00"));
        FAIL();
    } catch (const core::BookingConflict& e) {
        EXPECT_EQ(e.conflicting_id(), first);
        EXPECT_EQ(e.resource(), "patient");
    }
}

TEST_P(SchedulingTest, RefusesOutsideWorkingHoursWithTheReason) {
    try {
        sched_->book(req(tom_, ben_, "2026-11-02T08:30"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        std::string m = e.what();
        EXPECT_NE(m.find("outside Ben Cole's working hours (09:00-17:00)"), std::string::npos) << m;
    }
    // Ends after closing.
    EXPECT_THROW(sched_->book(req(tom_, ben_, "2026-11-02T16:45")), Error);
    // Friday: Ben does not work.
    try {
        sched_->book(req(tom_, ben_, "2026-11-06T10:00"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not working on Fri"), std::string::npos) << e.what();
    }
}

TEST_P(SchedulingTest, RefusesOutsideClinicOpeningHours) {
    auto c = db_->scheduling().load_clinic();
    c.opening_hours = core::parse_weekly_hours("Mon-Fri 09:00-17:00");
    db_->scheduling().save_clinic(c);
    sched_->reload();
    try {
        sched_->book(req(tom_, ada_, "2026-11-02T08:00"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("clinic's opening hours"), std::string::npos);
    }
}

TEST_P(SchedulingTest, RefusesDuringTimeOff) {
    auto z = sched_->zone();
    db_->scheduling().add_time_off(core::TimeOff{0, ada_, z.to_utc(lt("2026-11-03T12:00")),
                                                 z.to_utc(lt("2026-11-03T18:00")), "dentist"});
    EXPECT_NO_THROW(book1(req(tom_, ada_, "2026-11-03T11:30")));
    try {
        sched_->book(req(ann_, ada_, "2026-11-03T12:00"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_NE(std::string(e.what()).find("dentist"), std::string::npos) << e.what();
    }
}

TEST_P(SchedulingTest, WeeklySeriesStaysNineLocalAcrossNewYorkDstEnd) {
    auto r = req(tom_, ada_, "2026-10-19T09:00");
    r.rrule = "FREQ=WEEKLY;COUNT=4";
    auto ids = sched_->book(r);
    ASSERT_EQ(ids.size(), 4u);
    auto z = sched_->zone();
    std::vector<std::string> got;
    for (Id id : ids) got.push_back(z.format_iso(db_->scheduling().appointment(id)->start));
    EXPECT_EQ(got, (std::vector<std::string>{"2026-10-19T09:00:00-04:00", "2026-10-26T09:00:00-04:00",
                                             "2026-11-02T09:00:00-05:00", "2026-11-09T09:00:00-05:00"}));
    auto a = db_->scheduling().appointment(ids[2]);
    EXPECT_EQ(format_utc(a->start), "2026-11-02T14:00:00Z");
    EXPECT_TRUE(a->series_id.has_value());
}

TEST_P(SchedulingTest, WeeklySeriesStaysNineLocalAcrossBerlinDstEnd) {
    auto c = db_->scheduling().load_clinic();
    c.timezone = "Europe/Berlin";
    db_->scheduling().save_clinic(c);
    sched_->reload();
    auto r = req(tom_, ada_, "2026-10-14T09:00");
    r.rrule = "FREQ=WEEKLY;BYDAY=WE;COUNT=3";
    auto ids = sched_->book(r);
    ASSERT_EQ(ids.size(), 3u);
    auto z = sched_->zone();
    std::vector<std::string> utc, local;
    for (Id id : ids) {
        auto a = db_->scheduling().appointment(id);
        utc.push_back(format_utc(a->start));
        local.push_back(z.format_iso(a->start));
    }
    EXPECT_EQ(local, (std::vector<std::string>{"2026-10-14T09:00:00+02:00", "2026-10-21T09:00:00+02:00",
                                               "2026-10-28T09:00:00+01:00"}));
    EXPECT_EQ(utc, (std::vector<std::string>{"2026-10-14T07:00:00Z", "2026-10-21T07:00:00Z",
                                             "2026-10-28T08:00:00Z"}));
}

TEST_P(SchedulingTest, SeriesIsAllOrNothing) {
    Id blocker = book1(req(ann_, ada_, "2026-11-16T09:00"));
    auto r = req(tom_, ada_, "2026-11-02T09:00");
    r.rrule = "FREQ=WEEKLY;COUNT=4";
    try {
        sched_->book(r);
        FAIL();
    } catch (const core::BookingConflict& e) {
        EXPECT_EQ(e.conflicting_id(), blocker);
    }
    auto all = sched_->appointments_between(parse_local_date("2026-11-01"), 30);
    EXPECT_EQ(all.size(), 1u);
}

TEST_P(SchedulingTest, CancelFreesTheSlotAndMarksLateCancels) {
    Id a = book1(req(tom_, ada_, "2026-11-02T09:00"));
    now_ = sched_->zone().to_utc(lt("2026-11-01T12:00"));  // 22 hours before
    sched_->cancel(a, "sick");
    auto row = db_->scheduling().appointment(a);
    EXPECT_EQ(row->status, core::AppointmentStatus::Cancelled);
    EXPECT_EQ(row->cancel_reason, "sick");
    EXPECT_TRUE(row->late_cancel);
    EXPECT_NO_THROW(book1(req(ann_, ada_, "2026-11-02T09:00")));
    EXPECT_THROW(sched_->cancel(a, "again"), Error);
}

TEST_P(SchedulingTest, CancelThisAndFollowingOccurrences) {
    auto r = req(tom_, ada_, "2026-11-02T09:00");
    r.rrule = "FREQ=WEEKLY;COUNT=5";
    auto ids = sched_->book(r);
    auto cancelled = sched_->cancel(ids[2], "moved away", true);
    EXPECT_EQ(cancelled, (std::vector<Id>{ids[2], ids[3], ids[4]}));
    EXPECT_EQ(db_->scheduling().appointment(ids[1])->status, core::AppointmentStatus::Booked);
    EXPECT_EQ(db_->scheduling().appointment(ids[4])->status, core::AppointmentStatus::Cancelled);
    EXPECT_FALSE(db_->scheduling().appointment(ids[4])->late_cancel);
}

TEST_P(SchedulingTest, RescheduleOneOccurrenceKeepsTheSeriesLink) {
    auto r = req(tom_, ada_, "2026-11-02T09:00");
    r.rrule = "FREQ=WEEKLY;COUNT=3";
    auto ids = sched_->book(r);
    sched_->reschedule(ids[1], lt("2026-11-10T14:00"));
    auto a = db_->scheduling().appointment(ids[1]);
    EXPECT_EQ(sched_->zone().format_iso(a->start), "2026-11-10T14:00:00-05:00");
    EXPECT_EQ(a->end - a->start, std::chrono::minutes{30});
    EXPECT_EQ(a->series_id, db_->scheduling().appointment(ids[0])->series_id);
    EXPECT_EQ(sched_->zone().format_iso(db_->scheduling().appointment(ids[2])->start),
              "2026-11-16T09:00:00-05:00");
}

TEST_P(SchedulingTest, RescheduleThisAndFollowingShiftsByTheSameLocalAmount) {
    auto r = req(tom_, ada_, "2026-10-19T09:00");
    r.rrule = "FREQ=WEEKLY;COUNT=4";
    auto ids = sched_->book(r);
    // Move from the 2nd on by +30 minutes; the 4th crosses DST and must stay 09:30 local.
    sched_->reschedule(ids[1], lt("2026-10-26T09:30"), std::nullopt, true);
    auto z = sched_->zone();
    EXPECT_EQ(z.format_iso(db_->scheduling().appointment(ids[0])->start), "2026-10-19T09:00:00-04:00");
    EXPECT_EQ(z.format_iso(db_->scheduling().appointment(ids[1])->start), "2026-10-26T09:30:00-04:00");
    EXPECT_EQ(z.format_iso(db_->scheduling().appointment(ids[3])->start), "2026-11-09T09:30:00-05:00");
}

TEST_P(SchedulingTest, RescheduleSeriesOntoItselfDoesNotConflictWithItsOwnRows) {
    auto r = req(tom_, ada_, "2026-11-02T09:00");
    r.rrule = "FREQ=DAILY;COUNT=3";
    auto ids = sched_->book(r);
    // Shift by one day: each occurrence lands where the next one was.
    EXPECT_NO_THROW(sched_->reschedule(ids[0], lt("2026-11-03T09:00"), std::nullopt, true));
    EXPECT_EQ(sched_->zone().format_iso(db_->scheduling().appointment(ids[2])->start),
              "2026-11-05T09:00:00-05:00");
}

TEST_P(SchedulingTest, RescheduleIntoConflictChangesNothing) {
    Id a = book1(req(tom_, ada_, "2026-11-02T09:00"));
    Id b = book1(req(ann_, ada_, "2026-11-02T11:00"));
    EXPECT_THROW(sched_->reschedule(a, lt("2026-11-02T11:15")), core::BookingConflict);
    EXPECT_EQ(sched_->zone().format_iso(db_->scheduling().appointment(a)->start),
              "2026-11-02T09:00:00-05:00");
    (void)b;
}

TEST_P(SchedulingTest, StatusFollowsTheTransitionTable) {
    Id a = book1(req(tom_, ada_, "2026-11-02T09:00"));
    sched_->set_status(a, core::AppointmentStatus::Arrived);
    sched_->set_status(a, core::AppointmentStatus::InSession);
    sched_->set_status(a, core::AppointmentStatus::Completed);
    EXPECT_THROW(sched_->set_status(a, core::AppointmentStatus::Booked), Error);
    EXPECT_THROW(sched_->no_show(a), Error);
    Id b = book1(req(tom_, ada_, "2026-11-02T10:00"));
    sched_->no_show(b);
    EXPECT_EQ(db_->scheduling().appointment(b)->status, core::AppointmentStatus::NoShow);
    EXPECT_THROW(sched_->cancel(b, ""), Error);
}

TEST_P(SchedulingTest, UnknownIdsAreNotFound) {
    try {
        sched_->book(req(999, ada_, "2026-11-02T09:00"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
    try {
        sched_->cancel(12345, "");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

TEST_P(SchedulingTest, ServiceChecksDisciplineAndEquipmentAndAssignsARoom) {
    auto r = req(tom_, ada_, "2026-11-02T09:00");
    r.minutes.reset();
    r.service_id = adj_;
    EXPECT_THROW(sched_->book(r), Error);  // Ada is not a chiropractor
    r.practitioner_id = ben_;
    r.start = lt("2026-11-02T10:00");
    Id a = book1(r);
    auto row = db_->scheduling().appointment(a);
    EXPECT_EQ(row->room_id, table_);
    EXPECT_EQ(row->end - row->start, std::chrono::minutes{30});
    r.room_id = gym_;  // lacks the adjusting table
    r.start = lt("2026-11-02T11:00");
    try {
        sched_->book(r);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("adjusting_table"), std::string::npos);
    }
}

TEST_P(SchedulingTest, SlotSearchForOnePractitionerSkipsBookedTime) {
    book1(req(tom_, ada_, "2026-11-02T08:00", 60));
    core::SlotQuery q;
    q.practitioner_id = ada_;
    q.minutes = 30;
    q.from = parse_local_date("2026-11-02");
    q.count = 3;
    auto slots = sched_->find_slots(q);
    ASSERT_EQ(slots.size(), 3u);
    auto z = sched_->zone();
    EXPECT_EQ(z.format_iso(slots[0].start), "2026-11-02T09:00:00-05:00");
    EXPECT_EQ(z.format_iso(slots[1].start), "2026-11-02T09:15:00-05:00");
    EXPECT_EQ(z.format_iso(slots[2].start), "2026-11-02T09:30:00-05:00");
    EXPECT_TRUE(slots[0].room_id.has_value());
}

TEST_P(SchedulingTest, SlotSearchByDisciplineUsesEquipmentAndWeekdays) {
    core::SlotQuery q;
    q.discipline = "chiropractic";
    q.service_id = adj_;
    q.minutes = 30;
    q.from = parse_local_date("2026-11-06");  // Friday: Ben is off, next is Monday 09:00
    q.count = 2;
    auto slots = sched_->find_slots(q);
    ASSERT_EQ(slots.size(), 2u);
    EXPECT_EQ(sched_->zone().format_iso(slots[0].start), "2026-11-09T09:00:00-05:00");
    EXPECT_EQ(slots[0].practitioner_id, ben_);
    EXPECT_EQ(slots[0].room_id, table_);
    // The table room busy at 09:00 pushes the first slot back.
    auto r = req(ann_, ada_, "2026-11-09T09:00");
    r.room_id = table_;
    book1(r);
    slots = sched_->find_slots(q);
    EXPECT_EQ(sched_->zone().format_iso(slots[0].start), "2026-11-09T09:30:00-05:00");
}

TEST_P(SchedulingTest, DatabaseItselfRefusesOverlapWhenTheAppCheckIsBypassed) {
    Id a = book1(req(tom_, ada_, "2026-11-02T09:00"));
    auto row = *db_->scheduling().appointment(a);
    auto url = db::DatabaseUrl::parse(tdb_->url());
    soci::session s;
    long long pat = ann_, prac = ada_;
    if (GetParam() == Kind::SQLite) {
        s.open(*soci::factory_sqlite3(), url.sqlite_path);
        long long st = to_epoch(row.start) + 600, en = to_epoch(row.end) + 600;
        EXPECT_THROW((s << "INSERT INTO appointments (patient_id, practitioner_id, start_at, end_at) "
                           "VALUES (:a, :b, :c, :d)",
                      soci::use(pat), soci::use(prac), soci::use(st), soci::use(en)),
                     soci::soci_error);
    } else {
        s.open(*soci::factory_postgresql(), url.conninfo);
        try {
            s << "INSERT INTO appointments (patient_id, practitioner_id, start_at, end_at) VALUES "
                 "(:a, :b, '2026-11-02 14:10+00', '2026-11-02 14:40+00')",
                soci::use(pat), soci::use(prac);
            FAIL() << "exclusion constraint missing";
        } catch (const soci::postgresql_soci_error& e) {
            EXPECT_EQ(e.sqlstate(), "23P01");
        }
    }
    EXPECT_EQ(sched_->appointments_between(parse_local_date("2026-11-02"), 1).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulingTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
