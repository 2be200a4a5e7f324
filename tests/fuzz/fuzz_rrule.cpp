// Fuzzes RRULE input (`book --repeat`, plan series) through core::expand_rrule (libical). The
// first 4 bytes pick the local start (any day of 2000-2099 at a quarter hour); the rest is the rule.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "vertebra/scheduling/recurrence.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace vertebra::core;
    std::uint32_t seed = 0;
    for (std::size_t i = 0; i < 4 && i < size; ++i) seed = seed << 8 | data[i];
    const std::size_t skip = size < 4 ? size : 4;
    const std::string_view rule(reinterpret_cast<const char*>(data) + skip, size - skip);
    const auto day = date::sys_days{date::year{2000} / 1 / 1} + date::days{seed % 36525};
    const vertebra::LocalTime start = vertebra::LocalTime{day.time_since_epoch()} + std::chrono::minutes{15 * ((seed >> 16) % 96)};
    vertebra::fuzz::expect_clean([&] {
        const auto out = expand_rrule(rule, start);
        if (out.empty() || out.size() > static_cast<std::size_t>(kMaxSeriesOccurrences))
            vertebra::fuzz::finding("occurrence count out of range", std::to_string(out.size()));
        for (std::size_t i = 1; i < out.size(); ++i)
            if (out[i] <= out[i - 1]) vertebra::fuzz::finding("occurrences not increasing", std::string(rule));
    });
    return 0;
}
