// The clinic's payer settings on both backends, through the real vertebra-cli and the real
// chiropractic plugin: the options a module declares settable, an owner's effective-dated value
// (a commercial plan's yearly visit cap, extraspinal coverage) used by the booking checks and by
// billing from its date, refusals naming the permission or the field, insert-only history, the
// audit entry, and PostgreSQL's grants.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli_fixture.hpp"
#include "cli_runner.hpp"
#include "record_fixture.hpp"  // url_as

namespace vertebra::testing {
namespace {

using nlohmann::json;

class PayerSettingsCliTest : public CliFixture {
protected:
    void SetUp() override {
        open_chiropractic_clinic("payer");
        if (HasFatalFailure()) return;
        pat_ = ok({"patient", "add", "--name", "Cid Commercial", "--payer", "commercial"});
    }

    CliResult set(const std::string& who, const std::string& option, const std::string& value,
                  const std::string& from, const std::string& reason = "New contract 2027") {
        return as(who, {"payer", "set", "--payer", "commercial", "--option", option, "--value",
                        value, "--from", from, "--reason", reason});
    }
    CliResult book(const std::string& start, const std::string& override_reason = "") {
        std::vector<std::string> a{"book", "--patient", pat_, "--practitioner", dc_, "--service",
                                   cmt_, "--start", start};
        if (!override_reason.empty()) a.insert(a.end(), {"--override-reason", override_reason});
        return cli(a);
    }
    /// `payer`'s row of `option` in `payer options --json --on DATE`.
    json option_row(const std::string& option, const std::string& on,
                    const std::string& payer = "commercial") {
        auto r = cli({"--json", "payer", "options", "--payer", payer, "--on", on});
        EXPECT_EQ(r.code, 0) << r.err;
        const json all = json::parse(r.out);
        for (const auto& row : all["options"][payer])
            if (row["option"] == option) return row;
        return nullptr;
    }
    /// Codes billed for a chiropractic visit with a lumbar and an upper-extremity adjustment.
    std::vector<std::string> billed_codes(const std::string& date) {
        const std::string p = ::testing::TempDir() + "visit" + date + sfx_ + ".json";
        FILE* f = std::fopen(p.c_str(), "w");
        std::fputs((R"({"date": ")" + date + R"(", "chiropractic": {"care": "active",
            "spinal_regions": ["lumbar"], "extraspinal_regions": ["upper_extremity"],
            "findings": {"lumbar": ["P", "A"]}}})").c_str(), f);
        std::fclose(f);
        auto r = cli({"--json", "bill", p, "--payer", "commercial"});
        EXPECT_EQ(r.code, 0) << r.err;
        std::vector<std::string> codes;
        const json bill = json::parse(r.out);  // (a range over a temporary's member dangles)
        for (const auto& l : bill["lines"]) codes.push_back(l["code"]);
        return codes;
    }

    /// Raw SQL as the database administrator, or (PostgreSQL) as a clinic login.
    std::unique_ptr<soci::session> raw(const std::string& login = "") {
        const auto url = db::DatabaseUrl::parse(login.empty() ? tdb_->url() : url_as(tdb_->url(), login));
        if (GetParam() == Kind::SQLite)
            return std::make_unique<soci::session>(*soci::factory_sqlite3(), url.sqlite_path);
        return std::make_unique<soci::session>(*soci::factory_postgresql(), url.conninfo);
    }

    std::string pat_;
};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_P(PayerSettingsCliTest, AVisitCapSetByTheOwnerIsCheckedWhenBookingFromItsDate) {
    // The chiropractic module declares the cap settable; the commercial plan has none.
    auto row = option_row("chiropractic.visits_per_year", "2027-01-01");
    ASSERT_TRUE(row.is_object());
    EXPECT_EQ(row["shipped"], 0);
    EXPECT_EQ(row["value"], 0);
    EXPECT_EQ(row["accepts"], "a whole number from 0 to 366");
    EXPECT_TRUE(row["clinic_from"].is_null());
    // A plan billed by the Medicare method reads the module's "medicare" entry as its own
    // rules do: three months of active care, where "default" has no limit.
    EXPECT_EQ(option_row("chiropractic.course_months", "2027-01-01", "medicare_advantage")["shipped"], 3);
    EXPECT_EQ(option_row("chiropractic.course_months", "2027-01-01")["shipped"], 0);

    auto r = set("olga", "chiropractic.visits_per_year", "2", "2027-01-01");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("commercial chiropractic.visits_per_year = 2 from 2027-01-01"),
              std::string::npos) << r.out;
    row = option_row("chiropractic.visits_per_year", "2027-01-01");
    EXPECT_EQ(row["value"], 2);
    EXPECT_EQ(row["shipped"], 0);
    EXPECT_EQ(row["clinic_from"], "2027-01-01");
    EXPECT_EQ(option_row("chiropractic.visits_per_year", "2026-12-31")["value"], 0);

    // Before its date the plan has no cap: three visits in December book.
    for (const char* start : {"2026-12-01T09:00", "2026-12-08T09:00", "2026-12-15T09:00"})
        ASSERT_EQ(book(start).code, 0) << start;
    // From 2027-01-01 the 12 months before each visit count: already three, so a fourth is
    // refused, naming the cap; with a reason it books.
    r = book("2027-01-05T09:00");
    EXPECT_EQ(r.code, 3) << r.out;
    EXPECT_NE(r.err.find("this payer covers 2 a year"), std::string::npos) << r.err;
    r = book("2027-01-05T09:00", "Plan approved 4 extra visits (auth 7781)");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("covers 2 a year"), std::string::npos) << r.err;

    // A later setting turns the cap into a warning from its own date.
    ASSERT_EQ(set("olga", "chiropractic.visit_cap_severity", "relative", "2027-02-01").code, 0);
    EXPECT_EQ(book("2027-01-19T09:00").code, 3);  // still absolute in January
    r = book("2027-02-02T09:00");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;

    // History, audit and the chain.
    auto h = json::parse(ok({"--json", "payer", "history", "--payer", "commercial"}));
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0]["option"], "chiropractic.visits_per_year");
    EXPECT_EQ(h[0]["value"], 2);
    EXPECT_EQ(h[0]["set_by"], "olga" + sfx_);
    EXPECT_EQ(h[1]["value"], "relative");
    auto a = as("olga", {"--json", "audit", "report", "--from", "2000-01-01", "--to", "2100-01-01"});
    ASSERT_EQ(a.code, 0) << a.err;
    std::vector<std::string> details;
    const json entries = json::parse(a.out);
    for (const auto& e : entries)
        if (e["action"] == "payer.set") {
            EXPECT_EQ(e["user"], "olga" + sfx_);
            details.push_back(e["detail"]);
        }
    ASSERT_EQ(details.size(), 2u);
    EXPECT_EQ(details[0], "commercial chiropractic.visits_per_year = 2 from 2027-01-01 (was the "
                          "module's own rules); reason: New contract 2027");
    EXPECT_EQ(as("olga", {"audit", "verify"}).code, 0);
}

TEST_P(PayerSettingsCliTest, BillingUsesTheSettingInForceOnTheDateOfService) {
    // Commercial plans cover extraspinal manipulation by default (98943 billed).
    EXPECT_TRUE(has(billed_codes("2027-03-01"), "98943"));
    ASSERT_EQ(set("olga", "chiropractic.extraspinal_covered", "no", "2027-03-01",
                  "Plan excludes extremity adjustments").code, 0);
    EXPECT_TRUE(has(billed_codes("2027-02-28"), "98943"));
    const auto after = billed_codes("2027-03-01");
    EXPECT_FALSE(has(after, "98943"));
    EXPECT_TRUE(has(after, "98940"));
}

TEST_P(PayerSettingsCliTest, RefusalsNameThePermissionOrTheFieldAndChangeNothing) {
    auto r = set("fred", "chiropractic.visits_per_year", "20", "2027-01-01");
    EXPECT_EQ(r.code, 6);
    EXPECT_NE(r.err.find("fee.manage"), std::string::npos) << r.err;

    struct Bad {
        std::string option, value, from, reason, says;
    };
    for (const Bad& b : std::vector<Bad>{
             {"chiropractic.visits_per_year", "367", "2027-01-01", "x", "a whole number from 0 to 366"},
             {"chiropractic.visits_per_year", "-1", "2027-01-01", "x", "a whole number from 0 to 366"},
             {"chiropractic.visits_per_year", "twenty", "2027-01-01", "x", "(got \"twenty\")"},
             {"chiropractic.visit_cap_severity", "sometimes", "2027-01-01", "x", "one of absolute, relative"},
             {"chiropractic.extraspinal_covered", "maybe", "2027-01-01", "x", "yes or no"},
             {"chiropractic.part_check", "no", "2027-01-01", "x", "these are: "},
             {"chiropractic.visits_per_year", "20", "1999-12-31", "x", "must lie between"},
             {"chiropractic.visits_per_year", "20", "2027-01-01", "   ", "say why"}}) {
        r = set("olga", b.option, b.value, b.from, b.reason);
        EXPECT_EQ(r.code, 2) << b.option << " " << b.value << "\n" << r.err;
        EXPECT_NE(r.err.find(b.says), std::string::npos) << r.err;
    }
    r = as("olga", {"payer", "set", "--payer", "blue_moon", "--option",
                    "chiropractic.visits_per_year", "--value", "20", "--from", "2027-01-01",
                    "--reason", "x"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("payer"), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(ok({"--json", "payer", "history"})).size(), 0u);
}

TEST_P(PayerSettingsCliTest, HistoryIsInsertOnlyAndOnlyOwnersWriteIt) {
    ASSERT_EQ(set("olga", "chiropractic.visits_per_year", "12", "2027-01-01").code, 0);
    auto admin = raw();
    EXPECT_THROW((*admin << "UPDATE clinic_payer_settings SET value_json = '99'"), soci::soci_error);
    EXPECT_THROW((*admin << "DELETE FROM clinic_payer_settings"), soci::soci_error);
    if (GetParam() == Kind::PostgreSQL) {
        EXPECT_THROW((*admin << "TRUNCATE clinic_payer_settings"), soci::soci_error);
        // psql as the front desk: reads the settings, may not add one.
        auto fred = raw("fred" + sfx_);
        int n = -1;
        *fred << "SELECT count(*) FROM clinic_payer_settings", soci::into(n);
        EXPECT_EQ(n, 1);
        EXPECT_THROW((*fred << "INSERT INTO clinic_payer_settings (payer, option_key, value_json, "
                               "effective_from, set_by, set_at, reason) VALUES ('commercial', "
                               "'chiropractic.visits_per_year', '99', DATE '2027-01-01', 'fred', "
                               "now(), 'x')"),
                     soci::soci_error);
    }
    auto h = json::parse(ok({"--json", "payer", "history"}));
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0]["value"], 12);
}

INSTANTIATE_TEST_SUITE_P(Backends, PayerSettingsCliTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
