// The clinic's own fees on both backends: effective dating through the real repository, owner-only
// changes (also enforced by PostgreSQL grants), insert-only history, the audit entry, and the real
// vertebra-cli: fee list/set/history, payer list, bill (file and signed note) before and after a
// fee change, refusals with exit 6 and exit 2 naming the field.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "cli_fixture.hpp"
#include "cli_runner.hpp"
#include "record_fixture.hpp"
#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/db/fee_repository.hpp"

namespace vertebra::testing {
namespace {

using nlohmann::json;
using core::billing::FeeChange;
using core::billing::FeeService;

LocalDate d(const char* s) { return parse_local_date(s); }

// ---- services over the real repository ----------------------------------------------------------

class FeeRepositoryTest : public RecordFixture {
protected:
    std::optional<std::int64_t> fee_on(FeeService& svc, const char* code, const char* date,
                                       const std::string& payer = "") {
        for (const auto& r : svc.list(d(date), payer))
            if (r.code == code && (payer.empty() ? r.payer.empty() : true)) return r.fee_cents();
        return std::nullopt;
    }
};

TEST_P(FeeRepositoryTest, OverridesAreEffectiveDatedKeptAndAudited) {
    auto& olga = seat("olga");
    auto repo = db::fee_repository(*olga.db);
    FeeService svc(*repo, nullptr);
    EXPECT_EQ(fee_on(svc, "97110", "2027-01-01"), 4200);

    const auto a = svc.set(olga.who, {"97110", "", 4800, d("2027-01-01"), "2027 price list"},
                           wall_now());
    const auto b = svc.set(olga.who, {"97110", "", 5000, d("2027-07-01"), "mid-year"}, wall_now());
    svc.set(olga.who, {"97110", "medicare", 3900, d("2027-03-01"), "Medicare contract"},
            wall_now());
    EXPECT_GT(b.id, a.id);
    EXPECT_EQ(fee_on(svc, "97110", "2026-12-31"), 4200);
    EXPECT_EQ(fee_on(svc, "97110", "2027-01-01"), 4800);
    EXPECT_EQ(fee_on(svc, "97110", "2027-06-30"), 4800);
    EXPECT_EQ(fee_on(svc, "97110", "2027-07-01"), 5000);
    EXPECT_EQ(fee_on(svc, "97110", "2027-02-01", "medicare"), 4800);
    EXPECT_EQ(fee_on(svc, "97110", "2027-03-01", "medicare"), 3900);
    EXPECT_EQ(fee_on(svc, "97110", "2027-08-01", "commercial"), 5000);

    // Read back exactly, on another connection (a therapist reads fees too).
    auto& tom = seat("tom");
    const auto rows = db::fee_repository(*tom.db)->all();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].code, "97110");
    EXPECT_EQ(rows[0].payer, "");
    EXPECT_EQ(rows[0].cents_per_unit, 4800);
    EXPECT_EQ(format_date(rows[0].effective_from), "2027-01-01");
    EXPECT_EQ(rows[0].set_by, name("olga"));
    EXPECT_EQ(rows[0].reason, "2027 price list");
    EXPECT_EQ(rows[2].payer, "medicare");

    // Audited, chain intact.
    int sets = 0;
    for (const auto& e : olga.audit->all())
        if (e.action == "fee.set") {
            ++sets;
            EXPECT_EQ(e.user, name("olga"));
        }
    EXPECT_EQ(sets, 3);
    EXPECT_TRUE(core::verify_audit_chain(olga.audit->all()).intact);

    // History cannot be rewritten, even by the administrator.
    auto raw = raw_admin();
    EXPECT_THROW((*raw << "UPDATE clinic_fees SET cents_per_unit = 1"), soci::soci_error);
    EXPECT_THROW((*raw << "DELETE FROM clinic_fees"), soci::soci_error);
    if (GetParam() == Kind::PostgreSQL)  // SQLite has no TRUNCATE (its DELETE is refused above)
        EXPECT_THROW((*raw << "TRUNCATE clinic_fees"), soci::soci_error);
    EXPECT_EQ(db::fee_repository(*admin_)->all().size(), 3u);
}

TEST_P(FeeRepositoryTest, FrontDeskAndTherapistsAreRefusedByCoreAndByTheDatabase) {
    for (const char* base : {"fay", "tom"}) {
        auto& s = seat(base);
        auto repo = db::fee_repository(*s.db);
        FeeService svc(*repo, nullptr);
        expect_error([&] { svc.set(s.who, {"97110", "", 4800, d("2027-01-01"), "x"}, wall_now()); },
                     ErrorKind::PermissionDenied, "fee.manage");
        EXPECT_TRUE(repo->all().empty()) << base << " reads fees";
    }
    if (GetParam() == Kind::PostgreSQL) {
        // psql as the front desk: may read, may not write.
        auto raw = raw_as("fay");
        int n = -1;
        *raw << "SELECT count(*) FROM clinic_fees", soci::into(n);
        EXPECT_EQ(n, 0);
        EXPECT_THROW((*raw << "INSERT INTO clinic_fees (code, cents_per_unit, effective_from, "
                              "set_by, set_at, reason) VALUES ('97110', 1, DATE '2027-01-01', "
                              "'fay', now(), 'cheap')"),
                     soci::soci_error);
        auto t = raw_as("tom");
        EXPECT_THROW((*t << "INSERT INTO clinic_fees (code, cents_per_unit, effective_from, "
                            "set_by, set_at, reason) VALUES ('97110', 1, DATE '2027-01-01', "
                            "'tom', now(), 'cheap')"),
                     soci::soci_error);
    }
    EXPECT_TRUE(db::fee_repository(*admin_)->all().empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, FeeRepositoryTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

// ---- the real vertebra-cli ----------------------------------------------------------------------

class FeeCliTest : public CliFixture {
protected:
    void SetUp() override {
        open_chiropractic_clinic("fee");
        if (HasFatalFailure()) return;
        ASSERT_EQ(as("olga", {"user", "add", "--name", "chen" + sfx_, "--role", "therapist",
                              "--practitioner", dc_}, "chen-pw\n").code, 0);
    }

    CliResult set(const std::string& who, std::vector<std::string> extra) {
        std::vector<std::string> a{"fee", "set"};
        a.insert(a.end(), extra.begin(), extra.end());
        return as(who, a);
    }
    /// fee_cents of `code` (all-payer row) in `fee list --json --on DATE [--payer P]`.
    json list_row(const std::string& code, const std::string& on, const std::string& payer = "") {
        std::vector<std::string> a{"--json", "fee", "list", "--on", on};
        if (!payer.empty()) a.insert(a.end(), {"--payer", payer});
        auto r = cli(a);
        EXPECT_EQ(r.code, 0) << r.err;
        const json all = json::parse(r.out);  // (a range over a temporary's member dangles)
        for (const auto& row : all["fees"])
            if (row["code"] == code && (row["payer"].is_null() || !payer.empty())) return row;
        return nullptr;
    }
    std::string file(const std::string& stem, const std::string& text) {
        const std::string p = ::testing::TempDir() + stem + sfx_;
        FILE* f = std::fopen(p.c_str(), "w");
        std::fputs(text.c_str(), f);
        std::fclose(f);
        return p;
    }
    std::int64_t bill_file(const std::string& date, const std::string& payer = "") {
        const std::string v = file("visit" + date + payer + ".json",
                                   R"({"date": ")" + date +
                                       R"(", "items": [{"code": "97110", "minutes": 15}]})");
        std::vector<std::string> a{"--json", "bill", v};
        if (!payer.empty()) a.insert(a.end(), {"--payer", payer});
        auto r = cli(a);
        EXPECT_EQ(r.code, 0) << r.err;
        return json::parse(r.out)["total_cents"].get<std::int64_t>();
    }
    /// Books a chiropractic visit at `start`, writes and signs its note; returns the appointment.
    std::string signed_visit(const std::string& patient, const std::string& start) {
        auto r = cli({"book", "--patient", patient, "--practitioner", dc_, "--service", cmt_,
                      "--start", start});
        EXPECT_EQ(r.code, 0) << r.err;
        const std::string appt = trim(r.out);
        const std::string note = file("cmt" + appt + ".json", R"({"subjective": "Low back pain",
            "fields": {"care": "active", "spinal_regions": ["lumbar"],
                       "part_lumbar": ["P", "A"], "symptoms": "Low back pain L4-L5"}})");
        r = as("chen", {"note", "create", "--appointment", appt, "--text-file", note});
        EXPECT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(as("chen", {"note", "sign", trim(r.out)}).code, 0);
        return appt;
    }
};

TEST_P(FeeCliTest, FeesAreEffectiveDatedAndBillingUsesTheFeeOfTheVisitsDate) {
    auto row = list_row("97110", "2027-01-01");
    ASSERT_TRUE(row.is_object());
    EXPECT_EQ(row["default_cents"], 4200);
    EXPECT_TRUE(row["clinic_cents"].is_null());
    EXPECT_EQ(bill_file("2027-01-02"), 4200);

    auto r = set("olga", {"--code", "97110", "--cents", "4800", "--from", "2027-01-01",
                          "--reason", "2027 price list"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("$48.00"), std::string::npos) << r.out;
    r = set("olga", {"--code", "97110", "--cents", "5000", "--from", "2027-07-01", "--reason",
                     "mid-year"});
    ASSERT_EQ(r.code, 0) << r.err;
    r = set("olga", {"--code", "97110", "--cents", "3900", "--from", "2027-03-01", "--payer",
                     "medicare", "--reason", "Medicare contract"});
    ASSERT_EQ(r.code, 0) << r.err;

    EXPECT_EQ(list_row("97110", "2026-12-31")["fee_cents"], 4200);
    row = list_row("97110", "2027-01-01");
    EXPECT_EQ(row["fee_cents"], 4800);
    EXPECT_EQ(row["default_cents"], 4200);
    EXPECT_EQ(row["clinic_from"], "2027-01-01");
    EXPECT_EQ(row["clinic_set_by"], "olga" + sfx_);
    EXPECT_EQ(row["clinic_reason"], "2027 price list");
    EXPECT_EQ(list_row("97110", "2027-06-30")["fee_cents"], 4800);
    EXPECT_EQ(list_row("97110", "2027-07-01")["fee_cents"], 5000);
    EXPECT_EQ(list_row("97110", "2027-08-01", "medicare")["fee_cents"], 3900);
    EXPECT_EQ(list_row("97110", "2027-08-01", "commercial")["fee_cents"], 5000);

    // A visit file is priced by its date of service (and payer).
    EXPECT_EQ(bill_file("2026-12-31"), 4200);
    EXPECT_EQ(bill_file("2027-01-02"), 4800);
    EXPECT_EQ(bill_file("2027-07-02"), 5000);
    EXPECT_EQ(bill_file("2027-07-02", "medicare"), 3900);

    // Charges from a signed note: a December visit keeps its fee after a January change.
    const std::string pat = ok({"patient", "add", "--name", "Lea Commercial", "--payer",
                                "commercial"});
    const std::string before = signed_visit(pat, "2026-12-14T09:00");
    const std::string after = signed_visit(pat, "2027-01-11T09:00");
    auto charge = [&](const std::string& appt) {
        auto b = as("chen", {"--json", "bill", "--appointment", appt});
        EXPECT_EQ(b.code, 0) << b.err;
        auto j = json::parse(b.out);
        EXPECT_EQ(j["lines"].size(), 1u) << j.dump();
        return j["total_cents"].get<std::int64_t>();
    };
    EXPECT_EQ(charge(before), 4500);
    EXPECT_EQ(charge(after), 4500);
    r = set("olga", {"--code", "98940", "--cents", "5200", "--from", "2027-01-01", "--reason",
                     "2027 price list"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(charge(before), 4500);
    EXPECT_EQ(charge(after), 5200);

    // History and payers.
    r = cli({"--json", "fee", "history"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).size(), 4u);
    r = cli({"--json", "payer", "list", "--on", "2027-08-01"});
    ASSERT_EQ(r.code, 0) << r.err;
    bool medicare = false;
    const json payers = json::parse(r.out);
    for (const auto& p : payers["payers"])
        if (p["id"] == "medicare") {
            medicare = true;
            EXPECT_EQ(p["timed_method"], "medicare");
            EXPECT_EQ(p["clinic_fee_overrides"], 1);
            EXPECT_TRUE(p["module_options"].contains("chiropractic")) << p.dump();
        }
    EXPECT_TRUE(medicare) << r.out;
    r = cli({"payer", "list", "--on", "2027-08-01"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("medicare (Medicare (Part B))"), std::string::npos) << r.out;

    // Audited: four fee.set entries, chain intact.
    r = as("olga", {"--json", "audit", "report", "--from", "2000-01-01", "--to", "2100-01-01"});
    ASSERT_EQ(r.code, 0) << r.err;
    int sets = 0;
    for (const auto& e : json::parse(r.out)) sets += e["action"] == "fee.set";
    EXPECT_EQ(sets, 4);
    r = as("olga", {"audit", "verify"});
    EXPECT_EQ(r.code, 0) << r.err;
}

TEST_P(FeeCliTest, RefusalsNameThePermissionOrTheField) {
    const std::vector<std::string> good{"--code", "97110", "--cents", "4800", "--from",
                                        "2027-01-01", "--reason", "new list"};
    for (const char* who : {"fred", "chen"}) {
        auto r = set(who, good);
        EXPECT_EQ(r.code, 6) << who << " " << r.err;
        EXPECT_NE(r.err.find("fee.manage"), std::string::npos) << r.err;
    }
    std::vector<std::string> anon{"fee", "set"};
    anon.insert(anon.end(), good.begin(), good.end());
    EXPECT_EQ(cli(anon).code, 6);

    struct Bad {
        std::vector<std::string> args;
        const char* field;
    };
    const std::vector<Bad> bad{
        {{"--code", "99999", "--cents", "4800", "--from", "2027-01-01", "--reason", "r"}, "code"},
        {{"--code", "97110", "--cents=-5", "--from", "2027-01-01", "--reason", "r"}, "cents"},
        {{"--code", "97110", "--cents", "99999999", "--from", "2027-01-01", "--reason", "r"},
         "cents"},
        {{"--code", "97110", "--cents", "48.00", "--from", "2027-01-01", "--reason", "r"}, "cents"},
        {{"--code", "97110", "--cents", "4800", "--from", "2027-13-01", "--reason", "r"}, "from"},
        {{"--code", "97110", "--cents", "4800", "--from", "1999-01-01", "--reason", "r"}, "from"},
        {{"--code", "97110", "--cents", "4800", "--from", "2027-01-01", "--reason", "  "},
         "reason"},
        {{"--code", "97110", "--cents", "4800", "--from", "2027-01-01", "--reason", "r",
          "--payer", "nobody"},
         "payer"},
    };
    for (const auto& b : bad) {
        auto r = set("olga", b.args);
        EXPECT_EQ(r.code, 2) << b.field << ": " << r.err;
        EXPECT_EQ(r.err.find(std::string("error: ") + b.field + ":"), 0u) << r.err;
    }
    auto r = cli({"fee", "list", "--on", "2027-02-30"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("on:"), std::string::npos) << r.err;
    EXPECT_EQ(cli({"fee", "list", "--on", "2027-01-01", "--payer", "nobody"}).code, 2);

    // Nothing was stored; the owner's valid change works.
    EXPECT_EQ(json::parse(cli({"--json", "fee", "history"}).out).size(), 0u);
    EXPECT_EQ(set("olga", good).code, 0);
    EXPECT_EQ(json::parse(cli({"--json", "fee", "history"}).out).size(), 1u);

    // Text is data, never SQL: stored and shown exactly.
    const std::string hostile = "'); DROP TABLE clinic_fees; -- \"Zoë\" 50% ✓";
    r = set("olga", {"--code", "97140", "--cents", "0", "--from", "2027-02-01", "--reason",
                     hostile});
    ASSERT_EQ(r.code, 0) << r.err;
    const json history = json::parse(cli({"--json", "fee", "history", "--code", "97140"}).out);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0]["reason"], hostile);
    EXPECT_EQ(history[0]["cents_per_unit"], 0);
    EXPECT_EQ(json::parse(cli({"--json", "fee", "history"}).out).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, FeeCliTest,
                         ::testing::Values(Kind::SQLite, Kind::PostgreSQL),
                         [](const auto& info) { return kind_name(info.param); });

}  // namespace
}  // namespace vertebra::testing
