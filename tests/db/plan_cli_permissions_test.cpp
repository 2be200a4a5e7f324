// The plan side of the clinical record through the real vertebra-cli on both backends: assess,
// outcome and plan commands as signed-in users (front desk and owner refused with exit 6 naming
// the permission, a therapist only on the care team, break-glass audited), without --user as the
// database login (audited under its name), and `audit report --patient` showing every access.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_fixture.hpp"
#include "cli_runner.hpp"
#include "test_databases.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;

class PlanCliPermissionsTest : public CliFixture {
  protected:
    void SetUp() override {
        open_clinic("pc");
        if (HasFatalFailure()) return;
        ASSERT_EQ(
            ok({"practitioner", "add", "--name", "Tom Park", "--discipline", "physical_therapy"}),
            "1");
        ASSERT_EQ(
            ok({"practitioner", "add", "--name", "Una Lee", "--discipline", "physical_therapy"}),
            "2");
        ASSERT_EQ(ok({"patient", "add", "--name", "Pat Ames"}), "1");
        ASSERT_EQ(ok({"patient", "add", "--name", "Bea Cole"}), "2");
        ok({"book", "--patient", "1", "--practitioner", "1", "--start", "2027-01-11T09:00",
            "--minutes", "30"});
        ok({"book", "--patient", "2", "--practitioner", "2", "--start", "2027-01-11T10:00",
            "--minutes", "30"});
        ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
        add_user("tom", {"--role", "therapist", "--practitioner", "1"});
        add_user("una", {"--role", "therapist", "--practitioner", "2"});
        add_user("eve", {"--role", "therapist", "--break-glass"});
        add_user("fay", {"--role", "front_desk"});
    }

    void add_user(const std::string& base, std::vector<std::string> more) {
        std::vector<std::string> args{"user", "add", "--name", base + sfx_};
        args.insert(args.end(), more.begin(), more.end());
        auto r = as("olga", args, base + "-pw\n");
        ASSERT_EQ(r.code, 0) << r.err;
    }
    /// Exit 6 naming `what`.
    void refused(const CliResult& r, const std::string& what, const std::string& context) {
        EXPECT_EQ(r.code, 6) << context << "\n" << r.out << r.err;
        EXPECT_NE(r.err.find(what), std::string::npos) << context << "\n" << r.err;
    }
    /// The owner's audit report of patient 1: "action user-base" per entry.
    std::multiset<std::string> report_of_patient_1() {
        auto r = as("olga", {"--json", "audit", "report", "--from", "2000-01-01", "--to",
                             "2100-01-01", "--patient", "1"});
        EXPECT_EQ(r.code, 0) << r.err;
        std::multiset<std::string> out;
        for (const auto& e : json::parse(r.out)) {
            EXPECT_EQ(e["patient_id"], 1);
            std::string user = e["user"];
            if (auto at = user.find(sfx_); at != std::string::npos) user = user.substr(0, at);
            out.insert(e["action"].get<std::string>() + " " + user);
        }
        return out;
    }

};

TEST_P(PlanCliPermissionsTest, TheMatrixHoldsForAssessmentsScoresAndPlansAndEveryAccessIsAudited) {
    // Tom is on Pat's care team (his practitioner has her appointment).
    auto r = as("tom",
                {"assess", "--patient", "1", "--date", "2027-01-10", "--complaint", "Low back pain",
                 "--duration-weeks", "8", "--pattern", "axial", "--baseline", "nrs=7"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = as("tom", {"outcome", "record", "--patient", "1", "--measure", "nrs", "--value", "6",
                   "--date", "2027-01-12"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = as("tom", {"plan", "create", "--patient", "1", "--template", "muscle_ligament_strain",
                   "--start", "2027-01-11"});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string plan = trim(r.out);
    r = as("tom", {"--json", "plan", "show", plan});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)["versions"][0]["author"], "tom" + sfx_);
    EXPECT_EQ(as("tom", {"plan", "list", "--patient", "1"}).code, 0);
    EXPECT_EQ(as("tom", {"outcome", "list", "--patient", "1"}).code, 0);
    EXPECT_EQ(as("tom", {"plan", "review", plan, "--date", "2027-02-01"}).code, 0);
    EXPECT_EQ(as("tom", {"plan", "status", plan, "active"}).code, 0);
    // A signed-in user cannot record a change in another's name.
    r = as("tom", {"plan", "status", plan, "stopped", "--by", "una" + sfx_});
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("--by cannot name another user"), std::string::npos) << r.err;

    // Front desk and owner: no clinical data, exit 6 naming the permission.
    for (const char* base : {"fay", "olga"}) {
        const std::string b = base;
        refused(as(b, {"assess", "--patient", "1", "--complaint", "x"}), "lacks assessment.write",
                b + " assess");
        refused(as(b, {"outcome", "record", "--patient", "1", "--measure", "nrs", "--value", "5"}),
                "lacks assessment.write", b + " outcome record");
        refused(as(b, {"outcome", "list", "--patient", "1"}), "lacks assessment.read",
                b + " outcome list");
        refused(as(b, {"plan", "create", "--patient", "1", "--template", "muscle_ligament_strain"}),
                "lacks assessment.write", b + " plan create");
        refused(as(b, {"plan", "show", plan}), "lacks assessment.read", b + " plan show");
        refused(as(b, {"plan", "list", "--patient", "1"}), "lacks assessment.read",
                b + " plan list");
        refused(as(b, {"plan", "review", plan}), "lacks assessment.read", b + " plan review");
        refused(as(b, {"plan", "status", plan, "stopped"}), "lacks assessment.write",
                b + " plan status");
        refused(as(b, {"plan", "schedule", plan, "--from", "2027-01-18", "--dry-run"}),
                "lacks assessment.read", b + " plan schedule --dry-run");
        refused(as(b, {"task", "list", "--plan", plan}), "lacks assessment.read", b + " task list");
        refused(as(b, {"timeline", "--patient", "1"}), "lacks assessment.read", b + " timeline");
    }
    // Una treats Bea, not Pat; Eve treats nobody until break-glass.
    refused(as("una", {"plan", "show", plan}), "not on the care team of patient #1", "una");
    refused(as("una", {"outcome", "list", "--patient", "1"}), "not on the care team", "una");
    refused(as("una", {"outcome", "record", "--patient", "1", "--measure", "nrs", "--value", "5"}),
            "not on the care team", "una");
    EXPECT_EQ(as("una", {"outcome", "list", "--patient", "2"}).code, 0);
    refused(as("eve", {"plan", "show", plan}), "not on the care team", "eve");
    r = as("eve",
           {"user", "break-glass", "--reason", "covering for Tom: acute flare", "--patient", "1"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = as("eve", {"plan", "show", plan});
    EXPECT_EQ(r.code, 0) << r.err;

    // Without --user: the database login, audited under its name.
    r = cli({"--json", "plan", "show", plan});
    EXPECT_EQ(r.code, 0) << r.err;
    r = cli({"outcome", "record", "--patient", "1", "--measure", "nrs", "--value", "4", "--date",
             "2027-01-20"});
    EXPECT_EQ(r.code, 0) << r.err;

    const auto seen = report_of_patient_1();
    // plan show reads the plan and its session counts; plan list the patient's plans.
    for (const auto& [e, n] : std::map<std::string, std::size_t>{{"assessment.create tom", 1},
                                                                 {"outcome.create tom", 1},
                                                                 {"outcome.read tom", 1},
                                                                 {"plan.create tom", 1},
                                                                 {"plan.read tom", 3},
                                                                 {"plan.review tom", 1},
                                                                 {"plan.change tom", 1},
                                                                 {"plan.read.break_glass eve", 2}})
        EXPECT_EQ(seen.count(e), n) << e;
    // Nothing refused was logged as an access of theirs.
    for (const auto& e : seen) {
        EXPECT_EQ(e.find(" fay"), std::string::npos) << e;
        EXPECT_EQ(e.find(" una"), std::string::npos) << e;
    }
    const std::string login = GetParam() == Kind::SQLite ? "local:" : "postgres";
    int by_login = 0;
    for (const auto& e : seen)
        if (e.find(" " + login) != std::string::npos) ++by_login;
    EXPECT_GE(by_login, 3) << "plan show (plan + session counts) and outcome.create";
    EXPECT_EQ(as("olga", {"audit", "verify"}).code, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanCliPermissionsTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
