// Scheduling benchmark on tier-L data: prints one figure a line as `name value unit`.
// Run through tests/bench/run, which starts its own PostgreSQL and rewrites docs/benchmarks.md.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "vertebra/db/database.hpp"
#include "vertebra/demo/demo_seed.hpp"
#include "vertebra/scheduling/hours_spec.hpp"
#include "vertebra/scheduling/scheduler.hpp"

using namespace vertebra;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

void figure(const std::string& name, double value, const char* unit) {
    std::printf("%s %.3f %s\n", name.c_str(), value, unit);
    std::fflush(stdout);
}

struct Options {
    std::string pg, sqlite, scale = "medium", today = "2026-11-30";
    int bookings = 200;
    int clients = 32;     ///< concurrent clients (threads with their own connections)
    int per_client = 120; ///< timed operations per client (40 made a round last ~0.2 s: noisy)
};

/// 32 clients (threads, each with its own connection: a Database + Scheduler, or a bare SOCI
/// session) booking through the kernel vs the same 32 doing bare INSERTs (autocommit), each
/// client on its own practitioner and patient so that nobody conflicts; throughput = operations
/// over wall time from a common start. The ratio is bookings/s over bare inserts/s.
void concurrent_throughput(const std::string& url, const std::string& suffix, const Options& o,
                           LocalTime base) {
    const int clients = o.clients, per = o.per_client;
    auto db = db::Database::open(url);
    auto& repo = db->scheduling();
    core::Practitioner p;
    p.disciplines = {"physical_therapy"};
    p.hours = core::parse_weekly_hours("Mon-Sun 00:00-24:00");
    std::vector<core::Id> kprac, bprac, kpat, bpat;
    for (int c = 0; c < clients; ++c) {
        p.name = "Concurrent kernel " + std::to_string(c);
        kprac.push_back(repo.add_practitioner(p));
        p.name = "Concurrent bare " + std::to_string(c);
        bprac.push_back(repo.add_practitioner(p));
        kpat.push_back(repo.add_patient(core::Patient{0, "Concurrent k" + std::to_string(c), {}, "", ""}));
        bpat.push_back(repo.add_patient(core::Patient{0, "Concurrent b" + std::to_string(c), {}, "", ""}));
    }
    auto parsed = db::DatabaseUrl::parse(url);
    const bool pg = parsed.backend == db::Backend::PostgreSQL;
    const std::string bare_sql =
        std::string("INSERT INTO appointments (patient_id, practitioner_id, start_at, end_at) VALUES (:a, :b, ") +
        (pg ? "to_timestamp(:s), to_timestamp(:e))" : ":s, :e)");
    ClinicZone zone = core::Scheduler(repo).zone();
    std::atomic<int> failures{0};

    // Round 0 = bare inserts, round 1 = kernel bookings; connections opened and warmed up (one
    // operation each, untimed) before the common start.
    auto round = [&](bool kernel) {
        std::barrier start(clients + 1);
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([&, c] {
                std::unique_ptr<db::Database> mine;
                std::unique_ptr<core::Scheduler> sched;
                soci::session raw;
                try {
                    if (kernel) {
                        mine = db::Database::open(url);
                        sched = std::make_unique<core::Scheduler>(mine->scheduling());
                    } else if (pg) {
                        raw.open(*soci::factory_postgresql(), parsed.conninfo);
                    } else {
                        raw.open(*soci::factory_sqlite3(), parsed.sqlite_path);
                        raw << "PRAGMA busy_timeout = 30000";
                        raw << "PRAGMA synchronous = NORMAL";
                    }
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "client %d: %s\n", c, e.what());
                    ++failures;
                }
                LocalTime t0 = base + date::days{2 * c + (kernel ? 1 : 0)};
                auto op = [&](int i) {
                    LocalTime ls = t0 + std::chrono::minutes{30 * i};
                    if (kernel) {
                        core::BookingRequest r;
                        r.patient_id = kpat[static_cast<std::size_t>(c)];
                        r.practitioner_id = kprac[static_cast<std::size_t>(c)];
                        r.start = ls;
                        r.minutes = 30;
                        sched->book(r);
                    } else {
                        long long pat = bpat[static_cast<std::size_t>(c)],
                                  prac = bprac[static_cast<std::size_t>(c)];
                        long long s = to_epoch(zone.to_utc(ls)), e = s + 1800;
                        raw << bare_sql, soci::use(pat), soci::use(prac), soci::use(s), soci::use(e);
                    }
                };
                try {
                    if (failures == 0) op(0);
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "client %d warm-up: %s\n", c, e.what());
                    ++failures;
                }
                start.arrive_and_wait();
                for (int i = 1; i <= per && failures == 0; ++i) {
                    try {
                        op(i);
                    } catch (const std::exception& e) {
                        std::fprintf(stderr, "client %d: %s\n", c, e.what());
                        ++failures;
                    }
                }
            });
        }
        start.arrive_and_wait();
        auto t = Clock::now();
        for (auto& th : threads) th.join();
        return ms_since(t);
    };
    double bare_wall = round(false);
    double kernel_wall = round(true);
    if (failures != 0) throw std::runtime_error("concurrent clients failed");
    double ops = static_cast<double>(clients) * per;
    figure("concurrent_bookings_per_s_" + suffix, ops / (kernel_wall / 1000.0), "1/s");
    figure("concurrent_bare_inserts_per_s_" + suffix, ops / (bare_wall / 1000.0), "1/s");
    figure(pg ? "concurrent_booking_throughput_ratio" : "concurrent_booking_throughput_ratio_sqlite",
           bare_wall / kernel_wall, "x");
}

void run_backend(const std::string& url, const std::string& suffix, const Options& o) {
    auto db = db::Database::open(url);
    db->migrate();
    LocalDate today = parse_local_date(o.today);
    auto t0 = Clock::now();
    auto rep = core::seed_demo_clinic(db->scheduling(),
                                      o.scale == "large" ? core::DemoScale::Large : core::DemoScale::Medium,
                                      today);
    figure("seed_seconds_" + suffix, ms_since(t0) / 1000.0, "s");
    figure("appointments_" + suffix, static_cast<double>(rep.appointments), "rows");

    core::Scheduler sched(db->scheduling());
    LocalDate monday = today - date::days{iso_weekday_index(today)};
    std::vector<double> times;
    std::size_t rows = 0;
    for (int i = 0; i < 25; ++i) {
        auto t = Clock::now();
        rows = sched.appointments_between(monday, 7).size();
        times.push_back(ms_since(t));
    }
    figure("week_load_ms_" + suffix, median(times), "ms");
    figure("week_rows_" + suffix, static_cast<double>(rows), "rows");

    times.clear();
    core::SlotQuery q;
    q.discipline = "physical_therapy";
    q.minutes = 30;
    q.from = today;
    q.days = 60;
    q.count = 10;
    std::size_t found = 0;
    for (int i = 0; i < 25; ++i) {
        auto t = Clock::now();
        found = sched.find_slots(q).size();
        times.push_back(ms_since(t));
    }
    figure("slot_search_ms_" + suffix, median(times), "ms");
    if (found != 10) std::fprintf(stderr, "warning: slot search found %zu slots\n", found);

    // One booking through the kernel vs a bare INSERT + COMMIT of one row, same server, same
    // table. Two fresh practitioners far in the future so that nothing else is in the way.
    auto& repo = db->scheduling();
    core::Practitioner p;
    p.name = "Bench kernel";
    p.disciplines = {"physical_therapy"};
    p.hours = core::parse_weekly_hours("Mon-Sun 00:00-24:00");
    core::Id kernel_prac = repo.add_practitioner(p);
    p.name = "Bench bare";
    core::Id bare_prac = repo.add_practitioner(p);
    std::vector<core::Id> patients;
    for (int i = 0; i < 2 * o.bookings; ++i)
        patients.push_back(repo.add_patient(core::Patient{0, "Bench patient " + std::to_string(i), {}, "", ""}));
    sched.reload();

    auto parsed = db::DatabaseUrl::parse(url);
    soci::session raw;
    if (parsed.backend == db::Backend::PostgreSQL)
        raw.open(*soci::factory_postgresql(), parsed.conninfo);
    else {
        raw.open(*soci::factory_sqlite3(), parsed.sqlite_path);
        raw << "PRAGMA busy_timeout = 10000";
        raw << "PRAGMA synchronous = NORMAL";
    }
    const bool pg = parsed.backend == db::Backend::PostgreSQL;
    const std::string bare_sql =
        std::string("INSERT INTO appointments (patient_id, practitioner_id, start_at, end_at) VALUES (:a, :b, ") +
        (pg ? "to_timestamp(:s), to_timestamp(:e))" : ":s, :e)");
    LocalTime base = LocalTime{today + date::days{4 * 365}} + std::chrono::hours{0};
    ClinicZone zone = sched.zone();
    double kernel_ms = 0, bare_ms = 0;
    const int kBlock = 25;
    int done = 0;
    while (done < o.bookings) {
        for (int i = done; i < done + kBlock; ++i) {
            long long pat = patients[static_cast<std::size_t>(o.bookings + i)], prac = bare_prac;
            long long s = to_epoch(zone.to_utc(base + std::chrono::minutes{30 * i}));
            long long e = s + 1800;
            auto t = Clock::now();
            raw << bare_sql, soci::use(pat), soci::use(prac), soci::use(s), soci::use(e);
            bare_ms += ms_since(t);
        }
        for (int i = done; i < done + kBlock; ++i) {
            core::BookingRequest r;
            r.patient_id = patients[static_cast<std::size_t>(i)];
            r.practitioner_id = kernel_prac;
            r.start = base + std::chrono::minutes{30 * i};
            r.minutes = 30;
            auto t = Clock::now();
            sched.book(r);
            kernel_ms += ms_since(t);
        }
        done += kBlock;
    }
    figure("booking_ms_" + suffix, kernel_ms / o.bookings, "ms");
    figure("bare_insert_ms_" + suffix, bare_ms / o.bookings, "ms");
    figure(pg ? "booking_vs_bare_insert_ratio" : "booking_vs_bare_insert_ratio_sqlite",
           kernel_ms / bare_ms, "x");

    concurrent_throughput(url, suffix, o, base + date::days{30});
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--pg") o.pg = next();
        else if (a == "--sqlite") o.sqlite = next();
        else if (a == "--scale") o.scale = next();
        else if (a == "--today") o.today = next();
        else if (a == "--bookings") o.bookings = std::stoi(next());
        else if (a == "--clients") o.clients = std::stoi(next());
        else if (a == "--per-client") o.per_client = std::stoi(next());
        else {
            std::cerr << "usage: vertebra_scheduling_bench [--pg URL] [--sqlite PATH] "
                         "[--scale medium|large] [--today YYYY-MM-DD] [--bookings N] [--clients N] "
                         "[--per-client N]\n";
            return 2;
        }
    }
    try {
        if (!o.pg.empty()) run_backend(o.pg, "pg", o);
        if (!o.sqlite.empty()) run_backend("sqlite:" + o.sqlite, "sqlite", o);
    } catch (const std::exception& e) {
        std::cerr << "benchmark failed: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
