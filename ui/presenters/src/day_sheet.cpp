// A practitioner's printable day sheet: the day's appointments as rows, one page per practitioner.
#include "vertebra/ui/day_sheet.hpp"

#include <algorithm>
#include <map>

namespace vertebra::ui {

std::vector<DaySheetPage> build_day_sheet(core::Scheduler& scheduler,
                                          core::SchedulingRepository& repo, LocalDate day,
                                          std::optional<core::Id> practitioner) {
    const ClinicZone zone = scheduler.zone();
    const std::string clinic = scheduler.clinic().name;
    std::map<core::Id, std::string> services;
    for (const auto& s : repo.services()) services[s.id] = s.name;
    std::map<core::Id, std::string> rooms;
    for (const auto& r : repo.rooms()) rooms[r.id] = r.name;
    std::map<core::Id, std::string> patients;

    std::vector<core::Id> filter;
    if (practitioner) filter.push_back(*practitioner);
    auto appts = scheduler.appointments_between(day, 1, filter);
    std::sort(appts.begin(), appts.end(), [](const auto& a, const auto& b) {
        return a.start != b.start ? a.start < b.start : a.id < b.id;
    });

    std::vector<DaySheetPage> pages;
    for (const auto& p : repo.practitioners()) {
        if (practitioner && p.id != *practitioner) continue;
        DaySheetPage page;
        page.practitioner_id = p.id;
        page.practitioner = p.name;
        page.day = day;
        page.clinic = clinic;
        for (const auto& a : appts) {
            if (a.practitioner_id != p.id) continue;
            DaySheetRow row;
            row.appointment_id = a.id;
            const LocalTime s = zone.to_local(a.start);
            const LocalTime e = zone.to_local(a.end);
            const LocalTime midnight{day};
            row.time = format_hhmm(static_cast<int>((s - midnight).count() / 60)) + "\u2013" +
                       format_hhmm(static_cast<int>((e - midnight).count() / 60) % (24 * 60));
            if (!patients.count(a.patient_id)) {
                auto pt = repo.patient(a.patient_id);
                patients[a.patient_id] = pt ? pt->name : "#" + std::to_string(a.patient_id);
            }
            row.patient = patients[a.patient_id];
            if (a.service_id) row.service = services[*a.service_id];
            if (a.room_id) row.room = rooms[*a.room_id];
            row.status = a.status;
            row.notes = a.status == core::AppointmentStatus::Cancelled ? a.cancel_reason : a.notes;
            if (core::occupies_time(a.status))
                page.booked_minutes += static_cast<int>((a.end - a.start).count() / 60);
            page.rows.push_back(std::move(row));
        }
        if (!page.rows.empty() || practitioner) pages.push_back(std::move(page));
    }
    return pages;
}

}  // namespace vertebra::ui
