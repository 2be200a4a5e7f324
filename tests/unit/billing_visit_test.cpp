// Tests of the core billing kernel on the shipped data: pooling, untimed codes, modifiers, fees, KX.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vertebra/billing/rule_data.hpp"
#include "vertebra/billing/visit_billing.hpp"
#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {
namespace {

class VisitBillingTest : public ::testing::Test {
protected:
    void SetUp() override {
        rules_ = load_core_rules(parse_local_date("2026-03-02", "date"));
        // A module's timed code, as the massage plugin registers it.
        rules_.codes.add({"97124", CodeKind::Timed, "Massage, each 15 minutes", "pt", "massage"});
        rules_.fees.set("97124", 3600);
    }
    BillResult bill(const std::vector<VisitItem>& items, const char* payer) {
        return bill_items(items, rules_.payer(payer), rules_);
    }
    CoreRules rules_;
};

TEST_F(VisitBillingTest, MedicarePoolsMinutesFromCoreAndModuleCodes) {
    // 97110 20 + 97124 (massage) 10 = 30 min -> 2 units; each gets one.
    const auto r = bill({{"97110", 20}, {"97124", 10, "massage"}}, "medicare");
    EXPECT_EQ(r.total_timed_minutes, 30);
    EXPECT_EQ(r.units("97110"), 1);
    EXPECT_EQ(r.units("97124"), 1);
    EXPECT_EQ(r.line("97124")->source, "massage");
}

TEST_F(VisitBillingTest, CommercialDoesNotPool) {
    const auto r = bill({{"97110", 20}, {"97124", 6, "massage"}}, "commercial");
    EXPECT_EQ(r.units("97110"), 1);
    EXPECT_EQ(r.line("97124"), nullptr) << "0-unit lines are left out";
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("97124"), std::string::npos);
}

TEST_F(VisitBillingTest, ShortServiceAloneIsNotBilledButWarned) {
    for (const char* payer : {"medicare", "commercial"}) {
        const auto r = bill({{"97140", 7}}, payer);
        EXPECT_TRUE(r.lines.empty()) << payer;
        ASSERT_EQ(r.warnings.size(), 1u) << payer;
        EXPECT_NE(r.warnings[0].find("8-minute"), std::string::npos) << r.warnings[0];
    }
}

TEST_F(VisitBillingTest, UntimedCodesAreOneUnitAndTheirMinutesStayOutOfTheTotal) {
    const auto r = bill({{"97161", 45}, {"97110", 7}, {"97010", 20}}, "medicare");
    EXPECT_EQ(r.units("97161"), 1);
    EXPECT_EQ(r.units("97010"), 1);
    EXPECT_EQ(r.total_timed_minutes, 7);
    EXPECT_EQ(r.units("97110"), 0) << "7 timed minutes alone are not billed";
    ASSERT_EQ(r.lines.size(), 2u);
    EXPECT_EQ(r.lines[0].code, "97161");  // entry order kept
    EXPECT_EQ(r.lines[1].code, "97010");
}

TEST_F(VisitBillingTest, EvaluationTwiceIsCappedWithAWarning) {
    const auto r = bill({{"97163", std::nullopt}, {"97163", std::nullopt}}, "commercial");
    EXPECT_EQ(r.units("97163"), 1);
    EXPECT_EQ(r.warnings.size(), 1u);
}

TEST_F(VisitBillingTest, AllocationZeroIsExplainedUnderMedicare) {
    const auto r = bill({{"97110", 38}, {"97140", 8}}, "medicare");
    EXPECT_EQ(r.units("97110"), 3);
    EXPECT_EQ(r.units("97140"), 0);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("total-time"), std::string::npos) << r.warnings[0];
}

struct BadItem {
    const char* name;
    std::vector<VisitItem> items;
    const char* field;
};

void PrintTo(const BadItem& b, std::ostream* os) { *os << b.name; }

class VisitBillingRejectsTest : public VisitBillingTest,
                                public ::testing::WithParamInterface<BadItem> {};

TEST_P(VisitBillingRejectsTest, NamesTheField) {
    try {
        bill(GetParam().items, "medicare");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), GetParam().field) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Input, VisitBillingRejectsTest,
    ::testing::Values(BadItem{"UnknownCode", {{"97110", 10}, {"99999", 10}}, "items[1].code"},
                      BadItem{"NegativeMinutes", {{"97110", -3}}, "items[0].minutes"},
                      BadItem{"NegativeUntimed", {{"97161", -1}}, "items[0].minutes"},
                      BadItem{"TimedWithoutMinutes", {{"97112", std::nullopt}},
                              "items[0].minutes"}),
    [](const auto& tp) { return std::string(tp.param.name); });

TEST_F(VisitBillingTest, MedicareAddsGpToTherapyLinesCommercialDoesNot) {
    auto m = bill({{"97110", 23}, {"99213", std::nullopt}}, "medicare");
    apply_payer_modifiers(m, rules_.payer("medicare"), rules_.codes);
    EXPECT_EQ(m.line("97110")->modifiers, std::vector<std::string>{"GP"});
    EXPECT_TRUE(m.line("99213")->modifiers.empty());
    auto c = bill({{"97110", 23}}, "commercial");
    apply_payer_modifiers(c, rules_.payer("commercial"), rules_.codes);
    EXPECT_TRUE(c.line("97110")->modifiers.empty());
}

TEST_F(VisitBillingTest, FeesAreUnitsTimesTheScheduleInCents) {
    auto r = bill({{"97110", 38}, {"97164", std::nullopt}}, "commercial");
    apply_fees(r, rules_.fees);
    const auto per_unit = *rules_.fees.per_unit("97110");
    EXPECT_EQ(r.line("97110")->fee_cents, 3 * per_unit);
    EXPECT_EQ(r.total_cents, 3 * per_unit + *rules_.fees.per_unit("97164"));
    FeeSchedule empty;
    apply_fees(r, empty);
    EXPECT_EQ(r.total_cents, 0);
    EXPECT_EQ(r.warnings.size(), 2u) << "one warning per line without a fee";
}

TEST_F(VisitBillingTest, KxIsAppendedOnceTheYearCrossesTheThreshold) {
    const Payer& medicare = rules_.payer("medicare");
    const auto threshold = medicare.option_cents("therapy_kx_threshold_cents", -1);
    ASSERT_GT(threshold, 0);
    auto r = bill({{"97110", 23}, {"99213", std::nullopt}}, "medicare");
    apply_fees(r, rules_.fees);
    const auto visit = r.line("97110")->fee_cents;

    auto below = r;
    apply_therapy_threshold(below, medicare, rules_.codes, threshold - visit);
    EXPECT_FALSE(below.line("97110")->has_modifier("KX")) << "exactly at the threshold";

    auto above = r;
    apply_therapy_threshold(above, medicare, rules_.codes, threshold - visit + 1);
    EXPECT_TRUE(above.line("97110")->has_modifier("KX"));
    EXPECT_FALSE(above.line("99213")->has_modifier("KX")) << "E/M is not therapy";

    auto commercial = r;
    apply_therapy_threshold(commercial, rules_.payer("commercial"), rules_.codes, threshold * 2);
    EXPECT_FALSE(commercial.line("97110")->has_modifier("KX"));
}

TEST_F(VisitBillingTest, MergeAddsModuleLinesAndWarnings) {
    BillResult core = bill({{"97110", 23}}, "commercial");
    BillResult module;
    module.lines.push_back({"98941", 1, {"AT"}, 0, 0, "chiropractic"});
    module.warnings.push_back("PART not documented");
    merge_results(core, module);
    EXPECT_EQ(core.lines.size(), 2u);
    EXPECT_EQ(core.units("98941"), 1);
    EXPECT_EQ(core.warnings.size(), 1u);
    module.lines[0].units = 0;
    merge_results(core, module);
    drop_empty_lines(core);
    EXPECT_EQ(core.units("98941"), 1);
}

}  // namespace
}  // namespace vertebra::core::billing
