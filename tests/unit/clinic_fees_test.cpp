// The clinic's own fees: resolution by date of service and payer, the owner-only change with its
// validation and audit entry, and billing with the fee in force on the visit's date.
#include <gtest/gtest.h>

#include <map>

#include "vertebra/billing/clinic_fees.hpp"
#include "vertebra/billing/visit_biller.hpp"
#include "vertebra/common/error.hpp"
#include "vertebra/plugins/module_registry.hpp"

namespace vertebra::core::billing {
namespace {

LocalDate d(const char* s) { return parse_local_date(s); }

ClinicFee fee(Id id, const char* code, const char* payer, std::int64_t cents, const char* from) {
    ClinicFee f;
    f.id = id;
    f.code = code;
    f.payer = payer;
    f.cents_per_unit = cents;
    f.effective_from = d(from);
    f.set_by = "olga";
    f.reason = "test";
    return f;
}

class RecordingAudit final : public AuditRepository {
public:
    std::int64_t append(const AuditEvent& e) override {
        events.push_back(e);
        return static_cast<std::int64_t>(events.size());
    }
    std::vector<AuditEntry> all() override { return {}; }
    std::vector<AuditEntry> query(const AuditQuery&) override { return {}; }
    void atomically(const std::function<void()>& change) override {
        const auto before = events.size();
        try {
            change();
        } catch (...) {
            events.resize(before);  // in memory, the log is all there is to roll back
            throw;
        }
    }
    std::vector<AuditEvent> events;
};

Principal as(const char* name, Role r) {
    Principal p;
    p.name = name;
    p.roles = {r};
    p.workstation = "desk-1";
    return p;
}

TEST(ClinicFeeTableTest, AnOverrideIsInForceFromItsDateUntilTheNext) {
    const ClinicFeeTable t({fee(1, "97110", "", 4800, "2027-01-01"),
                            fee(2, "97110", "", 5000, "2027-07-01")});
    EXPECT_EQ(t.in_force("97110", "", d("2026-12-31")), nullptr);
    EXPECT_EQ(t.in_force("97110", "", d("2027-01-01"))->cents_per_unit, 4800);
    EXPECT_EQ(t.in_force("97110", "", d("2027-06-30"))->cents_per_unit, 4800);
    EXPECT_EQ(t.in_force("97110", "", d("2027-07-01"))->cents_per_unit, 5000);
    EXPECT_EQ(t.in_force("97110", "", d("2031-01-01"))->cents_per_unit, 5000);
    EXPECT_EQ(t.in_force("97140", "", d("2031-01-01")), nullptr);
}

ClinicPayerSetting setting(Id id, const char* payer, const char* option, nlohmann::json value,
                           const char* from) {
    ClinicPayerSetting s;
    s.id = id;
    s.payer = payer;
    s.option = option;
    s.value = std::move(value);
    s.effective_from = d(from);
    s.set_by = "olga";
    s.reason = "test";
    return s;
}

TEST(PayerSettingTableTest, ASettingIsInForceFromItsDateAndModulesGetOnlyTheirOwn) {
    const PayerSettingTable t({setting(3, "commercial", "chiropractic.visits_per_year", 30, "2027-07-01"),
                               setting(1, "commercial", "chiropractic.visits_per_year", 20, "2027-01-01"),
                               setting(2, "commercial", "chiropractic.visits_per_year", 24, "2027-01-01"),
                               setting(4, "medicare", "chiropractic.visits_per_year", 5, "2027-01-01"),
                               setting(5, "commercial", "acupuncture.kx_from_visit", 10, "2027-01-01"),
                               setting(6, "commercial", "chiropractic.extraspinal_covered", false,
                                       "2027-03-01")});
    EXPECT_EQ(t.in_force("commercial", "chiropractic.visits_per_year", d("2026-12-31")), nullptr);
    // Two on the same date: the one set last (a correction) wins.
    EXPECT_EQ(t.in_force("commercial", "chiropractic.visits_per_year", d("2027-01-01"))->value, 24);
    EXPECT_EQ(t.in_force("commercial", "chiropractic.visits_per_year", d("2027-07-01"))->value, 30);
    EXPECT_EQ(t.module_options("commercial", "chiropractic", d("2027-02-01")),
              (nlohmann::json{{"visits_per_year", 24}}));
    EXPECT_EQ(t.module_options("commercial", "chiropractic", d("2027-03-01")),
              (nlohmann::json{{"visits_per_year", 24}, {"extraspinal_covered", false}}));
    EXPECT_EQ(t.module_options("commercial", "acupuncture", d("2027-03-01")),
              (nlohmann::json{{"kx_from_visit", 10}}));
    EXPECT_EQ(t.module_options("medicare", "chiropractic", d("2027-03-01")),
              (nlohmann::json{{"visits_per_year", 5}}));
    EXPECT_TRUE(t.module_options("commercial", "chiro", d("2027-03-01")).empty());  // no prefix match
    EXPECT_TRUE(t.module_options("medicare_advantage", "chiropractic", d("2027-03-01")).empty());
}

TEST(SettableOptionTest, ParsesWhatAnOwnerTypesAgainstTheModulesDeclaration) {
    const nlohmann::json data = {
        {"payers", nlohmann::json::object()},
        {"clinic_settable",
         {{"visits_per_year", {{"label", "Visits a year"}, {"type", "integer"}, {"min", 0}, {"max", 366}}},
          {"year_basis", {{"type", "choice"}, {"choices", {"calendar", "rolling_12_months"}}}},
          {"covered", {{"type", "boolean"}}}}}};
    const auto opts = settable_options("chiropractic", &data);
    ASSERT_EQ(opts.size(), 3u);
    std::map<std::string, SettableOption> by;
    for (const auto& o : opts) by[o.key] = o;
    const auto& cap = by.at("chiropractic.visits_per_year");
    EXPECT_EQ(cap.label, "Visits a year");
    EXPECT_EQ(cap.parse(" 20 "), 20);
    EXPECT_EQ(cap.parse("366"), 366);
    for (const char* bad : {"367", "-1", "2.5", "20 visits", "", "99999999999999999999"}) {
        try {
            (void)cap.parse(bad);
            ADD_FAILURE() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.field(), "value");
            EXPECT_NE(std::string(e.what()).find("a whole number from 0 to 366"), std::string::npos);
        }
    }
    EXPECT_EQ(by.at("chiropractic.year_basis").parse("calendar"), "calendar");
    EXPECT_THROW((void)by.at("chiropractic.year_basis").parse("Calendar"), Error);
    EXPECT_EQ(by.at("chiropractic.covered").parse("Yes"), true);
    EXPECT_EQ(by.at("chiropractic.covered").parse("no"), false);
    EXPECT_THROW((void)by.at("chiropractic.covered").parse("1"), Error);
    EXPECT_EQ(show_option_value(true), "yes");
    EXPECT_EQ(show_option_value(20), "20");
    EXPECT_EQ(show_option_value("calendar"), "calendar");

    // A malformed declaration in rule data is Invalid, naming the module and option.
    for (const nlohmann::json& bad :
         {nlohmann::json{{"clinic_settable", {{"x", {{"type", "integer"}, {"min", 5}, {"max", 1}}}}}},
          nlohmann::json{{"clinic_settable", {{"x", {{"type", "integer"}, {"max", 1e300}}}}}},
          nlohmann::json{{"clinic_settable", {{"x", {{"type", "colour"}}}}}},
          nlohmann::json{{"clinic_settable", {{"x", {{"type", "choice"}}}}}},
          nlohmann::json{{"clinic_settable", {{"x", 3}}}},
          nlohmann::json{{"clinic_settable", "all"}}}) {
        try {
            (void)settable_options("massage", &bad);
            ADD_FAILURE() << bad.dump();
        } catch (const Error& e) {
            EXPECT_EQ(e.field(), "clinic_settable");
            EXPECT_NE(std::string(e.what()).find("massage/payer_options.json"), std::string::npos)
                << e.what();
        }
    }
    EXPECT_TRUE(settable_options("massage", nullptr).empty());
}

TEST(ClinicFeeTableTest, ALaterCorrectionOfTheSameDateWinsAndPayerFeesComeFirst) {
    // Stored out of order on purpose: the table sorts.
    const ClinicFeeTable t({fee(3, "97110", "", 4900, "2027-01-01"),
                            fee(1, "97110", "", 4800, "2027-01-01"),
                            fee(2, "97110", "medicare", 3900, "2027-03-01")});
    EXPECT_EQ(t.in_force("97110", "", d("2027-02-01"))->id, 3);
    EXPECT_EQ(t.in_force("97110", "medicare", d("2027-02-01"))->id, 3) << "all-payer fee";
    EXPECT_EQ(t.in_force("97110", "medicare", d("2027-03-01"))->cents_per_unit, 3900);
    EXPECT_EQ(t.in_force("97110", "commercial", d("2027-03-01"))->cents_per_unit, 4900);
    FeeSchedule s;
    s.set("97110", 4200);
    s.set("97140", 4100);
    t.apply(s, "medicare", d("2027-04-01"));
    EXPECT_EQ(*s.per_unit("97110"), 3900);
    EXPECT_EQ(*s.per_unit("97140"), 4100);
    t.apply(s, "commercial", d("2027-04-01"));
    EXPECT_EQ(*s.per_unit("97110"), 4900);
}

TEST(FeeServiceTest, OwnerSetsAFeeAuditedAndListedWithTheDefault) {
    RecordingAudit audit;
    InMemoryFeeRepository repo(&audit);
    FeeService svc(repo, nullptr);
    const auto before = svc.list(d("2027-01-01"));
    const FeeRow* row = nullptr;
    for (const auto& r : before)
        if (r.code == "97110") row = &r;
    ASSERT_TRUE(row);
    EXPECT_EQ(row->default_cents, 4200);
    EXPECT_FALSE(row->clinic);

    FeeChange c{"97110", "", 4800, d("2027-01-01"), "2027 price list"};
    const ClinicFee f = svc.set(as("olga", Role::Owner), c, from_epoch(1'800'000'000));
    EXPECT_EQ(f.id, 1);
    EXPECT_EQ(f.set_by, "olga");
    ASSERT_EQ(audit.events.size(), 1u);
    EXPECT_EQ(audit.events[0].action, "fee.set");
    EXPECT_EQ(audit.events[0].object, "fee:97110");
    EXPECT_NE(audit.events[0].detail.find("$48.00"), std::string::npos) << audit.events[0].detail;
    EXPECT_NE(audit.events[0].detail.find("was default $42.00"), std::string::npos)
        << audit.events[0].detail;
    EXPECT_NE(audit.events[0].detail.find("2027 price list"), std::string::npos);

    for (const auto& r : svc.list(d("2027-01-01")))
        if (r.code == "97110") {
            EXPECT_EQ(r.default_cents, 4200);
            EXPECT_EQ(r.fee_cents(), 4800);
        }
    for (const auto& r : svc.list(d("2026-12-31")))
        if (r.code == "97110") {
            EXPECT_EQ(r.fee_cents(), 4200);
        }

    // A payer's own fee: an extra row in the all-payer list, the payer's view uses it.
    svc.set(as("olga", Role::Owner), {"97110", "medicare", 3900, d("2027-02-01"), "contract"},
            from_epoch(1'800'000'100));
    int medicare_rows = 0;
    for (const auto& r : svc.list(d("2027-02-01")))
        if (r.code == "97110" && r.payer == "medicare") ++medicare_rows;
    EXPECT_EQ(medicare_rows, 1);
    for (const auto& r : svc.list(d("2027-02-01"), "medicare"))
        if (r.code == "97110") {
            EXPECT_EQ(r.fee_cents(), 3900);
        }
    for (const auto& p : svc.payers(d("2027-02-01")))
        EXPECT_EQ(p.clinic_fee_overrides, p.id == "medicare" ? 1 : 0) << p.id;
}

TEST(FeeServiceTest, OnlyTheOwnerMaySetFees) {
    InMemoryFeeRepository repo;
    FeeService svc(repo, nullptr);
    const FeeChange c{"97110", "", 4800, d("2027-01-01"), "why"};
    for (Role r : {Role::FrontDesk, Role::Therapist}) {
        try {
            svc.set(as("fay", r), c, from_epoch(0));
            ADD_FAILURE() << "allowed for " << to_string(r);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::PermissionDenied);
            EXPECT_EQ(e.exit_code(), 6);
            EXPECT_NE(std::string(e.what()).find("fee.manage"), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(repo.all().empty());
}

struct BadChange {
    FeeChange change;
    const char* field;
};

class FeeValidationTest : public ::testing::TestWithParam<BadChange> {};

TEST_P(FeeValidationTest, RefusesNamingTheField) {
    InMemoryFeeRepository repo;
    FeeService svc(repo, nullptr);
    try {
        svc.set(as("olga", Role::Owner), GetParam().change, from_epoch(0));
        ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid) << e.what();
        EXPECT_EQ(e.exit_code(), 2);
        EXPECT_EQ(e.field(), GetParam().field) << e.what();
    }
    EXPECT_TRUE(repo.all().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, FeeValidationTest,
    ::testing::Values(BadChange{{"", "", 100, d("2027-01-01"), "r"}, "code"},
                      BadChange{{"99999", "", 100, d("2027-01-01"), "r"}, "code"},
                      BadChange{{"97110", "", -1, d("2027-01-01"), "r"}, "cents"},
                      BadChange{{"97110", "", kMaxClinicFeeCents + 1, d("2027-01-01"), "r"},
                                "cents"},
                      BadChange{{"97110", "", 100, d("1999-12-31"), "r"}, "from"},
                      BadChange{{"97110", "", 100, d("2100-01-01"), "r"}, "from"},
                      BadChange{{"97110", "nobody", 100, d("2027-01-01"), "r"}, "payer"},
                      BadChange{{"97110", "", 100, d("2027-01-01"), "  "}, "reason"},
                      BadChange{{"97110", "", 100, d("2027-01-01"), std::string(501, 'x')},
                                "reason"}));

TEST(FeeBillingTest, AVisitIsPricedWithTheFeeInForceOnItsDate) {
    PluginHostOptions none;
    none.default_dirs = false;
    PluginHost host(none);  // no modules: the core's codes and fees
    ModuleRegistry modules(host, nullptr);
    const ClinicFeeTable t({fee(1, "97110", "", 4800, "2027-01-01"),
                            fee(2, "97110", "", 5000, "2027-07-01")});
    auto total = [&](const char* date) {
        BillOptions o;
        o.clinic_fees = &t;
        const nlohmann::json v = {{"date", date}, {"items", {{{"code", "97110"}, {"minutes", 30}}}}};
        return bill_visit(v, modules, o).result.total_cents;
    };
    EXPECT_EQ(total("2026-12-31"), 2 * 4200);
    EXPECT_EQ(total("2027-01-01"), 2 * 4800);
    EXPECT_EQ(total("2027-07-01"), 2 * 5000);
}

}  // namespace
}  // namespace vertebra::core::billing
