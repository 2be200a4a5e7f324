// The booking dialog's logic: patient search, services, slot suggestions, recurrence, booking.
#include "vertebra/ui/booking_presenter.hpp"

#include <algorithm>
#include <cstdio>

#include "vertebra/common/text.hpp"
#include "vertebra/ui/calendar_presenter.hpp"

namespace vertebra::ui {

namespace {
constexpr std::array<const char*, 7> kByDay{"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::array<const char*, 7> kDayName{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char*, 12> kMonthName{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string weekly_rrule(const BookingForm& f) {
    if (!f.weekly) return {};
    std::string days;
    for (std::size_t i = 0; i < 7; ++i) {
        if (!f.weekdays[i]) continue;
        if (!days.empty()) days += ',';
        days += kByDay[i];
    }
    if (days.empty() && f.start)
        days = kByDay[static_cast<std::size_t>(
            iso_weekday_index(date::floor<date::days>(*f.start)))];
    std::string rule = "FREQ=WEEKLY";
    if (!days.empty()) rule += ";BYDAY=" + days;
    if (f.until) {
        if (f.start && *f.until < date::floor<date::days>(*f.start))
            throw invalid("until", "the last date is before the first appointment");
        const date::year_month_day ymd{*f.until};
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d%02u%02uT235959", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        rule += ";UNTIL=";
        rule += buf;
    } else {
        if (f.count < 1) throw invalid("count", "a series needs at least one appointment");
        rule += ";COUNT=" + std::to_string(f.count);
    }
    return rule;
}

BookingPresenter::BookingPresenter(core::Scheduler& scheduler, core::SchedulingRepository& repo)
    : scheduler_(scheduler), repo_(repo) {
    services_ = repo_.services();
    std::sort(services_.begin(), services_.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    practitioners_ = repo_.practitioners();
    rooms_ = repo_.rooms();
}

std::vector<core::Patient> BookingPresenter::search_patients(const std::string& text, int limit) {
    return repo_.find_patients(trim(text), limit);
}

core::Patient BookingPresenter::create_patient(const std::string& name) {
    core::Patient p;
    p.name = trim(name);
    if (p.name.empty()) throw invalid("patient", "type the new patient's name first");
    p.id = repo_.add_patient(p);
    return p;
}

const core::Service* BookingPresenter::service(core::Id id) const {
    for (const auto& s : services_)
        if (s.id == id) return &s;
    return nullptr;
}

std::vector<core::Practitioner> BookingPresenter::practitioners_for(
    std::optional<core::Id> service_id) const {
    const core::Service* s = service_id ? service(*service_id) : nullptr;
    std::vector<core::Practitioner> out;
    for (const auto& p : practitioners_) {
        if (!p.active) continue;
        if (s && !s->discipline.empty() && !p.has_discipline(s->discipline)) continue;
        out.push_back(p);
    }
    return out;
}

std::vector<core::Slot> BookingPresenter::suggest_slots(const BookingForm& f, LocalDate from,
                                                        int count) {
    core::SlotQuery q;
    const core::Service* s = f.service_id ? service(*f.service_id) : nullptr;
    if (f.practitioner_id) {
        q.practitioner_id = f.practitioner_id;
    } else if (s) {
        q.discipline = s->discipline;
    } else {
        throw invalid("service", "choose a service or a practitioner to see free times");
    }
    q.minutes = f.minutes.value_or(s ? s->minutes : 30);
    q.service_id = f.service_id;
    q.from = from;
    q.days = 21;
    q.count = count;
    return scheduler_.find_slots(q);
}

void BookingPresenter::take_slot(BookingForm& f, const core::Slot& s) const {
    const ClinicZone zone = scheduler_.zone();
    f.practitioner_id = s.practitioner_id;
    f.room_id = s.room_id;
    f.start = zone.to_local(s.start);
}

std::string BookingPresenter::describe_slot(const core::Slot& s) const {
    const ClinicZone zone = scheduler_.zone();
    const LocalTime local = zone.to_local(s.start);
    const LocalDate d = date::floor<date::days>(local);
    const date::year_month_day ymd{d};
    std::string text = std::string(kDayName[static_cast<std::size_t>(iso_weekday_index(d))]) +
                       " " + std::to_string(static_cast<unsigned>(ymd.day())) + " " +
                       kMonthName[static_cast<unsigned>(ymd.month()) - 1] + " " +
                       format_hhmm(static_cast<int>((local - LocalTime{d}).count() / 60));
    for (const auto& p : practitioners_)
        if (p.id == s.practitioner_id) text += " \u00B7 " + p.name;
    if (s.room_id)
        for (const auto& r : rooms_)
            if (r.id == *s.room_id) text += " \u00B7 " + r.name;
    return text;
}

core::BookingRequest BookingPresenter::request(const BookingForm& f) const {
    if (!f.patient_id) throw invalid("patient", "choose a patient (type part of the name)");
    if (!f.practitioner_id) throw invalid("practitioner", "choose who will see the patient");
    if (!f.start) throw invalid("start", "choose a date and time");
    core::BookingRequest r;
    r.patient_id = *f.patient_id;
    r.practitioner_id = *f.practitioner_id;
    r.room_id = f.room_id;
    r.service_id = f.service_id;
    r.start = *f.start;
    r.minutes = f.minutes;
    if (!f.service_id && !f.minutes) r.minutes = 30;
    r.rrule = weekly_rrule(f);
    r.notes = f.notes;
    r.override_reason = f.override_reason;
    return r;
}

std::string BookingPresenter::check(const BookingForm& f) {
    try {
        scheduler_.prepare_booking(request(f));
        return {};
    } catch (...) {
        return error_sentence(std::current_exception());
    }
}

std::vector<core::Id> BookingPresenter::book(const BookingForm& f) {
    std::vector<core::BookingFinding> findings;
    auto ids = scheduler_.book(request(f), &findings);
    last_findings_ = std::move(findings);
    return ids;
}

std::vector<std::string> BookingPresenter::blocking_findings(const BookingForm& f) {
    std::vector<std::string> out;
    try {
        core::BookingRequest r = request(f);
        r.override_reason = "preview";  // see every finding instead of the first refusal
        for (const auto& x : scheduler_.prepare_booking(r).findings)
            if (x.blocking) out.push_back(x.reason);
    } catch (const Error&) {
        // Another problem (a conflict, hours, a missing field): check() names it.
    }
    return out;
}

}  // namespace vertebra::ui
