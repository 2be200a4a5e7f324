// Builds a realistic demo clinic through the scheduling services (used by `demo seed` and the app).
#pragma once

#include <cstdint>
#include <functional>

#include "vertebra/scheduling/repository.hpp"

namespace vertebra::core {

enum class DemoScale {
    Small,  ///< one clinic, 6 practitioners, 5 rooms, ~60 patients, a few weeks around `today`
    Large,  ///< benchmark tier L: 50 practitioners, 30 rooms, ~2.5M appointments over 10 years
    Medium, ///< tier L's clinic with one year of appointments (~270k): the quick benchmark
};

struct DemoSeedReport {
    std::int64_t practitioners = 0;
    std::int64_t rooms = 0;
    std::int64_t patients = 0;
    std::int64_t services = 0;
    std::int64_t appointments = 0;
    std::int64_t series = 0;
    std::int64_t cancelled = 0;
};

/// Seeds an empty database (refuses, Error Invalid, if it already has practitioners).
/// `today` anchors the small demo (its weeks are around today). Deterministic for a given today.
/// `progress` (optional) is called with a fraction 0..1 during long seeds.
DemoSeedReport seed_demo_clinic(SchedulingRepository& repo, DemoScale scale, LocalDate today,
                                const std::function<void(double)>& progress = {});

}  // namespace vertebra::core
