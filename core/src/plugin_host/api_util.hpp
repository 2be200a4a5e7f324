// Small helpers shared by the plugin API implementation files (dates, numbers, lists in messages).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vertebra/common/time.hpp"

namespace vertebra::plugin_api::detail {

/// Strict YYYY-MM-DD; nullopt if malformed or not a real date.
std::optional<LocalDate> parse_iso_date(const std::string& text);
std::string format_iso_date(LocalDate d);
/// 10 -> "10", 2.5 -> "2.5".
std::string format_number(double v);
/// "a, b, c"
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

}  // namespace vertebra::plugin_api::detail
