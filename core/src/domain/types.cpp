// Small behaviours of the domain types: hours coverage, capability checks, status names.
#include "vertebra/domain/types.hpp"

#include <algorithm>

#include "vertebra/common/error.hpp"

namespace vertebra::core {

bool WeeklyHours::covers(int wd, int begin, int end) const {
    for (const auto& r : days.at(static_cast<std::size_t>(wd)))
        if (r.begin <= begin && end <= r.end) return true;
    return false;
}

bool Practitioner::has_discipline(const std::string& d) const {
    return std::find(disciplines.begin(), disciplines.end(), d) != disciplines.end();
}

bool Room::has_all(const std::vector<std::string>& needed) const {
    for (const auto& n : needed)
        if (std::find(equipment.begin(), equipment.end(), n) == equipment.end()) return false;
    return true;
}

namespace {
struct StatusName {
    AppointmentStatus status;
    const char* name;
};
constexpr StatusName kStatusNames[] = {
    {AppointmentStatus::Booked, "booked"},       {AppointmentStatus::Confirmed, "confirmed"},
    {AppointmentStatus::Arrived, "arrived"},     {AppointmentStatus::InSession, "in_session"},
    {AppointmentStatus::Completed, "completed"}, {AppointmentStatus::Cancelled, "cancelled"},
    {AppointmentStatus::NoShow, "no_show"},
};
}  // namespace

const char* to_string(AppointmentStatus s) {
    for (const auto& n : kStatusNames)
        if (n.status == s) return n.name;
    return "booked";
}

AppointmentStatus appointment_status_from_string(const std::string& s) {
    for (const auto& n : kStatusNames)
        if (s == n.name) return n.status;
    throw invalid("status", "'" + s + "' is not an appointment status");
}

}  // namespace vertebra::core
