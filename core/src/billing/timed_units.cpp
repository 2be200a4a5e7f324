// The 8-minute rule: unit table and the two allocation methods (RULES.md §1.2-1.5).
#include "vertebra/billing/timed_units.hpp"

#include <algorithm>
#include <numeric>

#include "vertebra/common/error.hpp"

namespace vertebra::core::billing {

int units_for_minutes(int minutes, const UnitTable& t) {
    if (minutes < 0) throw invalid("minutes", "must not be negative (got " +
                                                  std::to_string(minutes) + ")");
    if (t.unit_minutes <= 0 || t.threshold_minutes <= 0 || t.threshold_minutes > t.unit_minutes)
        throw invalid("unit_table", "unit_minutes and threshold_minutes must satisfy "
                                    "0 < threshold <= unit");
    if (minutes < t.threshold_minutes) return 0;
    return (minutes - t.threshold_minutes) / t.unit_minutes + 1;
}

std::vector<TimedUnits> merge_by_code(const std::vector<TimedService>& services) {
    std::vector<TimedUnits> out;
    int total = 0;  // bounded by kMaxVisitMinutes, so no sum below can overflow
    for (const auto& s : services) {
        if (s.minutes < 0)
            throw invalid("minutes", s.code + ": minutes must not be negative (got " +
                                         std::to_string(s.minutes) + ")");
        if (s.minutes > kMaxVisitMinutes - total)
            throw invalid("minutes", s.code + ": the visit's timed minutes would exceed " +
                                         std::to_string(kMaxVisitMinutes) + " (got " +
                                         std::to_string(s.minutes) + " more)");
        total += s.minutes;
        auto it = std::find_if(out.begin(), out.end(),
                               [&](const TimedUnits& u) { return u.code == s.code; });
        if (it == out.end())
            out.push_back({s.code, s.minutes, 0});
        else
            it->minutes += s.minutes;
    }
    return out;
}

std::vector<TimedUnits> allocate_total_time(const std::vector<TimedService>& services,
                                            const UnitTable& table) {
    std::vector<TimedUnits> codes = merge_by_code(services);
    const int total = std::accumulate(codes.begin(), codes.end(), 0,
                                      [](int a, const TimedUnits& u) { return a + u.minutes; });
    const int total_units = units_for_minutes(total, table);

    // Step 1: whole blocks are full units.
    int given = 0;
    for (auto& c : codes) {
        c.units = c.minutes / table.unit_minutes;
        given += c.units;
    }
    // Step 2: the rest, one each, to the largest leftovers. Stable order of entry is the last key.
    std::vector<std::size_t> order(codes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const int ra = codes[a].minutes % table.unit_minutes;
        const int rb = codes[b].minutes % table.unit_minutes;
        if (ra != rb) return ra > rb;                                    // larger leftover
        return codes[a].minutes > codes[b].minutes;                      // then more total time
    });
    int remaining = total_units - given;
    for (std::size_t i : order) {
        if (remaining <= 0) break;
        if (codes[i].minutes % table.unit_minutes == 0) break;  // no leftover: nothing to round
        ++codes[i].units;
        --remaining;
    }
    return codes;
}

std::vector<TimedUnits> allocate_per_code(const std::vector<TimedService>& services,
                                          const UnitTable& table) {
    std::vector<TimedUnits> codes = merge_by_code(services);
    for (auto& c : codes) c.units = units_for_minutes(c.minutes, table);
    return codes;
}

std::vector<TimedUnits> allocate_timed(TimedMethod method,
                                       const std::vector<TimedService>& services,
                                       const UnitTable& table) {
    return method == TimedMethod::TotalTime ? allocate_total_time(services, table)
                                            : allocate_per_code(services, table);
}

}  // namespace vertebra::core::billing
