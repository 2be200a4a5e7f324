// A practitioner's printable day sheet: the day's appointments as rows, one page per practitioner.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vertebra/scheduling/scheduler.hpp"

namespace vertebra::ui {

struct DaySheetRow {
    core::Id appointment_id = 0;
    std::string time;     ///< "09:00-09:30"
    std::string patient;
    std::string service;
    std::string room;
    core::AppointmentStatus status = core::AppointmentStatus::Booked;
    std::string notes;    ///< notes, or the cancel reason
};

struct DaySheetPage {
    core::Id practitioner_id = 0;
    std::string practitioner;
    LocalDate day;
    std::string clinic;
    std::vector<DaySheetRow> rows;  ///< by start time; cancelled ones included, marked
    int booked_minutes = 0;         ///< time still occupied (not cancelled)
};

/// One page per practitioner with appointments that day (or just `practitioner`, even if empty).
std::vector<DaySheetPage> build_day_sheet(core::Scheduler& scheduler,
                                          core::SchedulingRepository& repo, LocalDate day,
                                          std::optional<core::Id> practitioner = {});

}  // namespace vertebra::ui
