// Time zone conversions and ISO 8601 parsing/formatting over Howard Hinnant's date/tz.
#include "vertebra/common/time.hpp"

#include <cstdio>
#include <sstream>

#include "vertebra/common/error.hpp"

namespace vertebra {

namespace {

bool all_digits(std::string_view s) {
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return !s.empty();
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

ClinicZone::ClinicZone(std::string_view iana_name) : name_(iana_name), zone_(nullptr) {
    try {
        zone_ = date::locate_zone(name_);
    } catch (const std::exception&) {
        throw invalid("timezone", "'" + name_ + "' is not an IANA time zone (e.g. Europe/Berlin)");
    }
}

Instant ClinicZone::to_utc(LocalTime local, std::string_view field) const {
    auto info = zone_->get_info(local);
    switch (info.result) {
        case date::local_info::unique:
            return Instant{local.time_since_epoch() - info.first.offset};
        case date::local_info::ambiguous:
            return Instant{local.time_since_epoch() - info.first.offset};
        case date::local_info::nonexistent:
        default: {
            auto d = date::floor<date::days>(local);
            date::hh_mm_ss<std::chrono::seconds> tod{local - d};
            char buf[64];
            std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(tod.hours().count()),
                          static_cast<int>(tod.minutes().count()));
            throw invalid(std::string(field), std::string(buf) + " does not exist on " +
                                                  format_date(d) + " in " + name_ +
                                                  " (clocks move forward)");
        }
    }
}

std::optional<Instant> ClinicZone::try_to_utc(LocalTime local) const {
    auto info = zone_->get_info(local);
    if (info.result == date::local_info::nonexistent) return std::nullopt;
    return Instant{local.time_since_epoch() - info.first.offset};
}

LocalTime ClinicZone::to_local(Instant t) const {
    return date::zoned_time<std::chrono::seconds>(zone_, t).get_local_time();
}

std::chrono::seconds ClinicZone::offset(Instant t) const { return zone_->get_info(t).offset; }

LocalDate ClinicZone::local_date(Instant t) const { return date::floor<date::days>(to_local(t)); }

Instant ClinicZone::start_of_day(LocalDate d) const {
    LocalTime local{d};
    auto info = zone_->get_info(local);
    if (info.result == date::local_info::nonexistent) return Instant{info.second.begin};
    return Instant{local.time_since_epoch() - info.first.offset};
}

std::string ClinicZone::format_iso(Instant t) const {
    auto local = to_local(t);
    auto off = offset(t).count();
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, static_cast<int>(off / 3600),
                  static_cast<int>((off % 3600) / 60));
    return date::format("%Y-%m-%dT%H:%M:%S", local) + buf;
}

std::string ClinicZone::format_short(Instant t) const {
    return date::format("%Y-%m-%d %H:%M", to_local(t));
}

LocalTime parse_local_datetime(std::string_view text, std::string_view field) {
    // YYYY-MM-DDTHH:MM[:SS]
    auto fail = [&]() -> Error {
        return invalid(std::string(field), "'" + std::string(text) +
                                               "' is not a local date and time "
                                               "(expected YYYY-MM-DDTHH:MM)");
    };
    if (text.size() != 16 && text.size() != 19) throw fail();
    if (text[10] != 'T' && text[10] != ' ') throw fail();
    LocalDate d = parse_local_date(text.substr(0, 10), field);
    auto hh = text.substr(11, 2), mm = text.substr(14, 2);
    if (text[13] != ':' || !all_digits(hh) || !all_digits(mm)) throw fail();
    int h = to_int(hh), m = to_int(mm), s = 0;
    if (text.size() == 19) {
        auto ss = text.substr(17, 2);
        if (text[16] != ':' || !all_digits(ss)) throw fail();
        s = to_int(ss);
    }
    if (h > 23 || m > 59 || s > 59) throw fail();
    return LocalTime{d} + std::chrono::hours{h} + std::chrono::minutes{m} +
           std::chrono::seconds{s};
}

LocalDate parse_local_date(std::string_view text, std::string_view field) {
    auto fail = [&](const std::string& why) -> Error {
        return invalid(std::string(field), "'" + std::string(text) + "' " + why);
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
        !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2)))
        throw fail("is not a date (expected YYYY-MM-DD)");
    date::year_month_day ymd{date::year{to_int(text.substr(0, 4))},
                             date::month{static_cast<unsigned>(to_int(text.substr(5, 2)))},
                             date::day{static_cast<unsigned>(to_int(text.substr(8, 2)))}};
    if (!ymd.ok()) throw fail("is not a valid calendar date");
    return LocalDate{ymd};
}

int parse_hhmm(std::string_view text, std::string_view field) {
    auto fail = [&]() -> Error {
        return invalid(std::string(field),
                       "'" + std::string(text) + "' is not a time of day (expected HH:MM)");
    };
    if (text.size() != 5 || text[2] != ':' || !all_digits(text.substr(0, 2)) ||
        !all_digits(text.substr(3, 2)))
        throw fail();
    int h = to_int(text.substr(0, 2)), m = to_int(text.substr(3, 2));
    if (m > 59 || h > 24 || (h == 24 && m != 0)) throw fail();
    return h * 60 + m;
}

std::string format_date(LocalDate d) { return date::format("%Y-%m-%d", d); }

std::string format_hhmm(int minutes) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
    return buf;
}

std::string format_utc(Instant t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

int iso_weekday_index(LocalDate d) {
    unsigned iso = date::weekday{d}.iso_encoding();  // 1 = Monday .. 7 = Sunday
    return static_cast<int>(iso) - 1;
}

}  // namespace vertebra
