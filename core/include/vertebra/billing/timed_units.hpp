// The 8-minute rule: minutes to units, and allocating units across timed codes (RULES.md §1.2-1.5).
#pragma once

#include <string>
#include <vector>

#include "vertebra/billing/types.hpp"

namespace vertebra::core::billing {

/// Parameters of the unit table (rule data `core/data/billing/unit_table.json`).
/// Most timed minutes one visit can hold (a day); more is a typing error, refused as Invalid.
inline constexpr int kMaxVisitMinutes = 24 * 60;

struct UnitTable {
    int unit_minutes = 15;      ///< minutes in one unit of a timed code
    int threshold_minutes = 8;  ///< minutes that reach the first unit (mid-point passed)
};

/// units(T) = T < threshold ? 0 : floor((T - threshold) / unit) + 1. Throws Invalid if T < 0.
int units_for_minutes(int minutes, const UnitTable& table = {});

/// Minutes of one timed code in a visit, in the order the clinician entered them.
struct TimedService {
    std::string code;
    int minutes = 0;
};

/// Result per code: minutes (summed if the code was entered more than once) and units.
struct TimedUnits {
    std::string code;
    int minutes = 0;
    int units = 0;
    bool operator==(const TimedUnits&) const = default;
};

/// Sums minutes per code, keeping the order of first entry (one claim line per timed code per
/// date of service, §1.3.7). Throws Invalid (field "minutes") on negative minutes.
std::vector<TimedUnits> merge_by_code(const std::vector<TimedService>& services);

/// Medicare total-time method (§1.3-1.4): U = units(sum of minutes); each code gets
/// floor(m / unit) whole units; the remaining units go one each to the codes with the largest
/// leftover minutes. Ties: larger total minutes for the code first, then earlier entry
/// (docs/billing.md "Tie-break").
std::vector<TimedUnits> allocate_total_time(const std::vector<TimedService>& services,
                                            const UnitTable& table = {});

/// CPT per-code mid-point method (§1.5): each code's own minutes through the table; minutes are
/// never pooled.
std::vector<TimedUnits> allocate_per_code(const std::vector<TimedService>& services,
                                          const UnitTable& table = {});

/// Dispatches on the payer's method.
std::vector<TimedUnits> allocate_timed(TimedMethod method,
                                       const std::vector<TimedService>& services,
                                       const UnitTable& table = {});

}  // namespace vertebra::core::billing
