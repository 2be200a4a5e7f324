// Parses and prints weekly-hours specs such as "Mon-Fri 08:00-18:00; Sat 09:00-12:00".
#pragma once

#include <string>
#include <string_view>

#include "vertebra/domain/types.hpp"

namespace vertebra::core {

/// Grammar: GROUP (';' GROUP)*; GROUP = DAYS RANGE (',' RANGE)*; DAYS = Day | Day-Day | Day,Day...
/// Days are Mon..Sun (case-insensitive). Times HH:MM, 24:00 allowed as an end.
/// Throws Error(Invalid) naming `field` and the offending part.
WeeklyHours parse_weekly_hours(std::string_view spec, std::string_view field = "hours");
std::string format_weekly_hours(const WeeklyHours& h);

}  // namespace vertebra::core
