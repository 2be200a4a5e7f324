// MCID comparison (absolute and relative thresholds reported separately) and per-measure trends.
#include <algorithm>

#include "vertebra/common/error.hpp"
#include "vertebra/outcomes/mcid.hpp"

namespace vertebra::core::outcomes {

namespace {
constexpr double kEpsilon = 1e-9;

void check_range(Measure m, double v, const char* what) {
    if (v < 0 || v > measure_max(m) + kEpsilon)
        throw invalid(std::string(to_string(m)) + "." + what,
                      std::to_string(v) + " is outside 0-" +
                          std::to_string(static_cast<int>(measure_max(m))));
}
}  // namespace

McidComparison compare_with_baseline(Measure m, double baseline, double follow_up,
                                     const OutcomeConfig& config) {
    check_range(m, baseline, "baseline");
    check_range(m, follow_up, "follow_up");
    McidComparison c;
    c.measure = m;
    c.baseline = baseline;
    c.follow_up = follow_up;
    c.threshold = config.mcid(m);
    c.absolute_change = baseline - follow_up;
    if (baseline > 0) c.relative_change = c.absolute_change / baseline;
    c.absolute_met = c.absolute_change >= c.threshold.absolute_points - kEpsilon;
    c.relative_met = c.relative_change && *c.relative_change >= c.threshold.relative_fraction - kEpsilon;
    return c;
}

std::vector<TrendPoint> trend(Measure m, std::vector<Observation> observations,
                              const OutcomeConfig& config) {
    std::erase_if(observations, [m](const Observation& o) { return o.measure != m; });
    std::stable_sort(observations.begin(), observations.end(),
                     [](const auto& a, const auto& b) { return a.taken_at < b.taken_at; });
    std::vector<TrendPoint> out;
    for (const auto& o : observations) {
        const double base = observations.front().value;
        out.push_back({o.taken_at, o.value, compare_with_baseline(m, base, o.value, config)});
    }
    return out;
}

nlohmann::json to_json(const McidComparison& c) {
    nlohmann::json j{
        {"measure", to_string(c.measure)},
        {"baseline", c.baseline},
        {"follow_up", c.follow_up},
        {"absolute_change", c.absolute_change},
        {"relative_change", nullptr},
        {"mcid_absolute_points", c.threshold.absolute_points},
        {"mcid_relative_fraction", c.threshold.relative_fraction},
        {"absolute_met", c.absolute_met},
        {"relative_met", c.relative_met},
        {"met", c.met()},
    };
    if (c.relative_change) j["relative_change"] = *c.relative_change;
    return j;
}

}  // namespace vertebra::core::outcomes
