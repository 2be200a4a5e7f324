// Tests of the 8-minute rule: unit table, Medicare total-time allocation, CPT per-code method.
#include <gtest/gtest.h>

#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "vertebra/billing/timed_units.hpp"
#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {
namespace {

struct TableCase {
    int minutes;
    int units;
};

class UnitTableTest : public ::testing::TestWithParam<TableCase> {};

TEST_P(UnitTableTest, MinutesGiveTheTableUnits) {
    EXPECT_EQ(units_for_minutes(GetParam().minutes), GetParam().units)
        << GetParam().minutes << " min";
}

INSTANTIATE_TEST_SUITE_P(Boundaries, UnitTableTest,
                         ::testing::Values(TableCase{0, 0}, TableCase{1, 0}, TableCase{7, 0},
                                           TableCase{8, 1}, TableCase{15, 1}, TableCase{22, 1},
                                           TableCase{23, 2}, TableCase{30, 2}, TableCase{37, 2},
                                           TableCase{38, 3}, TableCase{52, 3}, TableCase{53, 4},
                                           TableCase{67, 4}, TableCase{68, 5}, TableCase{82, 5},
                                           TableCase{83, 6}, TableCase{112, 7},
                                           TableCase{113, 8}, TableCase{127, 8},
                                           TableCase{128, 9}, TableCase{142, 9},
                                           TableCase{143, 10}, TableCase{157, 10},
                                           TableCase{158, 11}));

TEST(UnitTableFormulaTest, AgreesWithTheModuloFormEverywhere) {
    // RULES.md §1.2 gives two equivalent formulas; the table must agree with the second too.
    for (int t = 0; t <= 600; ++t)
        ASSERT_EQ(units_for_minutes(t), t / 15 + (t % 15 >= 8 ? 1 : 0)) << t;
}

TEST(UnitTableFormulaTest, RejectsNegativeMinutesNamingTheField) {
    try {
        units_for_minutes(-1);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.field(), "minutes");
    }
}

TEST(UnitTableFormulaTest, HonoursConfiguredParameters) {
    const UnitTable full{15, 15};  // a payer that wants a full 15 minutes per unit
    EXPECT_EQ(units_for_minutes(14, full), 0);
    EXPECT_EQ(units_for_minutes(15, full), 1);
    EXPECT_EQ(units_for_minutes(29, full), 1);
    EXPECT_EQ(units_for_minutes(30, full), 2);
    EXPECT_THROW(units_for_minutes(10, UnitTable{15, 16}), Error);
}

struct AllocCase {
    std::string name;
    std::vector<TimedService> services;
    std::vector<int> medicare;    // units per distinct code, in order of first entry
    std::vector<int> commercial;  // same, per-code method
};

std::ostream& operator<<(std::ostream& os, const AllocCase& c) { return os << c.name; }

std::vector<int> units_of(const std::vector<TimedUnits>& v) {
    std::vector<int> out;
    for (const auto& u : v) out.push_back(u.units);
    return out;
}

class AllocationTest : public ::testing::TestWithParam<AllocCase> {};

TEST_P(AllocationTest, MedicareTotalTime) {
    EXPECT_EQ(units_of(allocate_total_time(GetParam().services)), GetParam().medicare);
}

TEST_P(AllocationTest, CommercialPerCode) {
    EXPECT_EQ(units_of(allocate_per_code(GetParam().services)), GetParam().commercial);
}

TEST_P(AllocationTest, DispatchFollowsTheMethod) {
    EXPECT_EQ(units_of(allocate_timed(TimedMethod::TotalTime, GetParam().services)),
              GetParam().medicare);
    EXPECT_EQ(units_of(allocate_timed(TimedMethod::PerCode, GetParam().services)),
              GetParam().commercial);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, AllocationTest,
    ::testing::Values(
        // §1.3.1: a day's only service under 8 minutes is not billed.
        AllocCase{"SevenMinutesAlone", {{"97110", 7}}, {0}, {0}},
        AllocCase{"EightMinutesAlone", {{"97110", 8}}, {1}, {1}},
        AllocCase{"TwentyTwoAlone", {{"97112", 22}}, {1}, {1}},
        AllocCase{"TwentyThreeAlone", {{"97112", 23}}, {2}, {2}},
        AllocCase{"ThirtySevenAlone", {{"97530", 37}}, {2}, {2}},
        AllocCase{"ThirtyEightAlone", {{"97530", 38}}, {3}, {3}},
        // §1.3.5: two services <= 7 min totalling >= 8: one unit, for the longer.
        AllocCase{"TwoShortOnesLongerFirst", {{"97110", 5}, {"97140", 4}}, {1, 0}, {0, 0}},
        AllocCase{"TwoShortOnesLongerSecond", {{"97110", 3}, {"97140", 6}}, {0, 1}, {0, 0}},
        AllocCase{"TwoShortOnesUnderEight", {{"97110", 3}, {"97140", 4}}, {0, 0}, {0, 0}},
        // Equal short services: documented tie-break = first entered.
        AllocCase{"TwoShortOnesTieGoesToFirstEntered", {{"97140", 4}, {"97110", 4}}, {1, 0},
                  {0, 0}},
        AllocCase{"ThreeSevensMakeOneUnit", {{"97116", 7}, {"97110", 7}, {"97112", 7}},
                  {1, 0, 0}, {0, 0, 0}},
        // Whole blocks first, then the largest leftover.
        AllocCase{"LeftoverDecidesTheThirdUnit", {{"97110", 30}, {"97140", 15}, {"97530", 10}},
                  {2, 1, 1}, {2, 1, 1}},
        AllocCase{"LargerLeftoverWinsOverLongerService", {{"97110", 25}, {"97112", 8}},
                  {2, 0}, {2, 1}},
        AllocCase{"EqualLeftoverGoesToMoreTotalTime", {{"97140", 8}, {"97110", 38}}, {0, 3},
                  {1, 3}},
        AllocCase{"EqualEverythingGoesToFirstEntered", {{"97110", 22}, {"97112", 22}}, {2, 1},
                  {1, 1}},
        AllocCase{"ThreeTensMakeTwoUnits", {{"97110", 10}, {"97112", 10}, {"97116", 10}},
                  {1, 1, 0}, {1, 1, 1}},
        AllocCase{"ShortFourthServiceGetsNothing",
                  {{"97110", 15}, {"97112", 15}, {"97140", 15}, {"97530", 6}}, {1, 1, 1, 0},
                  {1, 1, 1, 0}},
        // §1.3.4: >= 15 min gets at least one unit, >= 30 at least two.
        AllocCase{"FifteenMinuteServiceKeepsItsUnit", {{"97110", 15}, {"97112", 14},
                                                       {"97116", 14}},
                  {1, 1, 1}, {1, 1, 1}},
        AllocCase{"ThirtyMinuteServiceKeepsTwoUnits",
                  {{"97110", 30}, {"97112", 14}, {"97116", 14}, {"97140", 14}}, {2, 1, 1, 1},
                  {2, 1, 1, 1}},
        // Pooling: per-code leaves minutes on the table that total time collects.
        AllocCase{"PoolingCollectsTwoSevens", {{"97110", 7}, {"97124", 7}}, {1, 0}, {0, 0}},
        AllocCase{"PerCodeBillsMoreThanTotalTime", {{"97110", 8}, {"97112", 8}, {"97140", 8}},
                  {1, 1, 0}, {1, 1, 1}},
        // Same code entered twice is one claim line (§1.3.7): minutes summed first.
        AllocCase{"RepeatedCodeIsOneLine", {{"97110", 10}, {"97140", 9}, {"97110", 10}}, {1, 1},
                  {1, 1}},
        AllocCase{"ZeroMinutesIsNoUnit", {{"97110", 0}, {"97112", 23}}, {0, 2}, {0, 2}},
        // The CMS examples (RULES.md §1.4) hold too.
        AllocCase{"CmsExampleOne", {{"97112", 24}, {"97110", 23}}, {2, 1}, {2, 2}},
        AllocCase{"CmsExampleThree", {{"97110", 33}, {"97140", 7}}, {2, 1}, {2, 0}}),
    [](const auto& tp) { return tp.param.name; });

TEST(AllocationPropertyTest, TotalTimeInvariantsHoldForRandomVisits) {
    std::mt19937 rng(20260302);
    std::uniform_int_distribution<int> ncodes(1, 5), minutes(0, 70);
    const char* codes[] = {"97110", "97112", "97116", "97140", "97530"};
    for (int round = 0; round < 5000; ++round) {
        std::vector<TimedService> s;
        const int n = ncodes(rng);
        for (int i = 0; i < n; ++i) s.push_back({codes[i], minutes(rng)});
        const auto a = allocate_total_time(s);
        int total = 0, units = 0;
        for (const auto& u : a) {
            total += u.minutes;
            units += u.units;
            ASSERT_GE(u.units, u.minutes / 15) << "whole blocks are full units";
            ASSERT_LE(u.units, u.minutes / 15 + 1) << "at most one rounded unit per code";
            if (u.minutes % 15 == 0) ASSERT_EQ(u.units, u.minutes / 15);
        }
        ASSERT_EQ(units, units_for_minutes(total)) << "units follow the pooled total";
        // A code with a strictly larger leftover is never passed over for a smaller one.
        for (const auto& x : a)
            for (const auto& y : a)
                if (x.minutes % 15 > y.minutes % 15 && y.units > y.minutes / 15)
                    ASSERT_GT(x.units, x.minutes / 15) << x.code << " vs " << y.code;
    }
}

TEST(AllocationPropertyTest, NegativeMinutesAreRefused) {
    EXPECT_THROW(allocate_total_time({{"97110", 10}, {"97112", -1}}), Error);
    EXPECT_THROW(allocate_per_code({{"97110", -5}}), Error);
}

TEST(AllocationPropertyTest, MinutesAreKeptPerCode) {
    const auto a = allocate_total_time({{"97110", 10}, {"97140", 9}, {"97110", 12}});
    ASSERT_EQ(a.size(), 2u);
    EXPECT_EQ(a[0], (TimedUnits{"97110", 22, 1}));
    EXPECT_EQ(a[1], (TimedUnits{"97140", 9, 1}));
}

}  // namespace
}  // namespace vertebra::core::billing
