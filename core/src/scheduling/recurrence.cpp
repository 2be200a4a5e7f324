// RRULE expansion through libical's recurrence iterator, in floating (clinic-local) time.
#include "vertebra/scheduling/recurrence.hpp"

#include <libical/ical.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "vertebra/common/error.hpp"

namespace vertebra::core {

std::vector<LocalTime> expand_rrule(std::string_view rrule_text, LocalTime dtstart) {
    std::string rule(rrule_text);
    if (rule.rfind("RRULE:", 0) == 0) rule = rule.substr(6);
    if (rule.empty()) throw invalid("repeat", "is empty (expected e.g. FREQ=WEEKLY;COUNT=10)");

    icalerror_set_errno(ICAL_NO_ERROR);
    icalrecurrencetype recur = icalrecurrencetype_from_string(rule.c_str());
    // libical strdup()s an RSCALE value into the struct and leaves freeing it to the caller
    // (found by fuzz_rrule: "RSCALE=..." leaked on every call).
    std::unique_ptr<char, decltype(&std::free)> rscale(recur.rscale, &std::free);
    if (recur.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
        icalerror_set_errno(ICAL_NO_ERROR);
        throw invalid("repeat", "'" + rule + "' is not a valid RFC 5545 RRULE");
    }
    if (recur.count == 0 && icaltime_is_null_time(recur.until))
        throw invalid("repeat", "'" + rule + "' never ends: add COUNT=n or UNTIL=YYYYMMDD");
    if (recur.freq < ICAL_DAILY_RECURRENCE)
        throw invalid("repeat", "repeating more often than daily is not supported for appointments");

    auto days = date::floor<date::days>(dtstart);
    date::year_month_day ymd{days};
    date::hh_mm_ss<std::chrono::seconds> tod{dtstart - days};
    icaltimetype start = icaltime_null_time();
    start.year = static_cast<int>(ymd.year());
    start.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    start.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    start.hour = static_cast<int>(tod.hours().count());
    start.minute = static_cast<int>(tod.minutes().count());
    start.second = static_cast<int>(tod.seconds().count());
    start.is_date = 0;
    start.zone = nullptr;  // floating: expansion in wall-clock time, DST-agnostic

    std::unique_ptr<icalrecur_iterator, decltype(&icalrecur_iterator_free)> it(
        icalrecur_iterator_new(recur, start), &icalrecur_iterator_free);
    if (!it) throw invalid("repeat", "'" + rule + "' cannot be expanded");

    std::vector<LocalTime> out;
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get())) {
        if (static_cast<int>(out.size()) >= kMaxSeriesOccurrences)
            throw invalid("repeat", "'" + rule + "' makes more than " +
                                        std::to_string(kMaxSeriesOccurrences) +
                                        " appointments; book a shorter series");
        date::year_month_day d{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                               date::day{static_cast<unsigned>(t.day)}};
        out.push_back(LocalTime{LocalDate{d}} + std::chrono::hours{t.hour} +
                      std::chrono::minutes{t.minute} + std::chrono::seconds{t.second});
    }
    if (out.empty()) throw invalid("repeat", "'" + rule + "' produces no appointment");
    // libical returns repeated or backward dates for some rules RFC 5545 forbids (e.g.
    // FREQ=WEEKLY;BYDAY=53MO,WE, found by fuzz_rrule); a series must move forward in time.
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i] <= out[i - 1])
            throw invalid("repeat", "'" + rule + "' gives dates out of order (a numbered BYDAY such as "
                                    "2MO is allowed only with FREQ=MONTHLY or YEARLY)");
    return out;
}

}  // namespace vertebra::core
