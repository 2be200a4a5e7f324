// Plan review per RULES.md §6.3 and §7: improving, not improving with next step, red-flag referral.
#include <gtest/gtest.h>

#include "vertebra/plans/review.hpp"

namespace vertebra::core::plans {
namespace {

using outcomes::Measure;

Instant on(const char* d) { return outcomes::parse_utc(std::string(d) + "T10:00:00Z", "t"); }

outcomes::Observation score(Measure m, double v, const char* d) {
    outcomes::Observation o;
    o.patient_id = 7;
    o.measure = m;
    o.value = v;
    o.taken_at = on(d);
    return o;
}

struct ReviewCase {
    std::string name;
    PainPattern pattern;
    bool motor_weakness;
    int prior_weeks;
    double odi_baseline, odi_latest;
    double nrs_baseline, nrs_latest;
    std::string review_date;
    std::vector<std::string> red_flags;
    ReviewOutcome outcome;
    std::string suggestion_code;
};

class PlanReviewTest : public testing::TestWithParam<ReviewCase> {};

TEST_P(PlanReviewTest, OutcomeAndSuggestion) {
    const auto& c = GetParam();
    TreatmentPlan p;
    p.patient_id = 7;
    p.start_date = parse_local_date("2026-03-02");
    Assessment a;
    a.patient_id = 7;
    a.pain_pattern = c.pattern;
    a.objective_motor_weakness = c.motor_weakness;
    a.prior_conservative_care_weeks = c.prior_weeks;
    a.baseline = {score(Measure::Odi, c.odi_baseline, "2026-03-02"),
                  score(Measure::Nrs, c.nrs_baseline, "2026-03-02")};
    for (const auto& f : c.red_flags) a.red_flags.push_back({f, true});
    const std::vector<outcomes::Observation> obs{
        score(Measure::Odi, (c.odi_baseline + c.odi_latest) / 2, "2026-03-16"),
        score(Measure::Odi, c.odi_latest, "2026-04-06"),
        score(Measure::Nrs, c.nrs_latest, "2026-04-06"),
        score(Measure::Odi, 0, "2030-01-01"),  // after the review date: ignored
    };
    const auto r = review_plan(p, a, obs, parse_local_date(c.review_date.c_str()));
    EXPECT_EQ(r.outcome, c.outcome) << c.name << ": " << r.suggestion;
    EXPECT_EQ(r.suggestion_code, c.suggestion_code) << c.name << ": " << r.suggestion;
    EXPECT_FALSE(r.suggestion.empty());
    if (c.review_date >= "2026-04-06") {
        ASSERT_EQ(r.comparisons.size(), 2u);
        EXPECT_DOUBLE_EQ(r.comparisons[0].follow_up, c.odi_latest);
    } else {  // only the mid-way ODI is on or before the review date
        ASSERT_EQ(r.comparisons.size(), 1u);
        EXPECT_DOUBLE_EQ(r.comparisons[0].follow_up, (c.odi_baseline + c.odi_latest) / 2);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, PlanReviewTest,
    testing::Values(
        // ODI 40 -> 30 = 10 points: MCID met.
        ReviewCase{"odi_mcid", PainPattern::Radicular, false, 0, 40, 30, 7, 7, "2026-04-13", {},
                   ReviewOutcome::Improving, "continue"},
        // NRS 8 -> 6 = 2 points: MCID met though ODI is not.
        ReviewCase{"nrs_mcid", PainPattern::Axial, false, 0, 40, 38, 8, 6, "2026-04-13", {},
                   ReviewOutcome::Improving, "continue"},
        // Radicular, not improving, 6 weeks of care -> injection or surgical referral.
        ReviewCase{"radicular_6w", PainPattern::Radicular, false, 0, 40, 36, 7, 6, "2026-04-13", {},
                   ReviewOutcome::NotImproving, "consider_injection_or_surgical_referral"},
        // Radicular at 4 weeks: too early.
        ReviewCase{"radicular_4w", PainPattern::Radicular, false, 0, 40, 36, 7, 6, "2026-03-30", {},
                   ReviewOutcome::TooEarly, "continue_and_remeasure"},
        // Prior conservative care counts: 2 weeks of plan + 4 before = 6.
        ReviewCase{"radicular_prior", PainPattern::Radicular, false, 4, 40, 36, 7, 6, "2026-04-06", {},
                   ReviewOutcome::NotImproving, "consider_injection_or_surgical_referral"},
        // Axial, not improving at 6 weeks: adjust conservative care (referral from 12).
        ReviewCase{"axial_6w", PainPattern::Axial, false, 0, 40, 36, 7, 6, "2026-04-13", {},
                   ReviewOutcome::NotImproving, "adjust_conservative_care"},
        ReviewCase{"axial_12w", PainPattern::Axial, false, 6, 40, 36, 7, 6, "2026-04-13", {},
                   ReviewOutcome::NotImproving, "consider_specialist_referral"},
        ReviewCase{"motor_weakness", PainPattern::Axial, true, 0, 40, 36, 7, 6, "2026-04-13", {},
                   ReviewOutcome::NotImproving, "consider_surgical_referral"},
        // Red flags override everything, even improvement.
        ReviewCase{"cauda_equina", PainPattern::Radicular, false, 0, 40, 20, 7, 2, "2026-04-13",
                   {"bladder_dysfunction"}, ReviewOutcome::RedFlag, "refer_emergency"},
        ReviewCase{"infection", PainPattern::Axial, false, 0, 40, 36, 7, 6, "2026-04-13", {"fever"},
                   ReviewOutcome::RedFlag, "refer_same_day_urgent"},
        ReviewCase{"malignancy", PainPattern::Axial, false, 0, 40, 36, 7, 6, "2026-04-13",
                   {"cancer_history"}, ReviewOutcome::RedFlag, "refer_urgent"},
        // A risk factor alone (age) does not escalate.
        ReviewCase{"age_only", PainPattern::Axial, false, 0, 40, 30, 7, 6, "2026-04-13",
                   {"age_over_50"}, ReviewOutcome::Improving, "continue"}));

TEST(PlanReviewTest, StepDownWhenTargetsReached) {
    TreatmentPlan p;
    p.start_date = parse_local_date("2026-03-02");
    Goal g;
    g.measure = Measure::Odi;
    g.baseline = 40;
    g.target = 28;
    p.goals = {g};
    Assessment a;
    a.patient_id = 7;
    a.baseline = {score(Measure::Odi, 40, "2026-03-02")};
    auto r = review_plan(p, a, {score(Measure::Odi, 26, "2026-04-06")}, parse_local_date("2026-04-13"));
    EXPECT_EQ(r.outcome, ReviewOutcome::Improving);
    EXPECT_TRUE(r.goals_met);
    EXPECT_EQ(r.suggestion_code, "step_down");
    r = review_plan(p, a, {score(Measure::Odi, 29, "2026-04-06")}, parse_local_date("2026-04-13"));
    EXPECT_FALSE(r.goals_met);
    EXPECT_EQ(r.suggestion_code, "continue");
}

TEST(PlanReviewTest, NoDataAndEarliestObservationAsBaseline) {
    TreatmentPlan p;
    p.start_date = parse_local_date("2026-03-02");
    Assessment a;
    a.patient_id = 7;
    auto r = review_plan(p, a, {}, parse_local_date("2026-04-13"));
    EXPECT_EQ(r.outcome, ReviewOutcome::NoData);
    EXPECT_EQ(r.suggestion_code, "record_outcomes");
    // Without an assessment baseline the first score is the baseline.
    r = review_plan(p, a, {score(Measure::Rmdq, 10, "2026-04-06"), score(Measure::Rmdq, 16, "2026-03-02")},
                    parse_local_date("2026-04-13"));
    ASSERT_EQ(r.comparisons.size(), 1u);
    EXPECT_EQ(r.comparisons[0].baseline, 16);
    EXPECT_TRUE(r.comparisons[0].absolute_met);  // 6 points >= 5
    EXPECT_EQ(r.outcome, ReviewOutcome::Improving);
}

TEST(PlanReviewTest, FreshScreenAtReviewAndConfigurableWeeks) {
    TreatmentPlan p;
    p.start_date = parse_local_date("2026-03-02");
    Assessment a;
    a.patient_id = 7;
    a.pain_pattern = PainPattern::Radicular;
    a.baseline = {score(Measure::Nrs, 7, "2026-03-02")};
    const std::vector<outcomes::Observation> obs{score(Measure::Nrs, 6, "2026-04-06")};
    const std::vector<RedFlagAnswer> screen{{"saddle_anaesthesia", true}};
    auto r = review_plan(p, a, obs, parse_local_date("2026-04-13"), screen);
    EXPECT_EQ(r.outcome, ReviewOutcome::RedFlag);
    EXPECT_EQ(r.triage.tier, TriageTier::Emergency);
    nlohmann::json j = r;
    EXPECT_EQ(j["triage"]["tier"], "emergency");
    EXPECT_EQ(j["flag"], "red flag");

    auto rules = default_clinical_rules();
    rules.review.radicular_referral_weeks = 8;
    r = review_plan(p, a, obs, parse_local_date("2026-04-13"), std::nullopt, rules);
    EXPECT_EQ(r.outcome, ReviewOutcome::NotImproving);
    EXPECT_EQ(r.suggestion_code, "adjust_conservative_care");
    EXPECT_EQ(nlohmann::json(r)["flag"], "not improving");
}

}  // namespace
}  // namespace vertebra::core::plans
