// Plan-to-schedule generation and re-flow, pure over an injected "first free slot" function.
#include "vertebra/plans/schedule.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace vertebra::core::plans {

namespace {

LocalDate day_of(LocalTime t) { return date::floor<date::days>(t); }

LocalTime at_minutes(LocalDate d, int minutes) { return LocalTime{d} + std::chrono::minutes{minutes}; }

std::string when(LocalTime t) { return date::format("%Y-%m-%d %H:%M", t); }

/// Asks for a slot, and again after any clash with the patient's already-proposed sessions.
std::optional<LocalTime> free_for_patient(const FirstFreeSlot& slot, Id practitioner, int minutes,
                                          LocalTime not_before,
                                          const std::vector<ProposedBooking>& taken) {
    LocalTime cursor = not_before;
    for (int attempt = 0; attempt < 500; ++attempt) {
        auto s = slot(practitioner, minutes, cursor);
        if (!s) return std::nullopt;
        if (*s < cursor) return std::nullopt;  // a slot function that goes backwards: give up
        const LocalTime end = *s + std::chrono::minutes{minutes};
        auto clash = std::find_if(taken.begin(), taken.end(), [&](const ProposedBooking& b) {
            const LocalTime bend = b.start + std::chrono::minutes{b.minutes};
            return *s < bend && b.start < end;
        });
        if (clash == taken.end()) return s;
        cursor = clash->start + std::chrono::minutes{clash->minutes};
    }
    return std::nullopt;
}

}  // namespace

PlanSchedule generate_schedule(const TreatmentPlan& plan, const ScheduleOptions& options,
                               const FirstFreeSlot& slot) {
    PlanSchedule out;
    for (const auto& c : plan.components) {
        if (!c.active || c.per_week <= 0 || c.remaining_sessions() == 0) continue;
        const std::string name = fmt::format("component #{} {}", c.id, to_string(c.kind));
        if (c.practitioner_id <= 0) {
            out.problems.push_back(name + " has no responsible practitioner");
            continue;
        }
        if (!c.unacknowledged().empty()) {
            out.problems.push_back(name + " has contraindication findings to acknowledge first");
            continue;
        }
        std::optional<LocalDate> previous;
        const int remaining = c.remaining_sessions();
        for (int k = 0; k < remaining; ++k) {
            LocalDate earliest = options.from + date::days{(k * 7) / c.per_week};
            if (previous) earliest = std::max(earliest, *previous + date::days{c.min_spacing_days});
            auto s = free_for_patient(slot, c.practitioner_id, c.session_minutes,
                                      at_minutes(earliest, options.day_start_minutes), out.bookings);
            if (!s) {
                out.problems.push_back(fmt::format(
                    "{}: no free slot for session {} of {} on or after {} with practitioner {}",
                    name, c.sessions_completed + k + 1, c.planned_sessions(),
                    format_date(earliest), c.practitioner_id));
                break;
            }
            out.bookings.push_back({c.id, c.kind, c.practitioner_id, c.service_id,
                                    c.sessions_completed + k + 1, *s, c.session_minutes});
            previous = day_of(*s);
        }
    }
    std::stable_sort(out.bookings.begin(), out.bookings.end(), [](const auto& a, const auto& b) {
        return a.start != b.start ? a.start < b.start : a.component_id < b.component_id;
    });
    return out;
}

std::vector<ProposedBooking> reflow_after_move(std::vector<ProposedBooking> sessions,
                                               std::size_t moved, LocalTime new_start,
                                               int min_spacing_days, const FirstFreeSlot& slot,
                                               int day_start_minutes,
                                               std::vector<std::string>* problems) {
    if (moved >= sessions.size()) return sessions;
    sessions[moved].start = new_start;
    for (std::size_t i = moved + 1; i < sessions.size(); ++i) {
        const LocalDate earliest = day_of(sessions[i - 1].start) + date::days{min_spacing_days};
        const LocalTime prev_end =
            sessions[i - 1].start + std::chrono::minutes{sessions[i - 1].minutes};
        if (day_of(sessions[i].start) >= earliest && sessions[i].start >= prev_end) continue;
        auto others = sessions;
        others.erase(others.begin() + static_cast<std::ptrdiff_t>(i), others.end());
        auto s = free_for_patient(slot, sessions[i].practitioner_id, sessions[i].minutes,
                                  std::max(at_minutes(earliest, day_start_minutes), prev_end), others);
        if (!s) {
            if (problems)
                problems->push_back(fmt::format("session {} could not be re-flowed after {}",
                                                sessions[i].session_number, when(prev_end)));
            sessions.resize(i);
            break;
        }
        sessions[i].start = *s;
    }
    return sessions;
}

void to_json(nlohmann::json& j, const ProposedBooking& b) {
    j = {{"component_id", b.component_id},
         {"kind", to_string(b.kind)},
         {"practitioner_id", b.practitioner_id},
         {"service_id", b.service_id ? nlohmann::json(*b.service_id) : nlohmann::json(nullptr)},
         {"session_number", b.session_number},
         {"start", when(b.start)},
         {"minutes", b.minutes}};
}

}  // namespace vertebra::core::plans
