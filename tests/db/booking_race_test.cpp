// Races: many separate connections (PostgreSQL) or processes (SQLite) book the same slot at
// once, after all have read availability; exactly one wins, every other gets a conflict. Then
// whole vertebra-cli processes (32 on PostgreSQL, several on SQLite) booking contested slots,
// and plan-series booking (`plan schedule`) racing with single bookings: afterwards no two
// time-occupying appointments overlap for any practitioner, room or patient (checked in SQL),
// every loser got exit 3 with a conflict message, and winners + losers are all the attempts.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "cli_runner.hpp"
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

// ---- vertebra-cli processes ------------------------------------------------------------------

/// Pairs of time-occupying appointments that overlap on the same practitioner, room or patient,
/// counted by the database itself (0 expected).
long long overlapping_pairs(const std::string& url) {
    return count_sql(
        url,
        "SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id AND "
        "(a.practitioner_id = b.practitioner_id OR a.patient_id = b.patient_id OR "
        "(a.room_id IS NOT NULL AND a.room_id = b.room_id)) AND a.start_at < b.end_at AND "
        "b.start_at < a.end_at WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'");
}

struct Attempt {
    std::vector<std::string> args;
    int code = -1;
    std::string out, err;
};

/// Runs `attempts` split over `processes` workers; each worker runs its share one vertebra-cli
/// process after another, so up to `processes` CLI processes run at once.
void run_workers(const std::string& url, std::vector<std::vector<Attempt>>& per_worker,
                 const std::string& env) {
    std::vector<std::thread> threads;
    for (auto& list : per_worker)
        threads.emplace_back([&, lp = &list] {
            for (auto& a : *lp) {
                auto r = run_cli(url, a.args, "", env);
                a.code = r.code;
                a.out = r.out;
                a.err = r.err;
            }
        });
    for (auto& t : threads) t.join();
}

struct CliClinic {
    std::vector<std::string> practitioners, rooms, patients;
};

std::string cli_ok(const std::string& url, const std::vector<std::string>& args) {
    auto r = run_cli(url, args, "", "VERTEBRA_PLUGIN_PATH=");
    EXPECT_EQ(r.code, 0) << r.err;
    while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == ' ')) r.out.pop_back();
    return r.out;
}

CliClinic cli_clinic(const std::string& url, int practitioners, int rooms, int patients) {
    CliClinic c;
    EXPECT_EQ(run_cli(url, {"db", "init"}, "", "VERTEBRA_PLUGIN_PATH=").code, 0);
    cli_ok(url, {"clinic", "set", "--name", "Race clinic", "--timezone", "UTC"});
    for (int i = 0; i < practitioners; ++i)
        c.practitioners.push_back(cli_ok(url, {"practitioner", "add", "--name",
                                               "PT " + std::to_string(i), "--discipline",
                                               "physical_therapy", "--hours",
                                               "Mon-Sun 00:00-24:00"}));
    for (int i = 0; i < rooms; ++i)
        c.rooms.push_back(cli_ok(url, {"room", "add", "--name", "Room " + std::to_string(i)}));
    for (int i = 0; i < patients; ++i)
        c.patients.push_back(cli_ok(url, {"patient", "add", "--name", "Patient " + std::to_string(i)}));
    return c;
}

/// `slots` hourly slots from 2027-01-04 00:00 UTC; every slot is tried by `per_slot` attempts,
/// each with a practitioner, room and patient drawn from small pools and a start of +0, +15 or
/// +30 minutes (30 minutes long): attempts of one slot clash by practitioner, room or patient,
/// attempts of different slots never.
std::vector<std::vector<Attempt>> contested(const CliClinic& c, int slots, int per_slot,
                                            int workers, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<Attempt> all;
    auto pick = [&](const std::vector<std::string>& v) {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    };
    LocalTime t0 = parse_local_datetime("2027-01-04T00:00");
    for (int s = 0; s < slots; ++s)
        for (int k = 0; k < per_slot; ++k) {
            int offset = 15 * std::uniform_int_distribution<int>(0, 2)(rng);
            LocalTime start = t0 + std::chrono::minutes{60 * s + offset};
            Attempt a;
            a.args = {"book", "--patient", pick(c.patients), "--practitioner",
                      pick(c.practitioners), "--room", pick(c.rooms), "--start",
                      date::format("%Y-%m-%dT%H:%M", start), "--minutes", "30"};
            all.push_back(std::move(a));
        }
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<std::vector<Attempt>> out(static_cast<std::size_t>(workers));
    for (std::size_t i = 0; i < all.size(); ++i) out[i % out.size()].push_back(std::move(all[i]));
    return out;
}

/// Every attempt either won (exit 0, one id) or lost with exit 3 and a conflict message; the
/// winners are exactly the rows in the book; nothing overlaps.
void expect_clean_outcome(const TestDatabase& tdb, const std::vector<std::vector<Attempt>>& work,
                          std::size_t attempts) {
    std::size_t won = 0, lost = 0, total = 0;
    for (const auto& list : work)
        for (const auto& a : list) {
            ++total;
            if (a.code == 0) {
                ++won;
                EXPECT_FALSE(a.out.empty());
            } else if (a.code == 3) {
                ++lost;
                EXPECT_NE(a.err.find("conflict"), std::string::npos) << a.err;
            } else {
                ADD_FAILURE() << "exit " << a.code << ": " << a.err;
            }
        }
    EXPECT_EQ(total, attempts);
    EXPECT_EQ(won + lost, attempts);
    EXPECT_GT(won, 0u);
    EXPECT_GT(lost, 0u);
    EXPECT_EQ(overlapping_pairs(tdb.url()), 0);
    EXPECT_EQ(count_sql(tdb.url(), "SELECT count(*) FROM appointments"),
              static_cast<long long>(won));
}

TEST(BookingRaceTest, ThirtyTwoCliProcessesBookFiveHundredContestedSlotsOnPostgres) {
    TestDatabase tdb(Kind::PostgreSQL);
    auto clinic = cli_clinic(tdb.url(), 2, 2, 3);
    auto work = contested(clinic, 500, 2, 32, 9);
    run_workers(tdb.url(), work, "VERTEBRA_PLUGIN_PATH=");
    expect_clean_outcome(tdb, work, 1000);
}

TEST(BookingRaceTest, SeveralSqliteCliProcessesBookContestedSlots) {
    TestDatabase tdb(Kind::SQLite);
    auto clinic = cli_clinic(tdb.url(), 2, 2, 3);
    auto work = contested(clinic, 100, 3, 6, 11);
    run_workers(tdb.url(), work, "VERTEBRA_PLUGIN_PATH=");
    expect_clean_outcome(tdb, work, 300);
}

/// Treatment plans booked with `plan schedule` (12 physical-therapy sessions each, all or
/// nothing, appointments and plan links in one transaction) while other processes book single
/// appointments with the same therapist at the times the plans want.
class PlanRaceTest : public ::testing::TestWithParam<Kind> {};

TEST_P(PlanRaceTest, PlanScheduleRacesSingleBookings) {
    const bool pg = GetParam() == Kind::PostgreSQL;
    TestDatabase tdb(GetParam());
    const std::string url = tdb.url();
    const std::string env = "VERTEBRA_USER=dr.chen VERTEBRA_PLUGIN_PATH=";
    auto ok = [&](const std::vector<std::string>& args) {
        auto r = run_cli(url, args, "", env);
        EXPECT_EQ(r.code, 0) << r.err;
        while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == ' ')) r.out.pop_back();
        return r.out;
    };
    ASSERT_EQ(run_cli(url, {"db", "init"}, "", env).code, 0);
    ok({"clinic", "set", "--name", "Back Care", "--timezone", "America/New_York"});
    std::string sam = ok({"practitioner", "add", "--name", "Sam Okafor, PT", "--discipline",
                          "physical_therapy", "--hours", "Mon-Fri 08:00-18:00"});
    const int plans = pg ? 6 : 3, bookers = pg ? 16 : 4, per_booker = pg ? 8 : 5;
    std::vector<std::string> plan_ids, plan_patients;
    for (int i = 0; i < plans; ++i) {
        std::string pid = ok({"patient", "add", "--name", "Plan patient " + std::to_string(i)});
        ok({"assess", "--patient", pid, "--date", "2027-03-01", "--complaint", "Low back pain",
            "--duration-weeks", "8", "--pattern", "radicular", "--cause", "herniated_disc",
            "--diagnosis", "M51.26", "--baseline", "odi=46", "--baseline", "nrs=7"});
        plan_ids.push_back(ok({"plan", "create", "--patient", pid, "--template", "herniated_disc",
                               "--start", "2027-03-01"}));
        plan_patients.push_back(pid);
    }
    std::vector<std::string> walkins;
    for (int i = 0; i < 4; ++i)
        walkins.push_back(ok({"patient", "add", "--name", "Walk-in " + std::to_string(i)}));

    // Workers: one per plan (`plan schedule`), and single bookers trying Sam at the plans'
    // first times (08:00 on weekdays in March), each attempt a new vertebra-cli process.
    std::vector<std::vector<Attempt>> work;
    for (const auto& id : plan_ids) {
        Attempt a;
        a.args = {"plan", "schedule", id, "--from", "2027-03-01"};
        work.push_back({a});
    }
    std::mt19937 rng(5);
    for (int b = 0; b < bookers; ++b) {
        std::vector<Attempt> list;
        for (int k = 0; k < per_booker; ++k) {
            int day = std::uniform_int_distribution<int>(1, 26)(rng);
            LocalDate d = parse_local_date("2027-03-01") + date::days{day};
            if (iso_weekday_index(d) >= 5) d += date::days{7 - iso_weekday_index(d)};
            int minute = 15 * std::uniform_int_distribution<int>(0, 2)(rng);
            Attempt a;
            a.args = {"book", "--patient", walkins[static_cast<std::size_t>(b) % walkins.size()],
                      "--practitioner", sam, "--start",
                      date::format("%Y-%m-%dT%H:%M", LocalTime{d} + std::chrono::minutes{480 + minute}),
                      "--minutes", "30"};
            list.push_back(std::move(a));
        }
        work.push_back(std::move(list));
    }
    run_workers(url, work, env);

    long long single_won = 0, plans_won = 0;
    for (std::size_t w = 0; w < work.size(); ++w)
        for (const auto& a : work[w]) {
            ASSERT_TRUE(a.code == 0 || a.code == 3) << "exit " << a.code << ": " << a.err;
            if (a.code == 3) EXPECT_NE(a.err.find("conflict"), std::string::npos) << a.err;
            if (w >= plan_ids.size()) {
                single_won += a.code == 0;
                continue;
            }
            const std::string& plan = plan_ids[w];
            const std::string& patient = plan_patients[w];
            long long links = count_sql(url, "SELECT count(*) FROM plan_appointments WHERE plan_id = " + plan);
            long long booked = count_sql(url, "SELECT count(*) FROM appointments WHERE patient_id = " + patient);
            if (a.code == 0) {
                ++plans_won;
                std::stringstream ids(a.out);
                std::string line;
                int n = 0;
                while (std::getline(ids, line)) n += !line.empty();
                EXPECT_EQ(n, 12) << a.out;
                EXPECT_EQ(links, 12);
                EXPECT_EQ(booked, 12);
            } else {  // all or nothing
                EXPECT_EQ(links, 0);
                EXPECT_EQ(booked, 0);
            }
        }
    ::testing::Test::RecordProperty("plans_won_in_race", static_cast<int>(plans_won));
    EXPECT_EQ(overlapping_pairs(url), 0);
    // A plan that lost left nothing behind, so scheduling it again (no race now) books it whole.
    for (std::size_t w = 0; w < plan_ids.size(); ++w) {
        if (work[w].front().code == 0) continue;
        auto r = run_cli(url, work[w].front().args, "", env);
        EXPECT_EQ(r.code, 0) << r.err << "\nlost the race with: " << work[w].front().err;
        EXPECT_EQ(count_sql(url, "SELECT count(*) FROM plan_appointments WHERE plan_id = " +
                                     plan_ids[w]),
                  12);
    }
    EXPECT_EQ(overlapping_pairs(url), 0);
    // Every plan session in the book is linked to its plan, and nothing else is.
    EXPECT_EQ(count_sql(url, "SELECT count(*) FROM appointments a WHERE a.notes LIKE 'Plan #%' AND "
                             "NOT EXISTS (SELECT 1 FROM plan_appointments p WHERE "
                             "p.appointment_id = a.id)"),
              0);
    EXPECT_EQ(count_sql(url, "SELECT count(*) FROM plan_appointments"), 12 * plans);
    EXPECT_EQ(count_sql(url, "SELECT count(*) FROM appointments"), 12 * plans + single_won);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanRaceTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
