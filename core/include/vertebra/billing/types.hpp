// Billing vocabulary shared by the core kernel and every therapy module: codes, lines, results.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vertebra::core::billing {

/// How a payer turns minutes of timed ("each 15 minutes") codes into units (RULES.md §1.3-1.5).
enum class TimedMethod {
    TotalTime,  ///< "medicare": CMS total-time 8-minute rule, units allocated across codes
    PerCode,    ///< "commercial": CPT mid-point rule applied to each code separately
};

/// "medicare" | "commercial"; throws Invalid naming `field` otherwise.
TimedMethod timed_method_from_string(std::string_view s, std::string_view field = "timed_method");
const char* to_string(TimedMethod m);

/// Timed codes are billed per 15 minutes; untimed codes are one unit whatever the duration.
enum class CodeKind { Timed, Untimed };

/// One billable code as the rule data describes it.
struct CodeDef {
    std::string code;
    CodeKind kind = CodeKind::Untimed;
    std::string description;
    std::string discipline;     ///< e.g. "pt", "ot", "chiropractic", "massage"
    std::string owner = "core"; ///< "core" or the id of the module that brings the code
    int max_units_per_day = 0;  ///< 0 = no per-day limit
};

/// One claim line. Fee is the line total in minor units (cents) from the clinic's fee schedule.
struct LineItem {
    std::string code;
    int units = 0;
    std::vector<std::string> modifiers;
    std::int64_t fee_cents = 0;
    int minutes = 0;             ///< timed minutes behind the line (0 for untimed codes)
    std::string source = "core"; ///< "core" or the module that produced it
    std::string region;          ///< body region(s) "lumbar+cervical", for pairing edits

    bool has_modifier(std::string_view m) const;
    void add_modifier(const std::string& m);  ///< no duplicates
};

/// What billing a visit produces: claim lines, plus warnings a clinician must read.
struct BillResult {
    std::vector<LineItem> lines;
    std::vector<std::string> warnings;
    int total_timed_minutes = 0;  ///< RULES.md §1.3.8: documented with the claim
    std::int64_t total_cents = 0;

    /// The line for `code`, or nullptr.
    const LineItem* line(std::string_view code) const;
    LineItem* line(std::string_view code);
    /// Units billed for `code` (0 if absent).
    int units(std::string_view code) const;
};

}  // namespace vertebra::core::billing
