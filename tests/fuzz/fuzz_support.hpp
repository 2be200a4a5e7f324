// Shared by the libFuzzer targets: what counts as a clean refusal and what is a finding.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <nlohmann/json.hpp>

#include "vertebra/common/error.hpp"

namespace vertebra::fuzz {

/// Points the data lookups (billing rules, ICD-10 table, templates) at the source tree's data.
inline void use_source_data() {
    setenv("VERTEBRA_DATA_DIR", VERTEBRA_SOURCE_DIR "/core/data", 0);
}

/// A finding: bad input must end as vertebra::Error(Invalid/NotFound/...) naming the problem,
/// never as another exception type (the CLI would exit 1 "unexpected failure") or Internal.
[[noreturn]] inline void finding(const char* what, const std::string& detail) {
    std::fprintf(stderr, "FUZZ FINDING: %s: %s\n", what, detail.c_str());
    std::abort();
}

/// Runs `f`; a vertebra::Error other than Internal is the expected refusal of bad input. The
/// message must be printable as JSON too (the CLI's --json output), so it is dumped.
template <class F>
void expect_clean(F&& f) {
    try {
        f();
    } catch (const vertebra::Error& e) {
        if (e.kind() == vertebra::ErrorKind::Internal) finding("Internal error", e.what());
        (void)nlohmann::json{{"error", e.what()}, {"field", e.field()}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
        finding("non-vertebra exception", e.what());
    }
}

}  // namespace vertebra::fuzz
