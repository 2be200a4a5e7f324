// The book and demographics through the real vertebra-cli WITHOUT --user, on both backends: they
// act as the database login (db::database_operator: "local:<os user>" on SQLite, the login role
// on PostgreSQL) and every booking, change, read of the book and patient search is in the chained
// audit log under that name (docs/decisions/0005-cli-without-user.md).
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "cli_runner.hpp"
#include "test_databases.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;

class BookingCliAuditTest : public CliFixture {
protected:
    void SetUp() override { open_clinic("ba"); }
    CliResult owner(std::vector<std::string> args) { return as("olga", std::move(args)); }
    /// The name the operator is audited under: the OS user on SQLite, the URL's login role
    /// (postgres, a superuser) on PostgreSQL.
    std::string operator_name() const {
        if (GetParam() == Kind::PostgreSQL) return "postgres";
        const passwd* pw = getpwuid(geteuid());
        return "local:" + std::string(pw ? pw->pw_name : "");
    }

};

TEST_P(BookingCliAuditTest, BookingAndPatientLookupWithoutUserAreAuditedAsTheDatabaseLogin) {
    ASSERT_EQ(ok({"practitioner", "add", "--name", "Tom Park", "--discipline", "pt"}), "1");
    // Output and exit codes are those of before: the id, the rows.
    const std::string pat = ok({"patient", "add", "--name", "Pat Ames"});
    ASSERT_EQ(pat, "1");
    auto r = cli({"--json", "patient", "find", "Ames"});
    ASSERT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(json::parse(r.out).size(), 1u);
    EXPECT_EQ(json::parse(r.out)[0]["id"], 1);
    const std::string appt = ok({"book", "--patient", pat, "--practitioner", "1", "--start",
                                 "2027-01-11T09:00", "--minutes", "30"});
    ASSERT_EQ(appt, "1");
    EXPECT_EQ(ok({"reschedule", appt, "--start", "2027-01-11T10:00"}), appt);
    EXPECT_EQ(ok({"status", appt, "confirmed"}), "");
    r = cli({"appointments", "--from", "2027-01-11", "--patient", pat});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("patient Pat Ames"), std::string::npos) << r.out;
    EXPECT_EQ(ok({"cancel", appt, "--reason", "called"}), appt);
    // Refusals keep their exit codes (and write nothing).
    EXPECT_EQ(cli({"cancel", "99"}).code, 4);
    EXPECT_EQ(cli({"book", "--patient", "99", "--practitioner", "1", "--start",
                   "2027-01-12T09:00", "--minutes", "30"}).code, 4);

    // The first owner, then the report of the patient as the owner.
    ok({"user", "add", "--name", "olga" + sfx_, "--role", "owner"}, "olga-pw\n");
    r = owner({"--json", "audit", "report", "--from", "2000-01-01", "--to", "2100-01-01",
               "--patient", pat});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string who = operator_name();
    std::map<std::string, int> seen;
    for (const auto& e : json::parse(r.out)) {
        EXPECT_EQ(e["patient_id"], 1);
        EXPECT_EQ(e["user"], who) << e.dump();
        EXPECT_FALSE(e["workstation"].get<std::string>().empty()) << e.dump();
        ++seen[e["action"].get<std::string>()];
    }
    // `patient add` is audited too: the patient and its entry are one transaction.
    EXPECT_EQ(seen, (std::map<std::string, int>{{"patient.create", 1},
                                                {"appointment.book", 1},
                                                {"appointment.move", 1},
                                                {"appointment.status", 1},
                                                {"schedule.read", 1},
                                                {"appointment.cancel", 1}}))
        << r.out;
    // A search names no single patient: it is in the log with the patients it returned.
    r = owner({"--json", "audit", "report", "--from", "2000-01-01", "--to", "2100-01-01",
               "--user", who});
    ASSERT_EQ(r.code, 0) << r.err;
    int searches = 0;
    for (const auto& e : json::parse(r.out))
        if (e["action"] == "patient.search") {
            ++searches;
            EXPECT_EQ(e["object"], "patients:1") << e.dump();
            EXPECT_EQ(e["detail"], "1 matches") << e.dump();
        }
    EXPECT_EQ(searches, 1) << r.out;
    r = owner({"audit", "verify"});
    EXPECT_EQ(r.code, 0) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, BookingCliAuditTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
