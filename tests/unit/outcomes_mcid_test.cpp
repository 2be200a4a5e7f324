// MCID comparison per RULES.md §7: absolute and relative thresholds reported separately.
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/outcomes/mcid.hpp"

namespace vertebra::core::outcomes {
namespace {

struct McidCase {
    Measure measure;
    double baseline;
    double follow_up;
    bool absolute_met;
    bool relative_met;
};

class McidTest : public testing::TestWithParam<McidCase> {};

TEST_P(McidTest, ReportsWhichThresholdsAreMet) {
    const auto& c = GetParam();
    const auto r = compare_with_baseline(c.measure, c.baseline, c.follow_up);
    EXPECT_EQ(r.absolute_met, c.absolute_met);
    EXPECT_EQ(r.relative_met, c.relative_met);
    EXPECT_EQ(r.met(), c.absolute_met || c.relative_met);
    EXPECT_DOUBLE_EQ(r.absolute_change, c.baseline - c.follow_up);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, McidTest,
    testing::Values(
        // ODI: 10 points or 30%.
        McidCase{Measure::Odi, 50, 40, true, false},    // 10 points = 20%
        McidCase{Measure::Odi, 50, 40.2, false, false}, // 9.8 points, 19.6%
        McidCase{Measure::Odi, 30, 21, false, true},    // 9 points = 30%
        McidCase{Measure::Odi, 30, 21.2, false, false}, // 8.8 points = 29.3%
        McidCase{Measure::Odi, 60, 30, true, true},
        McidCase{Measure::Odi, 42.2, 32.2, true, false}, // one-decimal values: exactly 10
        McidCase{Measure::Odi, 40, 50, false, false},   // worse
        // NRS: 2 points or 30%.
        McidCase{Measure::Nrs, 8, 6, true, false},      // 2 points = 25%
        McidCase{Measure::Nrs, 8, 7, false, false},
        McidCase{Measure::Nrs, 3, 2, false, true},      // 1 point = 33%
        McidCase{Measure::Nrs, 0, 0, false, false},     // no relative change from 0
        // RMDQ: 5 points or 30%.
        McidCase{Measure::Rmdq, 20, 15, true, false},   // 5 points = 25%
        McidCase{Measure::Rmdq, 10, 7, false, true},    // 3 points = 30%
        McidCase{Measure::Rmdq, 10, 8, false, false}));

TEST(McidTest, RelativeChangeAbsentForZeroBaseline) {
    const auto r = compare_with_baseline(Measure::Nrs, 0, 2);
    EXPECT_FALSE(r.relative_change.has_value());
    EXPECT_TRUE(r.worse());
    EXPECT_TRUE(to_json(r)["relative_change"].is_null());
}

TEST(McidTest, ThresholdsComeFromConfiguration) {
    auto cfg = default_outcome_config();
    cfg.rmdq_mcid = {3, 0.5};  // Roland's 2-3 points
    const auto r = compare_with_baseline(Measure::Rmdq, 10, 7, cfg);
    EXPECT_TRUE(r.absolute_met);
    EXPECT_FALSE(r.relative_met);
    EXPECT_EQ(to_json(r)["mcid_absolute_points"], 3);
}

TEST(McidTest, RefusesValuesOutsideTheScale) {
    EXPECT_THROW(compare_with_baseline(Measure::Nrs, 11, 3), Error);
    EXPECT_THROW(compare_with_baseline(Measure::Rmdq, 10, 25), Error);
    EXPECT_THROW(compare_with_baseline(Measure::Odi, -1, 25), Error);
}

TEST(TrendTest, OrdersByTimeAndComparesWithFirst) {
    std::vector<Observation> obs;
    auto at = [](int day) { return Instant{std::chrono::seconds{1'700'000'000 + day * 86400}}; };
    obs.push_back({0, 1, {}, Measure::Nrs, 5, at(14), {}, "", ""});
    obs.push_back({0, 1, {}, Measure::Nrs, 8, at(0), {}, "", ""});
    obs.push_back({0, 1, {}, Measure::Odi, 40, at(1), {}, "", ""});
    obs.push_back({0, 1, {}, Measure::Nrs, 7, at(7), {}, "", ""});
    const auto t = trend(Measure::Nrs, obs);
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].value, 8);
    EXPECT_EQ(t[1].value, 7);
    EXPECT_EQ(t[2].value, 5);
    EXPECT_FALSE(t[1].from_baseline.met());
    EXPECT_TRUE(t[2].from_baseline.absolute_met);
}

}  // namespace
}  // namespace vertebra::core::outcomes
