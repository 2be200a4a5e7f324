// Faults: a PostgreSQL server that dies mid-booking-loop, and SQLite writers killed with SIGKILL.
// Every acknowledged write must survive; nothing half-written; clear "unavailable" errors; the
// same connection object works again after the server is back.
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include "test_databases.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::testing {
namespace {

using core::Id;

struct Clinic {
    Id practitioner = 0;
    Id patient = 0;
};

Clinic seed(db::Database& db) {
    auto& repo = db.scheduling();
    core::Clinic c;
    c.timezone = "UTC";  // a long write loop must not run into a DST gap at 02:00
    repo.save_clinic(c);
    core::Practitioner p;
    p.name = "Ada Park";
    p.disciplines = {"physical_therapy"};
    p.hours = core::parse_weekly_hours("Mon-Sun 00:00-24:00");
    Clinic out;
    out.practitioner = repo.add_practitioner(p);
    out.patient = repo.add_patient(core::Patient{0, "Tom Reed", {}, "", ""});
    return out;
}

core::BookingRequest slot(const Clinic& c, int i) {
    core::BookingRequest r;
    r.patient_id = c.patient;
    r.practitioner_id = c.practitioner;
    r.start = parse_local_datetime("2027-01-04T00:00") + std::chrono::minutes{30 * i};
    r.minutes = 30;
    return r;
}

std::string sh(const std::string& cmd) {
    std::string out;
    FILE* f = popen(cmd.c_str(), "r");
    char buf[256];
    while (f && fgets(buf, sizeof buf, f)) out += buf;
    if (f) pclose(f);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

TEST(FaultTest, PostgresCrashMidBookingLoopLosesNoAcknowledgedBookingAndReconnects) {
    // Its own server: crashing the suite's shared one would break the tests running beside it.
    char tmpl[] = "/tmp/vertebra-pgfault-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all |
                                          std::filesystem::perms::group_read |
                                          std::filesystem::perms::group_exec |
                                          std::filesystem::perms::others_read |
                                          std::filesystem::perms::others_exec);  // for postgres
    std::string script = std::string(VERTEBRA_SOURCE_DIR) + "/tests/pg-cluster";
    // Durable settings here: the point is what survives a crash.
    std::string port = sh("VERTEBRA_PG_OPTS=' ' " + script + " start " + dir + "/c");
    ASSERT_FALSE(port.empty());
    std::string url = "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    {
        auto db = db::Database::open(url);
        db->migrate();
        auto clinic = seed(*db);
        core::Scheduler sched(db->scheduling());
        std::set<Id> acknowledged;
        int unavailable = 0, other = 0;
        for (int i = 0; i < 120; ++i) {
            if (i == 40) ASSERT_EQ(std::system((script + " crash " + dir + "/c").c_str()), 0);
            if (i == 80) ASSERT_EQ(std::system((script + " resume " + dir + "/c").c_str()), 0);
            try {
                for (Id id : sched.book(slot(clinic, i))) acknowledged.insert(id);
            } catch (const Error& e) {
                if (e.kind() == ErrorKind::Unavailable) {
                    ++unavailable;
                    EXPECT_NE(std::string(e.what()).find("database unavailable"), std::string::npos);
                } else {
                    ++other;
                    ADD_FAILURE() << e.what();
                }
            }
        }
        EXPECT_EQ(acknowledged.size(), 80u);  // 0-39 before the crash, 80-119 after
        EXPECT_EQ(unavailable, 40);
        EXPECT_EQ(other, 0);
        // Idempotent retry of what failed while the server was down.
        for (int i = 40; i < 80; ++i)
            for (Id id : sched.book(slot(clinic, i))) acknowledged.insert(id);
        auto all = sched.appointments_between(parse_local_date("2027-01-04"), 7);
        std::set<Id> stored;
        for (const auto& a : all) stored.insert(a.id);
        EXPECT_EQ(stored, acknowledged);
        EXPECT_EQ(all.size(), 120u);
    }
    sh(script + " stop " + dir + "/c");
    std::filesystem::remove_all(dir);
}

TEST(FaultTest, SqliteWriterKilledFiftyTimesKeepsEveryAcknowledgedWrite) {
    TestDatabase tdb(Kind::SQLite);
    Clinic clinic;
    {
        auto db = tdb.open();
        clinic = seed(*db);
    }
    std::mt19937 rng(7);
    std::set<Id> acknowledged;
    int next_slot = 0;
    for (int round = 0; round < 50; ++round) {
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        int first = next_slot;
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            // The child never returns into the test body (that would run the parent's code).
            close(fds[0]);
            try {
                auto db = db::Database::open(tdb.url());
                core::Scheduler sched(db->scheduling());
                for (int i = first;; ++i) {
                    auto ids = sched.book(slot(clinic, i));
                    long long id = ids.front();
                    if (write(fds[1], &id, sizeof id) != sizeof id) _exit(1);  // acknowledged
                }
            } catch (...) {
                _exit(2);
            }
        }
        close(fds[1]);
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 60));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        long long id;
        int got = 0;
        while (read(fds[0], &id, sizeof id) == sizeof id) {
            acknowledged.insert(id);
            ++got;
        }
        close(fds[0]);
        next_slot = first + got + 1;  // the slot being written when killed may or may not exist
    }
    auto url = db::DatabaseUrl::parse(tdb.url());
    soci::session s(*soci::factory_sqlite3(), url.sqlite_path);
    std::string integrity;
    s << "PRAGMA integrity_check", soci::into(integrity);
    EXPECT_EQ(integrity, "ok");
    auto db = tdb.open();
    core::Scheduler sched(db->scheduling());
    std::set<Id> stored;
    for (const auto& a : sched.appointments_between(parse_local_date("2027-01-01"), 3660)) stored.insert(a.id);
    for (Id id : acknowledged) EXPECT_TRUE(stored.count(id)) << "acknowledged booking " << id << " lost";
    EXPECT_GE(acknowledged.size(), 50u);
}

}  // namespace
}  // namespace vertebra::testing
