// Shared set-up of the clinical-record tests: a clinic with an owner, therapists and front desk,
// each signed in on their own connection (on PostgreSQL: as their own login role).
#pragma once

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>

#include "test_databases.hpp"
#include "vertebra/auth/auth.hpp"
#include "vertebra/notes/notes.hpp"

namespace vertebra::testing {

/// `url` with its PostgreSQL user replaced (SQLite URLs unchanged).
inline std::string url_as(const std::string& url, const std::string& user) {
    const std::string scheme = "postgresql://";
    if (url.rfind(scheme, 0) != 0) return url;
    std::string rest = url.substr(scheme.size());
    if (auto at = rest.find('@'); at != std::string::npos) rest = rest.substr(at + 1);
    return scheme + user + "@" + rest;
}

inline Instant wall_now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// One signed-in clinic user with their own connection and services.
struct Seat {
    std::unique_ptr<db::Database> db;
    std::unique_ptr<core::UserRepository> users;
    std::unique_ptr<core::AuditRepository> audit;
    std::unique_ptr<core::NoteRepository> notes;
    std::unique_ptr<core::AuthService> auth;
    std::unique_ptr<core::NoteService> service;
    core::Principal who;
};

class RecordFixture : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        static std::atomic<int> n{0};
        suffix_ = "_" + std::to_string(getpid()) + "_" + std::to_string(n++);
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        admin_ = tdb_->open();
        auto& s = admin_->scheduling();
        core::Practitioner p;
        p.name = "Tom Park";
        p.disciplines = {"physical_therapy"};
        tom_prac_ = s.add_practitioner(p);
        p.name = "Una Lee";
        una_prac_ = s.add_practitioner(p);
        core::Patient pa;
        pa.name = "Pat Ames";
        pat_ = s.add_patient(pa);
        pa.name = "Bea Cole";
        bea_ = s.add_patient(pa);
        appt_ = book(pat_, tom_prac_, 9);
        bea_appt_ = book(bea_, una_prac_, 11);

        auto users = admin_->users();
        auto audit = admin_->audit();
        core::AuthService boot(*users, *audit);
        core::User owner;
        owner.name = name("olga");
        owner.roles = {core::Role::Owner};
        auto o = boot.bootstrap_owner(owner, "olga-pw", "test-host");
        add_user(o, "tom", {core::Role::Therapist}, tom_prac_, false);
        add_user(o, "una", {core::Role::Therapist}, una_prac_, false);
        add_user(o, "eve", {core::Role::Therapist}, std::nullopt, true);
        add_user(o, "fay", {core::Role::FrontDesk}, std::nullopt, false);
    }

    std::string name(const std::string& base) const { return base + suffix_; }

    core::Id book(core::Id patient, core::Id prac, int hour) {
        core::AppointmentBatch b;
        core::Appointment a;
        a.patient_id = patient;
        a.practitioner_id = prac;
        a.start = from_epoch(1'800'000'000 + hour * 3600);
        a.end = a.start + std::chrono::minutes(30);
        b.inserts.push_back(a);
        return admin_->scheduling().commit_appointments(b).front();
    }

    void add_user(const core::Principal& owner, const std::string& base,
                  std::set<core::Role> roles, std::optional<core::Id> prac, bool bg) {
        auto users = admin_->users();
        auto audit = admin_->audit();
        core::AuthService svc(*users, *audit);
        core::User u;
        u.name = name(base);
        u.roles = std::move(roles);
        u.practitioner_id = prac;
        u.break_glass_allowed = bg;
        svc.add_user(owner, u, base + "-pw");
    }

    /// A connection as `base` (its own login role on PostgreSQL), not yet signed in.
    std::unique_ptr<Seat> connect(const std::string& base, core::NoteSchemaLookup lookup = {}) {
        auto seat = std::make_unique<Seat>();
        seat->db = db::Database::open(url_as(tdb_->url(), name(base)));
        seat->users = seat->db->users();
        seat->audit = seat->db->audit();
        seat->notes = seat->db->notes();
        seat->auth = std::make_unique<core::AuthService>(*seat->users, *seat->audit);
        seat->service = std::make_unique<core::NoteService>(
            *seat->notes, seat->db->scheduling(), *seat->audit, std::move(lookup));
        return seat;
    }

    /// Connected and signed in as `base` (password "<base>-pw").
    Seat& seat(const std::string& base) {
        auto& s = seats_[base];
        if (!s) {
            s = connect(base);
            s->who = s->auth->login(name(base), base + "-pw", "test-host", wall_now());
        }
        return *s;
    }

    /// A raw SQL session as the database administrator (bypasses the app, not the triggers).
    std::unique_ptr<soci::session> raw_admin() {
        auto url = db::DatabaseUrl::parse(tdb_->url());
        if (GetParam() == Kind::SQLite)
            return std::make_unique<soci::session>(*soci::factory_sqlite3(), url.sqlite_path);
        return std::make_unique<soci::session>(*soci::factory_postgresql(), url.conninfo);
    }
    /// A raw SQL session as a clinic login role (PostgreSQL only).
    std::unique_ptr<soci::session> raw_as(const std::string& base) {
        auto url = db::DatabaseUrl::parse(url_as(tdb_->url(), name(base)));
        return std::make_unique<soci::session>(*soci::factory_postgresql(), url.conninfo);
    }

    /// Makes every insert into audit_log fail in the database itself, as a full disk or a lost
    /// connection between a change and its entry would (PostgreSQL: SQLSTATE 53100, disk full).
    void break_audit_log() {
        auto s = raw_admin();
        if (GetParam() == Kind::SQLite) {
            *s << "CREATE TRIGGER vertebra_test_audit_refused BEFORE INSERT ON audit_log "
                  "BEGIN SELECT RAISE(ABORT, 'audit log refused (test)'); END";
            return;
        }
        *s << "CREATE OR REPLACE FUNCTION vertebra_test_audit_refused() RETURNS trigger "
              "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log refused (test)' "
              "USING ERRCODE = '53100'; END $$";
        *s << "CREATE TRIGGER vertebra_test_audit_refused BEFORE INSERT ON audit_log "
              "FOR EACH ROW EXECUTE FUNCTION vertebra_test_audit_refused()";
    }
    void mend_audit_log() {
        auto s = raw_admin();
        if (GetParam() == Kind::SQLite)
            *s << "DROP TRIGGER vertebra_test_audit_refused";
        else
            *s << "DROP TRIGGER vertebra_test_audit_refused ON audit_log";
    }

    core::Id signed_note(const std::string& text) {
        auto& tom = seat("tom");
        core::NoteContent c;
        c.text = text;
        auto id = tom.service->create_for_appointment(tom.who, appt_, c, wall_now());
        tom.service->sign(tom.who, id, wall_now());
        return id;
    }

    std::string suffix_;
    std::unique_ptr<TestDatabase> tdb_;
    std::unique_ptr<db::Database> admin_;
    core::Id tom_prac_ = 0, una_prac_ = 0, pat_ = 0, bea_ = 0, appt_ = 0, bea_appt_ = 0;
    std::map<std::string, std::unique_ptr<Seat>> seats_;
};

/// Runs `f`, expecting a vertebra::Error whose message contains `text`.
template <typename F>
void expect_error_text(F&& f, const std::string& text) {
    try {
        f();
        ADD_FAILURE() << "expected an error containing '" << text << "'";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
}

/// Runs `f`, expecting vertebra::Error of `kind` whose message contains `text`.
template <typename F>
void expect_error(F&& f, ErrorKind kind, const std::string& text) {
    try {
        f();
        ADD_FAILURE() << "expected an error containing '" << text << "'";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), kind) << e.what();
        EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
}

}  // namespace vertebra::testing
