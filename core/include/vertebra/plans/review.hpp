// Plan review: latest outcomes against baseline (MCID), "not improving" and next steps, red flags.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/outcomes/mcid.hpp"
#include "vertebra/plans/assessment.hpp"
#include "vertebra/plans/plan.hpp"

namespace vertebra::core::plans {

enum class ReviewOutcome {
    Improving,     ///< at least one measure met its MCID
    NotImproving,  ///< no MCID met after the configured weeks
    TooEarly,      ///< no MCID met yet, but within the configured weeks
    NoData,        ///< no measure has a baseline and a later score
    RedFlag,       ///< an escalating red flag: refer, elective therapy blocked
};
const char* to_string(ReviewOutcome o);  ///< "improving", "not_improving", "too_early", ...

struct PlanReview {
    ReviewOutcome outcome = ReviewOutcome::NoData;
    LocalDate review_date;
    int weeks_of_care = 0;  ///< plan weeks + prior conservative care
    std::vector<outcomes::McidComparison> comparisons;
    bool goals_met = false;  ///< every measure goal's target reached (none: false)
    /// "continue", "step_down", "continue_and_remeasure", "adjust_conservative_care",
    /// "consider_injection_or_surgical_referral", "consider_surgical_referral",
    /// "consider_specialist_referral", "refer_emergency", "refer_same_day_urgent",
    /// "refer_urgent", "record_outcomes".
    std::string suggestion_code;
    std::string suggestion;  ///< a sentence for the clinician
    std::string flag;        ///< "not improving", "red flag" or ""
    Triage triage;           ///< of the red-flag screen used
};

/// Reviews a plan on `review_date`. Baseline per measure: the assessment's baseline score, else
/// the earliest observation; latest: the newest observation after the baseline taken on or
/// before the review date (dates of observations taken in UTC). `screen` is a fresh red-flag
/// screen if one was done at review; otherwise the assessment's. RULES.md §6.3 and §7.
PlanReview review_plan(const TreatmentPlan& plan, const Assessment& assessment,
                       const std::vector<outcomes::Observation>& observations,
                       LocalDate review_date,
                       const std::optional<std::vector<RedFlagAnswer>>& screen = std::nullopt,
                       const ClinicalRules& rules = default_clinical_rules(),
                       const outcomes::OutcomeConfig& config = outcomes::default_outcome_config());

void to_json(nlohmann::json& j, const PlanReview& r);

}  // namespace vertebra::core::plans
