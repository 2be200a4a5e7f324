// Deployment through the real vertebra-cli: PostgreSQL provisioning (server init, idempotence,
// upgrade refused while an older client is connected), backup/restore round trips on both
// backends, and moving a SQLite clinic onto PostgreSQL, comparing every row of every table.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../db/src/migrations.hpp"
#include "cli_runner.hpp"
#include "test_databases.hpp"
#include "vertebra/db/maintenance.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string unique(const std::string& base) {
    static std::atomic<int> n{0};
    return base + std::to_string(getpid()) + "_" + std::to_string(n++);
}

std::string pg_url_for(const std::string& dbname) {
    const std::string admin = admin_pg_url();
    return admin.substr(0, admin.rfind('/') + 1) + dbname;
}

/// A raw libpq connection with a chosen application_name (an "other workstation").
class RawPg {
public:
    RawPg(const std::string& url, const std::string& app) {
        auto ci = db::DatabaseUrl::parse(url).conninfo;
        char* err = nullptr;
        PQconninfoOption* opts = PQconninfoParse(ci.c_str(), &err);
        std::vector<std::string> k, v;
        for (auto* o = opts; o && o->keyword; ++o)
            if (o->val && *o->val && std::string(o->keyword) != "application_name") {
                k.push_back(o->keyword);
                v.push_back(o->val);
            }
        PQconninfoFree(opts);
        k.push_back("application_name");
        v.push_back(app);
        std::vector<const char*> kk, vv;
        for (std::size_t i = 0; i < k.size(); ++i) {
            kk.push_back(k[i].c_str());
            vv.push_back(v[i].c_str());
        }
        kk.push_back(nullptr);
        vv.push_back(nullptr);
        c_ = PQconnectdbParams(kk.data(), vv.data(), 0);
        EXPECT_EQ(PQstatus(c_), CONNECTION_OK) << PQerrorMessage(c_);
    }
    ~RawPg() { close(); }
    void close() {
        if (c_) PQfinish(c_);
        c_ = nullptr;
    }
    /// Runs a script (no parameters: fixed test SQL and embedded migrations only).
    void exec(const std::string& sql) {
        PGresult* r = PQexec(c_, sql.c_str());
        EXPECT_TRUE(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
            << PQresultErrorMessage(r);
        PQclear(r);
    }
    std::string value(const std::string& sql, const std::vector<std::string>& params = {}) {
        std::vector<const char*> p;
        for (const auto& s : params) p.push_back(s.c_str());
        PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(),
                                   nullptr, nullptr, 0);
        std::string out;
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
        else ADD_FAILURE() << PQresultErrorMessage(r);
        PQclear(r);
        return out;
    }
    void exec_params(const std::string& sql, const std::vector<std::string>& params) {
        std::vector<const char*> p;
        for (const auto& s : params) p.push_back(s.c_str());
        PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(),
                                   nullptr, nullptr, 0);
        EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
        PQclear(r);
    }

private:
    PGconn* c_ = nullptr;
};

/// Drops a PostgreSQL database when the test ends.
struct DropDb {
    std::string name;
    ~DropDb() {
        if (!name.empty()) admin_exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
};

int pg_schema() { return db::Database::binary_schema_version(db::Backend::PostgreSQL); }

// ---- provisioning ----------------------------------------------------------------------------

TEST(ServerProvisioning, InitCreatesDatabaseRolesGrantsAndSchemaAndIsIdempotent) {
    const std::string name = unique("vt_init_");
    DropDb drop{name};
    auto r = run_cli(admin_pg_url(), {"--json", "server", "init", "--clinic-db", name});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["database"], name);
    EXPECT_EQ(j["created"], true);
    EXPECT_EQ(j["schema_version"], pg_schema());
    EXPECT_EQ(j["applied"], pg_schema());

    RawPg c(pg_url_for(name), "test");
    EXPECT_EQ(c.value("SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'"), "1");
    EXPECT_EQ(c.value("SELECT count(*) FROM pg_roles WHERE rolname IN ('vertebra_front_desk', "
                      "'vertebra_therapist', 'vertebra_owner') AND NOT rolcanlogin"),
              "3");
    EXPECT_EQ(c.value("SELECT has_table_privilege('vertebra_front_desk', 'appointments', 'INSERT')"), "t");
    EXPECT_EQ(c.value("SELECT has_table_privilege('vertebra_front_desk', 'session_notes', 'SELECT')"), "f");
    EXPECT_EQ(c.value("SELECT has_table_privilege('vertebra_owner', 'audit_log', 'SELECT')"), "t");
    EXPECT_EQ(c.value("SELECT max(version) FROM schema_version"), std::to_string(pg_schema()));
    c.close();

    // The clinic works: a workstation books on it.
    const std::string url = pg_url_for(name);
    ASSERT_EQ(run_cli(url, {"practitioner", "add", "--name", "Ada Park", "--discipline", "pt"}).code, 0);
    ASSERT_EQ(run_cli(url, {"patient", "add", "--name", "Tom Reed"}).code, 0);
    ASSERT_EQ(run_cli(url, {"book", "--patient", "1", "--practitioner", "1", "--start",
                            "2027-01-04T09:00", "--minutes", "30"}).code, 0);

    // Again: nothing created, nothing applied, data kept.
    r = run_cli(admin_pg_url(), {"--json", "server", "init", "--clinic-db", name});
    ASSERT_EQ(r.code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j["created"], false);
    EXPECT_EQ(j["applied"], 0);
    r = run_cli(admin_pg_url(), {"server", "init", "--clinic-db", name});
    EXPECT_NE(r.out.find("already exists"), std::string::npos) << r.out;
    EXPECT_EQ(trim(run_cli(url, {"--json", "appointments", "--from", "2027-01-04", "--to",
                                 "2027-01-05"}).out).empty(), false);

    // Names are validated before anything reaches the server; SQLite is refused.
    for (const char* bad : {"Bad-Name", "x; DROP DATABASE postgres", "1abc", "postgres",
                            "template1", ""}) {
        r = run_cli(admin_pg_url(), {"server", "init", "--clinic-db", bad});
        EXPECT_EQ(r.code, 2) << bad << ": " << r.err;
        EXPECT_NE(r.err.find("clinic-db"), std::string::npos) << r.err;
    }
    r = run_cli("sqlite:/tmp/never.db", {"server", "init", "--clinic-db", "abc"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("postgresql://"), std::string::npos) << r.err;
}

TEST(ServerProvisioning, ConnectionsAnnounceTheirSchema) {
    TestDatabase t(Kind::PostgreSQL);
    auto d = t.open();
    auto other = db::Database::open(t.url());
    bool seen = false;
    for (const auto& c : db::connected_clients(*d))
        if (c.schema && *c.schema == pg_schema() && c.application_name == db::client_application_name())
            seen = true;
    EXPECT_TRUE(seen) << "the second connection is not listed as vertebra/schema-" << pg_schema();
    EXPECT_EQ(db::schema_of_application_name("vertebra/schema-12"), 12);
    EXPECT_FALSE(db::schema_of_application_name("psql").has_value());
    EXPECT_FALSE(db::schema_of_application_name("vertebra/schema-x").has_value());
}

TEST(ServerProvisioning, UpgradeIsRefusedWhileAnOlderClientIsConnected) {
    ASSERT_GE(pg_schema(), 2);
    const std::string name = unique("vt_upg_");
    DropDb drop{name};
    admin_exec("CREATE DATABASE " + name);  // test-made name
    const std::string url = pg_url_for(name);
    const int old = pg_schema() - 1;
    {
        // The clinic as an older Vertebra left it: migrations 1..N-1.
        RawPg c(url, "setup");
        c.exec("CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, "
               "applied_at text NOT NULL)");
        for (const auto& m : db::embedded_migrations()) {
            if (std::string(m.backend) != "postgresql" || m.version > old) continue;
            c.exec(m.sql);
            c.exec_params("INSERT INTO schema_version VALUES ($1::int, $2, '2026-01-01T00:00:00Z')",
                          {std::to_string(m.version), m.name});
        }
        c.exec("INSERT INTO patients (name) VALUES ('Kept Patient')");
    }
    auto old_ws = std::make_unique<RawPg>(url, "vertebra/schema-" + std::to_string(old));
    RawPg psql(url, "psql");                                                   // not a Vertebra
    RawPg current(url, "vertebra/schema-" + std::to_string(pg_schema()));  // already new

    auto r = run_cli(url, {"server", "upgrade"});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_NE(r.err.find("older Vertebra"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("schema " + std::to_string(old)), std::string::npos) << r.err;
    // server init on the existing clinic follows the same rule.
    r = run_cli(admin_pg_url(), {"server", "init", "--clinic-db", name});
    EXPECT_EQ(r.code, 3) << r.err;
    r = run_cli(url, {"--json", "db", "status"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["schema_version"], old) << "refused, yet migrated";

    old_ws.reset();  // that workstation closes Vertebra
    for (int i = 0; i < 50; ++i) {  // the backend goes away asynchronously
        auto d = db::Database::open(url);
        bool gone = true;
        for (const auto& c : db::connected_clients(*d))
            if (c.schema && *c.schema < pg_schema()) gone = false;
        if (gone) break;
        usleep(100000);
    }
    r = run_cli(url, {"--json", "server", "upgrade"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["from"], old);
    EXPECT_EQ(j["to"], pg_schema());
    EXPECT_EQ(j["applied"], 1);
    r = run_cli(url, {"--json", "server", "upgrade"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["applied"], 0);
    EXPECT_NE(run_cli(url, {"patient", "find", "Kept"}).out.find("Kept Patient"), std::string::npos);
}

// ---- a seeded clinic -------------------------------------------------------------------------

/// A demo clinic with users, a signed note with an addendum, an assessment, outcomes, a plan,
/// module choices and their audit entries, a clinic fee; returns the user suffix.
std::string seed_clinic(const std::string& url, const std::string& dir) {
    const std::string sfx = unique("_d");
    auto ok = [&](const std::vector<std::string>& args, const std::string& in = "",
                  const std::string& env = "") {
        auto r = run_cli(url, args, in, env);
        EXPECT_EQ(r.code, 0) << args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.err;
        return trim(r.out);
    };
    ok({"db", "init"});
    ok({"demo", "seed", "--today", "2026-11-02"});
    const std::string prac = ok({"practitioner", "add", "--name", "Tom Park, DC", "--discipline", "chiropractic"});
    const std::string pat = ok({"patient", "add", "--name", "Zoë Ames", "--birth-date", "1971-03-04"});
    const std::string appt = ok({"book", "--patient", pat, "--practitioner", prac, "--start",
                                 "2027-02-01T09:00", "--minutes", "30"});
    ok({"user", "add", "--name", "olga" + sfx, "--role", "owner"}, "olga-pw\n");
    ok({"--user", "olga" + sfx, "user", "add", "--name", "tom" + sfx, "--role", "therapist",
        "--practitioner", prac}, "olga-pw\ntom-pw\n");
    const std::string text = dir + "/note.txt";
    std::ofstream(text) << "Lumbar pain 6/10.\nTab\there; quote ' and \\ backslash.\n";
    const std::string note = ok({"--user", "tom" + sfx, "note", "create", "--appointment", appt,
                                 "--text-file", text}, "tom-pw\n");
    ok({"--user", "tom" + sfx, "note", "sign", note}, "tom-pw\n");
    ok({"--user", "tom" + sfx, "note", "addend", note, "--reason", "pain score", "--text-file", text},
       "tom-pw\n");
    const std::string env = "VERTEBRA_USER=tom" + sfx;
    ok({"assess", "--patient", pat, "--date", "2026-11-02", "--complaint", "Low back pain",
        "--duration-weeks", "8", "--pattern", "radicular", "--cause", "herniated_disc",
        "--diagnosis", "M51.26", "--baseline", "odi=46", "--baseline", "nrs=7"}, "", env);
    ok({"outcome", "record", "--patient", pat, "--measure", "nrs", "--value", "6", "--date",
        "2026-11-09"}, "", env);
    ok({"plan", "create", "--patient", pat, "--template", "herniated_disc", "--start", "2026-11-02"},
       "", env);
    ok({"modules", "disable", "massage"});
    ok({"--user", "olga" + sfx, "fee", "set", "--code", "97110", "--cents", "4800", "--from",
        "2027-01-01", "--reason", "2027 price list"}, "olga-pw\n");
    ok({"--user", "olga" + sfx, "payer", "set", "--payer", "commercial", "--option",
        "chiropractic.visits_per_year", "--value", "20", "--from", "2027-01-01", "--reason",
        "Plan contract 2027"}, "olga-pw\n");
    ok({"--user", "olga" + sfx, "audit", "verify"}, "olga-pw\n");
    return sfx;
}

void expect_non_trivial(const std::map<std::string, db::TableContents>& c) {
    for (const char* t : {"appointments", "patients", "session_notes", "note_addenda", "audit_log",
                          "treatment_plans", "plan_versions", "assessments", "outcome_observations",
                          "users", "module_audit", "series", "clinic_fees",
                          "clinic_payer_settings"}) {
        auto it = c.find(t);
        ASSERT_NE(it, c.end()) << t;
        EXPECT_FALSE(it->second.rows.empty()) << "the seeded clinic has no " << t;
    }
}

class BackupRestore : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vertebra-backup-XXXXXX";
        dir_ = mkdtemp(tmpl);
        fs::permissions(dir_, fs::perms::all, fs::perm_options::add);  // pg tools as any user
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string dir_;
};

TEST_P(BackupRestore, RoundTripKeepsEveryRowAndTheAuditChain) {
    TestDatabase src(GetParam());
    const std::string sfx = seed_clinic(src.url(), dir_);
    std::map<std::string, db::TableContents> before;
    {
        auto d = db::Database::open(src.url());
        before = db::dump_contents(*d);
    }
    expect_non_trivial(before);

    const std::string file = dir_ + "/clinic.backup";
    auto r = run_cli(src.url(), {"--json", "backup", file});
    ASSERT_EQ(r.code, 0) << r.err;
    auto m = json::parse(r.out);
    EXPECT_EQ(m["tables"]["appointments"], before["appointments"].rows.size());
    EXPECT_EQ(m["audit"]["entries"], before["audit_log"].rows.size());
    EXPECT_EQ(m["audit"]["intact"], true);
    ASSERT_TRUE(fs::exists(file + ".manifest.json"));
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    // Never over an existing backup.
    r = run_cli(src.url(), {"backup", file});
    EXPECT_EQ(r.code, 3) << r.err;

    // Restore into a fresh database, verified by the command itself.
    std::string target;
    DropDb drop;
    if (GetParam() == Kind::SQLite) {
        target = "sqlite:" + dir_ + "/restored/clinic.db";
    } else {
        drop.name = unique("vt_rst_");
        target = pg_url_for(drop.name);  // does not exist yet: restore creates it
    }
    r = run_cli(target, {"--json", "restore", file});
    ASSERT_EQ(r.code, 0) << r.err;
    auto rep = json::parse(r.out);
    EXPECT_EQ(rep["verified"], true);
    EXPECT_EQ(rep["audit"]["intact"], true);
    EXPECT_EQ(rep["audit"]["entries"], before["audit_log"].rows.size());

    {
        auto d = db::Database::open(target);
        auto after = db::dump_contents(*d);
        ASSERT_EQ(after.size(), before.size());
        for (const auto& [t, c] : before) {
            EXPECT_EQ(after[t].columns, c.columns) << t;
            EXPECT_EQ(after[t].rows.size(), c.rows.size()) << t;
            EXPECT_TRUE(after[t] == c) << "table " << t << " differs after the restore";
        }
    }
    // The restored clinic works: the owner verifies the audit log, a signed note reads back.
    r = run_cli(target, {"--user", "olga" + sfx, "audit", "verify"}, "olga-pw\n");
    EXPECT_EQ(r.code, 0) << r.err;
    r = run_cli(target, {"--user", "tom" + sfx, "--json", "note", "show", "1"}, "tom-pw\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["status"], "signed");
    EXPECT_EQ(json::parse(r.out)["hash_matches"], true);

    // A non-empty target is refused; so is a damaged backup; so is a missing manifest.
    r = run_cli(target, {"restore", file});
    EXPECT_EQ(r.code, 3) << r.err;
    const std::string damaged = dir_ + "/damaged.backup";
    fs::copy_file(file, damaged);
    fs::copy_file(file + ".manifest.json", damaged + ".manifest.json");
    {
        std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(fs::file_size(damaged) / 2));
        f.put('\x5a');
    }
    const std::string fresh = GetParam() == Kind::SQLite ? "sqlite:" + dir_ + "/other.db"
                                                         : pg_url_for(unique("vt_never_"));
    r = run_cli(fresh, {"restore", damaged});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("checksum"), std::string::npos) << r.err;
    fs::remove(damaged + ".manifest.json");
    r = run_cli(fresh, {"restore", damaged});
    EXPECT_EQ(r.code, 4) << r.err;
    EXPECT_NE(r.err.find("manifest"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, BackupRestore, ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

// ---- SQLite -> PostgreSQL --------------------------------------------------------------------

TEST(MigrateTo, MovesEverySqliteRowOntoAFreshServerDatabase) {
    char tmpl[] = "/tmp/vertebra-move-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string lite = "sqlite:" + dir + "/clinic.db";
    const std::string sfx = seed_clinic(lite, dir);

    const std::string name = unique("vt_move_");
    DropDb drop{name};
    ASSERT_EQ(run_cli(admin_pg_url(), {"server", "init", "--clinic-db", name}).code, 0);
    const std::string pg = pg_url_for(name);

    auto r = run_cli(pg, {"--json", "migrate-to", "--from", lite});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_EQ(j["verified"], true);
    EXPECT_EQ(j["audit"]["intact"], true);
    EXPECT_EQ(j["users_needing_password"].size(), 2u) << j.dump();

    // Every row of every table, compared here too (canonical: instants, booleans, JSON).
    {
        auto p = db::Database::open(pg);
        auto s = db::Database::open(lite);
        const auto kinds = db::column_kinds(*p);
        auto a = db::dump_contents(*s, &kinds), b = db::dump_contents(*p);
        expect_non_trivial(a);
        EXPECT_EQ(a.size(), b.size());
        for (const auto& [t, c] : a) {
            if (t == "schema_version") continue;  // applied_at is each database's own
            ASSERT_TRUE(b.count(t)) << t;
            EXPECT_EQ(b[t].rows.size(), c.rows.size()) << t;
            EXPECT_TRUE(b[t] == c) << "table " << t << " differs after migrate-to";
        }
        EXPECT_EQ(j["tables"]["appointments"], a["appointments"].rows.size());
    }

    // The clinic runs on the server: audit verify and the signed note as the same users (the
    // test cluster trusts local logins; the app still checks the argon2 hash that moved), and
    // new rows continue after the moved ids.
    r = run_cli(pg, {"--user", "olga" + sfx, "audit", "verify"}, "olga-pw\n");
    EXPECT_EQ(r.code, 0) << r.err;
    r = run_cli(pg, {"--user", "olga" + sfx, "audit", "verify"}, "wrong-pw\n");
    EXPECT_EQ(r.code, 6) << r.err;
    r = run_cli(pg, {"--user", "tom" + sfx, "--json", "note", "show", "1"}, "tom-pw\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["status"], "signed");
    EXPECT_EQ(json::parse(r.out)["hash_matches"], true);
    long long max_patient = 0;
    {
        auto s = db::Database::open(lite);
        const auto all = db::dump_contents(*s);
        for (const auto& row : all.at("patients").rows)
            max_patient = std::max(max_patient, std::stoll(*row[0]));
    }
    ASSERT_GT(max_patient, 0);
    r = run_cli(pg, {"patient", "add", "--name", "New After Move"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(std::stoll(trim(r.out)), max_patient + 1);

    // Again into the same (now non-empty) database: refused, nothing touched.
    r = run_cli(pg, {"migrate-to", "--from", lite});
    EXPECT_EQ(r.code, 3) << r.err;
    EXPECT_NE(r.err.find("already holds data"), std::string::npos) << r.err;
    fs::remove_all(dir);
}

}  // namespace
}  // namespace vertebra::testing
