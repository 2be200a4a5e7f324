// vertebra-cli as a user drives it: the issue's command contract, exit codes and JSON, on both
// backends, through the real binary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.hpp"
#include "test_databases.hpp"

namespace vertebra::testing {
namespace {

using CliRun = CliResult;

CliRun cli(const std::string& db, const std::vector<std::string>& args) { return run_cli(db, args); }

class CliTest : public ::testing::TestWithParam<Kind> {
protected:
    void SetUp() override {
        tdb_ = std::make_unique<TestDatabase>(GetParam());
        url_ = tdb_->url();
        auto r = cli(url_, {"db", "init"});
        ASSERT_EQ(r.code, 0) << r.err;
    }
    CliRun run(const std::vector<std::string>& args) { return cli(url_, args); }
    std::string ok(const std::vector<std::string>& args) {
        auto r = run(args);
        EXPECT_EQ(r.code, 0) << r.err;
        return trim(r.out);
    }
    std::unique_ptr<TestDatabase> tdb_;
    std::string url_;
};

TEST_P(CliTest, FrontDeskFlowFollowsTheContract) {
    EXPECT_EQ(run({"db", "init"}).code, 0);  // idempotent
    ok({"clinic", "set", "--name", "Back Care", "--timezone", "America/New_York"});
    EXPECT_EQ(ok({"practitioner", "add", "--name", "Ada Park", "--discipline", "physical_therapy"}), "1");
    EXPECT_EQ(nlohmann::json::parse(ok({"--json", "room", "add", "--name", "Gym", "--equipment",
                                        "mat,bike"}))["id"], 1);
    EXPECT_EQ(ok({"patient", "add", "--name", "Tom Reed", "--birth-date", "1970-05-01"}), "1");
    EXPECT_EQ(ok({"patient", "add", "--name", "Ann Lee"}), "2");
    EXPECT_EQ(ok({"service", "add", "--name", "PT", "--minutes", "45", "--discipline",
                  "physical_therapy", "--equipment", "mat"}), "1");

    auto ids = nlohmann::json::parse(ok({"book", "--patient", "1", "--practitioner", "1",
                                         "--service", "1", "--start", "2026-10-26T09:00",
                                         "--repeat", "FREQ=WEEKLY;COUNT=3", "--json"}));
    ASSERT_EQ(ids.size(), 3u);

    auto list = nlohmann::json::parse(ok({"appointments", "--from", "2026-10-26", "--to",
                                          "2026-11-09", "--json"}));
    ASSERT_EQ(list.size(), 3u);
    for (const char* k : {"id", "patient_id", "practitioner_id", "room_id", "series_id", "start",
                          "end", "status"})
        EXPECT_TRUE(list[0].contains(k)) << k;
    EXPECT_EQ(list[0]["start"], "2026-10-26T09:00:00-04:00");
    EXPECT_EQ(list[1]["start"], "2026-11-02T09:00:00-05:00");
    EXPECT_EQ(list[1]["end"], "2026-11-02T09:45:00-05:00");
    EXPECT_EQ(list[1]["room_id"], 1);
    EXPECT_FALSE(list[1]["series_id"].is_null());

    // Conflict: exit 3 naming the other appointment, its time and who.
    auto c = run({"book", "--patient", "2", "--practitioner", "1", "--start", "2026-11-02T09:30",
                  "--minutes", "30"});
    EXPECT_EQ(c.code, 3);
    EXPECT_NE(c.err.find("#" + std::to_string(list[1]["id"].get<int>())), std::string::npos) << c.err;
    EXPECT_NE(c.err.find("09:00-09:45"), std::string::npos) << c.err;
    EXPECT_NE(c.err.find("Ada Park"), std::string::npos) << c.err;

    // Invalid input: exit 2 naming the field.
    auto bad = run({"book", "--patient", "2", "--practitioner", "1", "--start", "2026-11-02 9am",
                    "--minutes", "30"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("start"), std::string::npos) << bad.err;
    EXPECT_EQ(run({"book", "--patient", "2", "--practitioner", "1", "--start", "2026-11-02T10:00",
                   "--minutes", "-5"}).code, 2);
    EXPECT_EQ(run({"clinic", "set", "--timezone", "Nowhere/Land"}).code, 2);
    EXPECT_EQ(run({"practitioner", "add", "--name", "X", "--discipline", "pt", "--hours",
                   "Mon 18:00-08:00"}).code, 2);

    // Not found: exit 4.
    EXPECT_EQ(run({"book", "--patient", "99", "--practitioner", "1", "--start",
                   "2026-11-02T10:00", "--minutes", "30"}).code, 4);
    EXPECT_EQ(run({"cancel", "999"}).code, 4);

    // Slots skip the booked time.
    auto slots = nlohmann::json::parse(ok({"slots", "--practitioner", "1", "--minutes", "30",
                                           "--from", "2026-11-02", "--count", "2", "--json"}));
    ASSERT_EQ(slots.size(), 2u);
    EXPECT_EQ(slots[0]["start"], "2026-11-02T08:00:00-05:00");
    EXPECT_EQ(slots[1]["start"], "2026-11-02T08:15:00-05:00");
    for (const char* k : {"start", "end", "practitioner_id", "room_id"}) EXPECT_TRUE(slots[0].contains(k));
    auto disc = nlohmann::json::parse(ok({"slots", "--discipline", "physical_therapy", "--minutes",
                                          "60", "--from", "2026-11-02", "--count", "1", "--json"}));
    EXPECT_EQ(disc[0]["start"], "2026-11-02T08:00:00-05:00");

    // Reschedule, cancel following, no-show.
    std::string second = std::to_string(ids[1].get<int>());
    ok({"reschedule", second, "--start", "2026-11-02T11:00"});
    list = nlohmann::json::parse(ok({"appointments", "--from", "2026-11-02", "--to", "2026-11-02", "--json"}));
    EXPECT_EQ(list[0]["start"], "2026-11-02T11:00:00-05:00");
    auto cancelled = nlohmann::json::parse(ok({"cancel", second, "--reason", "moved", "--following", "--json"}));
    EXPECT_EQ(cancelled.size(), 2u);
    ok({"no-show", std::to_string(ids[0].get<int>())});
    list = nlohmann::json::parse(ok({"appointments", "--from", "2026-10-26", "--to", "2026-11-09", "--json"}));
    EXPECT_EQ(list[0]["status"], "no_show");
    EXPECT_EQ(list[1]["status"], "cancelled");
    EXPECT_EQ(list[2]["status"], "cancelled");
    // The freed slot can be booked again.
    EXPECT_EQ(run({"book", "--patient", "2", "--practitioner", "1", "--start", "2026-11-02T11:00",
                   "--minutes", "30"}).code, 0);
}

TEST_P(CliTest, HostileStringsAreStoredAsData) {
    std::string evil = "Robert'); DROP TABLE patients; -- \"quoted\" \xC3\xA9";
    std::string id = ok({"patient", "add", "--name", evil});
    auto found = nlohmann::json::parse(ok({"patient", "find", "DROP TABLE", "--json"}));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]["name"], evil);
    EXPECT_EQ(run({"patient", "add", "--name", std::string("bell\x07")}).code, 2);
    EXPECT_EQ(run({"patient", "add", "--name", "   "}).code, 2);
    EXPECT_EQ(run({"patient", "add", "--name", std::string(5000, 'x')}).code, 0);
    EXPECT_EQ(run({"patient", "find", "%", "--json"}).code, 0);
}

TEST_P(CliTest, DisabledModuleServiceCannotBeBookedUntilEnabledAgain) {
    ok({"clinic", "set", "--timezone", "America/New_York"});
    ok({"practitioner", "add", "--name", "Dr. Maya Chen", "--discipline", "chiropractic"});
    ok({"patient", "add", "--name", "Tom Reed"});
    ok({"service", "add", "--name", "Adjustment", "--minutes", "30", "--discipline",
        "chiropractic", "--module", "chiropractic"});
    ok({"modules", "disable", "chiropractic"});
    auto refused = run({"book", "--patient", "1", "--practitioner", "1", "--service", "1",
                        "--start", "2026-12-01T09:00"});
    EXPECT_EQ(refused.code, 3) << refused.err;
    EXPECT_NE(refused.err.find("module chiropractic is disabled"), std::string::npos) << refused.err;
    ok({"modules", "enable", "chiropractic"});  // a new process: the choice was stored
    EXPECT_EQ(ok({"book", "--patient", "1", "--practitioner", "1", "--service", "1", "--start",
                  "2026-12-01T09:00"}), "1");
}

TEST_P(CliTest, DemoSeedMakesABookableClinic) {
    auto rep = nlohmann::json::parse(ok({"demo", "seed", "--today", "2026-11-04", "--json"}));
    EXPECT_GE(rep["appointments"].get<int>(), 100);
    EXPECT_GE(rep["series"].get<int>(), 4);
    auto week = nlohmann::json::parse(ok({"appointments", "--from", "2026-11-02", "--json"}));
    EXPECT_GE(week.size(), 50u);
    EXPECT_EQ(run({"demo", "seed"}).code, 2);  // refuses a database that has a clinic
}

INSTANTIATE_TEST_SUITE_P(Backends, CliTest, ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

TEST(CliErrorsTest, UnreachableServerIsExitFive) {
    auto r = cli("postgresql://nobody@127.0.0.1:1/none", {"appointments", "--from", "2026-11-02"});
    EXPECT_EQ(r.code, 5);
    EXPECT_NE(r.err.find("database unavailable"), std::string::npos) << r.err;
}

TEST(CliErrorsTest, MalformedUrlIsExitTwo) {
    EXPECT_EQ(cli("mysql://x", {"db", "init"}).code, 2);
}

TEST(CliErrorsTest, NotADatabaseFileIsUnavailableNotACrash) {
    char tmpl[] = "/tmp/vertebra-notdb-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::ofstream(dir + "/junk.db") << "this is not sqlite at all, just text of some length......";
    auto r = cli("sqlite:" + dir + "/junk.db", {"appointments", "--from", "2026-11-02"});
    EXPECT_EQ(r.code, 5) << r.err;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vertebra::testing
