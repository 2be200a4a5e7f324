// Faults: a PostgreSQL server that dies mid-booking-loop and mid-note-signing-loop, and SQLite
// writers killed with SIGKILL.
// Every acknowledged write must survive; nothing half-written; clear "unavailable" errors; the
// same connection object works again after the server is back.
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/postgresql/soci-postgresql.h>
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

#include "cli_runner.hpp"
#include "test_databases.hpp"
#include "vertebra/audit/audit.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/notes/notes.hpp"
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
            if (i == 60) {  // the CLI says so clearly while the server is down: exit 5
                auto r = run_cli(url, {"book", "--patient", std::to_string(clinic.patient),
                                       "--practitioner", std::to_string(clinic.practitioner),
                                       "--start", "2027-03-01T09:00", "--minutes", "30"},
                                 "", "VERTEBRA_PLUGIN_PATH=");
                EXPECT_EQ(r.code, 5) << r.err;
                EXPECT_NE(r.err.find("database unavailable"), std::string::npos) << r.err;
            }
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

/// A throwaway PostgreSQL server of the test's own (crashing the suite's shared one would break
/// the tests running beside it), with durable settings.
struct OwnServer {
    std::string dir, script, url;
    OwnServer() {
        char tmpl[] = "/tmp/vertebra-pgfault-XXXXXX";
        dir = mkdtemp(tmpl);
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all |
                                              std::filesystem::perms::group_read |
                                              std::filesystem::perms::group_exec |
                                              std::filesystem::perms::others_read |
                                              std::filesystem::perms::others_exec);
        script = std::string(VERTEBRA_SOURCE_DIR) + "/tests/pg-cluster";
        std::string port = sh("VERTEBRA_PG_OPTS=' ' " + script + " start " + dir + "/c");
        if (!port.empty()) url = "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }
    ~OwnServer() {
        sh(script + " stop " + dir + "/c");
        std::filesystem::remove_all(dir);
    }
    int crash() { return std::system((script + " crash " + dir + "/c").c_str()); }
    int resume() { return std::system((script + " resume " + dir + "/c").c_str()); }
};

std::string with_user(const std::string& url, const std::string& user) {
    return "postgresql://" + user + "@" + url.substr(url.find('@') + 1);
}

// Note signing: signing is one transaction (status, signer, time, content hash and the audit
// entry). The server dies (pg_ctl stop -m immediate, from another thread, so mid-statement as
// often as between statements) during a loop of NoteService::sign calls: every note is either
// signed with its hash and exactly one note.sign audit entry, or still a draft with none. The CLI
// reports "database unavailable" (exit 5) while it is down; after the restart the same
// connection signs again, and retrying what failed signs it (a note that was in fact signed is
// refused as "already signed", exit 3: signing twice is not idempotent by design, the audit keeps
// one signature per note; see docs/benchmarks-notes.md).
TEST(FaultTest, PostgresCrashMidNoteSigningIsAllOrNothingAndRetriesSign) {
    OwnServer server;
    ASSERT_FALSE(server.url.empty());
    constexpr int kNotes = 80;
    std::vector<Id> notes;
    core::Principal owner_p;
    {
        auto admin = db::Database::open(server.url);
        admin->migrate();
        auto clinic = seed(*admin);
        auto users = admin->users();
        auto audit = admin->audit();
        core::AuthService auth(*users, *audit);
        core::User owner;
        owner.name = "olga";
        owner.roles = {core::Role::Owner};
        owner_p = auth.bootstrap_owner(owner, "olga-pw", "fault-host");
        core::User tom;
        tom.name = "tom";
        tom.roles = {core::Role::Therapist};
        tom.practitioner_id = clinic.practitioner;
        auth.add_user(owner_p, tom, "tom-pw");
        core::AppointmentBatch b;
        for (int i = 0; i < kNotes; ++i) {
            core::Appointment a;
            a.patient_id = clinic.patient;
            a.practitioner_id = clinic.practitioner;
            a.start = from_epoch(1'800'000'000 + i * 3600);
            a.end = a.start + std::chrono::minutes(30);
            b.inserts.push_back(a);
        }
        auto appts = admin->scheduling().commit_appointments(b);
        auto tom_db = db::Database::open(with_user(server.url, "tom"));
        auto tu = tom_db->users();
        auto ta = tom_db->audit();
        auto tn = tom_db->notes();
        core::AuthService tauth(*tu, *ta);
        auto who = tauth.login("tom", "tom-pw", "fault-host", from_epoch(1'800'000'000));
        core::NoteService svc(*tn, tom_db->scheduling(), *ta, {});
        for (Id appt : appts) {
            core::NoteContent c;
            c.text = "Visit " + std::to_string(appt) + ": lumbar pain 5/10.";
            notes.push_back(svc.create_for_appointment(who, appt, c, from_epoch(1'800'000'000)));
        }
    }

    auto tom_db = db::Database::open(with_user(server.url, "tom"));
    auto tu = tom_db->users();
    auto ta = tom_db->audit();
    auto tn = tom_db->notes();
    core::AuthService tauth(*tu, *ta);
    auto who = tauth.login("tom", "tom-pw", "fault-host", from_epoch(1'800'000'000));
    core::NoteService svc(*tn, tom_db->scheduling(), *ta, {});
    const Instant at = from_epoch(1'800'100'000);

    std::set<Id> acknowledged, failed;
    int unavailable = 0;
    std::thread crasher;
    bool resumed = false;
    for (int i = 0; i < kNotes; ++i) {
        if (i == 20) crasher = std::thread([&] { EXPECT_EQ(server.crash(), 0); });
        if (!resumed && unavailable == 15) {
            crasher.join();
            // The CLI says so clearly while the server is down.
            auto r = run_cli(with_user(server.url, "tom"),
                             {"--user", "tom", "note", "sign", std::to_string(notes.back())}, "",
                             "VERTEBRA_PASSWORD=tom-pw VERTEBRA_PLUGIN_PATH=");
            EXPECT_EQ(r.code, 5) << r.err;
            EXPECT_NE(r.err.find("database unavailable"), std::string::npos) << r.err;
            ASSERT_EQ(server.resume(), 0);
            resumed = true;
        }
        try {
            svc.sign(who, notes[static_cast<std::size_t>(i)], at);
            acknowledged.insert(notes[static_cast<std::size_t>(i)]);
        } catch (const Error& e) {
            ASSERT_EQ(e.kind(), ErrorKind::Unavailable) << e.what();
            EXPECT_NE(std::string(e.what()).find("database unavailable"), std::string::npos);
            ++unavailable;
            failed.insert(notes[static_cast<std::size_t>(i)]);
        }
    }
    if (crasher.joinable()) crasher.join();
    ASSERT_TRUE(resumed) << "the crash never showed";
    EXPECT_GE(acknowledged.size(), 20u);
    EXPECT_GE(failed.size(), 15u);

    // All or nothing for every note, before any retry, seen by the administrator in raw SQL.
    auto u = db::DatabaseUrl::parse(server.url);
    // `lost_acks`: signatures that committed although the client saw the connection die (the
    // server went down between COMMIT and its reply); only the one statement in flight can be
    // such a one, and its retry is then refused as "already signed".
    auto check = [&](std::size_t expect_signed, std::size_t lost_acks) {
        soci::session sql(*soci::factory_postgresql(), u.conninfo);
        std::size_t signed_notes = 0;
        for (Id id : notes) {
            std::string status, hash, by;
            soci::indicator hi = soci::i_null, bi = soci::i_null;
            long long nid = id;
            sql << "SELECT status, content_hash, signed_by FROM session_notes WHERE id = :i",
                soci::use(nid), soci::into(status), soci::into(hash, hi), soci::into(by, bi);
            std::string object = "note:" + std::to_string(id);
            int audits = -1;
            sql << "SELECT count(*) FROM audit_log WHERE action = 'note.sign' AND object = :o",
                soci::use(object), soci::into(audits);
            if (status == "signed") {
                ++signed_notes;
                EXPECT_TRUE(hi == soci::i_ok && hash.size() == 64) << "note " << id;
                EXPECT_EQ(by, "tom");
                EXPECT_EQ(audits, 1) << "note " << id;
            } else {
                EXPECT_EQ(status, "draft");
                EXPECT_EQ(audits, 0) << "note " << id << " half signed";
            }
            if (acknowledged.count(id)) EXPECT_EQ(status, "signed") << "acknowledged " << id;
        }
        EXPECT_GE(signed_notes, expect_signed);
        EXPECT_LE(signed_notes, expect_signed + lost_acks);
    };
    check(acknowledged.size(), 1);

    // Retry what failed: it signs (or was signed after all: "already signed").
    for (Id id : failed) {
        try {
            svc.sign(who, id, at);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Conflict) << e.what();
            EXPECT_NE(std::string(e.what()).find("already signed"), std::string::npos);
        }
    }
    check(static_cast<std::size_t>(kNotes), 0);
    // The CLI after the restart: signing a signed note again is a clear refusal (exit 3).
    auto again = run_cli(with_user(server.url, "tom"),
                         {"--user", "tom", "note", "sign", std::to_string(notes.front())}, "",
                         "VERTEBRA_PASSWORD=tom-pw VERTEBRA_PLUGIN_PATH=");
    EXPECT_EQ(again.code, 3) << again.err;
    EXPECT_NE(again.err.find("already signed"), std::string::npos) << again.err;
    // The audit chain survived the crash intact.
    auto admin = db::Database::open(server.url);
    auto v = core::verify_audit_chain(admin->audit()->all());
    EXPECT_TRUE(v.intact) << v.problem;
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
