// Plan to schedule as a pure function: proposed bookings for a plan's components, and re-flow.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vertebra/plans/plan.hpp"

namespace vertebra::core::plans {

/// Answers "first free slot for practitioner P of M minutes starting on or after local time T"
/// (the host wires it to the scheduler, which knows hours, time off, rooms and equipment).
/// nullopt = none within the host's search horizon.
using FirstFreeSlot =
    std::function<std::optional<LocalTime>(Id practitioner_id, int minutes, LocalTime not_before)>;

struct ProposedBooking {
    Id component_id = 0;
    ComponentKind kind = ComponentKind::PhysicalTherapy;
    Id practitioner_id = 0;
    std::optional<Id> service_id;
    int session_number = 0;  ///< 1-based within the component, counting completed sessions
    LocalTime start;
    int minutes = 0;
    bool operator==(const ProposedBooking&) const = default;
};

struct ScheduleOptions {
    LocalDate from;                 ///< first day sessions may fall on
    int day_start_minutes = 8 * 60; ///< earliest local time asked for on a day
};

struct PlanSchedule {
    std::vector<ProposedBooking> bookings;  ///< by start time
    std::vector<std::string> problems;      ///< sessions that could not be placed, and why
    bool complete() const { return problems.empty(); }
};

/// Proposes the remaining sessions of every active component with per_week > 0. Session k of a
/// component (0-based among the remaining) is asked for on or after
///   max(from + floor(k * 7 / per_week) days, previous session's day + min_spacing_days)
/// at day_start_minutes; the patient is never given two overlapping sessions (a clash asks again
/// from the end of the earlier one). Components without a practitioner or with unacknowledged
/// findings are not scheduled and reported in problems. Pure: all availability comes from `slot`.
PlanSchedule generate_schedule(const TreatmentPlan& plan, const ScheduleOptions& options,
                               const FirstFreeSlot& slot);

/// Re-flow after one session moved: `sessions` are one component's bookings in order; session
/// `moved` now starts at `new_start`. Later sessions that now break min_spacing_days (or come
/// before it) are asked again from the earliest allowed day; the others keep their times.
/// Returns the full new list; problems go to `problems` if given.
std::vector<ProposedBooking> reflow_after_move(std::vector<ProposedBooking> sessions,
                                               std::size_t moved, LocalTime new_start,
                                               int min_spacing_days, const FirstFreeSlot& slot,
                                               int day_start_minutes = 8 * 60,
                                               std::vector<std::string>* problems = nullptr);

void to_json(nlohmann::json& j, const ProposedBooking& b);

}  // namespace vertebra::core::plans
