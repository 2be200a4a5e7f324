// ODI v2.1a, NRS-11 and RMDQ-24 scoring per RULES.md §7: exact percentages, bands and refusals.
#include <gtest/gtest.h>

#include "vertebra/common/error.hpp"
#include "vertebra/outcomes/measures.hpp"

namespace vertebra::core::outcomes {
namespace {

struct OdiCase {
    std::vector<std::string> answers;
    double percent;
    std::string band;
    int answered;
};

class OdiScoringTest : public testing::TestWithParam<OdiCase> {};

TEST_P(OdiScoringTest, ScoresAndBands) {
    const auto& c = GetParam();
    const auto s = score_odi(parse_odi_answers(c.answers));
    EXPECT_DOUBLE_EQ(s.percent, c.percent);
    EXPECT_EQ(s.band, c.band);
    EXPECT_EQ(s.answered, c.answered);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, OdiScoringTest,
    testing::Values(
        // RULES.md §7.1 example: all ten answered, sum 16 -> 32%, moderate.
        OdiCase{{"2", "2", "2", "2", "2", "2", "1", "1", "1", "1"}, 32.0, "moderate", 10},
        OdiCase{{"0", "0", "0", "0", "0", "0", "0", "0", "0", "0"}, 0.0, "minimal", 10},
        OdiCase{{"5", "5", "5", "5", "5", "5", "5", "5", "5", "5"}, 100.0, "bed-bound", 10},
        // Band limits are inclusive: exactly 20 / 40 / 60 / 80.
        OdiCase{{"1", "1", "1", "1", "1", "1", "1", "1", "1", "1"}, 20.0, "minimal", 10},
        OdiCase{{"1", "1", "1", "1", "1", "1", "1", "1", "1", "2"}, 22.0, "moderate", 10},
        OdiCase{{"2", "2", "2", "2", "2", "2", "2", "2", "2", "2"}, 40.0, "moderate", 10},
        OdiCase{{"3", "3", "3", "3", "3", "3", "3", "3", "3", "3"}, 60.0, "severe", 10},
        OdiCase{{"3", "3", "3", "3", "3", "3", "3", "3", "3", "4"}, 62.0, "crippled", 10},
        OdiCase{{"4", "4", "4", "4", "4", "4", "4", "4", "4", "4"}, 80.0, "crippled", 10},
        OdiCase{{"4", "4", "4", "4", "4", "4", "4", "4", "4", "5"}, 82.0, "bed-bound", 10},
        // One section missing: denominator 45. 16/45 = 35.555... -> 35.6 (half-up).
        OdiCase{{"2", "2", "2", "2", "2", "2", "1", "-", "1", "2"}, 35.6, "moderate", 9},
        // 9/45 = exactly 20.0 -> minimal; 10/45 = 22.222 -> 22.2 moderate.
        OdiCase{{"1", "1", "1", "1", "1", "1", "1", "-", "1", "1"}, 20.0, "minimal", 9},
        OdiCase{{"1", "1", "1", "1", "1", "1", "1", "-", "1", "2"}, 22.2, "moderate", 9},
        // 8/45 = 17.777... -> 17.8 half-up (17.7 if truncated).
        OdiCase{{"1", "1", "1", "1", "1", "1", "1", "-", "1", "0"}, 17.8, "minimal", 9},
        // Two missing: denominator 40. 13/40 = 32.5.
        OdiCase{{"2", "2", "2", "2", "2", "2", "1", "-", "-", "0"}, 32.5, "moderate", 8},
        // 33/45 = 73.333 -> 73.3 crippled.
        OdiCase{{"4", "4", "4", "4", "4", "4", "3", "-", "3", "3"}, 73.3, "crippled", 9}));

struct OdiRefusal {
    std::vector<std::string> answers;
    std::string message_part;
};

class OdiRefusalTest : public testing::TestWithParam<OdiRefusal> {};

TEST_P(OdiRefusalTest, RefusesWithReason) {
    const auto& c = GetParam();
    try {
        score_odi(parse_odi_answers(c.answers));
        FAIL() << "expected a refusal";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Invalid);
        EXPECT_EQ(e.exit_code(), 2);
        EXPECT_EQ(e.field(), "odi");
        EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, OdiRefusalTest,
    testing::Values(
        OdiRefusal{{"6", "0", "0", "0", "0", "0", "0", "0", "0", "0"}, "section 1 (pain intensity) answer 6 is outside 0-5"},
        OdiRefusal{{"0", "0", "-1", "0", "0", "0", "0", "0", "0", "0"}, "section 3 (lifting) answer -1 is outside 0-5"},
        OdiRefusal{{"0", "0", "0", "x", "0", "0", "0", "0", "0", "0"}, "not a number 0-5"},
        OdiRefusal{{"0", "0", "0", "2.5", "0", "0", "0", "0", "0", "0"}, "not a number 0-5"},
        OdiRefusal{{"1", "1", "1", "-", "-", "-", "1", "1", "1", "1"}, "3 of 10 sections are unanswered; at most 2"},
        OdiRefusal{{"-", "-", "-", "-", "-", "-", "-", "-", "-", "-"}, "10 of 10 sections are unanswered"},
        OdiRefusal{{"1", "1", "1"}, "expected 10 section answers"},
        OdiRefusal{{"1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1"}, "got 11"}));

TEST(OdiScoringTest, TruncationCanBeConfigured) {
    auto cfg = parse_outcome_config(to_json(default_outcome_config()));
    cfg.odi_rounding = Rounding::Truncate;
    const auto s = score_odi(parse_odi_answers({"1", "1", "1", "1", "1", "1", "1", "-", "1", "0"}), cfg);
    EXPECT_DOUBLE_EQ(s.percent, 17.7);
    EXPECT_NEAR(s.exact_percent, 17.7777, 1e-3);
}

TEST(OdiScoringTest, MaximumMissingSectionsIsConfigurable) {
    auto cfg = default_outcome_config();
    cfg.odi_max_missing_sections = 0;
    EXPECT_THROW(score_odi(parse_odi_answers({"1", "1", "1", "1", "1", "1", "1", "-", "1", "1"}), cfg), Error);
    cfg.odi_max_missing_sections = 3;
    EXPECT_DOUBLE_EQ(score_odi(parse_odi_answers({"1", "1", "1", "-", "-", "-", "1", "1", "1", "1"}), cfg).percent, 20.0);
}

struct ScaleCase {
    int value;
    std::string band;
};

class NrsScoringTest : public testing::TestWithParam<ScaleCase> {};
TEST_P(NrsScoringTest, DefaultBands) {
    EXPECT_EQ(score_nrs(GetParam().value).band, GetParam().band);
    EXPECT_EQ(score_nrs(GetParam().value).score, GetParam().value);
}
INSTANTIATE_TEST_SUITE_P(Rules, NrsScoringTest,
                         testing::Values(ScaleCase{0, "none"}, ScaleCase{1, "mild"},
                                         ScaleCase{3, "mild"}, ScaleCase{4, "moderate"},
                                         ScaleCase{6, "moderate"}, ScaleCase{7, "severe"},
                                         ScaleCase{10, "severe"}));

class RmdqScoringTest : public testing::TestWithParam<ScaleCase> {};
TEST_P(RmdqScoringTest, DocumentedBands) {
    EXPECT_EQ(score_rmdq(GetParam().value).band, GetParam().band);
}
INSTANTIATE_TEST_SUITE_P(Rules, RmdqScoringTest,
                         testing::Values(ScaleCase{0, "minimal"}, ScaleCase{4, "minimal"},
                                         ScaleCase{5, "mild"}, ScaleCase{10, "mild"},
                                         ScaleCase{11, "moderate"}, ScaleCase{16, "moderate"},
                                         ScaleCase{17, "severe"}, ScaleCase{24, "severe"}));

TEST(ScaleScoringTest, RefusesOutOfRangeValues) {
    for (int v : {-1, 11, 100}) {
        try {
            score_nrs(v);
            FAIL() << v;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Invalid);
            EXPECT_EQ(e.field(), "nrs");
            EXPECT_NE(std::string(e.what()).find("outside 0-10"), std::string::npos);
        }
    }
    EXPECT_THROW(score_rmdq(25), Error);
    EXPECT_THROW(score_rmdq(-1), Error);
    EXPECT_THROW(parse_score_integer("3.5", "nrs"), Error);
    EXPECT_THROW(parse_score_integer("", "nrs"), Error);
    EXPECT_EQ(parse_score_integer("7", "nrs"), 7);
}

TEST(OutcomeConfigTest, AlternativeNrsBandsFromData) {
    auto j = to_json(default_outcome_config());
    j["nrs"]["bands"] = {{{"name", "mild"}, {"upper", 5}},
                         {{"name", "moderate"}, {"upper", 7}},
                         {{"name", "severe"}, {"upper", 10}}};
    const auto cfg = parse_outcome_config(j);
    EXPECT_EQ(score_nrs(5, cfg).band, "mild");
    EXPECT_EQ(score_nrs(7, cfg).band, "moderate");
    EXPECT_EQ(score_nrs(8, cfg).band, "severe");
}

TEST(OutcomeConfigTest, RefusesMalformedConfiguration) {
    auto j = to_json(default_outcome_config());
    j["nrs"]["bands"] = {{{"name", "a"}, {"upper", 5}}, {{"name", "b"}, {"upper", 3}}};
    EXPECT_THROW(parse_outcome_config(j), Error);
    j = to_json(default_outcome_config());
    j["odi"]["bands"] = {{{"name", "a"}, {"upper", 50}}};  // does not reach 100
    EXPECT_THROW(parse_outcome_config(j), Error);
    j = to_json(default_outcome_config());
    j["rmdq"]["mcid"]["relative_fraction"] = 30;  // a percent, not a fraction
    EXPECT_THROW(parse_outcome_config(j), Error);
    j = to_json(default_outcome_config());
    j["odi"]["rounding"] = "bankers";
    EXPECT_THROW(parse_outcome_config(j), Error);
}

TEST(OutcomeConfigTest, DefaultsRoundTripThroughJson) {
    const auto& d = default_outcome_config();
    const auto again = parse_outcome_config(to_json(d));
    EXPECT_EQ(to_json(again), to_json(d));
    EXPECT_EQ(d.odi_max_missing_sections, 2);
    EXPECT_EQ(d.odi_rounding, Rounding::HalfUp);
}

TEST(MeasureNamesTest, ParsesAndRefuses) {
    EXPECT_EQ(measure_from_string("ODI"), Measure::Odi);
    EXPECT_EQ(measure_from_string("nrs"), Measure::Nrs);
    EXPECT_EQ(measure_from_string("rmdq"), Measure::Rmdq);
    EXPECT_THROW(measure_from_string("vas"), Error);
}

TEST(ObservationTest, ValidatesRangeAndOdiConsistency) {
    Observation o;
    o.measure = Measure::Nrs;
    o.value = 11;
    EXPECT_THROW(validate_observation(o), Error);
    o.value = 6.5;
    EXPECT_THROW(validate_observation(o), Error);
    o.value = 6;
    EXPECT_NO_THROW(validate_observation(o));
    o.measure = Measure::Odi;
    o.odi_answers = parse_odi_answers({"2", "2", "2", "2", "2", "2", "1", "1", "1", "1"});
    o.value = 32.0;
    EXPECT_NO_THROW(validate_observation(o));
    o.value = 40.0;
    EXPECT_THROW(validate_observation(o), Error);
}

}  // namespace
}  // namespace vertebra::core::outcomes
