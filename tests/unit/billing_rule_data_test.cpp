// Tests of effective-dated rule data: version selection, validation, data directory, shipped files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "vertebra/billing/catalog.hpp"
#include "vertebra/billing/rule_data.hpp"
#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {
namespace {

using nlohmann::json;

LocalDate d(const char* s) { return parse_local_date(s, "date"); }

TEST(CoreRulesOnTest, PicksTheVersionInForceAndNamesTheDateOtherwise) {
    plugin_api::RuleData data;
    data.add(plugin_api::RuleSet::from_json(json::parse(R"({"name": "drugs", "versions": [
        {"effective_from": "2024-04-01", "data": {"code": "J1010"}},
        {"effective_from": "2020-01-01", "effective_to": "2024-03-31", "data": {"code": "J1040"}}
    ]})"), "drugs.json"));
    EXPECT_EQ(rules_on(data, "drugs", d("2024-03-31"))["code"], "J1040");
    EXPECT_EQ(rules_on(data, "drugs", d("2024-04-01"))["code"], "J1010");
    try {
        rules_on(data, "drugs", d("2019-12-31"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "date");
        EXPECT_NE(std::string(e.what()).find("2019-12-31"), std::string::npos);
    }
    EXPECT_THROW(rules_on(data, "fees", d("2024-04-01")), Error);
}

TEST(DataDirTest, EnvironmentOverridesAndDefaultHasBillingData) {
    const char* was = std::getenv("VERTEBRA_DATA_DIR");
    const std::string saved = was ? was : "";
    ::unsetenv("VERTEBRA_DATA_DIR");
    const auto def = data_dir();
    EXPECT_TRUE(std::filesystem::exists(def / "billing" / "codes.json")) << def;
    EXPECT_NO_THROW(load_billing_data());
    ::setenv("VERTEBRA_DATA_DIR", "/nonexistent/vertebra-data", 1);
    EXPECT_EQ(data_dir(), std::filesystem::path("/nonexistent/vertebra-data"));
    EXPECT_THROW(load_core_rules(d("2026-03-02")), Error);
    if (saved.empty())
        ::unsetenv("VERTEBRA_DATA_DIR");
    else
        ::setenv("VERTEBRA_DATA_DIR", saved.c_str(), 1);
}

TEST(ShippedCoreDataTest, LoadsForEveryYearWithDataAndKnowsTimedCodes) {
    for (const char* day : {"2020-01-01", "2023-06-30", "2024-04-01", "2025-12-31", "2026-03-02"}) {
        const CoreRules r = load_core_rules(d(day));
        EXPECT_EQ(r.unit_table.unit_minutes, 15) << day;
        EXPECT_EQ(r.unit_table.threshold_minutes, 8) << day;
        for (const char* timed : {"97110", "97112", "97116", "97140", "97530", "97035"})
            EXPECT_TRUE(r.codes.is_timed(timed)) << timed;
        for (const char* untimed : {"97161", "97162", "97163", "97164", "97010", "97012"}) {
            ASSERT_NE(r.codes.find(untimed), nullptr) << untimed;
            EXPECT_FALSE(r.codes.is_timed(untimed)) << untimed;
        }
        EXPECT_EQ(r.payer("medicare").method, TimedMethod::TotalTime);
        EXPECT_EQ(r.payer("commercial").method, TimedMethod::PerCode);
        EXPECT_TRUE(r.fees.per_unit("97110").has_value());
    }
}

TEST(ShippedCoreDataTest, KxThresholdFollowsTheCalendarYear) {
    const auto kx = [](const char* day) {
        return load_core_rules(d(day)).payer("medicare").option_cents(
            "therapy_kx_threshold_cents", -1);
    };
    EXPECT_EQ(kx("2024-12-31"), 233000);
    EXPECT_EQ(kx("2025-01-01"), 241000);
    EXPECT_NE(kx("2025-01-01"), kx("2026-01-01"));
}

TEST(ShippedCoreDataTest, UnknownPayerNamesTheKnownOnes) {
    const CoreRules r = load_core_rules(d("2026-03-02"));
    try {
        r.payer("acme");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.field(), "payer");
        EXPECT_NE(std::string(e.what()).find("commercial"), std::string::npos);
    }
}

TEST(PayerTest, ParsesMethodModifiersAndOptions) {
    const Payer p = parse_payer("x", json::parse(R"({"name": "X", "timed_method": "medicare",
        "discipline_modifiers": {"pt": ["GP"]}, "options": {"a.b": 15, "flag": true}})"));
    EXPECT_EQ(p.method, TimedMethod::TotalTime);
    EXPECT_EQ(p.discipline_modifiers.at("pt"), std::vector<std::string>{"GP"});
    EXPECT_EQ(p.option_int("a.b", 8), 15);
    EXPECT_EQ(p.option_int("absent", 8), 8);
    EXPECT_TRUE(p.option_bool("flag", false));
    EXPECT_THROW(p.option_int("flag", 0), Error);
    EXPECT_THROW(parse_payer("y", json::parse(R"({"timed_method": "hourly"})")), Error);
    EXPECT_THROW(parse_payer("z", json::parse(R"({"name": "no method"})")), Error);
}

TEST(CodeCatalogTest, ConflictingDefinitionsAreRefused) {
    CodeCatalog c;
    c.add({"97124", CodeKind::Timed, "Massage", "pt", "massage"});
    EXPECT_NO_THROW(c.add({"97124", CodeKind::Timed, "Massage", "pt", "massage"}));
    EXPECT_THROW(c.add({"97124", CodeKind::Untimed, "Massage", "pt", "massage"}), Error);
    EXPECT_THROW(c.add_from_json(json::parse(R"([{"code": "1", "kind": "hourly"}])"), "m"),
                 Error);
}

}  // namespace
}  // namespace vertebra::core::billing
