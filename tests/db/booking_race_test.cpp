// Races: many separate connections (PostgreSQL) or processes (SQLite) book the same slot at
// once, after all have read availability; exactly one wins, every other gets a conflict.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "test_databases.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::testing {
namespace {

using core::Id;

struct RaceClinic {
    Id practitioner = 0;
    std::vector<Id> patients;
};

RaceClinic seed(db::Database& db, int patients) {
    auto& repo = db.scheduling();
    core::Clinic c;
    c.timezone = "America/New_York";
    repo.save_clinic(c);
    core::Practitioner p;
    p.name = "Ada Park";
    p.disciplines = {"physical_therapy"};
    p.hours = core::parse_weekly_hours("Mon-Fri 08:00-18:00");
    RaceClinic s;
    s.practitioner = repo.add_practitioner(p);
    for (int i = 0; i < patients; ++i)
        s.patients.push_back(repo.add_patient(core::Patient{0, "Patient " + std::to_string(i), {}, "", ""}));
    return s;
}

core::BookingRequest request(const RaceClinic& s, int i) {
    core::BookingRequest r;
    r.patient_id = s.patients[static_cast<std::size_t>(i)];
    r.practitioner_id = s.practitioner;
    r.start = parse_local_datetime("2026-11-02T09:00");
    r.minutes = 30;
    return r;
}

TEST(BookingRaceTest, SixteenPostgresConnectionsBookOneSlotExactlyOnce) {
    TestDatabase tdb(Kind::PostgreSQL);
    constexpr int kClients = 16;
    RaceClinic s;
    {
        auto db = tdb.open();
        s = seed(*db, kClients);
    }
    std::barrier sync(kClients);
    std::atomic<int> won{0}, conflicts{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
        threads.emplace_back([&, i] {
            auto db = db::Database::open(tdb.url());
            core::Scheduler sched(db->scheduling());
            core::AppointmentBatch batch;
            try {
                batch = sched.prepare_booking(request(s, i));  // reads availability: all free
            } catch (...) {
                sync.arrive_and_drop();
                ++other;
                return;
            }
            sync.arrive_and_wait();
            try {
                sched.commit(batch);
                ++won;
            } catch (const core::BookingConflict& e) {
                ++conflicts;
                if (std::string(e.what()).find("conflict") == std::string::npos) ++other;
            } catch (const std::exception& e) {
                ADD_FAILURE() << "unexpected error: " << e.what();
                ++other;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(conflicts.load(), kClients - 1);
    EXPECT_EQ(other.load(), 0);
    auto db = tdb.open();
    core::Scheduler sched(db->scheduling());
    EXPECT_EQ(sched.appointments_between(parse_local_date("2026-11-02"), 1).size(), 1u);
}

TEST(BookingRaceTest, SeveralSqliteProcessesBookOneSlotExactlyOnce) {
    TestDatabase tdb(Kind::SQLite);
    constexpr int kProcesses = 8;
    RaceClinic s;
    {
        auto db = tdb.open();
        s = seed(*db, kProcesses);
    }
    // Each child reads availability, reports ready, waits for the go byte, then commits.
    int ready[2], go[2];
    ASSERT_EQ(pipe(ready), 0);
    ASSERT_EQ(pipe(go), 0);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            int code = 9;
            try {
                auto db = db::Database::open(tdb.url());
                core::Scheduler sched(db->scheduling());
                auto batch = sched.prepare_booking(request(s, i));
                char c = 'r';
                if (write(ready[1], &c, 1) != 1) _exit(8);
                if (read(go[0], &c, 1) != 1) _exit(8);
                try {
                    sched.commit(batch);
                    code = 0;
                } catch (const core::BookingConflict&) {
                    code = 3;
                }
            } catch (...) {
                code = 7;
            }
            _exit(code);
        }
        children.push_back(pid);
    }
    for (int i = 0; i < kProcesses; ++i) {
        char c;
        ASSERT_EQ(read(ready[0], &c, 1), 1);
    }
    std::string bytes(kProcesses, 'g');
    ASSERT_EQ(write(go[1], bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    int won = 0, conflicts = 0, other = 0;
    for (pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code == 0)
            ++won;
        else if (code == 3)
            ++conflicts;
        else
            ++other;
    }
    EXPECT_EQ(won, 1);
    EXPECT_EQ(conflicts, kProcesses - 1);
    EXPECT_EQ(other, 0);
    auto db = tdb.open();
    core::Scheduler sched(db->scheduling());
    EXPECT_EQ(sched.appointments_between(parse_local_date("2026-11-02"), 1).size(), 1u);
}

}  // namespace
}  // namespace vertebra::testing
