// vertebra-cli's clinical-record contract through the real binary, on both backends: users,
// --user sign-in, note create/sign/addend/show, refusals with exit 6, audit verify and report.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.hpp"
#include "record_fixture.hpp"

namespace vertebra::testing {
namespace {

class RecordCliTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        static std::atomic<int> n{0};
        sfx_ = "_c" + std::to_string(getpid()) + "_" + std::to_string(n++);
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        char tmpl[] = "/tmp/vertebra-rcli-XXXXXX";
        dir_ = mkdtemp(tmpl);
        ASSERT_EQ(cli({"db", "init"}).code, 0);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    CliResult cli(const std::vector<std::string>& args, const std::string& input = "",
                  const std::string& env = "") {
        CliResult r = run_cli(tdb_->url(), args, input, env);
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        return r;
    }
    /// As clinic user `base` (password "<base>-pw" on stdin, then `input`).
    CliResult as(const std::string& base, const std::vector<std::string>& args,
           const std::string& input = "") {
        std::vector<std::string> a{"--user", name(base)};
        a.insert(a.end(), args.begin(), args.end());
        return cli(a, base + "-pw\n" + input);
    }
    std::string file(const std::string& name, const std::string& text) {
        std::string p = dir_ + "/" + name;
        std::ofstream(p) << text;
        return p;
    }
    std::string name(const std::string& base) const { return base + sfx_; }

    std::string sfx_, dir_;
    std::unique_ptr<TestDatabase> tdb_;
};

TEST_P(RecordCliTest, NotesUsersAndAuditFollowTheContract) {
    auto r = cli({"user", "add", "--name", name("olga"), "--role", "owner"}, "olga-pw\n");
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(cli({"practitioner", "add", "--name", "Tom Park", "--discipline", "pt"}).out, "1");
    ASSERT_EQ(cli({"patient", "add", "--name", "Pat Ames"}).out, "1");
    ASSERT_EQ(cli({"book", "--patient", "1", "--practitioner", "1", "--start", "2026-10-26T09:00",
                   "--minutes", "30"}).code, 0);
    r = as("olga", {"user", "add", "--name", name("tom"), "--role", "therapist", "--practitioner",
                    "1"}, "tom-pw\n");
    ASSERT_EQ(r.code, 0) << r.err;
    r = as("olga", {"user", "add", "--name", name("fay"), "--role", "front_desk"}, "fay-pw\n");
    ASSERT_EQ(r.code, 0) << r.err;
    // A second bootstrap is refused; so is a bad role.
    EXPECT_EQ(cli({"user", "add", "--name", name("max"), "--role", "owner"}, "x\n").code, 6);
    r = as("olga", {"user", "add", "--name", name("max"), "--role", "boss"}, "x\n");
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("role"), std::string::npos) << r.err;

    const auto text = file("note.txt", "Lumbar pain 6/10; SOAP to follow.\n");
    r = as("tom", {"note", "create", "--appointment", "1", "--text-file", text});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string id = r.out;
    EXPECT_EQ(id, "1");

    // Front desk: exit 6 naming the permission.
    r = as("fay", {"note", "show", id, "--json"});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("note.read"), std::string::npos) << r.err;
    r = as("fay", {"note", "create", "--appointment", "1", "--text-file", text});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("note.write"), std::string::npos) << r.err;
    // Without --user: refused.
    EXPECT_EQ(cli({"note", "show", id}).code, 6);

    ASSERT_EQ(as("tom", {"note", "sign", id}).code, 0);
    r = as("tom", {"note", "edit", id, "--text-file", text});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("note is signed; add an addendum"), std::string::npos) << r.err;
    r = as("tom", {"note", "delete", id});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("note is signed; add an addendum"), std::string::npos) << r.err;

    const auto fix = file("fix.txt", "Pain was 5/10, not 6/10.");
    r = as("tom", {"note", "addend", id, "--reason", "wrong pain score", "--text-file", fix});
    ASSERT_EQ(r.code, 0) << r.err;
    r = as("tom", {"note", "show", id, "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["status"], "signed");
    EXPECT_EQ(j["text"], "Lumbar pain 6/10; SOAP to follow.\n");
    EXPECT_EQ(j["signed_by"], name("tom"));
    EXPECT_EQ(j["hash_matches"], true);
    ASSERT_EQ(j["addenda"].size(), 1u);
    EXPECT_EQ(j["addenda"][0]["reason"], "wrong pain score");
    EXPECT_EQ(j["addenda"][0]["text"], "Pain was 5/10, not 6/10.");

    // Password from the environment works too; a wrong one is refused with exit 6 (SQLite) or
    // by the database (PostgreSQL trust auth in tests lets the app check it: exit 6 as well).
    r = cli({"--user", name("fay"), "note", "status", id}, "", "VERTEBRA_PASSWORD=fay-pw");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(as("fay", {"note", "status", id}, "").code, 0);
    r = cli({"--user", name("fay"), "note", "status", id}, "", "VERTEBRA_PASSWORD=wrong");
    EXPECT_EQ(r.code, 6);

    // Audit: intact, report filters, then tamper and verify names the entry.
    r = as("olga", {"audit", "verify"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("intact"), std::string::npos);
    r = as("fay", {"audit", "verify"});
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("audit.read"), std::string::npos) << r.err;
    r = as("olga", {"audit", "report", "--from", "2000-01-01", "--to", "2100-01-01", "--user",
                    name("tom"), "--csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("seq,at_utc,user,", 0), 0u);
    EXPECT_NE(r.out.find("note.sign"), std::string::npos);
    EXPECT_NE(r.out.find("note.addend"), std::string::npos);
    EXPECT_EQ(r.out.find(name("fay")), std::string::npos);
    r = as("olga", {"audit", "report", "--from", "2000-01-01", "--to", "2100-01-01", "--patient",
                    "1", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    for (const auto& e : nlohmann::json::parse(r.out)) EXPECT_EQ(e["patient_id"], 1);

    {
        auto url = db::DatabaseUrl::parse(tdb_->url());
        std::unique_ptr<soci::session> s;
        if (GetParam() == Kind::SQLite) {
            s = std::make_unique<soci::session>(*soci::factory_sqlite3(), url.sqlite_path);
            *s << "DROP TRIGGER audit_log_no_update";
        } else {
            s = std::make_unique<soci::session>(*soci::factory_postgresql(), url.conninfo);
            *s << "ALTER TABLE audit_log DISABLE TRIGGER USER";
        }
        *s << "UPDATE audit_log SET user_name = 'nobody' WHERE seq = 5";
    }
    r = as("olga", {"audit", "verify"});
    EXPECT_NE(r.code, 0);
    EXPECT_NE(r.err.find("entry 5"), std::string::npos) << r.err;
}

TEST_P(RecordCliTest, LockoutAfterRepeatedFailuresUntilUnlocked) {
    ASSERT_EQ(cli({"user", "add", "--name", name("olga"), "--role", "owner"}, "olga-pw\n").code, 0);
    ASSERT_EQ(as("olga", {"user", "add", "--name", name("fay"), "--role", "front_desk"},
                 "fay-pw\n").code, 0);
    ASSERT_EQ(as("olga", {"user", "settings", "--lockout-threshold", "2"}).code, 0);
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(cli({"--user", name("fay"), "user", "list"}, "bad\n").code, 6);
    auto r = as("fay", {"note", "unsigned"});
    EXPECT_NE(r.code, 0);  // locked: 6 from the app (SQLite), or the server refuses the login
    r = as("olga", {"--json", "user", "list"});
    ASSERT_EQ(r.code, 0) << r.err;
    bool locked = false;
    for (const auto& u : nlohmann::json::parse(r.out))
        if (u["name"] == name("fay")) locked = u["locked"];
    EXPECT_TRUE(locked);
    ASSERT_EQ(as("olga", {"user", "unlock", name("fay")}).code, 0);
    r = as("fay", {"note", "unsigned"});
    EXPECT_EQ(r.code, 6);  // signed in again; front desk lacks report.read / note.read
    EXPECT_NE(r.err.find("note.read"), std::string::npos) << r.err;
}

TEST_P(RecordCliTest, SslModeIsPassedToTheServer) {
    if (GetParam() == Kind::SQLite) GTEST_SKIP() << "PostgreSQL only";
    // The throwaway test server has no TLS: a client that requires it must refuse to connect.
    std::string url = tdb_->url() + "?sslmode=require";
    auto r = CliResult{};
    std::string cmd = std::string(VERTEBRA_CLI_PATH) + " --db " + shell_quote(url) +
                      " appointments --from 2026-01-01 --to 2026-01-02 >/dev/null 2>" + dir_ +
                      "/err";
    int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_EQ(r.code, 5);
    url = tdb_->url() + "?sslmode=disable";
    cmd = std::string(VERTEBRA_CLI_PATH) + " --db " + shell_quote(url) +
          " appointments --from 2026-01-01 --to 2026-01-02 >/dev/null 2>&1";
    status = std::system(cmd.c_str());
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordCliTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
