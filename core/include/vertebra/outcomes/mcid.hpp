// Comparing a follow-up score with baseline against MCID thresholds, and trends over time.
#pragma once

#include <optional>
#include <vector>

#include "vertebra/outcomes/measures.hpp"

namespace vertebra::core::outcomes {

/// Result of comparing a follow-up with baseline. Improvement is a drop (all measures: lower is
/// better); negative changes mean worsening.
struct McidComparison {
    Measure measure = Measure::Nrs;
    double baseline = 0;
    double follow_up = 0;
    double absolute_change = 0;                ///< baseline - follow_up
    std::optional<double> relative_change;     ///< (baseline - follow_up) / baseline; none if 0
    McidThreshold threshold;
    bool absolute_met = false;
    bool relative_met = false;
    bool met() const { return absolute_met || relative_met; }
    bool worse() const { return absolute_change < 0; }
};

/// Compares per RULES.md §7 with the configured thresholds of `m`. Values are range-checked.
McidComparison compare_with_baseline(Measure m, double baseline, double follow_up,
                                     const OutcomeConfig& config = default_outcome_config());

/// The observations of one measure in time order, with each one's change from the first.
struct TrendPoint {
    Instant taken_at;
    double value = 0;
    McidComparison from_baseline;
};
std::vector<TrendPoint> trend(Measure m, std::vector<Observation> observations,
                              const OutcomeConfig& config = default_outcome_config());

nlohmann::json to_json(const McidComparison& c);

}  // namespace vertebra::core::outcomes
