// Expands RFC 5545 RRULEs (via libical) in clinic local time, so 09:00 stays 09:00 across DST.
#pragma once

#include <string_view>
#include <vector>

#include "vertebra/common/time.hpp"

namespace vertebra::core {

/// Most occurrences one series may create.
inline constexpr int kMaxSeriesOccurrences = 520;

/// Expands `rrule` (e.g. "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", with or without a leading "RRULE:")
/// from local start `dtstart`. The rule must end (COUNT or UNTIL); the first occurrence is dtstart.
/// Throws Error(Invalid, field "repeat") with libical's complaint or ours.
std::vector<LocalTime> expand_rrule(std::string_view rrule, LocalTime dtstart);

}  // namespace vertebra::core
