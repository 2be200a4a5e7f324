// Scheduling benchmark on tier-L data: prints one figure a line as `name value unit`.
// Run through tests/bench/run, which starts its own PostgreSQL and rewrites docs/benchmarks.md.
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
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
};

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
        else {
            std::cerr << "usage: vertebra_scheduling_bench [--pg URL] [--sqlite PATH] "
                         "[--scale medium|large] [--today YYYY-MM-DD] [--bookings N]\n";
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
