// Instants (UTC) and the clinic's IANA time zone: parsing, formatting and local-time arithmetic.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>
#include <date/tz.h>

namespace vertebra {

/// A point in time, always UTC, to the second. Stored as epoch seconds.
using Instant = std::chrono::sys_seconds;
/// A wall-clock time in the clinic's zone (no zone attached).
using LocalTime = date::local_seconds;
using LocalDate = date::local_days;

inline std::int64_t to_epoch(Instant t) { return t.time_since_epoch().count(); }
inline Instant from_epoch(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }

/// The clinic's time zone. Cheap to copy; wraps a tzdb entry.
class ClinicZone {
public:
    /// Throws Error(Invalid, field "timezone") for an unknown IANA name.
    explicit ClinicZone(std::string_view iana_name);

    const std::string& name() const { return name_; }

    /// Local wall time -> UTC. A time that does not exist (spring-forward gap) is refused with a
    /// message naming it; an ambiguous one (fall-back) takes the first (earlier) occurrence.
    Instant to_utc(LocalTime local, std::string_view field = "start") const;
    /// As to_utc, but empty for a time inside a spring-forward gap.
    std::optional<Instant> try_to_utc(LocalTime local) const;
    LocalTime to_local(Instant t) const;
    /// UTC offset in seconds at instant t.
    std::chrono::seconds offset(Instant t) const;
    /// Start of the local day containing t, as a local date.
    LocalDate local_date(Instant t) const;
    /// Midnight local of `d` as an instant (midnight always exists in practice; if it does not,
    /// the first existing instant of that day).
    Instant start_of_day(LocalDate d) const;

    /// ISO 8601 with offset, e.g. 2026-11-02T09:00:00-05:00.
    std::string format_iso(Instant t) const;
    /// "2026-11-02 09:00" local, for people.
    std::string format_short(Instant t) const;

private:
    std::string name_;
    const date::time_zone* zone_;
};

/// Parses YYYY-MM-DDTHH:MM[:SS] (also accepts a space instead of T). Throws Invalid naming field.
LocalTime parse_local_datetime(std::string_view text, std::string_view field = "start");
/// Parses YYYY-MM-DD. Throws Invalid naming field.
LocalDate parse_local_date(std::string_view text, std::string_view field = "date");
/// Parses HH:MM into minutes after midnight. Throws Invalid naming field.
int parse_hhmm(std::string_view text, std::string_view field);
std::string format_date(LocalDate d);
std::string format_hhmm(int minutes_after_midnight);
/// ISO 8601 UTC with Z.
std::string format_utc(Instant t);

/// Weekday of a local date, 0 = Monday ... 6 = Sunday (ISO order).
int iso_weekday_index(LocalDate d);

}  // namespace vertebra
